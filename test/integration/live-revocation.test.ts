import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, expect, it } from 'vitest';
import { REFRESH_TTL_MS } from '../../api/auth/index.js';
import { AuthService } from '../../api/auth/service.js';
import { attachLiveFeed, type LiveFeed } from '../../api/live/index.js';
import { listen, type RunningServer } from '../../api/server.js';
import { DomainEvents } from '../../engine/events/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { pgAuthStore } from '../../engine/store/pg/index.js';
import { ADMIN_PASSWORD, describeApiDialects, USER_PASSWORD, type Harness, type MakeHarness } from '../unit/api/harness.js';

/**
 * Issue #11 item 6: revocation used to stop at the HTTP door. An API-key socket kept the organisation's live feed
 * forever after the key was revoked, a deactivated user's sockets kept receiving phone numbers, and access tokens
 * outlived logout and password changes by their 15 minutes. The real API app and feed, real socket.io-client; on both
 * dialects (describeApiDialects: the sessions, keys and users in the SQLite file or in PostgreSQL).
 */
let h: Harness | undefined;
let server: RunningServer | undefined;
let feed: LiveFeed | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await feed?.close();
  await server?.close();
  h?.close();
  h = server = feed = undefined;
});

interface Client {
  socket: Socket;
  events: string[];
  errors: Array<{ code: string }>;
  /** Wall-clock ms when the server disconnected it. */
  gone: Promise<number>;
}

async function setup(make: MakeHarness): Promise<{ h: Harness; port: number; events: DomainEvents }> {
  h = await make();
  server = await listen(h.app, '127.0.0.1', 0);
  const events = new DomainEvents();
  feed = await attachLiveFeed({
    httpServer: server.server,
    events,
    auth: h.app.auth,
    directory: { agentIdsOfUser: () => [], teamOfAgent: () => null },
    snapshot: () => ({}),
    clock: h.clock,
    logger: silentLogger,
  });
  return { h, port: server.port, events };
}

