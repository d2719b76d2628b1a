/**
 * The ARI gateway when ARI misbehaves, against the embedded PBX failing REST on demand (sim.failRest): every
 * request has a deadline on the Clock, a port that hangs / resets / refuses / answers 5xx or garbage gives an
 * AriError saying so, a dropped event socket fails what is in flight at once, wrong credentials are one clear
 * line and a retry — and LOG_LEVEL=debug shows requests, replies and failures without the password.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { AriError, connectAri, describeAriFailure, type AriGateway } from '../../engine/ari/index.js';
import { VirtualClock } from '../../engine/clock/index.js';
import { createLogger } from '../../engine/log/index.js';
import { startSimulator, type Simulator } from '../../engine/sim/index.js';
import { settle } from '../support/sim-harness.js';

const until = async (cond: () => boolean, ms: number, what: string) => {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timeout waiting for ${what}`);
    await settle(10);
  }
};

/** How a promise ended, without awaiting it (it may never settle). */
function track<T>(p: Promise<T>): { state: 'pending' | 'ok' | 'failed'; error: unknown } {
  const t: { state: 'pending' | 'ok' | 'failed'; error: unknown } = { state: 'pending', error: null };
  p.then(
    () => (t.state = 'ok'),
    (err: unknown) => {
      t.state = 'failed';
      t.error = err;
    },
  );
  return t;
}

