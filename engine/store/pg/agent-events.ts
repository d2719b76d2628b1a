import type { PgPool } from './connect.js';

/** One agent state change as the engine reports it (engine/shell `AgentEventWriter`). */
export interface AgentEventAppend {
  agentId: string;
  from: string;
  to: string;
  reason?: string | null;
  callId?: string | null;
  at: number;
}

/**
 * An engine node's agent state changes into PostgreSQL's `agent_events` (#18), the log the supervisors' figures
 * (PgCallMetrics: wrap-up, occupancy, pause time, AHT) read. Append-only and asynchronous: the node hands each
 * append to the engine's write queue (engine/shell write-queue.ts), which keeps them in order behind the CallLog
 * writes, holds them (bounded) while PostgreSQL is away and retries — a rejected append never reaches the engine.
 */
export class PgAgentEvents {
  constructor(private readonly pool: PgPool) {}

  async append(e: AgentEventAppend): Promise<void> {
    await this.pool.query(
      `insert into agent_events (agent_id, from_state, to_state, reason, call_id, at) values ($1, $2, $3, $4, $5, $6)`,
      [e.agentId, e.from, e.to, e.reason ?? null, e.callId ?? null, e.at],
    );
  }
}
