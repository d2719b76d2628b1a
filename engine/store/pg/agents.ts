import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { DEFAULT_NODE_ID, mergeAgentPatch, type AgentPatch } from '../repos/agents.js';
import type { AssignmentCheck } from '../agent-directory.js';
import type { AgentRow, NewAgentRow } from '../schema/agents.js';
import { agents } from '../schema-pg/agents.js';
import { campaigns } from '../schema-pg/campaigns.js';
import { lockCheckedStarts, runningCampaigns } from './campaigns.js';
import { pgTransaction, type PgClient, type PgPool } from './connect.js';
import { pgDb, type PgDb } from './drizzle.js';
import { rowMapper } from './rows.js';

const toAgent = rowMapper<AgentRow>(agents);

/**
 * Asks `check` of the agent as it will be stored, inside the transaction that stores it and under START_LOCK (held to
 * the commit), the lock checked campaign starts take before they read the agents. Without it a start and an
 * assignment at the same instant each read the other's change as not yet made, both pass, and the overlap the start
 * rule forbids is stored anyway: an agent serving two running power/predictive campaigns.
 */
async function checkAssignment(tx: PgClient, check: AssignmentCheck, agent: Pick<AgentRow, 'id' | 'name' | 'campaignIds'>): Promise<void> {
  const refusal = check(agent, await runningCampaigns(tx));
  if (refusal !== null) throw refusal;
}

/** By name, ties by id, both in byte order (`collate "C"`) as SQLite's BINARY: the same list on both stores. */
const byNameThenId = [sql`${agents.name} collate "C"`, sql`${agents.id} collate "C"`];

/**
 * The agents directory on PostgreSQL. A node reads only the agents whose phones register to its Asterisk
 * (`agents.node_id`; null counts as the default node, `node-1`), because a node can only ring phones its own
 * Asterisk knows. The API (`AgentDirectory`, ../agent-directory.ts) reads and writes every agent, with the
 * behaviour of the SQLite `AgentRepo`. Text is ordered in byte order (`collate "C"`), as SQLite does, whatever the
 * database's collation: both stores list the same agents in the same order.
 */
export class PgAgents {
  private readonly db: PgDb;
  constructor(private readonly pool: PgPool) {
    this.db = pgDb(pool);
  }

  async listForNode(nodeId: string): Promise<AgentRow[]> {
    const r = await this.pool.query(`select * from agents where coalesce(node_id, $2) = $1 order by name collate "C", id collate "C"`, [nodeId, DEFAULT_NODE_ID]);
    return r.rows.map(toAgent);
  }

  /** Every agent, or those of a team / a user (AgentRepo.list). */
  async list(filter: { team?: string; userId?: string } = {}): Promise<AgentRow[]> {
    const conds: SQL[] = [];
    if (filter.team !== undefined) conds.push(eq(agents.team, filter.team));
    if (filter.userId !== undefined) conds.push(eq(agents.userId, filter.userId));
    return this.db
      .select()
      .from(agents)
      .where(conds.length > 0 ? and(...conds) : undefined)
      .orderBy(...byNameThenId);
  }

  async get(id: string): Promise<AgentRow | undefined> {
    return (await this.db.select().from(agents).where(eq(agents.id, id)))[0];
  }

  /** A new agent; undefined when the id is taken (two API processes creating one id: exactly one wins). */
  async create(row: NewAgentRow, check?: AssignmentCheck): Promise<AgentRow | undefined> {
    if (check === undefined) return (await this.db.insert(agents).values(row).onConflictDoNothing({ target: agents.id }).returning())[0];
    return pgTransaction(this.pool, async (tx) => {
      await lockCheckedStarts(tx);
      // A taken id answers as without a check (undefined), as on SQLite.
      if ((await tx.query(`select 1 from agents where id = $1`, [row.id])).rows.length > 0) return undefined;
      await checkAssignment(tx, check, { id: row.id, name: row.name, campaignIds: row.campaignIds ?? null });
      return (await drizzle(tx).insert(agents).values(row).onConflictDoNothing({ target: agents.id }).returning())[0];
    });
  }

  /**
   * The change merged over the row as it is, read locked (`for update`): two API processes changing one agent
   * (one its campaigns, the other its node) both land. undefined when there is no such agent. With `check`: see
   * checkAssignment.
   */
  async update(id: string, patch: AgentPatch, check?: AssignmentCheck): Promise<{ before: AgentRow; after: AgentRow } | undefined> {
    return pgTransaction(this.pool, async (tx) => {
      // The start lock before the row lock, in the order a checked start takes its locks (then its campaign's row).
      if (check !== undefined) await lockCheckedStarts(tx);
      const r0 = await tx.query(`select * from agents where id = $1 for update`, [id]);
      if (r0.rows[0] === undefined) return undefined;
      const before = toAgent(r0.rows[0]);
      const next = mergeAgentPatch(before, patch);
      if (check !== undefined) await checkAssignment(tx, check, next);
      const { id: _id, createdAt: _c, ...set } = next;
      const after = (await drizzle(tx).update(agents).set(set).where(eq(agents.id, id)).returning())[0]!;
      return { before, after };
    });
  }

  async remove(id: string): Promise<boolean> {
    return (await this.db.delete(agents).where(eq(agents.id, id)).returning({ id: agents.id })).length > 0;
  }

  /** Which of `ids` name no campaign of this database (an agent's assignments must name this database's campaigns). */
  async unknownCampaigns(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const known = new Set((await this.db.select({ id: campaigns.id }).from(campaigns).where(inArray(campaigns.id, [...ids]))).map((r) => r.id));
    return ids.filter((id) => !known.has(id));
  }
}
