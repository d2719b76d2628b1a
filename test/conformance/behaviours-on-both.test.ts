/**
 * The single-behaviour conformance scenarios (each also has a virtual-clock test of the simulator beside it in
 * this folder), played on the wire of BOTH the embedded PBX and a real Asterisk 22.10.1 with the same
 * assertions: a difference fails. Callees are the test number ranges (PJSIP trunk on the simulator, Local
 * channels into the test dialplan's [callees] on Asterisk), agents answer at once.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ariCall, connectWire } from '../support/ari-wire.js';
import { callee, PBX_KINDS, startPbxTarget, type PbxTarget } from '../support/pbx-target.js';
import { summarize, type AriEventJson } from '../support/trace-loader.js';

const APP = 'conf';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const enc = encodeURIComponent;
const idOf = (e: AriEventJson): string | undefined => ((e['channel'] ?? e['peer']) as { id?: string } | undefined)?.id;

function wsStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', (e) => (String(e).includes('Unexpected server response') ? undefined : reject(e)));
  });
}

async function gone(pbx: PbxTarget, id: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if ((await ariCall(pbx, 'GET', `/channels/${id}`)).status === 404) return true;
    await sleep(100);
  }
  return false;
}

describe.each(PBX_KINDS)('conformance on the %s PBX', (kind) => {
  let pbx: PbxTarget;
  beforeAll(async () => {
    pbx = await startPbxTarget(kind, { name: `conf-${kind}`, app: APP });
  }, 120_000);
  afterAll(async () => pbx?.close());

  it('401 without the right credentials, on REST and on the events WebSocket', async () => {
    const none = await fetch(`${pbx.url}/ari/channels`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ message: 'Authentication required' });
    expect((await fetch(`${pbx.url}/ari/api-docs/resources.json?api_key=${pbx.username}:wrong`)).status).toBe(401);
    const basic = Buffer.from(`${pbx.username}:${pbx.password}`).toString('base64');
    expect((await fetch(`${pbx.url}/ari/channels`, { headers: { authorization: `Basic ${basic}` } })).status).toBe(200);
    const ws = pbx.url.replace(/^http/, 'ws');
    expect(await wsStatus(`${ws}/ari/events?app=${APP}&api_key=${pbx.username}:nope`)).toBe(401);
    expect(await wsStatus(`${ws}/ari/events?app=${APP}`, { authorization: `Basic ${basic}` })).toBe(101);
  });

  it('originate answers 200 with no app connected; once answered the channel is hung up', async () => {
    const r = await ariCall(pbx, 'POST', `/channels?endpoint=${enc(pbx.calleeEndpoint(callee.briefHuman(3)))}&app=nobody&channelId=noapp-1&timeout=20`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 'noapp-1', state: 'Down' });
    expect(await gone(pbx, 'noapp-1', 15_000)).toBe(true);
  }, 20_000);

  it('an originated channel enters Stasis only when answered: Dial, Ringing, RINGING, Up, ANSWER, StasisStart', async () => {
    const app = await connectWire(pbx, APP);
    await ariCall(pbx, 'POST', `/channels?endpoint=${enc(pbx.calleeEndpoint(callee.human(4)))}&app=${APP}&channelId=os-1&timeout=30`);
    await app.waitFor((e) => e.type === 'StasisStart' && idOf(e) === 'os-1', 15_000);
    const lines = app.events.filter((e) => idOf(e) === 'os-1').map(summarize);
    // The same seven events; Asterisk may swap two it raises in the same instant (the Up state change and Dial
    // ANSWER on a loaded machine; the Ringing state change and the first, empty Dial in a CI run), so the order is
    // held where it carries meaning: each kind's own sequence, ringing before the answer, StasisStart last.
    expect([...lines].sort()).toEqual(
      ['Dial os-1 dialstatus=', 'ChannelStateChange os-1 state=Ringing', 'Dial os-1 dialstatus=RINGING', 'ChannelStateChange os-1 state=Up', 'Dial os-1 dialstatus=ANSWER', 'ChannelVarset os-1 STASISSTATUS=', 'StasisStart os-1 args=[]'].sort(),
    );
    expect(lines.indexOf('Dial os-1 dialstatus=')).toBeLessThan(lines.indexOf('Dial os-1 dialstatus=RINGING'));
    expect(lines.indexOf('ChannelStateChange os-1 state=Ringing')).toBeLessThan(lines.indexOf('ChannelStateChange os-1 state=Up'));
    expect(lines.indexOf('Dial os-1 dialstatus=RINGING')).toBeLessThan(lines.indexOf('Dial os-1 dialstatus=ANSWER'));
    expect(lines.at(-1)).toBe('StasisStart os-1 args=[]');
    expect((await ariCall(pbx, 'DELETE', '/channels/os-1')).status).toBe(204);
    await app.close();
  }, 20_000);

  it('addChannel of a still-ringing channel is 422, of a missing one 400, and 204 once it is in Stasis', async () => {
    const app = await connectWire(pbx, APP);
    await ariCall(pbx, 'POST', '/bridges?type=mixing&bridgeId=b-early');
    await ariCall(pbx, 'POST', `/channels?endpoint=${enc(pbx.calleeEndpoint(callee.human(5)))}&app=${APP}&channelId=early-1&timeout=30`);
    await sleep(300);
    expect(await ariCall(pbx, 'POST', '/bridges/b-early/addChannel?channel=early-1')).toEqual({ status: 422, body: { message: 'Channel not in Stasis application' } });
    expect(await ariCall(pbx, 'POST', '/bridges/b-early/addChannel?channel=nope')).toEqual({ status: 400, body: { message: 'Channel not found' } });
    await app.waitFor((e) => e.type === 'StasisStart' && idOf(e) === 'early-1', 15_000);
    expect((await ariCall(pbx, 'POST', '/bridges/b-early/addChannel?channel=early-1')).status).toBe(204);
    await ariCall(pbx, 'DELETE', '/channels/early-1');
    await ariCall(pbx, 'DELETE', '/bridges/b-early');
    await app.close();
  }, 20_000);

  it('a new WebSocket for the same app replaces the old one: ApplicationReplaced, then events only on the new one', async () => {
    const old = await connectWire(pbx, APP);
    const fresh = await connectWire(pbx, APP);
    await old.waitFor((e) => e.type === 'ApplicationReplaced');
    await ariCall(pbx, 'POST', `/channels?endpoint=${enc(pbx.agentEndpoint('1001'))}&app=${APP}&channelId=rep-1`);
    await fresh.waitFor((e) => e.type === 'StasisStart' && idOf(e) === 'rep-1', 10_000);
    await sleep(200);
    expect(old.events.map((e) => e.type)).toEqual(['ApplicationReplaced']);
    expect(old.events[0]).toMatchObject({ application: APP });
    await ariCall(pbx, 'DELETE', '/channels/rep-1');
    await old.close();
    await fresh.close();
  }, 20_000);

  it('externalMedia: 200 with UNICASTRTP channelvars, enters Stasis at once, and is not cleaned when the WebSocket closes', async () => {
    const app = await connectWire(pbx, APP);
    const em = await ariCall(pbx, 'POST', `/channels/externalMedia?app=${APP}&external_host=127.0.0.1:40999&format=ulaw&channelId=em-1`);
    expect(em.status).toBe(200);
    expect(em.body).toMatchObject({ id: 'em-1', state: 'Down', name: expect.stringMatching(/^UnicastRTP\/127\.0\.0\.1:40999-0x[0-9a-f]+$/) });
    const vars = (em.body as { channelvars: Record<string, string> }).channelvars;
    expect(vars['UNICASTRTP_LOCAL_ADDRESS']).toBe('127.0.0.1');
    expect(Number(vars['UNICASTRTP_LOCAL_PORT'])).toBeGreaterThan(0);
    await app.waitFor((e) => e.type === 'StasisStart' && idOf(e) === 'em-1');
    expect(app.events.filter((e) => idOf(e) === 'em-1').map((e) => `${e.type}${e['dialstatus'] !== undefined ? ` ${String(e['dialstatus'])}` : ''}`)).toEqual([
      'Dial ',
      'ChannelStateChange',
      'Dial ANSWER',
      'ChannelVarset',
      'StasisStart',
    ]);
    await ariCall(pbx, 'POST', '/bridges?type=mixing&bridgeId=amd-1');
    await ariCall(pbx, 'POST', '/bridges/amd-1/addChannel?channel=em-1');
    await app.close();
    await sleep(500);
    const listed = await pbx.list();
    expect(listed.channels).toContain('em-1');
    expect(listed.bridges.find((b) => b.id === 'amd-1')?.channels).toEqual(['em-1']);
    expect((await ariCall(pbx, 'DELETE', '/channels/em-1')).status).toBe(204);
    expect((await ariCall(pbx, 'DELETE', '/bridges/amd-1')).status).toBe(204);
  }, 20_000);

  it('no events are buffered while the app is disconnected', async () => {
    const first = await connectWire(pbx, APP);
    await ariCall(pbx, 'POST', `/channels?endpoint=${enc(pbx.agentEndpoint('1002'))}&app=${APP}&channelId=nb-1`);
    await first.waitFor((e) => e.type === 'StasisStart' && idOf(e) === 'nb-1', 10_000);
    await first.close();
    await sleep(200);
    expect((await ariCall(pbx, 'DELETE', '/channels/nb-1')).status).toBe(204);
    await sleep(300);
    const again = await connectWire(pbx, APP);
    await sleep(300);
    expect(again.events).toEqual([]);
    await ariCall(pbx, 'POST', `/channels/externalMedia?app=${APP}&external_host=127.0.0.1:40997&format=ulaw&channelId=em-after`);
    await again.waitFor((e) => e.type === 'StasisStart' && idOf(e) === 'em-after');
    expect(again.events.map(summarize).every((s) => s.includes('em-after'))).toBe(true);
    await ariCall(pbx, 'DELETE', '/channels/em-after');
    await again.close();
  }, 20_000);
});
