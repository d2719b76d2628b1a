import { pgTable, text, bigint } from 'drizzle-orm/pg-core';
import { callLogs } from './call-logs.js';

/**
 * The detector's trace of a call's AMD decision, kept with its CallLog so the decision can be replayed later
 * (engine/amd `decodeAmdTrace`, `replayAmdTrace`). One row per call that AMD decided; `trace` is the compact
 * JSON of engine/amd/trace-codec.ts (a few kB at most). A table of its own keeps call_logs' rows — and every
 * query over them — as small as before. Goes with its CallLog.
 */
export const callAmdTraces = pgTable('call_amd_traces', {
  callId: text('call_id')
    .primaryKey()
    .references(() => callLogs.id, { onDelete: 'cascade' }),
  trace: text('trace').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});
