import { and, eq, gte, inArray, isNotNull, lt, or, type SQL } from 'drizzle-orm';
import type { Db } from '../db.js';
import { deriveUserMetrics, timeInState, type UserMetrics } from '../metrics.js';
import { agentEvents } from '../schema/agent-events.js';
import { agents } from '../schema/agents.js';
import { callLogs } from '../schema/call-logs.js';
import type { AgentEventRepo } from './agents.js';

export interface MetricsWindow {
  from?: number;
  /** Exclusive; also the "now" that closes the last agent state. Required to count time in state. */
  to?: number;
}

/** Metrics derived on demand from CallLogs and agent events — never kept only in memory. */
export class MetricsRepo {
  constructor(
    private readonly db: Db,
    private readonly events: AgentEventRepo,
  ) {}

  /** A user's metrics: their manual calls plus dialer calls bridged to any agent they own. */
  userMetrics(userId: string, w: MetricsWindow = {}): UserMetrics {
    const agentIds = this.db.select({ id: agents.id }).from(agents).where(eq(agents.userId, userId)).all().map((a) => a.id);
    const who: SQL =
      agentIds.length > 0 ? (or(eq(callLogs.userId, userId), inArray(callLogs.agentId, agentIds)) as SQL) : eq(callLogs.userId, userId);
    const calls = this.calls(who, w);
    const stateMs: Record<string, number> = {};
    if (w.to !== undefined) {
      for (const id of agentIds) {
        for (const [k, v] of Object.entries(this.agentStateMs(id, w.from ?? 0, w.to))) stateMs[k] = (stateMs[k] ?? 0) + v;
      }
    }
    return deriveUserMetrics(calls, stateMs);
  }

  /** One agent's metrics (dialer and manual calls it handled). */
  agentMetrics(agentId: string, w: MetricsWindow = {}): UserMetrics {
    const calls = this.calls(eq(callLogs.agentId, agentId), w);
    const stateMs = w.to === undefined ? {} : this.agentStateMs(agentId, w.from ?? 0, w.to);
    return deriveUserMetrics(calls, stateMs);
  }

  /** Milliseconds per state for one agent in [from, to). */
  agentStateMs(agentId: string, from: number, to: number): Record<string, number> {
    const events = this.events.list({ agentId, from, to });
    return timeInState(events, from, to, this.events.stateBefore(agentId, from));
  }

  /** Agents that changed state in the window, for team-wide boards. */
  activeAgentIds(from: number, to: number): string[] {
    return this.db
      .selectDistinct({ id: agentEvents.agentId })
      .from(agentEvents)
      .where(and(gte(agentEvents.at, from), lt(agentEvents.at, to)))
      .all()
      .map((r) => r.id);
  }

  private calls(who: SQL, w: MetricsWindow) {
    const conds: SQL[] = [who, isNotNull(callLogs.endedAt)];
    if (w.from !== undefined) conds.push(gte(callLogs.createdAt, w.from));
    if (w.to !== undefined) conds.push(lt(callLogs.createdAt, w.to));
    return this.db
      .select({ disposition: callLogs.disposition, talkMs: callLogs.talkMs, endedAt: callLogs.endedAt })
      .from(callLogs)
      .where(and(...conds))
      .all();
  }
}
