/**
 * A node's agents follow the agents table: an agent added with this node's `node_id` (or moved here) joins the
 * engine and goes READY — a node has no console or API of its own, so it treats its agents as the single-node
 * product treats its agents at start (autoReady) — a changed row updates its configuration (endpoint, campaigns),
 * and an agent removed or moved to another node is logged out and forgotten. Read every `pollMs`, like campaigns.
 */
import type { Clock, TimerHandle } from '../../engine/clock/index.js';
import type { Logger } from '../../engine/log/index.js';
import type { Engine } from '../../engine/shell/index.js';
import type { NodeAgents } from '../../engine/store/index.js';
import { agentConfigFromRow } from '../engine-parts.js';

export interface AgentFollowerDeps {
  nodeId: string;
  engine: Pick<Engine, 'agentState' | 'agentStates' | 'upsertAgent' | 'removeAgent' | 'agentReady'>;
  /** Either store (engine/store NodeStore): PostgreSQL for `centralita node`. */
  agents: Pick<NodeAgents, 'listForNode'>;
  clock: Clock;
  logger: Logger;
  pollMs: number;
}

export class AgentFollower {
  private timer: TimerHandle | undefined;
  private polling: Promise<void> | null = null;
  /** Each agent's name as last read (kept after it leaves: its log-off still names it in the queue_log). */
  private readonly names = new Map<string, string>();

  constructor(private readonly d: AgentFollowerDeps) {}

  /** An agent's name as this follower last read it (the queue_log's agent column, asked synchronously). */
  name(agentId: string): string | undefined {
    return this.names.get(agentId);
  }

  start(): void {
    this.timer = this.d.clock.setInterval(() => void this.poll(), this.d.pollMs);
  }

  stop(): void {
    this.d.clock.clearInterval(this.timer);
    this.timer = undefined;
  }

  poll(): Promise<void> {
    return (this.polling ??= this.apply()
      .catch((err: unknown) => this.d.logger.debug({ err: String(err) }, 'cannot read agents; retrying'))
      .finally(() => {
        this.polling = null;
      }));
  }

  private async apply(): Promise<void> {
    const rows = await this.d.agents.listForNode(this.d.nodeId);
    for (const r of rows) this.names.set(r.id, r.name);
    const wanted = new Set(rows.map((r) => r.id));
    for (const row of rows) {
      const cur = this.d.engine.agentState(row.id);
      const cfg = agentConfigFromRow(row, cur?.config.wrapUpMs);
      if (!cur) {
        this.d.engine.upsertAgent(cfg);
        this.d.engine.agentReady(row.id);
        this.d.logger.info({ agentId: row.id }, 'agent joined this node');
      } else if (JSON.stringify({ ...cur.config, wrapUpMs: 0 }) !== JSON.stringify({ ...cfg, wrapUpMs: 0 })) {
        this.d.engine.upsertAgent(cfg);
      }
    }
    for (const a of this.d.engine.agentStates()) {
      if (wanted.has(a.config.id)) continue;
      this.d.engine.removeAgent(a.config.id);
      this.d.logger.info({ agentId: a.config.id }, 'agent left this node (removed, or its node_id names another node)');
    }
  }
}
