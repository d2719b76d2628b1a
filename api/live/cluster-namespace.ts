/**
 * The cluster board on the live feed (#18): the `/cluster` namespace of the web app's own Socket.IO connection.
 * Same handshake as the main namespace (access JWT or API key, api/live/access.ts), then supervisors and admins
 * only (`connect_error.data.code` `forbidden` otherwise). Each connected socket gets the current board at once and
 * every new one as `cluster` (a `ClusterBoard`, ./cluster-summary.ts). The sockets join their user / session /
 * API-key rooms so the feed's revocation (feed.ts `revoke`) and its periodic re-check cut them like the main ones.
 */
import type { Namespace, Server, Socket } from 'socket.io';
import type { Logger } from '../../engine/log/index.js';
import { isPrivileged, rooms, type LiveIdentity } from './access.js';
import type { ClusterRows } from './cluster-rows.js';
import type { ClusterBoard } from './cluster-summary.js';

export const CLUSTER_NAMESPACE = '/cluster';

/** Where the board comes from: the product's board publisher joined with the node registry. */
export interface ClusterBoardSource {
  current(): ClusterBoard | null;
  /** Each new board; returns the unsubscribe. */
  onChange(listener: (board: ClusterBoard) => void): () => void;
  /**
   * The other nodes' agents and calls as of the current board (./cluster-rows.ts): the main namespace sends them to
   * supervisors and admins as `cluster.rows` whenever they change. Omitted: the wallboard's lists are this node's.
   */
  rows?(): ClusterRows | null;
}

export interface ClusterNamespaceOptions {
  source: ClusterBoardSource;
  /** The main namespace's handshake middleware (sets `socket.data.identity`). */
  handshake: (socket: Socket, next: (err?: Error) => void) => void;
  /** Ends a JWT socket when its token expires, as on the main namespace. */
  endWithToken: (socket: Socket) => void;
  logger: Logger;
}

export interface ClusterNamespace {
  readonly namespace: Namespace;
  close(): Promise<void>;
}

export function serveClusterNamespace(io: Server, o: ClusterNamespaceOptions): ClusterNamespace {
  const nsp = io.of(CLUSTER_NAMESPACE);
  nsp.use(o.handshake);
  nsp.use((socket, next) => {
    const id = socket.data.identity as LiveIdentity;
    if (isPrivileged(id.role)) return next();
    next(Object.assign(new Error('The cluster board is for supervisors and admins'), { data: { code: 'forbidden' } }));
  });
  nsp.on('connection', (socket) => {
    const id = socket.data.identity as LiveIdentity;
    const joined = [rooms.user(id.userId)];
    if (id.sessionId) joined.push(rooms.session(id.sessionId));
    if (id.apiKeyId) joined.push(rooms.apiKey(id.apiKeyId));
    void socket.join(joined);
    o.endWithToken(socket);
    // The newcomer sees the cluster now, not at the next period.
    const now = o.source.current();
    if (now) socket.emit('cluster', now);
  });
  // Each process builds the board from Redis for its own clients: local, not through the adapter.
  const off = o.source.onChange((board) => nsp.local.emit('cluster', board));
  return {
    namespace: nsp,
    close: async () => {
      off();
      nsp.local.disconnectSockets(true);
      // Its adapter subscribed to Redis for this namespace: unsubscribed before the clients quit.
      await Promise.resolve(nsp.adapter.close()).catch(() => {});
    },
  };
}
