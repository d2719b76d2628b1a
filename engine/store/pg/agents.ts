import type { AgentRow } from '../schema/agents.js';
import { agents } from '../schema-pg/agents.js';
import type { PgPool } from './connect.js';
import { rowMapper } from './rows.js';

const toAgent = rowMapper<AgentRow>(agents);

/** The node an agent with no `node_id` belongs to: what a single node is called unless NODE_ID says otherwise. */
export const DEFAULT_NODE_ID = 'node-1';

/**
 * The agents directory on PostgreSQL, as a node reads it: only the agents whose phones register to this node's
 * Asterisk (`agents.node_id`; null counts as the default node, `node-1`), because a node can only ring phones its
 * own Asterisk knows. Text is ordered in byte order (`collate "C"`), as SQLite does, whatever the database's
 * collation: both stores list the same agents in the same order.
 */
export class PgAgents {
  constructor(private readonly pool: PgPool) {}

  async listForNode(nodeId: string): Promise<AgentRow[]> {
    const r = await this.pool.query(`select * from agents where coalesce(node_id, $2) = $1 order by name collate "C", id collate "C"`, [nodeId, DEFAULT_NODE_ID]);
    return r.rows.map(toAgent);
  }

  async list(): Promise<AgentRow[]> {
    const r = await this.pool.query(`select * from agents order by name collate "C", id collate "C"`);
    return r.rows.map(toAgent);
  }
}