function client(port: number, auth: Record<string, unknown>): Promise<Client> {
  const socket = connect(`http://127.0.0.1:${port}`, { path: '/socket.io', auth, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  const c: Client = { socket, events: [], errors: [], gone: new Promise((r) => socket.once('disconnect', () => r(performance.now()))) };
  socket.onAny((name: string, payload: unknown) => {
    c.events.push(name);
    if (name === 'error') c.errors.push(payload as { code: string });
  });
  return new Promise((resolve, reject) => {
    socket.once('hello', () => resolve(c));
    socket.once('connect_error', reject);
  });
}

function refused(port: number, auth: Record<string, unknown>): Promise<string> {
  const socket = connect(`http://127.0.0.1:${port}`, { path: '/socket.io', auth, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('hello', () => reject(new Error('connected with revoked credentials')));
    socket.once('connect_error', (err) => resolve((err as Error & { data?: { code: string } }).data?.code ?? err.message));
  });
}

type Tokens = { access_token: string; refresh_token: string };
async function login(t: Harness, username: string, password = USER_PASSWORD): Promise<Tokens> {
  const res = await t.json('POST', '/api/auth/login', { username, password });
  expect(res.status).toBe(200);
  return (await res.json()) as Tokens;
}

/** How long after `since` (the revoking request's answer) the client was disconnected (≤ 0: already before); fails after 1 s. */
async function disconnectedWithin(c: Client, since: number): Promise<number> {
  const ms = await Promise.race([c.gone.then((at) => at - since), new Promise<number>((r) => setTimeout(() => r(Number.POSITIVE_INFINITY), 1000))]);
  expect(ms).toBeLessThan(1000);
  return ms;
}

describeApiDialects(
  'revocation reaches live sockets and access tokens at once',
  (make) => {
    it('a revoked API key disconnects its socket and cannot reconnect; the owner’s other sockets stay', async () => {
      const { h, port, events } = await setup(make);
      const adminToken = (await login(h, 'admin', ADMIN_PASSWORD)).access_token;
      const admin = h.bearer(adminToken);
      const { id, key } = (await (await h.json('POST', '/api/auth/api-keys', { name: 'wallboard' }, admin)).json()) as { id: string; key: string };
      const board = await client(port, { apiKey: key });
      const other = await client(port, { token: adminToken });

      expect((await h.json('DELETE', `/api/auth/api-keys/${id}`, undefined, admin)).status).toBe(200);
      const t0 = performance.now(); // the revocation is in force once its request answered
      await disconnectedWithin(board, t0);
      expect(board.errors).toEqual([{ code: 'auth_revoked', message: 'Credentials revoked: log in again' }]);
      expect(await refused(port, { apiKey: key })).toBe('invalid_credentials');
      // Nothing more reaches the revoked socket; the admin's own JWT socket still gets the feed.
      events.emit({ type: 'engine.connected', at: h.clock.now() } as Parameters<DomainEvents['emit']>[0]);
      await new Promise<void>((r) => other.socket.once('engine.connected', () => r()));
      expect(other.socket.connected).toBe(true);
      expect(board.events).not.toContain('engine.connected');
    });

    it('deactivating a user disconnects all their sockets (JWT and API key) and refuses their tokens; others are untouched', async () => {
      const { h, port } = await setup(make);
      const anaId = h.addUser('ana', 'supervisor');
      h.addUser('bea', 'supervisor');
      const admin = h.bearer((await login(h, 'admin', ADMIN_PASSWORD)).access_token);
      const ana = await login(h, 'ana');
      const { key } = (await (await h.json('POST', '/api/auth/api-keys', { name: 'tv' }, h.bearer(ana.access_token))).json()) as { key: string };
      const anaJwt = await client(port, { token: ana.access_token });
      const anaKey = await client(port, { apiKey: key });
      const bea = await client(port, { token: (await login(h, 'bea')).access_token });

      expect((await h.json('PATCH', `/api/users/${anaId}`, { active: false }, admin)).status).toBe(200);
      const t0 = performance.now(); // the revocation is in force once its request answered
      await disconnectedWithin(anaJwt, t0);
      await disconnectedWithin(anaKey, t0);
      expect((await h.app.request('/api/metrics/me', { headers: h.bearer(ana.access_token) })).status).toBe(401);
      expect((await h.app.request('/api/metrics/me', { headers: { 'x-api-key': key } })).status).toBe(401);
      expect(await refused(port, { token: ana.access_token })).toBe('invalid_credentials');
      expect(bea.socket.connected).toBe(true);
    });

    it('a password change ends every session: sockets disconnected, old access and refresh tokens refused', async () => {
      const { h, port } = await setup(make);
      const anaId = h.addUser('ana', 'agent');
      const admin = h.bearer((await login(h, 'admin', ADMIN_PASSWORD)).access_token);
      const ana = await login(h, 'ana');
      const socket = await client(port, { token: ana.access_token });
      expect((await h.app.request('/api/metrics/me', { headers: h.bearer(ana.access_token) })).status).toBe(200);

      expect((await h.json('PATCH', `/api/users/${anaId}`, { password: 'un nuevo secreto largo' }, admin)).status).toBe(200);
      const t0 = performance.now(); // the revocation is in force once its request answered
      await disconnectedWithin(socket, t0);
      expect((await h.app.request('/api/metrics/me', { headers: h.bearer(ana.access_token) })).status).toBe(401);
      expect((await h.json('POST', '/api/auth/refresh', { refresh_token: ana.refresh_token })).status).toBe(401);
      // The new password opens a new session that works.
      const fresh = await login(h, 'ana', 'un nuevo secreto largo');
      expect((await h.app.request('/api/metrics/me', { headers: h.bearer(fresh.access_token) })).status).toBe(200);
    });

    it('logout ends that session’s access token and sockets at once, not the user’s other sessions', async () => {
      const { h, port } = await setup(make);
      h.addUser('ana', 'agent');
      const laptop = await login(h, 'ana');
      const phone = await login(h, 'ana');
      const laptopSocket = await client(port, { token: laptop.access_token });
      const phoneSocket = await client(port, { token: phone.access_token });

      expect((await h.json('POST', '/api/auth/logout', { refresh_token: laptop.refresh_token }, h.bearer(laptop.access_token))).status).toBe(200);
      const t0 = performance.now(); // the revocation is in force once its request answered
      await disconnectedWithin(laptopSocket, t0);
      expect((await h.app.request('/api/metrics/me', { headers: h.bearer(laptop.access_token) })).status).toBe(401);
      expect((await h.app.request('/api/metrics/me', { headers: h.bearer(phone.access_token) })).status).toBe(200);
      expect(phoneSocket.socket.connected).toBe(true);
    });

    it('a revocation made by another process sharing the database reaches this node’s sockets within a second', async () => {
      const { h, port } = await setup(make);
      h.addUser('ana', 'supervisor');
      const ana = await login(h, 'ana');
      const { id, key } = (await (await h.json('POST', '/api/auth/api-keys', { name: 'tv' }, h.bearer(ana.access_token))).json()) as { id: string; key: string };
      const board = await client(port, { apiKey: key });
      const session = await client(port, { token: ana.access_token });
      // Another node: its own AuthService over the same database (the SQLite file, or PostgreSQL); this node's service
      // hears nothing of it.
      const authStore = h.pool === null ? undefined : pgAuthStore(h.pool, { refreshTtlMs: REFRESH_TTL_MS });
      const otherNode = new AuthService({ store: h.store, ...(authStore ? { authStore } : {}), clock: h.clock, logger: silentLogger, jwtSecret: 'x'.repeat(40) });
      expect(await otherNode.revokeApiKey(id)).toBe(true);
      expect(await otherNode.logout(ana.refresh_token, ((await h.app.auth.users.byUsername('ana'))!).id)).toBe(true);
      // This node's sweep re-checks every socket each second (virtual clock here).
      expect(board.socket.connected && session.socket.connected).toBe(true);
      h.clock.advance(1000);
      await board.gone;
      await session.gone;
      expect(board.errors.map((e) => e.code)).toEqual(['auth_revoked']);
      expect(session.errors.map((e) => e.code)).toEqual(['auth_revoked']);
    });
  },
  { prefix: 'apipg_suite_revocation' },
);
