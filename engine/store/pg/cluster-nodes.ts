import { lastKnownAlive, lostCallDisposition } from '../../calls/index.js';
import { clusterNodes, type PgClusterNodeRow } from '../schema-pg/cluster-nodes.js';
import { PgCallLogs } from './call-logs.js';
import { pgTransaction, type PgPool } from './connect.js';
import { completeAttemptIn, RELEASE_LEASE_SET } from './hopper.js';
import { rowMapper } from './rows.js';

export type ClusterNode = PgClusterNodeRow;
const toNode = rowMapper<ClusterNode>(clusterNodes);

/** What reaping one dead node did (one transaction). */
export interface ReapReport {
  nodeId: string;
  /** Its last heartbeat (epoch ms). */
  heartbeatAt: number;
  /** Its open CallLogs closed as engine_lost, their leads given the campaign's retry policy. */
  closedCalls: number;
  /** Leads it had leased but not dialled, given back. */
  releasedLeads: number;
}

/** The process that holds a NODE_ID (cluster_nodes.instance_id, host, pid). */
export interface NodeInstance {
  instanceId: string;
  host: string;
  pid: number;
}

/** Who holds a NODE_ID another process tried to claim: its process and its last heartbeat (epoch ms). */
export interface NodeHolder {
  instanceId: string | null;
  host: string | null;
  pid: number | null;
  heartbeatAt: number;
  startedAt: number;
}

export type ClaimResult = { claimed: true; previous: NodeHolder | null } | { claimed: false; holder: NodeHolder };

/**
 * Node liveness on PostgreSQL (#18), with nothing but the database: each node upserts its row and stamps
 * `heartbeat_at` every second (its Clock's time); any live node that sees another's heartbeat older than the TTL
 * reaps it. Reaping is one transaction that starts with
 * `update cluster_nodes set state = 'down' … where id = $1 and state = 'up' and heartbeat_at < $2 returning`: of
 * several live nodes reaping at once exactly one gets the row (the others' UPDATE waits on the row lock, then finds
 * it no longer `up` and returns nothing), so a dead node's calls are closed once. In the same transaction its open
 * CallLogs are closed as `engine_lost` at their last "alive" stamp with the disposition a restart of that node
 * would give them (engine/calls lostCallDisposition), their leads completed by the campaign's retry policy, and
 * the leads it had leased but not dialled released — all or nothing.
 */
export class PgClusterNodes {
  private readonly callLogs: PgCallLogs;

  constructor(private readonly pool: PgPool) {
    this.callLogs = new PgCallLogs(pool);
  }

  /**
   * The node (re)starts: state up, started and heartbeating now, no public URL until it advertises one (a URL of
   * its last run may be another port). `ariUrl` must already be free of credentials.
   */
  async register(nodeId: string, ariUrl: string, at: number): Promise<void> {
    await this.pool.query(
      `insert into cluster_nodes (id, ari_url, started_at, heartbeat_at, state, calls, agents, down_at, reaped_by, public_url)
       values ($1, $2, $3, $3, 'up', 0, 0, null, null, null)
       on conflict (id) do update set ari_url = $2, started_at = $3, heartbeat_at = $3, state = 'up', calls = 0, agents = 0, down_at = null, reaped_by = null, public_url = null`,
      [nodeId, ariUrl, at],
    );
  }

  /**
   * `register` for a process that must hold the NODE_ID alone: in one transaction (the row locked), refused when
   * the row is `up` with a heartbeat newer than `ttlMs` at `at` from another instance — that process is alive — and
   * taken otherwise (never registered, stopped, reaped, or silent longer than the TTL: a killed process). `force`
   * takes it whatever the heartbeat says (the caller knows the holder is gone: app/node/node-claim.ts).
   */
  async claim(nodeId: string, ariUrl: string, at: number, me: NodeInstance, ttlMs: number, force = false): Promise<ClaimResult> {
    return pgTransaction(this.pool, async (tx) => {
      await tx.query(
        `insert into cluster_nodes (id, ari_url, started_at, heartbeat_at, state, calls, agents) values ($1, $2, $3, $3, 'stopped', 0, 0) on conflict (id) do nothing`,
        [nodeId, ariUrl, at],
      );
      const r = await tx.query(`select state, instance_id, host, pid, heartbeat_at, started_at from cluster_nodes where id = $1 for update`, [nodeId]);
      const row = r.rows[0] as { state: string; instance_id: string | null; host: string | null; pid: number | null; heartbeat_at: number; started_at: number };
      const holder: NodeHolder = { instanceId: row.instance_id, host: row.host, pid: row.pid, heartbeatAt: Number(row.heartbeat_at), startedAt: Number(row.started_at) };
      const alive = row.state === 'up' && row.instance_id !== me.instanceId && at - holder.heartbeatAt < ttlMs;
      if (alive && !force) return { claimed: false, holder };
      await tx.query(
        `update cluster_nodes set ari_url = $2, started_at = $3, heartbeat_at = $3, state = 'up', calls = 0, agents = 0, down_at = null, reaped_by = null,
           public_url = null, instance_id = $4, host = $5, pid = $6 where id = $1`,
        [nodeId, ariUrl, at, me.instanceId, me.host, me.pid],
      );
      return { claimed: true, previous: row.state === 'up' ? holder : null };
    });
  }

