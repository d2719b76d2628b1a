/**
 * A real Asterisk 22.10.1 for tests: the bundle that `scripts/install-asterisk.sh` puts in `.cache/asterisk22/`
 * (from ../shared/asterisk22/bin), started in a temp folder on a free HTTP port with the test dialplan
 * (test/fixtures/asterisk-dialplan/extensions_test.conf) and the sound files that dialplan plays.
 *
 * It is the judge of the simulator: tests that matter run against both (see `pbx-target.ts`). There is no
 * "skip when missing": CI installs the bundle, and a test that needs it fails loudly without it.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { encodeWav } from '../../engine/audio/wav.js';
import { beep, noiseFloor, render, sequence, silence, speech, tone } from '../../engine/sim/audio/index.js';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ASTERISK_BUNDLE_DIR = join(ROOT, '.cache/asterisk22');
export const TEST_DIALPLAN = join(ROOT, 'test/fixtures/asterisk-dialplan/extensions_test.conf');

export interface RealAsteriskOptions {
  /** Temp folder prefix, e.g. the test file's name. */
  name: string;
  /** Stasis app the credentials are for (also the dialplan's ${ARI_APP}). */
  app?: string;
  /** Dialplan file to include instead of the test dialplan. */
  extensions?: string;
  /** Extra `*.conf` files copied over the defaults (start-asterisk.sh --conf-dir). */
  confDir?: string;
  /** `transmit_silence` in asterisk.conf (start-asterisk.sh writes yes; false writes the file with no). */
  transmitSilence?: boolean;
}

/** asterisk.conf as start-asterisk.sh writes it for RUNDIR, with `transmit_silence` set as asked. */
function asteriskConf(rundir: string, transmitSilence: boolean): string {
  const d = (p: string) => join(rundir, p);
  return [
    '[directories]',
    `astcachedir => ${d('var/cache/asterisk')}`,
    `astetcdir => ${d('etc')}`,
    `astmoddir => ${d('lib/asterisk/modules')}`,
    `astvarlibdir => ${d('var/lib/asterisk')}`,
    `astdbdir => ${d('var/lib/asterisk')}`,
    `astkeydir => ${d('var/lib/asterisk')}`,
    `astdatadir => ${d('var/lib/asterisk')}`,
    `astagidir => ${d('var/lib/asterisk/agi-bin')}`,
    `astspooldir => ${d('var/spool/asterisk')}`,
    `astrundir => ${d('var/run/asterisk')}`,
    `astlogdir => ${d('var/log/asterisk')}`,
    `astsbindir => ${d('sbin')}`,
    '',
    '[options]',
    'verbose = 3',
    'debug = 0',
    'timestamp = yes',
    'defaultlanguage = en',
    'documentation_language = en_US',
    `transmit_silence = ${transmitSilence ? 'yes' : 'no'}`,
    'hideconnect = yes',
    '',
  ].join('\n');
}

export interface RealAsterisk {
  /** Base URL of Asterisk's HTTP server (what ARI_URL takes): http://127.0.0.1:PORT */
  url: string;
  username: string;
  password: string;
  app: string;
  httpPort: number;
  rundir: string;
  /** Runs one CLI command (`asterisk -rx`) and returns its output. */
  cli(command: string): Promise<string>;
  /** Stops Asterisk (core stop now); `start` brings it back on the same port and folder. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Asterisk's own log (notice, warning, error, verbose). */
  log(): string;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export const freeTcpPort = (): Promise<number> =>
  new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });

/** The sound files `writeTestSounds` puts into the real Asterisk (the embedded PBX is given the same names). */
export const TEST_SOUND_NAMES = ['lab-hello', 'lab-greeting', 'cl-human-hello', 'cl-machine-greeting', 'cl-beep', 'cl-noise', 'cl-tone-440', 'cl-tone-1400'] as const;

