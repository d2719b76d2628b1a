import { and, asc, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db.js';
import { agentEvents, type AgentEventRow } from '../schema/agent-events.js';
import { agents, type AgentRow, type NewAgentRow } from '../schema/agents.js';

/** The node an agent with no `node_id` belongs to: what a single node is called unless NODE_ID says otherwise. */
export const DEFAULT_NODE_ID = 'node-1';

/** What a change of an agent may set (the API's PATCH /api/agents/{id}); absent keys stay as they are. */
export type AgentPatch = Partial<Pick<AgentRow, 'kind' | 'name' | 'endpoint' | 'concurrency' | 'team' | 'userId' | 'campaignIds' | 'nodeId'>>;

/**
 * One rule for a change over the stored agent, on both dialects (`AgentDirectory.update`): a human takes one call
 * at a time whatever was asked, a bot keeps its concurrency unless the change gives one; id and creation stay.
 */
export function mergeAgentPatch(before: AgentRow, patch: AgentPatch): AgentRow {
  const kind = patch.kind ?? before.kind;
  return {
    ...before,
    kind,
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.endpoint !== undefined && { endpoint: patch.endpoint }),
    concurrency: kind === 'bot' ? (patch.concurrency ?? before.concurrency) : 1,
    ...(patch.team !== undefined && { team: patch.team }),
    ...(patch.userId !== undefined && { userId: patch.userId }),
    ...(patch.campaignIds !== undefined && { campaignIds: patch.campaignIds }),
    ...(patch.nodeId !== undefined && { nodeId: patch.nodeId }),
  };
}

/** Agent directory (who can take calls, and how). */
export class AgentRepo {
  constructor(private readonly db: Db) {}

  upsert(agent: NewAgentRow): AgentRow {
    const { id: _id, createdAt: _c, ...rest } = agent;
    return this.db
      .insert(agents)
      .values(agent)
      .onConflictDoUpdate({ target: agents.id, set: rest })
      .returning()
      .all()[0]!;
  }

  get(id: string): AgentRow | undefined {
    return this.db.select().from(agents).where(eq(agents.id, id)).get();
  }

  list(filter: { team?: string; userId?: string } = {}): AgentRow[] {
    const conds: SQL[] = [];
    if (filter.team !== undefined) conds.push(eq(agents.team, filter.team));
    if (filter.userId !== undefined) conds.push(eq(agents.userId, filter.userId));
    // Ties by id (byte order), as on PostgreSQL.
    return this.db.select().from(agents).where(conds.length > 0 ? and(...conds) : undefined).orderBy(asc(agents.name), asc(agents.id)).all();
  }

  /**
   * The agents whose phones register to `nodeId`'s Asterisk: `node_id` is the node, or null for the default node
   * (`node-1`, as PgAgents.listForNode on PostgreSQL).
   */
  listForNode(nodeId: string): AgentRow[] {
    return this.db
      .select()
      .from(agents)
      .where(sql`coalesce(${agents.nodeId}, ${DEFAULT_NODE_ID}) = ${nodeId}`)
      .orderBy(asc(agents.name), asc(agents.id))
      .all();
  }

  remove(id: string): boolean {
    return this.db.delete(agents).where(eq(agents.id, id)).run().changes > 0;
  }
}

export interface AgentEventInput {
  agentId: string;
  from: string;
  to: string;
  reason?: string | null;
  callId?: string | null;
  at: number;
}

/** Agent state changes as an append-only log. */
export class AgentEventRepo {
  constructor(private readonly db: Db) {}

  append(e: AgentEventInput): AgentEventRow {
    return this.db
      .insert(agentEvents)
      .values({ agentId: e.agentId, fromState: e.from, toState: e.to, reason: e.reason ?? null, callId: e.callId ?? null, at: e.at })
      .returning()
      .all()[0]!;
  }

  /** Events of one agent (or all agents) in [from, to), in time order. */
  list(q: { agentId?: string; from?: number; to?: number } = {}): AgentEventRow[] {
    const conds: SQL[] = [];
    if (q.agentId !== undefined) conds.push(eq(agentEvents.agentId, q.agentId));
    if (q.from !== undefined) conds.push(gte(agentEvents.at, q.from));
    if (q.to !== undefined) conds.push(lt(agentEvents.at, q.to));
    return this.db
      .select()
      .from(agentEvents)
      .where(conds.length > 0 ? and(...conds) : undefined)
      .orderBy(asc(agentEvents.at), asc(agentEvents.id))
      .all();
  }

  /** The state an agent was in just before `at` (the last event before it), for windowed metrics. */
  stateBefore(agentId: string, at: number): string | null {
    const row = this.db
      .select({ to: agentEvents.toState })
      .from(agentEvents)
      .where(and(eq(agentEvents.agentId, agentId), lt(agentEvents.at, at)))
      .orderBy(desc(agentEvents.at), desc(agentEvents.id))
      .limit(1)
      .get();
    return row?.to ?? null;
  }
}
