import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The queue_log of every engine node of a call center (#18), the lines each node also writes to its own
 * QUEUE_LOG_FILE (issue #16), in Asterisk's realtime queue_log columns (time, callid, queuename, agent, event,
 * data1…data5) plus the node that wrote the line and its number in that node's stream (`(node_id, seq)` unique: a
 * batch sent again inserts nothing twice). Only written on PostgreSQL, where `/api/queues` follows it; the SQLite
 * product has one engine and follows its queue_log file, so this twin stays empty: it exists so the two schemas
 * stay one (the drift test) and `db:copy` has a table to copy.
 */
export const queueLog = sqliteTable(
  'queue_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    nodeId: text('node_id').notNull(),
    seq: integer('seq').notNull(),
    time: integer('time').notNull(),
    callid: text('callid').notNull(),
    queuename: text('queuename').notNull(),
    agent: text('agent').notNull(),
    event: text('event').notNull(),
    data1: text('data1'),
    data2: text('data2'),
    data3: text('data3'),
    data4: text('data4'),
    data5: text('data5'),
  },
  (t) => [uniqueIndex('queue_log_node_seq_idx').on(t.nodeId, t.seq)],
);

export type QueueLogRow = typeof queueLog.$inferSelect;