/** The sound files the test dialplan plays, rendered by the simulator's own generators (8 kHz 16-bit WAV). */
export function writeTestSounds(soundsDir: string): void {
  mkdirSync(soundsDir, { recursive: true });
  const wav = (name: string, samples: Int16Array) => writeFileSync(join(soundsDir, `${name}.wav`), encodeWav(samples));
  // The traces' files: a 462 ms hello and an 8 s greeting.
  wav('lab-hello', render(speech({ ms: 462, seed: 11, level: 6000, noiseFloor: 40 })));
  wav('lab-greeting', render(speech({ ms: 8000, seed: 12, level: 6000, noiseFloor: 40 })));
  // The number-range callees: "Hello?" then a quiet open line; an 8 s greeting; the 1 kHz beep.
  wav('cl-human-hello', render(sequence([speech({ ms: 700, seed: 21, level: 6000, noiseFloor: 40 })])));
  wav('cl-machine-greeting', render(sequence([speech({ ms: 8000, seed: 22, level: 6000, noiseFloor: 40 }), silence(300)])));
  wav('cl-beep', render(beep(500)));
  wav('cl-noise', render(noiseFloor(23, 30, 5000)));
  // Steady tones of the recordings test's person (12 s) and agent phone (5 s, looped).
  wav('cl-tone-440', render(tone(440, 12_000, 5000)));
  wav('cl-tone-1400', render(tone(1400, 5000, 5000)));
}

export async function startRealAsterisk(opts: RealAsteriskOptions): Promise<RealAsterisk> {
  const script = join(ASTERISK_BUNDLE_DIR, 'start-asterisk.sh');
  if (!existsSync(script)) {
    throw new Error(`real Asterisk bundle missing: run 'bash scripts/install-asterisk.sh' (looked for ${script})`);
  }
  // The control socket path must stay under 108 characters: keep the folder short.
  const rundir = mkdtempSync(join(tmpdir(), `ast-${opts.name.slice(0, 12)}-`));
  const httpPort = await freeTcpPort();
  // Asterisk's own RTP range, spread so that instances of parallel test files rarely share ports.
  const rtpStart = 20000 + (httpPort % 200) * 100;
  const app = opts.app ?? 'centralita';
  const username = 'ci';
  const password = `pw${httpPort}x${Math.random().toString(36).slice(2, 10)}`;
  writeTestSounds(join(rundir, 'var/lib/asterisk/sounds/en'));
  let confDir = opts.confDir;
  if (opts.transmitSilence === false) {
    confDir = join(rundir, 'conf-extra');
    mkdirSync(confDir, { recursive: true });
    if (opts.confDir) for (const f of readdirSync(opts.confDir)) if (f.endsWith('.conf')) copyFileSync(join(opts.confDir, f), join(confDir, f));
    writeFileSync(join(confDir, 'asterisk.conf'), asteriskConf(rundir, false));
  }
  const args = [
    rundir,
    '--http-port', String(httpPort),
    '--ari-user', username,
    '--ari-password', password,
    '--ari-app', app,
    '--extensions', opts.extensions ?? TEST_DIALPLAN,
    '--rtp-ports', `${rtpStart}-${rtpStart + 99}`,
    '--timeout', '60',
    ...(confDir ? ['--conf-dir', confDir] : []),
  ];
  const start = async () => {
    try {
      await run(script, args, { timeout: 90_000 });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`start-asterisk.sh failed: ${e.stderr ?? e.message}`);
    }
  };
  const stop = async () => {
    await run(script, [rundir, '--stop'], { timeout: 60_000 });
  };
  const conf = join(rundir, 'etc/asterisk.conf');
  try {
    await start();
  } catch (err) {
    // A start that failed (the boot took longer than its deadline on a loaded machine) may have left Asterisk
    // running in the background: stop it and remove its folder, or it runs on for the rest of the test run.
    await stop().catch(() => undefined);
    rmSync(rundir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `http://127.0.0.1:${httpPort}`,
    username,
    password,
    app,
    httpPort,
    rundir,
    cli: async (command) => (await run(join(rundir, 'sbin/asterisk'), ['-C', conf, '-rx', command], { timeout: 15_000 })).stdout,
    stop,
    start,
    log: () => {
      const p = join(rundir, 'var/log/asterisk/full');
      return existsSync(p) ? readFileSync(p, 'utf8') : '';
    },
    close: async () => {
      await stop().catch(() => {});
      rmSync(rundir, { recursive: true, force: true });
    },
  };
}
