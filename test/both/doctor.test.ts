/**
 * `centralita doctor` against a real Asterisk 22.10.1 running the generated Centralita dialplan, and against the
 * embedded PBX: it passes on a good deployment and fails, with the right line and a non-zero exit, on wrong ARI
 * credentials, on RTP that cannot reach the engine, and on `transmit_silence` off. The good deployment runs the
 * CLI as an engineer does (a child process, the environment of `centralita start`); the failures run the same
 * checks in-process (a CLI start costs seconds of TypeScript loading on a busy machine).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatResult, runDoctor, verdictOf } from '../../app/doctor/index.js';
import { loadConfig } from '../../engine/config/index.js';
import { renderDialplan } from '../../engine/deploy/asterisk-config.js';
import { startSimulator } from '../../engine/sim/index.js';
import { startRealAsterisk, type RealAsterisk } from '../support/real-asterisk.js';

const ROOT = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'doctor-'));

function doctor(env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((res) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin/centralita.mjs'), 'doctor'],
      {
        cwd: tmp,
        timeout: 60_000,
        env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'silent', ...baseEnv(), ...env },
      },
      (err, stdout, stderr) => res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

const baseEnv = (): Record<string, string> => ({
  DB_PATH: join(tmp, 'db', 'centralita.db'),
  RECORDINGS_DIR: join(tmp, 'recordings'),
  RTP_HOST: '127.0.0.1',
  RTP_PORT_MIN: '47000',
  RTP_PORT_MAX: '47999',
});

/** The doctor's report in-process: its lines, the last line and the exit code the command would give. */
async function doctorHere(env: Record<string, string>, target?: { url: string; username: string; password: string }): Promise<{ code: number; out: string }> {
  const config = loadConfig({ ...baseEnv(), ...env });
  const t = target ?? { url: config.ARI_URL!, username: config.ARI_USERNAME, password: config.ARI_PASSWORD ?? '' };
  const results = await runDoctor({ ...t, app: config.ARI_APP }, config);
  const v = verdictOf(results);
  return { code: v.code, out: [...results.map(formatResult), v.line].join('\n') + '\n' };
}

const line = (out: string, title: string): string => out.split('\n').find((l) => l.slice(6).startsWith(`${title}:`)) ?? `(no line "${title}")`;

let good: RealAsterisk;
let silent: RealAsterisk;
const envOf = (a: RealAsterisk) => ({ ARI_URL: a.url, ARI_USERNAME: a.username, ARI_PASSWORD: a.password, ARI_APP: 'centralita' });

beforeAll(async () => {
  const dialplan = join(tmp, 'extensions_centralita.conf');
  writeFileSync(dialplan, renderDialplan(readFileSync(join(ROOT, 'dialplan/extensions_centralita.conf'), 'utf8'), 'centralita'));
  [good, silent] = await Promise.all([
    startRealAsterisk({ name: 'doctor', app: 'centralita', extensions: dialplan }),
    startRealAsterisk({ name: 'doctor-ts', app: 'centralita', extensions: dialplan, transmitSilence: false }),
  ]);
}, 180_000);
afterAll(async () => {
  await Promise.all([good?.close(), silent?.close()]);
  rmSync(tmp, { recursive: true, force: true });
});

