/**
 * `amd:eval --live` on a real Asterisk: the PBX side of live.ts for `--ari-url` (the caller's own Asterisk) and
 * `--asterisk` (the bundled 22.10.1 in `.cache/asterisk22`, started here in a temp folder and stopped at the end).
 *
 * The callee is a Local channel whose dialplan half answers, plays the corpus file and hangs up 300 ms after
 * its end (as the simulator's callee does); the evaluator originates the other half into its Stasis app, then
 * snoops, bridges with externalMedia and feeds the media plane exactly as for the simulator. So the detector
 * hears what Asterisk really sends: its frames, its timing, and its digital silence while the snoop forms.
 *
 * The file must reach Asterisk: it is written as raw signed-linear 8 kHz (`.sln`, format_sln, in every
 * Asterisk) into a folder Asterisk can read — for `--ari-url`, `--sounds-dir`, a folder on the Asterisk host
 * (or a shared mount) — and played by absolute path. The dialplan context (CONTEXT below, or `--context`):
 *
 *   [centralita-amd-eval]
 *   exten => _X.,1,Answer()
 *    same => n,Playback(${CENTRALITA_AMD_EVAL_SOUND})
 *    same => n,Wait(0.3)
 *    same => n,Hangup()
 *
 * The sound's path rides on an inherited channel variable (`_CENTRALITA_AMD_EVAL_SOUND`): a Local channel
 * copies inheritable variables from the originated half to the dialplan half.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { readWav } from '../../audio/index.js';
import type { LivePbx, LivePbxFactory } from './live.js';

const run = promisify(execFile);

export const CONTEXT = 'centralita-amd-eval';
export const SOUND_VARIABLE = 'CENTRALITA_AMD_EVAL_SOUND';

/** The dialplan the evaluator needs, for the bundled Asterisk and for the README. */
export const DIALPLAN = [
  `[${CONTEXT}]`,
  '; amd:eval --live: the callee answers, plays the corpus file, and hangs up 300 ms after its end.',
  'exten => _X.,1,Answer()',
  ` same => n,Playback(\${${SOUND_VARIABLE}})`,
  ' same => n,Wait(0.3)',
  ' same => n,Hangup()',
  '',
].join('\n');

export interface AsteriskTarget {
  /** Base URL of Asterisk's HTTP server (`http://host:8088`; a trailing `/ari` is accepted). */
  url: string;
  username: string;
  password: string;
  /** Stasis app name the evaluator registers (any name the ARI user may use). */
  app?: string;
  /** A folder Asterisk can read by the same absolute path: the evaluator writes the files there. */
  soundsDir: string;
  /** Dialplan context of the callee (default centralita-amd-eval). */
  context?: string;
}

/** 16-bit little-endian samples, as format_sln reads them. */
function slnBytes(samples: Int16Array): Buffer {
  const b = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i]!, i * 2);
  return b;
}

/** The PBX name from ARI: "asterisk 22.10.1". */
async function asteriskName(url: string, auth: string): Promise<string> {
  const res = await fetch(`${url}/ari/asterisk/info?only=system`, { headers: { authorization: auth } });
  if (!res.ok) throw new Error(`GET ${url}/ari/asterisk/info: ${res.status} ${await res.text()}`);
  const info = (await res.json()) as { system?: { version?: string } };
  return `asterisk ${info.system?.version ?? 'unknown'}`;
}

/** A caller's Asterisk through ARI: the files are written into `soundsDir` and removed again at the end. */
export function asteriskPbx(target: AsteriskTarget, onClose?: () => Promise<void>): LivePbxFactory {
  const url = target.url.replace(/\/+$/, '').replace(/\/ari$/, '');
  return async (files): Promise<LivePbx> => {
    const auth = 'Basic ' + Buffer.from(`${target.username}:${target.password}`).toString('base64');
    const name = await asteriskName(url, auth);
    const dir = join(resolve(target.soundsDir), `amd-eval-${process.pid}-${Date.now().toString(36)}`);
    mkdirSync(dir, { recursive: true });
    // µ-law or PCM WAV in the corpus, the same raw slin to Asterisk: what it plays is what offline reads.
    for (const [i, f] of files.entries()) writeFileSync(join(dir, `${String(i).padStart(4, '0')}.sln`), slnBytes((await readWav(f)).samples));
    return {
      name,
      url,
      username: target.username,
      password: target.password,
      app: target.app ?? 'centralita-amd-eval',
      endpoint: (i) => `Local/${String(i).padStart(4, '0')}@${target.context ?? CONTEXT}`,
      variables: (i) => ({ [`_${SOUND_VARIABLE}`]: join(dir, String(i).padStart(4, '0')) }),
      // µ-law, as a callee on a G.711 trunk arrives. Left without formats, the Local channel is slin192 and
      // Asterisk's 8 → 192 kHz up-sampling (speex, fixed point, interpolating filter) halves the level: −6 dB that a
      // PJSIP callee does not get. Measured in scripts/amd-level-probe.ts.
      formats: 'ulaw',
      close: async () => {
        rmSync(dir, { recursive: true, force: true });
        await onClose?.();
      },
    };
  };
}

const freePort = (): Promise<number> =>
  new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });

/**
 * The bundled Asterisk (`scripts/install-asterisk.sh` puts it in `.cache/asterisk22`, or `$ASTERISK_BUNDLE_DIR`),
 * started for one evaluation with the dialplan above; stopped and its folder removed when the PBX closes.
 */
export function bundledAsteriskPbx(bundleDir = process.env.ASTERISK_BUNDLE_DIR ?? join(process.cwd(), '.cache/asterisk22')): LivePbxFactory {
  return async (files) => {
    const script = join(bundleDir, 'start-asterisk.sh');
    if (!existsSync(script)) throw new Error(`--asterisk: bundle missing, run 'bash scripts/install-asterisk.sh' (looked for ${script})`);
    // The control socket path must stay under 108 characters: a short folder.
    const rundir = mkdtempSync(join(tmpdir(), 'ast-amdeval-'));
    const extensions = join(rundir, 'extensions_amd_eval.conf');
    writeFileSync(extensions, DIALPLAN);
    const httpPort = await freePort();
    const rtpStart = 20000 + (httpPort % 200) * 100;
    const username = 'amdeval';
    const password = `pw${Math.random().toString(36).slice(2, 12)}`;
    const app = 'centralita-amd-eval';
    const stop = async () => {
      await run(script, [rundir, '--stop'], { timeout: 60_000 }).catch(() => {});
      rmSync(rundir, { recursive: true, force: true });
    };
    try {
      await run(script, [rundir, '--http-port', String(httpPort), '--ari-user', username, '--ari-password', password, '--ari-app', app,
        '--extensions', extensions, '--rtp-ports', `${rtpStart}-${rtpStart + 99}`, '--timeout', '90'], { timeout: 120_000 });
    } catch (err) {
      await stop();
      const e = err as { stderr?: string; message: string };
      throw new Error(`start-asterisk.sh failed: ${e.stderr ?? e.message}`);
    }
    return asteriskPbx({ url: `http://127.0.0.1:${httpPort}`, username, password, app, soundsDir: join(rundir, 'amd-sounds') }, stop)(files);
  };
}
