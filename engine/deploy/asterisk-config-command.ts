import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile, copyFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseExtensionList, renderAgentEndpoints, renderAriConf, renderTrunk } from './asterisk-config.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function secret(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * `centralita asterisk:config --out DIR --agents 1001-1020 [--trunk name@host[:port]] [--ari-user centralita]`
 * Writes ari.conf, http.conf, pjsip.conf and the dialplan into DIR with fresh random secrets, and prints the
 * ARI password once (put it in Centralita's ARI_PASSWORD).
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string', default: 'asterisk-generated' },
      agents: { type: 'string', default: '' },
      trunk: { type: 'string' },
      'ari-user': { type: 'string', default: 'centralita' },
    },
  });
  const out = resolve(values.out!);
  await mkdir(out, { recursive: true });
  const ariPassword = secret();
  const ariConf = renderAriConf(await readFile(join(root, 'asterisk-config/ari.conf.template'), 'utf8'), values['ari-user']!, ariPassword);
  const agents = values.agents ? parseExtensionList(values.agents).map((extension) => ({ extension, password: secret() })) : [];
  let pjsip = await readFile(join(root, 'asterisk-config/pjsip.conf.template'), 'utf8');
  pjsip += '\n; ---- Agents ----\n' + renderAgentEndpoints(agents);
  if (values.trunk) {
    const m = /^([^@]+)@(.+)$/.exec(values.trunk);
    if (!m) throw new Error(`--trunk must look like name@host[:port], got "${values.trunk}"`);
    pjsip += '\n; ---- Trunk ----\n' + renderTrunk({ name: m[1]!, host: m[2]! });
  }
  await writeFile(join(out, 'ari.conf'), ariConf, { mode: 0o600 });
  await writeFile(join(out, 'pjsip.conf'), pjsip, { mode: 0o600 });
  await copyFile(join(root, 'asterisk-config/http.conf'), join(out, 'http.conf'));
  await copyFile(join(root, 'dialplan/extensions_centralita.conf'), join(out, 'extensions_centralita.conf'));
  await writeFile(join(out, 'agents.csv'), 'extension,sip_password\n' + agents.map((a) => `${a.extension},${a.password}`).join('\n') + '\n', { mode: 0o600 });
  process.stdout.write(
    `Wrote ${out}: ari.conf, http.conf, pjsip.conf (${agents.length} agent phones), extensions_centralita.conf, agents.csv\n` +
      `ARI_USERNAME=${values['ari-user']}\nARI_PASSWORD=${ariPassword}\n(shown once; it is also in ari.conf)\n`,
  );
  return 0;
}