  /** Where API processes reach this node's health server for its recordings (once it listens); null: nowhere. */
  async advertise(nodeId: string, publicUrl: string | null): Promise<void> {
    await this.pool.query(`update cluster_nodes set public_url = $2 where id = $1`, [nodeId, publicUrl]);
  }

  /** One node's state and advertised URL (an API's NodeDirectory for engine/recordings' node client). */
  async address(nodeId: string): Promise<{ state: ClusterNode['state']; url: string | null } | undefined> {
    const r = await this.pool.query(`select state, public_url from cluster_nodes where id = $1`, [nodeId]);
    const row = r.rows[0] as { state: ClusterNode['state']; public_url: string | null } | undefined;
    return row ? { state: row.state, url: row.public_url } : undefined;
  }

  /**
   * Stamps the heartbeat with the node's figures. Returns false when the row is no longer `up`: another node found
   * this one dead (a pause longer than the TTL) and already closed its calls and released its leads — the caller
   * must not go on as if nothing happened. With `instanceId` (a process that claimed its row), also false once
   * another process took the NODE_ID over (`claim` after this one fell silent longer than the TTL).
   */
  async heartbeat(nodeId: string, at: number, figures: { calls: number; agents: number }, instanceId?: string): Promise<boolean> {
    const r = await this.pool.query(
      `update cluster_nodes set heartbeat_at = $2, calls = $3, agents = $4 where id = $1 and state = 'up'${instanceId === undefined ? '' : ' and instance_id = $5'}`,
      [nodeId, at, figures.calls, figures.agents, ...(instanceId === undefined ? [] : [instanceId])],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /** The node left cleanly (SIGTERM): its calls were ended and its leases given back by the engine's stop. */
  async markStopped(nodeId: string, at: number, instanceId?: string): Promise<void> {
    // With `instanceId`: only while the row is still this process' (one that took the NODE_ID over keeps it up).
    await this.pool.query(
      `update cluster_nodes set state = 'stopped', heartbeat_at = $2, calls = 0, agents = 0 where id = $1${instanceId === undefined ? '' : ' and instance_id = $3'}`,
      [nodeId, at, ...(instanceId === undefined ? [] : [instanceId])],
    );
  }

  async list(): Promise<ClusterNode[]> {
    const r = await this.pool.query(`select * from cluster_nodes order by id`);
    return r.rows.map(toNode);
  }

  /** Reaps every node other than `self` whose heartbeat is older than `ttlMs` at `now`; one report per node reaped here. */
  async reapDead(self: string, now: number, ttlMs: number): Promise<ReapReport[]> {
    const before = now - ttlMs;
    const r = await this.pool.query(`select id from cluster_nodes where state = 'up' and heartbeat_at < $1 and id <> $2`, [before, self]);
    const out: ReapReport[] = [];
    for (const { id } of r.rows as Array<{ id: string }>) {
      const report = await this.reap(id, self, now, before);
      if (report) out.push(report);
    }
    return out;
  }

  /** One dead node, one transaction; null when another node reaped it first (or it heartbeat meanwhile). */
  private reap(nodeId: string, by: string, now: number, heartbeatBefore: number): Promise<ReapReport | null> {
    return pgTransaction(this.pool, async (tx) => {
      const down = await tx.query(
        `update cluster_nodes set state = 'down', down_at = $3, reaped_by = $4, calls = 0, agents = 0
         where id = $1 and state = 'up' and heartbeat_at < $2 returning heartbeat_at`,
        [nodeId, heartbeatBefore, now, by],
      );
      if (down.rows.length === 0) return null;
      const heartbeatAt = (down.rows[0] as { heartbeat_at: number }).heartbeat_at;
      let closedCalls = 0;
      for (const row of await this.callLogs.listOpenCallLogs(nodeId, tx, true)) {
        const disposition = lostCallDisposition(row);
        // Ended at the last moment it was known alive (its last stage or "alive" stamp), as a restart of that node would.
        const at = Math.min(lastKnownAlive(row), now);
        if (await this.callLogs.closeCallLog(row.id, disposition, null, at, 'engine_lost', tx)) closedCalls++;
        if (row.leadId) await completeAttemptIn(tx, row.leadId, disposition, now, { owner: nodeId });
      }
      const released = await tx.query(`update leads set ${RELEASE_LEASE_SET}, updated_at = $2 where lease_owner = $1`, [nodeId, now]);
      return { nodeId, heartbeatAt, closedCalls, releasedLeads: released.rowCount ?? 0 };
    });
  }
}
