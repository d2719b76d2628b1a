import type { ServerType } from '@hono/node-server';
import { Server } from 'socket.io';
import type { Clock, TimerHandle } from '../../engine/clock/index.js';
import type { DomainEvent, DomainEvents } from '../../engine/events/index.js';
import type { Logger } from '../../engine/log/index.js';
import { isPrivileged, resolveHandshake, rooms, roomsFor, tokenExpiresAt, type AgentDirectory, type LiveAuth, type LiveIdentity } from './access.js';
import { serveClusterNamespace, type ClusterBoardSource } from './cluster-namespace.js';
import { rowsForTeam, teamsInRows } from './cluster-rows.js';
import { CLUSTER_ROWS_DELTA_EVENT, CLUSTER_ROWS_SYNC_EVENT, RowsStream } from './cluster-rows-delta.js';
import { Coalescer } from './coalescer.js';
import { useRedisAdapter, type RedisAdapterHandle } from './redis.js';
import { EventRouter } from './routing.js';

/** How often every connected socket's credential is re-checked (revocations made elsewhere). */
export const REVALIDATE_MS = 1000;

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
  /**
   * The Redis adapter's channel prefix (default `socket.io`): the call center's CLUSTER_PREFIX, so that two centers or
   * test runs on one Redis never receive each other's broadcasts (metrics, calls, agents).
   */
  redisKey?: string;
  metricsIntervalMs?: number;
  /**
   * The cluster board (`npm start` on PostgreSQL with REDIS_URL): served to supervisors/admins on the `/cluster`
   * namespace of this same connection, behind the same credentials and revocation. Omitted: no such namespace.
   */
  cluster?: ClusterBoardSource;
}

export interface LiveFeed {
  io: Server;
  /** Whether Redis answers PING on the adapter's connection; null when the feed runs without REDIS_URL. */
  redisOk(): Promise<boolean | null>;
  close(): Promise<void>;
}

/**
 * The other nodes' live agents and calls, whole (`ClusterRowsFull`), on the main namespace for supervisors and admins
 * (team leads: their team's share); then `cluster.rows.delta` with what changed (./cluster-rows-delta.ts).
 */
