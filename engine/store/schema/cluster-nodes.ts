import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The engine nodes of a call center (#18): one row per NODE_ID, written by the node itself (heartbeat every
 * second) and by any live node that finds it dead (state `down`, its leases released and its open CallLogs
 * closed in the same transaction). Only used on PostgreSQL, where several nodes share one database; the SQLite
 * twin exists so the two schemas stay one (the drift test) and `db:copy` has a table to copy.
 */
export const clusterNodes = sqliteTable(
  'cluster_nodes',
  {
    id: text('id').primaryKey(),
    /** The node's Asterisk (ARI_URL), credentials never stored; "embedded" for the embedded PBX. */
    ariUrl: text('ari_url').notNull(),
    startedAt: integer('started_at').notNull(),
    heartbeatAt: integer('heartbeat_at').notNull(),
    /** up: heartbeating · down: found dead by another node (reaped) · stopped: left cleanly. */
    state: text('state', { enum: ['up', 'down', 'stopped'] }).notNull(),
    /** Live calls and agents logged in, as of the last heartbeat (the board and /health sum them). */
    calls: integer('calls').notNull().default(0),
    agents: integer('agents').notNull().default(0),
    /** When the node was found dead and by whom; null while up. */
    downAt: integer('down_at'),
    reapedBy: text('reaped_by'),
    /**
     * Where API processes reach this node's health server for its recordings' audio (NODE_PUBLIC_URL, else the
     * health server's own address); null when it serves none (no health server, e.g. the PostgreSQL product's
     * in-process node, whose API serves its files itself).
     */
    publicUrl: text('public_url'),
    /**
     * The process holding this NODE_ID (a new id at each start, the host's name and the process id): a second
     * process started with the same NODE_ID while this one heartbeats is refused (app/node/node-claim.ts), and a
     * process whose row another one took over stops heartbeating into it. Null for rows of earlier versions.
     */
    instanceId: text('instance_id'),
    host: text('host'),
    pid: integer('pid'),
  },
  (t) => [index('cluster_nodes_state_heartbeat_idx').on(t.state, t.heartbeatAt)],
);

export type ClusterNodeRow = typeof clusterNodes.$inferSelect;
