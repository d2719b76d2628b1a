import type { ServerType } from '@hono/node-server';
import { Server } from 'socket.io';
import type { Clock } from '../../engine/clock/index.js';
import type { DomainEvent, DomainEvents } from '../../engine/events/index.js';
import type { Logger } from '../../engine/log/index.js';
import { isPrivileged, resolveHandshake, rooms, roomsFor, tokenExpiresAt, type AgentDirectory, type LiveAuth, type LiveIdentity } from './access.js';
import { Coalescer } from './coalescer.js';
import { useRedisAdapter, type RedisAdapterHandle } from './redis.js';
import { EventRouter } from './routing.js';

/** Default wallboard cadence: at most two snapshots a second. */
export const METRICS_INTERVAL_MS = 500;

export interface LiveFeedOptions {
  /** The API's Node HTTP server: the feed shares its port under /socket.io. */
  httpServer: ServerType;
  events: DomainEvents;
  auth: LiveAuth;
  directory: AgentDirectory;
  /** The metrics snapshot sent to wallboards (supervisors/admins), coalesced. */
  snapshot: () => unknown;
  clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;
  logger: Logger;
  redisUrl?: string;
  metricsIntervalMs?: number;
}

export interface LiveFeed {
  io: Server;
  /** Whether Redis answers PING on the adapter's connection; null when the feed runs without REDIS_URL. */
  redisOk(): Promise<boolean | null>;
  close(): Promise<void>;
}

/** The event a JWT-authenticated socket gets just before the server disconnects it at the token's expiry. */
export const AUTH_EXPIRED = { event: 'error', code: 'auth_expired' } as const;

/**
 * Socket.IO on the API's HTTP server. Clients authenticate in the handshake (`auth.token` or `auth.apiKey`), are
 * put in rooms by role/team/campaign/agent/user, and receive domain events as Socket.IO events named after the
 * event type ('call.bridged', 'agent.state', 'engine.connected', …) plus 'metrics' snapshots. What a client may
 * see is decided by its rooms (see access.ts / routing.ts), never by the client.
 */
export async function attachLiveFeed(o: LiveFeedOptions): Promise<LiveFeed> {
  const logger = o.logger.child({ part: 'live' });
  const io = new Server(o.httpServer, { path: '/socket.io', serveClient: false, cors: { origin: false } });
  let redis: RedisAdapterHandle | null = null;
  if (o.redisUrl) {
    try {
      redis = await useRedisAdapter(io, o.redisUrl);
    } catch (err) {
      io.engine.close();
      throw err;
    }
  }

  io.use((socket, next) => {
    const verdict = resolveHandshake(o.auth, (socket.handshake.auth ?? {}) as Record<string, unknown>);
    if (!verdict.ok) {
      const err = new Error(verdict.message) as Error & { data?: unknown };
      err.data = { code: verdict.code };
      return next(err);
    }
    const p = verdict.principal;
    const identity: LiveIdentity = {
      userId: p.userId,
      role: p.role,
      team: p.team,
      agentIds: p.role === 'agent' ? o.directory.agentIdsOfUser(p.userId) : [],
    };
    socket.data.identity = identity;
    socket.data.expiresAt = tokenExpiresAt((socket.handshake.auth ?? {}) as Record<string, unknown>);
    next();
  });

  io.on('connection', (socket) => {
    const id = socket.data.identity as LiveIdentity;
    const raw = (socket.handshake.auth as Record<string, unknown> | undefined)?.['campaigns'];
    const campaigns = Array.isArray(raw) ? raw.filter((c): c is string => typeof c === 'string') : null;
    void socket.join(roomsFor(id, campaigns));
    // A JWT socket ends when its token does (the role was checked once, at connect); API-key sockets stay.
    const expiresAt = socket.data.expiresAt as number | null;
    if (expiresAt !== null) {
      const timer = o.clock.setTimeout(() => {
        socket.emit(AUTH_EXPIRED.event, { code: AUTH_EXPIRED.code, message: 'Access token expired: reconnect with a fresh token' });
        socket.disconnect(true);
      }, Math.max(0, expiresAt - o.clock.now()));
      socket.once('disconnect', () => o.clock.clearTimeout(timer));
    }
    socket.emit('hello', { userId: id.userId, role: id.role, team: id.team, agentIds: id.agentIds });
    // A board that just connected should not wait for the next change to show numbers.
    if (isPrivileged(id.role)) socket.emit('metrics', safeSnapshot());
  });

  const router = new EventRouter(o.directory);
  const coalescer = new Coalescer(o.clock, o.metricsIntervalMs ?? METRICS_INTERVAL_MS, () => {
    io.to(rooms.privileged).emit('metrics', safeSnapshot());
  });

  function safeSnapshot(): unknown {
    try {
      return { at: o.clock.now(), data: o.snapshot() };
    } catch (err) {
      logger.warn({ err }, 'metrics snapshot failed');
      return { at: o.clock.now(), data: null };
    }
  }

  const off = o.events.on('*', (e: DomainEvent) => {
    io.to(router.roomsOf(e)).emit(e.type, e);
    coalescer.mark();
  });

  return {
    io,
    redisOk: async () => (redis === null ? null : redis.ping()),
    async close() {
      off();
      coalescer.close();
      // Not io.close(): that would also close the HTTP server, which belongs to api/server.ts's listen().
      io.disconnectSockets(true);
      io.engine.close();
      // Only the main namespace is used; closing its adapter unsubscribes from Redis before the clients quit.
      await Promise.resolve(io.of('/').adapter.close()).catch(() => {});
      if (redis) await redis.close();
    },
  };
}
