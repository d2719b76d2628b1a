import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { signAccessToken, verifyAccessToken } from '../../api/auth/jwt.js';
import type { Principal } from '../../api/auth/service.js';
import { overallStatus, withRedisPing, type HealthReport } from '../../api/health/report.js';
import { attachLiveFeed, type AgentDirectory, type LiveAuth, type LiveFeed } from '../../api/live/index.js';
import { pingRedisUrl } from '../../api/live/redis.js';
import { healthRoutes } from '../../api/routes/health.js';
import { VirtualClock } from '../../engine/clock/index.js';
import { DomainEvents, type DomainEvent } from '../../engine/events/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import type { Role } from '../../engine/store/schema/users.js';
import { NO_BACKUPS } from '../../engine/store/index.js';

function healthReport(o: Partial<HealthReport> = {}): HealthReport {
  const parts = {
    version: '0.1.0',
    nodeId: 'n1',
    uptimeSeconds: 1,
    ari: { connected: true, simulated: true, url: 'http://127.0.0.1:1', app: 'centralita', reconciled: true, unreconciledSeconds: 0, asteriskStartupTime: null },
    db: { ok: true, path: ':memory:' },
    redis: { configured: false, ok: null },
    media: null,
    calls: null,
    dialer: null,
    backup: NO_BACKUPS,
    ...o,
  };
  return { ...parts, status: overallStatus(parts) };
}

interface Received {
  name: string;
  payload: unknown;
}

const SECRET = 'expiry-test-secret-0123456789-abcdefghijk';