describe('centralita doctor against a real Asterisk 22.10.1', () => {
  it('passes every check of a good deployment and exits 0', async () => {
    const { code, out } = await doctor(envOf(good));
    process.stdout.write(`--- doctor on the real Asterisk ---\n${out}`);
    expect(out).not.toMatch(/^FAIL/m);
    expect(code).toBe(0);
    expect(line(out, 'ARI reachable, credentials valid')).toMatch(/^PASS/);
    expect(line(out, 'Asterisk version')).toMatch(/^PASS .*Asterisk 22\.10\.1/);
    // The test bundle has no SIP channel driver: a warning, not a failure.
    expect(line(out, 'required modules loaded')).toMatch(/^WARN .*no SIP channel driver/);
    expect(line(out, 'Stasis app "centralita"')).toMatch(/^PASS .*registering it works/);
    expect(line(out, 'externalMedia end to end')).toMatch(/^PASS .*UnicastRTP/);
    expect(line(out, 'RTP reaches the engine')).toMatch(/^PASS .*RTP packets of the tone .* arrived at 127\.0\.0\.1:47\d{3}/);
    expect(line(out, 'transmit_silence')).toMatch(/^PASS .*a silent channel sent \d+ frames in 1 s/);
    expect(line(out, 'clock skew')).toMatch(/^PASS/);
    expect(line(out, 'database writable')).toMatch(/^PASS/);
    expect(line(out, 'disk space for recordings')).toMatch(/^(PASS|WARN)/);
    expect(line(out, 'Redis')).toMatch(/^SKIP .*not configured/);
    expect(out).toMatch(/doctor: all \d+ checks passed/);
    // Nothing left behind in Asterisk.
    expect(await good.cli('core show channels count')).toMatch(/^0 active channels/m);
  }, 60_000);

  it('fails on wrong ARI credentials, naming the user and the fix', async () => {
    const { code, out } = await doctorHere({ ...envOf(good), ARI_PASSWORD: 'not-the-password' });
    expect(code).toBe(1);
    expect(line(out, 'ARI reachable, credentials valid')).toMatch(/^FAIL .*refused user "ci" \(HTTP 401: wrong ARI_USERNAME or ARI_PASSWORD\)/);
    expect(out).toMatch(/fix: ARI_USERNAME\/ARI_PASSWORD must match a user in ari\.conf/);
    expect(out).toMatch(/doctor: \d+ of \d+ checks failed: ari$/m);
  }, 60_000);

  it('fails when externalMedia RTP cannot reach the engine', async () => {
    // Asterisk is told to send to RTP_HOST, an address that is not this host (TEST-NET-3): nothing arrives.
    const { code, out } = await doctorHere({ ...envOf(good), RTP_HOST: '203.0.113.5' });
    expect(code).toBe(1);
    expect(line(out, 'externalMedia end to end')).toMatch(/^PASS/);
    expect(line(out, 'RTP reaches the engine')).toMatch(/^FAIL +RTP reaches the engine: no RTP arrived in 3\.\d s: Asterisk sent it to 203\.0\.113\.5:47\d{3} .* is not an address of this host/);
    expect(out).toMatch(/fix: set RTP_HOST to this host's address as Asterisk sees it, and let UDP 47000-47999/);
    expect(line(out, 'transmit_silence')).toMatch(/^SKIP/);
    expect(out).toMatch(/checks failed: rtp$/m);
  }, 60_000);

  it('fails when transmit_silence is off', async () => {
    expect(await silent.cli('core show settings')).toMatch(/Transmit silence during rec:\s+Disabled/);
    const { code, out } = await doctorHere(envOf(silent));
    expect(code).toBe(1);
    expect(line(out, 'RTP reaches the engine')).toMatch(/^PASS/);
    expect(line(out, 'transmit_silence')).toMatch(/^FAIL +transmit_silence: a silent channel sent [0-9] frames in 1 s, not ~50: transmit_silence is off/);
    expect(out).toMatch(/fix: set `transmit_silence = yes` under \[options\] in asterisk\.conf/);
    expect(out).toMatch(/checks failed: transmit-silence$/m);
  }, 60_000);
});

describe('centralita doctor against the embedded PBX', () => {
  it('passes on the embedded PBX (what `centralita doctor` starts when ARI_URL is unset)', async () => {
    const sim = await startSimulator({ mediaMode: 'realtime' });
    const { code, out } = await doctorHere({}, sim).finally(() => sim.close());
    expect(out).not.toMatch(/^(FAIL|WARN)/m);
    expect(code).toBe(0);
    for (const t of ['ARI reachable, credentials valid', 'Asterisk version', 'required modules loaded', 'externalMedia end to end', 'RTP reaches the engine', 'transmit_silence', 'clock skew']) {
      expect(line(out, t)).toMatch(/^PASS/);
    }
  }, 60_000);
});
