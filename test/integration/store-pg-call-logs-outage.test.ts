/**
 * The engine's CallLog writes on PostgreSQL when the connection goes: a TCP proxy between the pool and the server
 * resets every connection (and then refuses new ones), as a server restart or a network cut does. Whatever
 * node-postgres reports (reset, "Connection terminated", refused) must count as a storage failure: the write queue
 * stops the dialler (`writable: false`, the error kept for /health), keeps the writes in order, and when the server
 * answers again flushes them — the rows end exactly as written, the ended call with its durations.
 */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../engine/clock/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { StoreWriteQueue } from '../../engine/shell/index.js';
import { PgCallLogs } from '../../engine/store/pg/index.js';
import { useProxiedTestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';

const env = useProxiedTestDatabase('ct_outage');


describe('PgCallLogs through a connection that goes away', () => {
  it('queues in order while PostgreSQL is unreachable, stops dialling, and flushes when it is back', async () => {
    const logs = new PgCallLogs(env.viaProxy);
    const q = new StoreWriteQueue({ clock: systemClock, logger: silentLogger, retryMs: 200, probe: () => env.viaProxy.query('select 1') });
    const T = 1_800_000_000_000;
    q.run('create', () => logs.create({ id: 'k1', campaignId: null, leadId: null, phone: '+15550100001', nodeId: 'n1', at: T }));
    q.run('ringing', () => logs.markRinging('k1', T + 100));
    expect(await q.idle(5000)).toBe(true);
    expect(q.writable).toBe(true);

    await env.proxy.setMode('reset');
    q.run('answered', () => logs.markAnswered('k1', T + 2000));
    await until(() => (q.writable ? undefined : true), 10_000, 20);
    await env.proxy.setMode('refuse');
    q.run('bridged', () => logs.markBridged('k1', { agentId: 'a1', at: T + 3000 }));
    q.run('end', () => logs.end('k1', { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: T + 9000 }));
    const degraded = q.status();
    expect(degraded.writable).toBe(false);
    expect(degraded.pendingWrites).toBeGreaterThanOrEqual(3);
    expect(degraded.lastError).toBeTruthy();
    // Nothing after `ringing` reached the database.
    expect((await env.direct.query(`select stage from call_logs where id = 'k1'`)).rows[0]).toEqual({ stage: 'ringing' });

    await env.proxy.setMode('forward');
    await until(() => (q.writable && q.pendingWrites === 0 ? true : undefined), 15_000, 50);
    const row = (await env.direct.query(`select stage, answered_at, bridged_at, agent_id, disposition, ring_ms, talk_ms, total_ms from call_logs where id = 'k1'`)).rows[0];
    expect(row).toEqual({
      stage: 'ended',
      answered_at: T + 2000,
      bridged_at: T + 3000,
      agent_id: 'a1',
      disposition: 'ANSWERED_HUMAN',
      ring_ms: 1900,
      talk_ms: 6000,
      total_ms: 9000,
    });
    q.close();
  }, 60_000);
});
