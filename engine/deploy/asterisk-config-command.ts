import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  newSecret,
  parseExtensionList,
  parseHostPort,
  renderAgentEndpoints,
  renderAriConf,
  renderDialplan,
  renderHttpConf,
  renderInstallNotes,
  renderPjsipConf,
  renderTrunk,
  type ChannelDriver,
} from './asterisk-config.js';
import { renderModulesConf } from './modules.js';
import { recordSafeHarbor } from './sounds.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// The same generator the API uses for an agent's SIP password (POST /api/agents/{id}/sip-password).
const secret = newSecret;

/**
 * `centralita asterisk:config --out DIR [--agents 1001-1020] [--trunk name@host[:port]] [--app centralita]
 *   [--ari-user centralita] [--http-bind 127.0.0.1:8088] [--driver pjsip|sip] [--sip-bind ADDR:PORT]
 *   [--company NAME] [--callback NUMBER] [--no-sounds]`
 * Writes snippets the box's own files #include (ari_centralita.conf, http_centralita.conf, pjsip_centralita.conf,
 * extensions_centralita.conf, modules_centralita.conf), the safe-harbor sounds, agents.csv and README.txt with
 * every step, with fresh random secrets; prints the ARI password once (Centralita's ARI_PASSWORD).
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string', default: 'asterisk-generated' },
      agents: { type: 'string', default: '' },
      trunk: { type: 'string' },
      app: { type: 'string', default: process.env['ARI_APP'] || 'centralita' },
      'ari-user': { type: 'string', default: 'centralita' },
      'http-bind': { type: 'string', default: '127.0.0.1:8088' },
      driver: { type: 'string', default: 'pjsip' },
      'sip-bind': { type: 'string' },
      company: { type: 'string' },
      callback: { type: 'string' },
      'no-sounds': { type: 'boolean', default: false },
    },
  });
  const driver = values.driver as ChannelDriver;
  if (driver !== 'pjsip' && driver !== 'sip') throw new Error(`--driver must be pjsip or sip, got "${values.driver}"`);
  const [httpAddr, httpPort] = parseHostPort(values['http-bind']!, '--http-bind');
  if (values['sip-bind']) parseHostPort(values['sip-bind'], '--sip-bind');
  const out = resolve(values.out!);
  await mkdir(out, { recursive: true });
  const tpl = (p: string) => readFile(join(root, p), 'utf8');

  const ariPassword = secret();
  const agents = values.agents ? parseExtensionList(values.agents).map((extension) => ({ extension, password: secret() })) : [];
  let trunk: { name: string; host: string } | null = null;
  if (values.trunk) {
    const m = /^([^@]+)@(.+)$/.exec(values.trunk);
    if (!m) throw new Error(`--trunk must look like name@host[:port], got "${values.trunk}"`);
    trunk = { name: m[1]!, host: m[2]! };
  }
  const written: string[] = [];
  const write = async (name: string, text: string, mode = 0o644) => {
    await writeFile(join(out, name), text, { mode });
    written.push(name);
  };
  await write('ari_centralita.conf', renderAriConf(await tpl('asterisk-config/ari_centralita.conf.template'), values['ari-user']!, ariPassword), 0o600);
  await write('http_centralita.conf', renderHttpConf(await tpl('asterisk-config/http_centralita.conf.template'), httpAddr, httpPort));
  await write('extensions_centralita.conf', renderDialplan(await tpl('dialplan/extensions_centralita.conf'), values.app!, driver));
  if (driver === 'pjsip') {
    let pjsip = renderPjsipConf(await tpl('asterisk-config/pjsip_centralita.conf.template'), values['sip-bind'] ?? null);
    pjsip += '\n; ---- Agents ----\n' + renderAgentEndpoints(agents);
    if (trunk) pjsip += '\n; ---- Trunk ----\n' + renderTrunk(trunk);
    await write('pjsip_centralita.conf', pjsip, 0o600);
  }
  await write('modules_centralita.conf', renderModulesConf(driver));
  await write('agents.csv', 'extension,sip_password\n' + agents.map((a) => `${a.extension},${a.password}`).join('\n') + '\n', 0o600);
  let sounds = !values['no-sounds'];
  if (sounds) {
    try {
      await recordSafeHarbor(join(out, 'sounds'), { ...(values.company ? { company: values.company } : {}), ...(values.callback ? { callback: values.callback } : {}) });
      written.push('sounds/en/centralita/safe-harbor.wav', 'sounds/es/centralita/safe-harbor.wav');
    } catch (err) {
      sounds = false;
      process.stderr.write(`asterisk:config: the safe-harbor message was not recorded (${(err as Error).message.split('\n')[0]}); install espeak-ng and ffmpeg, or record sound:centralita/safe-harbor yourself\n`);
    }
  }
  await write('README.txt', renderInstallNotes({ app: values.app!, ariUser: values['ari-user']!, httpAddr, httpPort, driver, agents: agents.length, trunk: trunk?.name ?? null, sounds }));
  process.stdout.write(
    `Wrote ${out}: ${written.join(', ')}\n` +
      `Follow ${join(out, 'README.txt')} on the Asterisk box (each file is #included; nothing of the box is replaced).\n` +
      `ARI_URL=http://${httpAddr}:${httpPort}\nARI_USERNAME=${values['ari-user']}\nARI_PASSWORD=${ariPassword}\nARI_APP=${values.app}\n(the password is shown once; it is also in ari_centralita.conf)\n`,
  );
  return 0;
}