export const CLUSTER_ROWS_EVENT = 'cluster.rows';

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
      redis = await useRedisAdapter(io, o.redisUrl, undefined, o.redisKey);
    } catch (err) {
      io.engine.close();
      throw err;
    }
  }

  const handshake = (socket: import('socket.io').Socket, next: (err?: Error) => void): void => {
    // The store answers asynchronously (PostgreSQL); a failure refuses this handshake, the client retries.
    resolveHandshake(o.auth, (socket.handshake.auth ?? {}) as Record<string, unknown>)
      .then((verdict) => admit(socket, verdict, next))
      .catch((err: unknown) => {
        logger.warn({ err }, 'could not check a socket’s credentials');
        next(new Error('Credentials could not be checked; try again'));
      });
  };
  io.use(handshake);

  function admit(socket: import('socket.io').Socket, verdict: Awaited<ReturnType<typeof resolveHandshake>>, next: (err?: Error) => void): void {
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
      sessionId: p.sessionId ?? null,
      apiKeyId: p.apiKeyId,
    };
    socket.data.identity = identity;
    socket.data.expiresAt = tokenExpiresAt((socket.handshake.auth ?? {}) as Record<string, unknown>);
    next();
  }

  /** A JWT socket ends when its token does (the role was checked once, at connect); API-key sockets stay. */
  function endWithToken(socket: import('socket.io').Socket): void {
    const expiresAt = socket.data.expiresAt as number | null;
    if (expiresAt === null) return;
    const timer = o.clock.setTimeout(() => {
      socket.emit(AUTH_EXPIRED.event, { code: AUTH_EXPIRED.code, message: 'Access token expired: reconnect with a fresh token' });
      socket.disconnect(true);
    }, Math.max(0, expiresAt - o.clock.now()));
    socket.once('disconnect', () => o.clock.clearTimeout(timer));
  }

  const cluster = o.cluster ? serveClusterNamespace(io, { source: o.cluster, handshake, endWithToken, logger }) : null;

  io.on('connection', (socket) => {
    const id = socket.data.identity as LiveIdentity;
    const raw = (socket.handshake.auth as Record<string, unknown> | undefined)?.['campaigns'];
    const campaigns = Array.isArray(raw) ? raw.filter((c): c is string => typeof c === 'string') : null;
    void socket.join(roomsFor(id, campaigns));
    endWithToken(socket);
    // Anything the client sends is checked against the credential's current state first.
    socket.use((_packet, next) => void stillValid(socket).then((ok) => (ok ? next() : undefined)));
    // `cluster`: this product serves the cluster board to this socket's role (the wallboard shows its Nodes panel).
    socket.emit('hello', { userId: id.userId, role: id.role, team: id.team, agentIds: id.agentIds, cluster: cluster !== null && isPrivileged(id.role) });
    // A board that just connected should not wait for the next change to show numbers.
    if (isPrivileged(id.role)) {
      socket.emit('metrics', safeSnapshot());
    }
    // The other nodes' rows, whole, then as deltas on this socket's stream; again whole when it asks (a gap).
    const sendRows = () => {
      const stream = isPrivileged(id.role) ? rowsStream : id.role === 'teamlead' && id.team !== null ? teamStream(id.team) : null;
      if (stream) socket.emit(CLUSTER_ROWS_EVENT, stream.full());
    };
    sendRows();
    socket.on(CLUSTER_ROWS_SYNC_EVENT, sendRows);
  });

  /**
   * Revocation reaches live sockets at once: a logout, a revoked API key, a deactivated user or a changed password
   * disconnects the sockets concerned (through the Redis adapter on every node), and a role or team change makes
   * them reconnect into the new role's rooms. The client gets an 'error' {code: 'auth_revoked'} first.
   */
  const revoke = (room: string, code: 'auth_revoked' | 'auth_changed'): void => {
    // The cluster board's namespace too: it was admitted with the same credential.
    for (const nsp of cluster ? [io.of('/'), cluster.namespace] : [io.of('/')]) {
      nsp.in(room).emit('error', { code, message: code === 'auth_revoked' ? 'Credentials revoked: log in again' : 'Your role changed: reconnect' });
      nsp.in(room).disconnectSockets(true);
    }
  };
  const offRevoked = o.auth.onRevoked?.((r) => {
    if (r.kind === 'session') revoke(rooms.session(r.sessionId), 'auth_revoked');
    else if (r.kind === 'apiKey') revoke(rooms.apiKey(r.apiKeyId), 'auth_revoked');
    else revoke(rooms.user(r.userId), r.endsSessions ? 'auth_revoked' : 'auth_changed');
  });

  /** Re-resolves a socket's credential (cached by the auth service on SQLite); disconnects it when it no longer holds. */
  async function stillValid(socket: import('socket.io').Socket): Promise<boolean> {
    const id = socket.data.identity as LiveIdentity | undefined;
    if (id === undefined) return false;
    let verdict: Awaited<ReturnType<typeof resolveHandshake>>;
    try {
      verdict = await resolveHandshake(o.auth, (socket.handshake.auth ?? {}) as Record<string, unknown>);
    } catch (err) {
      // The store did not answer: the socket stays for now, the next sweep asks again.
      logger.warn({ err }, 'could not re-check a socket’s credentials');
      return true;
    }
    if (!socket.connected) return false;
    const same = verdict.ok && verdict.principal.userId === id.userId && verdict.principal.role === id.role && verdict.principal.team === id.team;
    if (same) return true;
    const expiresAt = socket.data.expiresAt as number | null;
    if (!verdict.ok && expiresAt !== null && expiresAt <= o.clock.now()) {
      socket.emit(AUTH_EXPIRED.event, { code: AUTH_EXPIRED.code, message: 'Access token expired: reconnect with a fresh token' });
    } else {
      const code = verdict.ok ? 'auth_changed' : 'auth_revoked';
      socket.emit('error', { code, message: code === 'auth_revoked' ? 'Credentials revoked: log in again' : 'Your role changed: reconnect' });
    }
    socket.disconnect(true);
    return false;
  }

  // The safety net for revocations this process did not see (another node without Redis, a key revoked straight
  // in the database): every local socket is re-checked once per REVALIDATE_MS.
  let sweepTimer: TimerHandle | undefined;
  const sweep = (): void => {
    for (const socket of io.of('/').sockets.values()) void stillValid(socket);
    if (cluster) for (const socket of cluster.namespace.sockets.values()) void stillValid(socket);
    sweepTimer = o.clock.setTimeout(sweep, REVALIDATE_MS);
  };
  sweepTimer = o.clock.setTimeout(sweep, REVALIDATE_MS);

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

  // The other nodes' agents and calls (PostgreSQL + Redis): to this process's supervisors and admins, and to each
  // team's leads their team's share (its agents, their calls) — the agents' teams as the directory has them now, so
  // an agent given a team reaches its lead's board at the next view. Whole once, then only what changed
  // (./cluster-rows-delta.ts). Local, not through the adapter: every API process sends its own, without its own
  // node's rows. A team's stream is kept once made (a few per center), so its leads' deltas always chain.
  let rowsStream: RowsStream | null = null;
  const teamStreams = new Map<string, RowsStream>();
  const teamOf = (agentId: string) => o.directory.teamOfAgent(agentId);
  const teamStream = (team: string): RowsStream | null => {
    let s = teamStreams.get(team);
    if (s === undefined && rowsStream !== null) teamStreams.set(team, (s = new RowsStream(rowsForTeam(rowsStream.current, team, teamOf))));
    return s ?? null;
  };
  const rowsOf = o.cluster?.rows?.bind(o.cluster);
  const offRows = rowsOf
    ? o.cluster!.onChange(() => {
        const rows = rowsOf();
        if (rows === null) return;
        if (rowsStream === null) {
          rowsStream = new RowsStream(rows);
          io.local.to(rooms.privileged).emit(CLUSTER_ROWS_EVENT, rowsStream.full());
          coalescer.mark();
        } else {
          const delta = rowsStream.advance(rows);
          if (delta) {
            io.local.to(rooms.privileged).emit(CLUSTER_ROWS_DELTA_EVENT, delta);
            coalescer.mark();
          }
        }
        for (const t of new Set([...teamStreams.keys(), ...teamsInRows(rows, teamOf)])) {
          const share = rowsForTeam(rows, t, teamOf);
          const stream = teamStreams.get(t);
          if (stream === undefined) {
            const made = new RowsStream(share);
            teamStreams.set(t, made);
            io.local.to(rooms.team(t)).emit(CLUSTER_ROWS_EVENT, made.full());
            continue;
          }
          const delta = stream.advance(share);
          if (delta) io.local.to(rooms.team(t)).emit(CLUSTER_ROWS_DELTA_EVENT, delta);
        }
      })
    : undefined;

  return {
    io,
    redisOk: async () => (redis === null ? null : redis.ping()),
    async close() {
      off();
      offRows?.();
      offRevoked?.();
      o.clock.clearTimeout(sweepTimer);
      coalescer.close();
      // Not io.close(): that would also close the HTTP server, which belongs to api/server.ts's listen(). This
      // process's sockets only: through the Redis adapter it would cut every API process's clients too.
      io.local.disconnectSockets(true);
      await cluster?.close();
      io.engine.close();
      // Only the main namespace is used; closing its adapter unsubscribes from Redis before the clients quit.
      await Promise.resolve(io.of('/').adapter.close()).catch(() => {});
      if (redis) await redis.close();
    },
  };
}
