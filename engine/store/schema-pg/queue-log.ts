import { bigint, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The queue_log of every engine node of a call center (#18), the lines each node also writes to its own
 * QUEUE_LOG_FILE (issue #16), in Asterisk's realtime queue_log columns (time, callid, queuename, agent, event,
 * data1…data5) plus the node that wrote the line and its number in that node's stream. A node writes its lines in
 * order, one batch at a time, each line under `(node_id, seq)`: a batch sent again after a lost answer inserts
 * nothing twice (ON CONFLICT DO NOTHING). `/api/queues` on PostgreSQL follows the table node by node (`seq` after
 * the last one read), so every node's queues and agents are counted. `id` orders the lines of different nodes.
 * Only written on PostgreSQL; the SQLite twin exists so the two schemas stay one (the drift test) and `db:copy`
 * has a table to copy (the SQLite product follows its queue_log file).
 */
export const queueLog = pgTable(
  'queue_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    nodeId: text('node_id').notNull(),
    /** The line's number in its node's stream: 1, 2, 3… across the node's restarts. */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    /** Epoch seconds, the file's first field. */
    time: bigint('time', { mode: 'number' }).notNull(),
    callid: text('callid').notNull(),
    queuename: text('queuename').notNull(),
    agent: text('agent').notNull(),
    event: text('event').notNull(),
    /** The data fields; null where the line has no such field ('' is an empty field). */
    data1: text('data1'),
    data2: text('data2'),
    data3: text('data3'),
    data4: text('data4'),
    data5: text('data5'),
  },
  (t) => [uniqueIndex('queue_log_node_seq_idx').on(t.nodeId, t.seq)],
);

export type PgQueueLogRow = typeof queueLog.$inferSelect;
