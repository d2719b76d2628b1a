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
    /**
     * The engine node whose Asterisk the agent's phone registers to (NODE_ID, #18): only that node dials for and
     * bridges to this agent. Null: the default node, the one whose NODE_ID is `node-1` (what a single-node
     * product is called unless configured otherwise), so one node needs nothing set.
     */
    nodeId: text('node_id'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('agents_user_idx').on(t.userId), index('agents_team_idx').on(t.team), index('agents_node_idx').on(t.nodeId)],
);
