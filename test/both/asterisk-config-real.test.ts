/**
 * `npm run asterisk:config` output, checked as files and then loaded into a real Asterisk 22.10.1: the ARI user
 * is ADDED (the box's own user still works), the dialplan sends calls to the Stasis app given with --app, the
 * test numbers work without core sounds, and `sound:centralita/safe-harbor` (the campaigns' default) plays in
 * English and Spanish once the generated sounds are copied in.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../engine/deploy/asterisk-config-command.js';
import { defaultCallPolicy } from '../../engine/calls/types.js';
import { campaignSettingsSchema } from '../../engine/campaigns/index.js';
import { ariCall, connectWire } from '../support/ari-wire.js';
import { startRealAsterisk, type RealAsterisk } from '../support/real-asterisk.js';

const tmp = mkdtempSync(join(tmpdir(), 'astcfg-'));
const out = join(tmp, 'out');
let stdout = '';

function wavInfo(path: string): { rate: number; channels: number; bits: number; seconds: number; peak: number } {
  const b = readFileSync(path);
  expect(b.toString('ascii', 0, 4)).toBe('RIFF');
  expect(b.toString('ascii', 8, 12)).toBe('WAVE');
  const channels = b.readUInt16LE(22);
  const rate = b.readUInt32LE(24);
  const bits = b.readUInt16LE(34);
  let off = 12;
  while (b.toString('ascii', off, off + 4) !== 'data') off += 8 + b.readUInt32LE(off + 4);
  const len = b.readUInt32LE(off + 4);
  let peak = 0;
  for (let i = off + 8; i + 1 < off + 8 + len; i += 2) peak = Math.max(peak, Math.abs(b.readInt16LE(i)));
  return { rate, channels, bits, seconds: len / (rate * channels * (bits / 8)), peak };
}

beforeAll(async () => {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => ((stdout += s), true)) as typeof process.stdout.write;
  try {
    expect(await run(['--out', out, '--agents', '1001-1003', '--trunk', 'carrier@sip.example.net', '--app', 'dialer-b', '--company', 'Acme', '--callback', '5550100'])).toBe(0);
  } finally {
    process.stdout.write = write;
  }
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('asterisk:config files', () => {
  it('writes snippets to #include, not replacements of the box files', () => {
    expect(readdirSync(out).sort()).toEqual(['README.txt', 'agents.csv', 'ari_centralita.conf', 'extensions_centralita.conf', 'http_centralita.conf', 'modules_centralita.conf', 'pjsip_centralita.conf', 'sounds']);
    const ari = readFileSync(join(out, 'ari_centralita.conf'), 'utf8');
    expect(ari).not.toMatch(/^\[general\]/m);
    expect(ari).toMatch(/^\[centralita\]\ntype = user\nread_only = no\npassword = \S{20,}\n/m);
    const http = readFileSync(join(out, 'http_centralita.conf'), 'utf8');
    expect(http).not.toMatch(/^\[/m);
    expect(http).toMatch(/^bindaddr = 127\.0\.0\.1$/m);
    const pjsip = readFileSync(join(out, 'pjsip_centralita.conf'), 'utf8');
    expect(pjsip).not.toMatch(/type = transport/);
    expect(pjsip).not.toMatch(/0\.0\.0\.0:5060/);
    expect(pjsip).toContain('[1003](agent-endpoint)');
    expect(readFileSync(join(out, 'modules_centralita.conf'), 'utf8')).toMatch(/^load = chan_rtp\.so/m);
    const readme = readFileSync(join(out, 'README.txt'), 'utf8');
    for (const s of ['#include ari_centralita.conf', '#include http_centralita.conf', 'transmit_silence = yes', 'rtpstart', '*50', 'sound:centralita/safe-harbor']) expect(readme).toContain(s);
    expect(stdout).toMatch(/^ARI_PASSWORD=\S{20,}$/m);
    expect(stdout).toMatch(/^ARI_APP=dialer-b$/m);
  });

  it('the dialplan uses --app, keeps records with h extensions, and its test numbers play no sound files', () => {
    const dp = readFileSync(join(out, 'extensions_centralita.conf'), 'utf8');
    expect(dp).not.toMatch(/Stasis\(centralita\b/);
    expect(dp.match(/Stasis\(dialer-b,/g)?.length).toBe(5);
    expect(dp).toContain('Stasis(dialer-b,agent-login,${CHANNEL(endpoint)})');
    expect(dp.match(/^exten => h,1,/gm)?.length).toBeGreaterThanOrEqual(2);
    const test = dp.slice(dp.indexOf('[centralita-test]'), dp.indexOf('[centralita-doctor]'));
    expect(test).not.toMatch(/Playback\(/);
    expect(test).toContain('Playtones(');
  });

  it('records the safe-harbor message in English and Spanish as 8 kHz mono 16-bit WAV', () => {
    for (const lang of ['en', 'es']) {
      const w = wavInfo(join(out, 'sounds', lang, 'centralita', 'safe-harbor.wav'));
      expect(w).toMatchObject({ rate: 8000, channels: 1, bits: 16 });
      expect(w.seconds).toBeGreaterThan(3);
      expect(w.peak).toBeGreaterThan(3000);
    }
  });

  it('is what a campaign plays by default', () => {
    expect(defaultCallPolicy.safeHarborMedia).toBe('sound:centralita/safe-harbor');
    expect(campaignSettingsSchema.parse({ name: 'x' }).safeHarborMessage).toBe('sound:centralita/safe-harbor');
  });
});

describe('asterisk:config loaded into a real Asterisk 22.10.1', () => {
  let ast: RealAsterisk;
  let generatedPassword: string;
  beforeAll(async () => {
    generatedPassword = /^ARI_PASSWORD=(\S+)$/m.exec(stdout)![1]!;
    // The box's ari.conf (as the harness writes it, with its own user) gains one line: the #include.
    const conf = join(tmp, 'conf');
    mkdirSync(conf);
    copyFileSync(join(out, 'ari_centralita.conf'), join(conf, 'ari_centralita.conf'));
    ast = await startRealAsterisk({ name: 'astcfg', app: 'dialer-b', extensions: join(out, 'extensions_centralita.conf') });
    writeFileSync(join(conf, 'ari.conf'), `${readFileSync(join(ast.rundir, 'etc/ari.conf'), 'utf8')}\n#include ari_centralita.conf\n`);
    for (const f of readdirSync(conf)) copyFileSync(join(conf, f), join(ast.rundir, 'etc', f));
    await ast.cli('module reload res_ari.so');
    cpSync(join(out, 'sounds'), join(ast.rundir, 'var/lib/asterisk/sounds'), { recursive: true });
  }, 120_000);
  afterAll(async () => ast?.close());

  it('adds the generated ARI user beside the box\'s own', async () => {
    expect(await ast.cli('ari show users')).toMatch(/centralita/);
    expect((await ariCall({ url: ast.url, username: 'centralita', password: generatedPassword }, 'GET', '/asterisk/info')).status).toBe(200);
    expect((await ariCall(ast, 'GET', '/asterisk/info')).status).toBe(200);
  });

  it('sends an agent\'s *50 to the Stasis app named by --app', async () => {
    const app = await connectWire(ast, 'dialer-b');
    await ariCall(ast, 'POST', `/channels?endpoint=${encodeURIComponent('Local/*50@centralita-agents')}&app=dialer-b&channelId=login-1`);
    const start = await app.waitFor((e) => e.type === 'StasisStart' && (e['args'] as string[])[0] === 'agent-login', 5000);
    expect((start['channel'] as { id: string }).id).toBe('login-1;2');
    await ariCall(ast, 'DELETE', '/channels/login-1');
    await app.close();
  });

  it('test numbers answer and end without core sounds', async () => {
    const app = await connectWire(ast, 'dialer-b');
    await ariCall(ast, 'POST', `/channels?endpoint=${encodeURIComponent('Local/7001@centralita-test')}&app=dialer-b&channelId=t-human`);
    await ariCall(ast, 'POST', `/channels?endpoint=${encodeURIComponent('Local/7003@centralita-test')}&app=dialer-b&channelId=t-busy`);
    await app.waitFor((e) => e.type === 'StasisStart' && (e['channel'] as { id: string }).id === 't-human', 10_000);
    await app.waitFor((e) => e.type === 'ChannelDestroyed' && (e['channel'] as { id: string }).id === 't-busy', 10_000);
    expect(ast.log()).not.toMatch(/File .* does not exist/);
    await ariCall(ast, 'DELETE', '/channels/t-human');
    await app.close();
  }, 20_000);

  it('plays sound:centralita/safe-harbor in English and Spanish', async () => {
    const app = await connectWire(ast, 'dialer-b');
    await ariCall(ast, 'POST', `/channels?endpoint=${encodeURIComponent('Local/7001@centralita-test')}&app=dialer-b&channelId=sh-1`);
    await app.waitFor((e) => e.type === 'StasisStart' && (e['channel'] as { id: string }).id === 'sh-1', 10_000);
    for (const lang of ['en', 'es']) {
      expect((await ariCall(ast, 'POST', `/channels/sh-1/play?media=sound:centralita/safe-harbor&lang=${lang}&playbackId=sh-${lang}`)).status).toBe(201);
      const started = await app.waitFor((e) => e.type === 'PlaybackStarted' && (e['playback'] as { id: string }).id === `sh-${lang}`, 5000);
      expect(started).toBeTruthy();
      await ariCall(ast, 'DELETE', `/playbacks/sh-${lang}`);
      const done = await app.waitFor((e) => e.type === 'PlaybackFinished' && (e['playback'] as { id: string }).id === `sh-${lang}`, 5000);
      // Stopped by us while playing, not "failed" (a missing file fails at once).
      expect((done['playback'] as { state: string }).state).toBe('done');
    }
    expect(ast.log()).not.toMatch(/centralita\/safe-harbor.*does not exist|Playback failed/);
    await ariCall(ast, 'DELETE', '/channels/sh-1');
    await app.close();
  }, 30_000);
});
