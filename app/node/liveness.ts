/**
 * This node's part in node liveness (#18): heartbeat every `heartbeatMs` with its live calls and agents, renew
 * its leads' leases, and reap nodes whose heartbeat is older than `ttlMs` (engine/store/pg PgClusterNodes does
 * the reaping in one transaction). Times come from the Clock, so tests drive it with a virtual one. It keeps the
 * last cluster view for /health.
 */
import type { Clock, TimerHandle } from '../../engine/clock/index.js';
import type { Logger } from '../../engine/log/index.js';
import type { ClusterNode, PgClusterNodes, PgLeadHopper, ReapReport } from '../../engine/store/pg/index.js';

export interface LivenessDeps {
  nodeId: string;
  cluster: Pick<PgClusterNodes, 'heartbeat' | 'reapDead' | 'list'>;
  hopper: Pick<PgLeadHopper, 'renewLeases'>;
  figures(): { calls: number; agents: number };
  clock: Clock;
  logger: Logger;
  heartbeatMs: number;
  ttlMs: number;
  leaseMs: number;
  /**
   * This process' claim on its NODE_ID (app/node/node-claim.ts): heartbeats stamp the row only while it is still
   * this instance's. Unset: any process with the NODE_ID (rows of earlier versions, tests).
   */
  instanceId?: string;
  /**
   * Another node found this one dead (a stall longer than the TTL) and closed its calls, or (`replaced`) another
   * process took this NODE_ID over after this one fell silent that long: the node must restart.
   */
  onReaped(replaced?: boolean): void;
  /** Each node reaped here. */
  onReap?(r: ReapReport): void;
}

export interface ClusterView {
  /** Clock ms of the last successful read; null before one. */
  at: number | null;
  nodes: Array<Pick<ClusterNode, 'id' | 'state' | 'heartbeatAt' | 'calls' | 'agents' | 'ariUrl' | 'startedAt' | 'downAt' | 'reapedBy' | 'publicUrl' | 'host' | 'pid'>>;
  /** The last beat reached the database. */
  dbOk: boolean;
  lastError: string | null;
}

export class NodeLiveness {
  private timer: TimerHandle | undefined;
  private beating: Promise<void> | null = null;
  private lastRenewAt = -Infinity;
  /**
   * Since when this node's heartbeats reach the database without a gap (null: the last one failed). It reaps
   * only after a full TTL of that: after a database outage every node's heartbeat is old, and the first node
   * back must not take the others — alive, just not yet through — for dead.
   */
  private healthySince: number | null = null;
  private view: ClusterView = { at: null, nodes: [], dbOk: false, lastError: null };
  private lostTo: 'reaped' | 'replaced' | null = null;

  constructor(private readonly d: LivenessDeps) {}

  start(): void {
    this.timer = this.d.clock.setInterval(() => void this.beat(), this.d.heartbeatMs);
  }

  stop(): void {
    this.d.clock.clearInterval(this.timer);
    this.timer = undefined;
  }

  cluster(): ClusterView {
    return this.view;
  }

  /** Whether this process lost its row: reaped by another node, or its NODE_ID taken over by another process. */
  lost(): 'reaped' | 'replaced' | null {
    return this.lostTo;
  }

  /** One round: heartbeat, lease renewal (every third of a lease), reaping, cluster view. Never two at once. */
  beat(): Promise<void> {
    return (this.beating ??= this.round().finally(() => {
      this.beating = null;
    }));
  }

  private async round(): Promise<void> {
    const now = this.d.clock.now();
    try {
      if (!(await this.d.cluster.heartbeat(this.d.nodeId, now, this.d.figures(), this.d.instanceId))) {
        this.stop();
        const row = this.d.instanceId === undefined ? undefined : (await this.d.cluster.list().catch(() => [])).find((n) => n.id === this.d.nodeId);
        if (row && row.state === 'up' && row.instanceId !== this.d.instanceId) {
          this.lostTo = 'replaced';
          this.d.logger.error(
            { nodeId: this.d.nodeId, by: { instanceId: row.instanceId, host: row.host, pid: row.pid } },
            'another process took this NODE_ID over (this one was silent longer than the TTL): stopping without touching its row, leases or queue_log',
          );
        } else {
          this.lostTo = 'reaped';
          this.d.logger.error({ nodeId: this.d.nodeId }, 'another node found this node dead (no heartbeat within the TTL) and closed its calls: restarting');
        }
        this.d.onReaped(this.lostTo === 'replaced');
        return;
      }
      this.healthySince ??= now;
      if (now - this.lastRenewAt >= this.d.leaseMs / 3) {
        await this.d.hopper.renewLeases(this.d.nodeId, now, this.d.leaseMs);
        this.lastRenewAt = now;
      }
      const reaped = now - this.healthySince >= this.d.ttlMs ? await this.d.cluster.reapDead(this.d.nodeId, now, this.d.ttlMs) : [];
      for (const r of reaped) {
        this.d.logger.warn(
          { node: r.nodeId, silentForMs: now - r.heartbeatAt, closedCalls: r.closedCalls, releasedLeads: r.releasedLeads },
          'a node stopped heartbeating: marked down, its open CallLogs closed as engine_lost and its leads released',
        );
        this.d.onReap?.(r);
      }
      const nodes = await this.d.cluster.list();
      if (!this.view.dbOk && this.view.lastError !== null) this.d.logger.info('cluster heartbeat reaches the database again');
      this.view = {
        at: now,
        nodes: nodes.map((n) => ({ id: n.id, state: n.state, heartbeatAt: n.heartbeatAt, calls: n.calls, agents: n.agents, ariUrl: n.ariUrl, startedAt: n.startedAt, downAt: n.downAt, reapedBy: n.reapedBy, publicUrl: n.publicUrl, host: n.host, pid: n.pid })),
        dbOk: true,
        lastError: null,
      };
    } catch (err) {
      this.healthySince = null;
      const message = err instanceof Error ? err.message : String(err);
      if (this.view.dbOk || this.view.lastError === null) this.d.logger.warn({ err: message }, 'cluster heartbeat failed; retrying every beat');
      this.view = { ...this.view, dbOk: false, lastError: message };
    }
  }
}
