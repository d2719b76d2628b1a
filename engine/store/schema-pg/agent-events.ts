import { pgTable, text, bigint, index } from 'drizzle-orm/pg-core';

/** Agent state changes, append-only. Time in each state is derived from consecutive rows. */
export const agentEvents = pgTable(
  'agent_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    agentId: text('agent_id').notNull(),
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    reason: text('reason'),
    callId: text('call_id'),
    at: bigint('at', { mode: 'number' }).notNull(),
  },
  (t) => [index('agent_events_agent_at_idx').on(t.agentId, t.at), index('agent_events_at_idx').on(t.at)],
);