function client(port: number, auth: Record<string, unknown>): Promise<{ socket: Socket; got: Received[]; disconnected: Promise<string> }> {
  const socket = connect(`http://127.0.0.1:${port}`, { path: '/socket.io', auth, transports: ['websocket'], reconnection: false });
  const got: Received[] = [];
  socket.onAny((name: string, payload: unknown) => got.push({ name, payload }));
  const disconnected = new Promise<string>((r) => socket.once('disconnect', (reason) => r(reason)));
  return new Promise((resolve, reject) => {
    socket.once('hello', () => resolve({ socket, got, disconnected }));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

async function until<T>(probe: () => T | undefined | false, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A feed whose auth double verifies real JWTs against the virtual clock (like AuthService does). */
async function feedWith(o: { clock: VirtualClock; redisUrl?: string }) {
  const httpServer: HttpServer = createServer();
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', () => r()));
  const users = new Map<string, Principal>();
  const keys = new Map<string, Principal>();
  const auth: LiveAuth = {
    fromBearer: (t) => {
      const claims = verifyAccessToken(t, SECRET, o.clock.now());
      return claims === null ? null : (users.get(claims.sub) ?? null);
    },
    fromApiKey: (k) => keys.get(k) ?? null,
  };
  const directory: AgentDirectory = { agentIdsOfUser: () => [], teamOfAgent: () => null };
  const events = new DomainEvents();
  const feed: LiveFeed = await attachLiveFeed({ httpServer, events, auth, directory, snapshot: () => ({}), clock: o.clock, logger: silentLogger, redisUrl: o.redisUrl });
  const principal = (userId: string, role: Role): Principal => ({ userId, username: userId, role, team: null, apiKeyId: null, sessionId: null });
  return {
    port: (httpServer.address() as AddressInfo).port,
    events,
    feed,
    /** A user and a JWT for it expiring `ttlS` seconds from the clock's now. */
    token(userId: string, role: Role, ttlS: number): string {
      users.set(userId, principal(userId, role));
      const iat = Math.floor(o.clock.now() / 1000);
      return signAccessToken({ sub: userId, role, sid: `s-${userId}`, ver: 0, iat, exp: iat + ttlS }, SECRET);
    },
    key(key: string, userId: string, role: Role): string {
      keys.set(key, { ...principal(userId, role), apiKeyId: `k-${userId}` });
      return key;
    },
    async close() {
      await feed.close();
      await new Promise<void>((r) => httpServer.close(() => r()));
    },
  };
}

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe('live feed: token expiry', () => {
  it('disconnects a JWT socket at its exp (auth_expired first); an API-key socket stays', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    const f = await feedWith({ clock });
    closers.push(() => f.close());
    const jwt = await client(f.port, { token: f.token('u-sup', 'supervisor', 60) });
    const keyed = await client(f.port, { apiKey: f.key('ck_board', 'u-board', 'admin') });
    closers.push(() => {
      jwt.socket.close();
      keyed.socket.close();
    });

    clock.advance(59_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(jwt.socket.connected).toBe(true);

    clock.advance(1_000);
    expect(await jwt.disconnected).toBe('io server disconnect');
    const err = jwt.got.find((r) => r.name === 'error');
    expect(err?.payload).toMatchObject({ code: 'auth_expired' });
    // The error came before the disconnect and nothing else after it.
    expect(jwt.got[jwt.got.length - 1]?.name).toBe('error');

    // No timer is left for the socket that went away (and none was ever set for the API-key socket): the one
    // pending timer is the feed's own once-a-second credential re-check.
    expect(clock.pending).toBe(1);
    // Days later the API-key socket is still there and still receives events.
    clock.advance(3 * 24 * 3600_000);
    f.events.emit({ type: 'engine.connected', at: clock.now() });
    await until(() => keyed.got.some((r) => r.name === 'engine.connected'), 5_000);
    expect(keyed.socket.connected).toBe(true);
  });

  it('a client that closes before its token expires leaves no timer behind', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    const f = await feedWith({ clock });
    closers.push(() => f.close());
    const c = await client(f.port, { token: f.token('u-lead', 'teamlead', 900) });
    expect(clock.pending).toBe(2); // its expiry, and the feed's credential re-check
    c.socket.close();
    await until(() => clock.pending === 1, 5_000);
  });
});

describe('live feed: campaign events', () => {
  it('campaign.state and campaign.pacing reach a supervisor, not an agent', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    const f = await feedWith({ clock });
    closers.push(() => f.close());
    const sup = await client(f.port, { token: f.token('u-sup', 'supervisor', 600) });
    const filtered = await client(f.port, { token: f.token('u-sup2', 'supervisor', 600), campaigns: ['c1'] });
    const agent = await client(f.port, { token: f.token('u-agent', 'agent', 600) });
    closers.push(() => {
      sup.socket.close();
      filtered.socket.close();
      agent.socket.close();
    });
    const state: DomainEvent = { type: 'campaign.state', campaignId: 'c1', from: 'draft', to: 'running', at: clock.now() };
    const pacing: DomainEvent = { type: 'campaign.pacing', campaignId: 'c1', mode: 'predictive/governor', place: 3, level: 1.6, at: clock.now() };
    f.events.emit(state);
    f.events.emit(pacing);
    f.events.emit({ type: 'campaign.state', campaignId: 'c2', from: 'running', to: 'paused', at: clock.now() });
    await until(() => sup.got.filter((r) => r.name.startsWith('campaign.')).length === 3 && filtered.got.some((r) => r.name === 'campaign.pacing'), 5_000);
    expect(sup.got.find((r) => r.name === 'campaign.state')?.payload).toEqual(state);
    expect(sup.got.find((r) => r.name === 'campaign.pacing')?.payload).toEqual(pacing);
    await new Promise((r) => setTimeout(r, 100));
    // Supervisors all get campaign events (privileged room) — including c2 for the c1-filtered board.
    expect(filtered.got.filter((r) => r.name.startsWith('campaign.')).length).toBe(3);
    expect(agent.got.some((r) => r.name.startsWith('campaign.'))).toBe(false);
  });
});

describe('/health redis', () => {
  it('reports whether Redis answers PING on the live feed connection (real Redis on 127.0.0.1:6379)', async () => {
    const clock = new VirtualClock();
    const f = await feedWith({ clock, redisUrl: 'redis://127.0.0.1:6379' });
    closers.push(() => f.close());
    expect(await f.feed.redisOk()).toBe(true);

    const probe = withRedisPing(() => healthReport({ redis: { configured: true, ok: null } }), () => f.feed.redisOk());
    const res = await healthRoutes(probe).request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', redis: { configured: true, ok: true } });
  });

  it('a feed without Redis says null; a dead Redis makes /health degraded', async () => {
    const f = await feedWith({ clock: new VirtualClock() });
    closers.push(() => f.close());
    expect(await f.feed.redisOk()).toBeNull();

    expect(await pingRedisUrl('redis://127.0.0.1:6379')).toBe(true);
    const t0 = Date.now();
    expect(await pingRedisUrl('redis://127.0.0.1:1', 300)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(2000);

    const probe = withRedisPing(() => healthReport({ redis: { configured: true, ok: null } }), () => pingRedisUrl('redis://127.0.0.1:1', 300));
    const res = await healthRoutes(probe).request('/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'degraded', redis: { configured: true, ok: false } });
    // Redis not configured: the probe's value is left alone.
    const off = withRedisPing(() => healthReport(), () => Promise.resolve(false));
    expect((await off()).redis).toEqual({ configured: false, ok: null });
  });
});
