/**
 * Node liveness on the real PostgreSQL (#18), virtual time: a node that stops heartbeating is reaped after the
 * TTL and not a millisecond before, by exactly one of the live nodes racing for it; in the same transaction its
 * open CallLog is closed as engine_lost (at its last alive stamp, with the disposition a restart would give it),
 * the lead gets the campaign's retry policy, the lead it leased but never dialled is released, and the dead node
 * learns it was reaped when it heartbeats again. Also the PostgreSQL CallLog writer's transitions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeLiveness } from '../../app/node/index.js';
import { VirtualClock } from '../../engine/clock/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { openStore } from '../../engine/store/index.js';
import { copySqliteToPg, migratePg, openPgPool, PgAgents, PgCallLogs, PgClusterNodes, PgLeadHopper, type PgPool, type ReapReport } from '../../engine/store/pg/index.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.js';

// Tuesday 2026-03-03 15:00 UTC: 09:00 in Costa Rica.
const T0 = Date.UTC(2026, 2, 3, 15, 0, 0);
const TTL = 5000;

let db: TestDatabase;
let pool: PgPool;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase('ct_cluster');
  pool = openPgPool(db.url, { max: 6 });
  await migratePg(pool);
  dir = mkdtempSync(join(tmpdir(), 'centralita-pgcluster-'));
  // Through the store's own repositories (validated settings), copied over.
  const s = openStore(join(dir, 'seed.db'));
  s.campaigns.create('k', { name: 'k', dialMode: 'predictive', maxAttempts: 3, retryDelays: { default: 600 } }, T0 - 60_000);
  s.campaigns.command('k', 'start', T0 - 60_000);
  s.leads.insertMany(
    ['+50683000001', '+50683000002', '+50683000003'].map((p) => ({ campaignId: 'k', phoneE164: p, phoneRaw: p, timeZone: 'America/Costa_Rica' })),
    T0 - 60_000,
  );
  s.agents.upsert({ id: 'a-default', kind: 'human', name: 'A', endpoint: 'PJSIP/1001', createdAt: T0 });
  s.agents.upsert({ id: 'a-b', kind: 'human', name: 'B', endpoint: 'PJSIP/1001', nodeId: 'node-b', createdAt: T0 });
  s.close();
  await copySqliteToPg({ from: join(dir, 'seed.db'), to: db.url });
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('cluster nodes on PostgreSQL', () => {
  it('agents belong to their node; no node_id means the default node-1', async () => {
    const agents = new PgAgents(pool);
    expect((await agents.listForNode('node-1')).map((a) => a.id)).toEqual(['a-default']);
    expect((await agents.listForNode('node-b')).map((a) => a.id)).toEqual(['a-b']);
    expect(await agents.listForNode('node-c')).toEqual([]);
  });

  it('reaps a silent node once, after the TTL: CallLog engine_lost, lead retried, leases released', async () => {
    const clock = new VirtualClock(T0);
    const cluster = new PgClusterNodes(pool);
    const hopper = new PgLeadHopper(pool);
    const logs = new PgCallLogs(pool);
    await cluster.register('node-a', 'embedded', clock.now());
    await cluster.register('node-b', 'http://pbx-b:8088/', clock.now());
    await cluster.register('node-c', 'embedded', clock.now());

    // node-b leases two leads, dials one: the call is answered, AMD says human, it is bridged, stamped alive.
    const leased = await hopper.lease({ campaignId: 'k', owner: 'node-b', now: clock.now(), limit: 2, leaseMs: 60_000 });
    expect(leased).toHaveLength(2);
    const [dialled, idle] = leased as [(typeof leased)[0], (typeof leased)[0]];
    expect(await hopper.markCalling(dialled.id, 'node-b', clock.now())).toBe(true);
    await logs.create({ id: 'call-b1', campaignId: 'k', leadId: dialled.id, phone: dialled.phoneE164, nodeId: 'node-b', at: T0 });
    expect(await logs.markRinging('call-b1', T0 + 100)).toBe(true);
    expect(await logs.markAnswered('call-b1', T0 + 2000)).toBe(true);
    expect(await logs.markAmd('call-b1', { status: 'HUMAN', cause: 'INITIALSILENCE', decisionMs: 1500, at: T0 + 3500 })).toBe(true);
    expect(await logs.markBridged('call-b1', { agentId: 'a-b', at: T0 + 3600 })).toBe(true);
    expect(await logs.markAlive('node-b', T0 + 4000)).toBe(1);

    // node-a heartbeats every second (virtual), node-b goes silent at T0 + 1000.
    const reports: ReapReport[] = [];
    const a = new NodeLiveness({
      nodeId: 'node-a',
      cluster,
      hopper,
      figures: () => ({ calls: 0, agents: 1 }),
      clock,
      logger: silentLogger,
      heartbeatMs: 1000,
      ttlMs: TTL,
      leaseMs: 60_000,
      onReaped: () => {
        throw new Error('node-a was reaped');
      },
      onReap: (r) => reports.push(r),
    });
    clock.advance(1000);
    expect(await cluster.heartbeat('node-b', clock.now(), { calls: 1, agents: 1 })).toBe(true);
    const silentSince = clock.now();
    // Up to the TTL exactly: not reaped (strictly older than the TTL only).
    while (clock.now() < silentSince + TTL) {
      clock.advance(1000);
      await cluster.heartbeat('node-c', clock.now(), { calls: 0, agents: 0 });
      await a.beat();
    }
    expect(reports).toEqual([]);
    expect((await cluster.list()).find((n) => n.id === 'node-b')?.state).toBe('up');

    // One ms later two live nodes race for it: one reaps, the other finds nothing.
    clock.advance(1);
    const [byA, byC] = await Promise.all([cluster.reapDead('node-a', clock.now(), TTL), cluster.reapDead('node-c', clock.now(), TTL)]);
    const all = [...byA, ...byC];
    expect(all).toEqual([{ nodeId: 'node-b', heartbeatAt: silentSince, closedCalls: 1, releasedLeads: 1 }]);

    const row = await logs.get('call-b1');
    expect(row).toMatchObject({ stage: 'ended', interruption: 'engine_lost', endedAt: T0 + 4000, talkMs: 400 });
    // Bridged when lost: the restart path's disposition for that stage.
    expect(row?.disposition).toBe('INTERRUPTED');
    const leads = (await pool.query(`select id, attempts, lease_owner, status, next_due_at from leads where id = any($1::text[]) order by id`, [[dialled.id, idle.id]])).rows as Array<{
      id: string;
      attempts: number;
      lease_owner: string | null;
      status: string;
      next_due_at: number | null;
    }>;
    const d = leads.find((l) => l.id === dialled.id)!;
    const i = leads.find((l) => l.id === idle.id)!;
    expect(d).toMatchObject({ attempts: 1, lease_owner: null });
    expect(d.next_due_at).toBeGreaterThan(clock.now()); // the campaign's retry delay
    expect(i).toMatchObject({ attempts: 0, lease_owner: null, status: 'no_selected' });
    const b = (await cluster.list()).find((n) => n.id === 'node-b')!;
    expect(b).toMatchObject({ state: 'down', reapedBy: byA.length > 0 ? 'node-a' : 'node-c' });

    // node-b wakes up (a long stall): its heartbeat is refused, it must restart; a late write cannot reopen the row.
    expect(await cluster.heartbeat('node-b', clock.now(), { calls: 1, agents: 1 })).toBe(false);
    expect(await logs.end('call-b1', { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: clock.now() })).toBe(false);
    // A later reaping round finds nothing more to do.
    clock.advance(1000);
    await a.beat();
    expect(reports).toEqual([]);
    expect(a.cluster().nodes.map((n) => [n.id, n.state])).toEqual([
      ['node-a', 'up'],
      ['node-b', 'down'],
      ['node-c', 'up'],
    ]);
  });
});