describe('ARI REST faults (embedded PBX failing on demand)', () => {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });

  async function rig(opts: { clock?: VirtualClock; lines?: string[]; timeoutMs?: number } = {}): Promise<{ sim: Simulator; gw: AriGateway }> {
    const sim = await startSimulator({ seed: 3 });
    open.push(sim);
    const logger = opts.lines
      ? createLogger('debug', { pretty: false, destination: new Writable({ write: (c, _e, cb) => (opts.lines!.push(String(c)), cb()) }) })
      : undefined;
    const gw = await connectAri({
      url: sim.url,
      username: sim.username,
      password: sim.password,
      app: 'faults',
      initialDelayMs: 20,
      maxDelayMs: 100,
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.timeoutMs !== undefined ? { requestTimeoutMs: opts.timeoutMs } : {}),
      ...(logger ? { logger } : {}),
    });
    open.push(gw);
    await until(() => gw.connected, 5000, 'event socket');
    return { sim, gw };
  }

  it('a request to a port that hangs fails with a timeout at its deadline (virtual clock), not later and not before', async () => {
    const clock = new VirtualClock();
    const { sim, gw } = await rig({ clock, timeoutMs: 5000 });
    await sim.failRest({ mode: 'hang', match: /^GET \/ari\/channels$/ });
    const list = track(gw.listChannels());
    await settle(50);
    clock.advance(4999);
    await settle(20);
    expect(list.state).toBe('pending');
    clock.advance(1);
    await until(() => list.state !== 'pending', 1000, 'the timeout');
    expect(list.error).toBeInstanceOf(AriError);
    expect(list.error).toMatchObject({ status: 0, kind: 'timeout' });
    await sim.healRest();
    expect(Array.isArray(await gw.listChannels())).toBe(true);
  });

  it('refused, reset and 5xx each reject at once with the kind of failure', async () => {
    const { sim, gw } = await rig();
    await sim.failRest({ mode: 'reset', match: /^GET \/ari\/bridges$/ });
    await expect(gw.listBridges()).rejects.toMatchObject({ status: 0, kind: 'reset' });
    await sim.failRest({ mode: 'status', status: 503, match: /^GET \/ari\/bridges$/ });
    await expect(gw.listBridges()).rejects.toMatchObject({ status: 503, kind: 'http' });
    await sim.failRest({ mode: 'refuse' });
    await until(() => !gw.connected, 2000, 'the event socket to notice');
    await expect(gw.listBridges()).rejects.toMatchObject({ status: 0, kind: 'refused' });
    await sim.healRest();
    await until(() => gw.connected, 5000, 'the event socket back after the outage');
    expect(await gw.listBridges()).toEqual([]);
  });

  it('a dropped event socket fails the commands in flight at once, and nothing is sent until it is back', async () => {
    const { sim, gw } = await rig();
    await sim.failRest({ mode: 'hang', match: /^POST \/ari\/channels$/ });
    const originate = track(gw.execute({ op: 'originate', channelId: 'f-1', endpoint: 'PJSIP/+15550110001', timeoutSec: 10 }));
    await settle(50);
    expect(originate.state).toBe('pending');
    sim.dropWebSockets();
    await until(() => originate.state !== 'pending', 2000, 'the in-flight originate to fail');
    expect(originate.error).toMatchObject({ status: 0, kind: 'aborted', op: 'originate' });
    expect((originate.error as AriError).outcomeUnknown).toBe(true);
    if (!gw.connected) {
      await expect(gw.execute({ op: 'hangup', channelId: 'f-1' })).rejects.toMatchObject({ kind: 'disconnected' });
    }
    await sim.healRest();
    await until(() => gw.connected, 5000, 'reconnect');
    await gw.execute({ op: 'createBridge', bridgeId: 'f-b', type: 'mixing' });
    await gw.execute({ op: 'destroyBridge', bridgeId: 'f-b' });
  });

  it('a command that gets no answer drops the event socket, so the engine reconnects and reconciles', async () => {
    const clock = new VirtualClock();
    const { sim, gw } = await rig({ clock, timeoutMs: 3000 });
    const seen: string[] = [];
    gw.on('disconnected', () => seen.push('disconnected'));
    gw.on('connected', () => seen.push('connected'));
    await sim.failRest({ mode: 'hang', match: /^POST \/ari\/bridges$/ });
    const create = track(gw.execute({ op: 'createBridge', bridgeId: 'f-2', type: 'mixing' }));
    await settle(50);
    clock.advance(3000);
    await until(() => create.state !== 'pending', 1000, 'the timeout');
    expect(create.error).toMatchObject({ kind: 'timeout', op: 'createBridge' });
    await sim.healRest();
    for (let i = 0; i < 100 && !seen.includes('connected'); i++) {
      clock.advance(50);
      await settle(10);
    }
    expect(seen).toEqual(['disconnected', 'connected']);
  });

  it('wrong credentials: one clear line per attempt, a retry with backoff, no uncaught exception', async () => {
    const sim = await startSimulator({ seed: 4 });
    open.push(sim);
    const retries: Array<{ line: string; delayMs: number }> = [];
    const ctl = new AbortController();
    const connecting = connectAri(
      {
        url: sim.url,
        username: 'centralita',
        password: 'wrong-password',
        app: 'faults',
        initialDelayMs: 10,
        maxDelayMs: 40,
        onRetry: (err, _n, delayMs) => {
          retries.push({ line: describeAriFailure(err, { url: sim.url, username: 'centralita' }), delayMs });
          if (retries.length === 3) ctl.abort();
        },
      },
      ctl.signal,
    );
    await expect(connecting).rejects.toMatchObject({ status: 401 });
    expect(retries.map((r) => r.delayMs)).toEqual([10, 20, 40]);
    expect(retries[0]!.line).toBe(`ARI at ${sim.url} rejected the credentials of user "centralita" (HTTP 401): check ARI_USERNAME and ARI_PASSWORD (ari.conf)`);
    expect(retries[0]!.line).not.toContain('wrong-password');
  });

  it('a PBX answering 5xx or garbage at start is retried until it answers as ARI', async () => {
    const sim = await startSimulator({ seed: 5 });
    open.push(sim);
    await sim.failRest({ mode: 'status', status: 200, body: '<html>captive portal</html>' });
    const lines: string[] = [];
    const connecting = connectAri({
      url: sim.url,
      username: sim.username,
      password: sim.password,
      app: 'faults',
      initialDelayMs: 10,
      maxDelayMs: 20,
      onRetry: (err) => {
        lines.push(describeAriFailure(err, { url: sim.url, username: sim.username }));
        if (lines.length === 2) void sim.failRest({ mode: 'status', status: 500 });
        if (lines.length === 4) void sim.healRest();
      },
    });
    const gw = await connecting;
    open.push(gw);
    expect(lines[0]).toContain('sent an answer that is not ARI');
    expect(lines.slice(2, 4).every((l) => l.includes('answered HTTP 500'))).toBe(true);
    await until(() => gw.connected, 5000, 'event socket');
  });

  it('LOG_LEVEL=debug shows each request, its reply (status, ms) and failures, never the password', async () => {
    const lines: string[] = [];
    const { sim, gw } = await rig({ lines });
    await gw.listChannels();
    await gw.execute({ op: 'hangup', channelId: 'nobody' }).catch(() => {});
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed).toContainEqual(expect.objectContaining({ msg: 'ARI request', ari: 'channels.list', method: 'GET', path: '/ari/channels' }));
    expect(parsed).toContainEqual(expect.objectContaining({ msg: 'ARI reply', ari: 'channels.list', status: 200, ms: expect.any(Number) }));
    expect(parsed).toContainEqual(
      expect.objectContaining({ msg: 'ARI request failed', ari: 'channels.hangup', status: 404, kind: 'http', message: 'Channel not found' }),
    );
    const all = lines.join('\n');
    expect(all).not.toContain(sim.password);
    expect(all).not.toContain(Buffer.from(`${sim.username}:${sim.password}`).toString('base64'));
  });
});
