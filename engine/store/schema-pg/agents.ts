import { pgTable, text, integer, bigint, jsonb, index } from 'drizzle-orm/pg-core';

/** Humans (a SIP endpoint rung per call) and bots (a dial string that takes up to `concurrency` calls). */
export const agents = pgTable(
  'agents',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['human', 'bot'] }).notNull(),
    name: text('name').notNull(),
    /** Dial string or endpoint, e.g. PJSIP/agent101. */
    endpoint: text('endpoint').notNull(),
    /** Simultaneous calls a bot takes; always 1 for humans. */
    concurrency: integer('concurrency').notNull().default(1),
    team: text('team'),
    userId: text('user_id'),
    /**
     * Campaigns the agent serves (JSON array of campaign ids); null or empty: every campaign. Routing and pacing
     * only count an agent for the campaigns it serves.
     */
    campaignIds: jsonb('campaign_ids').$type<string[]>(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('agents_user_idx').on(t.userId), index('agents_team_idx').on(t.team)],
);
