/**
 * `npm start` on PostgreSQL: its GET /health (app/pg/product-health.ts) shows its in-process node's lines into the
 * shared queue_log table (`queueLogTable`, #18) exactly as a headless node's /health does (node.report()), live —
 * lines waiting while PostgreSQL is away, written once it answers — and keeps every field the SQLite product's
 * /health has (other tools read it). No database: the node is its writer over a table that fails, then answers.
 */
import { describe, expect, it } from 'vitest';
import { pgProductHealth } from '../../../app/pg/product-health.js';
import { QueueLogTableWriter } from '../../../app/index.js';
import type { NodeHealthReport, RunningNode } from '../../../app/node/index.js';
import { formatQueueLogLine } from '../../../engine/analytics/index.js';
import { VirtualClock } from '../../../engine/clock/index.js';
import { silentLogger } from '../../../engine/log/index.js';
import { StoreWriteQueue, type EngineSnapshot } from '../../../engine/shell/index.js';
import { NO_BACKUPS } from '../../../engine/store/index.js';
import type { NodeQueueLogLine } from '../../../engine/store/pg/index.js';

describe('npm start on PostgreSQL: /health', () => {
  it('shows the in-process node’s queueLogTable block (written, pending while PostgreSQL is away, last seq), the same as the node’s own /health', async () => {
    const clock = new VirtualClock(1_796_601_600_000);
    let pgAway = true;
    const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const rows: NodeQueueLogLine[] = [];
    const table = {
      lastSeq: async () => 41, // the node wrote 41 lines before this start
      append: async (_node: string, lines: NodeQueueLogLine[]) => {
        if (pgAway) throw refused();
        rows.push(...lines);
      },
    };
    const queue = new StoreWriteQueue({ clock, logger: silentLogger, retryMs: 1000, probe: () => { if (pgAway) throw refused(); } });
    const writer = await QueueLogTableWriter.open('node-1', table);
    writer.bind(queue);

    const snapshot = (): EngineSnapshot =>
      ({ state: 'running', connected: true, reconciled: true, unreconciledSince: null, dialing: false, lastDialAt: null, asteriskStartupTime: null, calls: [], agents: [], controlCalls: [], waitingForAgent: [], campaigns: [], store: queue.status() }) as EngineSnapshot;
    const cluster = { ttlMs: 15_000, seenAt: clock.now(), nodes: [] };
    // What the node's start put into the table from its file (lines 39–41 a kill -9 had left there only).
    const caughtUp = { file: '/var/lib/centralita/queue_log', outcome: 'anchored', tableSeq: 38, inserted: 3, fromSeq: 39, toSeq: 41, fileBehind: 0, malformed: 0, partial: false, bytesRead: 4096, durationMs: 3, error: null };
    const node = {
      engine: { snapshot } as unknown as RunningNode['engine'],
      simulated: true,
      ari: 'embedded',
      queueLog: null,
      recordings: null,
      recordingsUrl: null,
      // What the node's own /health answers: its table writer's status.
      report: () => ({ db: { ok: !pgAway }, cluster, queueLogTable: writer.status(), queueLogCatchUp: caughtUp }) as unknown as NodeHealthReport,
    };
    const health = pgProductHealth({
      node,
      nodeId: 'node-1',
      version: '0.1.0',
      ariApp: 'centralita',
      redisConfigured: false,
      shownUrl: 'postgres://centralita:***@127.0.0.1:5432/centralita',
      store: { dialect: 'postgres', url: 'postgres://centralita:***@127.0.0.1:5432/centralita', sqlite: { path: '/var/lib/centralita/centralita.db', keeps: [] } },
      backup: () => NO_BACKUPS,
      startedAt: clock.now(),
      clock,
    });

    // Two lines while PostgreSQL is away: held in the engine's write queue, counted as pending, numbered 42 and 43.
    writer.append(formatQueueLogLine(1_796_601_600, 'c1', 'Ventas', 'NONE', 'ENTERQUEUE', ['', '+15550100001', 1]));
    writer.append(formatQueueLogLine(1_796_601_605, 'c1', 'Ventas', 'Ana', 'CONNECT', [5, 'br-c1', 0]));
    await writer.flush(10);
    const away = health();
    expect(away.queueLogTable).toEqual({ nodeId: 'node-1', written: 0, pending: 2, seq: 43 });
    expect(away.queueLogTable).toEqual(node.report().queueLogTable);
    expect(away.db).toMatchObject({ ok: false, writable: false });
    expect(away.status).toBe('degraded');

    // PostgreSQL answers again: the queue's retry writes them, /health follows.
    pgAway = false;
    clock.advance(1000);
    expect(await writer.flush(1000)).toBe(true);
    expect(rows.map((r) => r.seq)).toEqual([42, 43]);
    const back = health();
    expect(back.queueLogTable).toEqual({ nodeId: 'node-1', written: 2, pending: 0, seq: 43 });
    expect(back.queueLogTable).toEqual(node.report().queueLogTable);
    expect(back.status).toBe('ok');

    // Only added: every field the product's /health had before is still there, with the same shape.
    expect(Object.keys(back)).toEqual(
      expect.arrayContaining(['status', 'version', 'nodeId', 'uptimeSeconds', 'ari', 'db', 'redis', 'media', 'calls', 'dialer', 'backup', 'queueLog', 'recordings', 'store', 'cluster', 'queueLogTable']),
    );
    expect(back.queueLogCatchUp).toEqual(caughtUp);
    expect(back).toMatchObject({ nodeId: 'node-1', ari: { connected: true, simulated: true, url: 'embedded', app: 'centralita' }, calls: { active: 0 }, dialer: { state: 'running', lastDialAt: null }, queueLog: null, recordings: null, cluster });
  });
});
