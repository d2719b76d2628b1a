import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Agent state changes, append-only. Time in each state is derived from consecutive rows. */
export const agentEvents = sqliteTable(
  'agent_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    agentId: text('agent_id').notNull(),
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    reason: text('reason'),
    callId: text('call_id'),
    at: integer('at').notNull(),
  },
  (t) => [index('agent_events_agent_at_idx').on(t.agentId, t.at), index('agent_events_at_idx').on(t.at)],
);

export type AgentEventRow = typeof agentEvents.$inferSelect;
