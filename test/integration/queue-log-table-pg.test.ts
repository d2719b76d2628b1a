/**
 * The queue_log on PostgreSQL (#18): two engine nodes' lines, each written by its own QueueLogTableWriter through
 * its own write queue, into one `queue_log` table, and `/api/queues` following the table (startTableQueueStats):
 * the call center's figures are both nodes' summed — the same figures the analysis gives for both nodes' lines in
 * one file — every node's agents and calls are listed with their node, a PostgreSQL outage in the middle of a
 * node's stream (connections reset, then refused; and an answer lost after the COMMIT) loses no line and writes
 * none twice, bad rows are malformed lines (counted, named by row, never fatal), and a restart goes on from its
 * checkpoint. Real PostgreSQL on 127.0.0.1 (a database of its own), a TCP proxy to cut it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QueueLogAnalysis, formatQueueLogLine } from '../../engine/analytics/index.js';
import { VirtualClock, systemClock } from '../../engine/clock/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { StoreWriteQueue } from '../../engine/shell/index.js';
import { PgQueueLog, type NodeQueueLogLine, type PgPool } from '../../engine/store/pg/index.js';
import { QueueLogTableWriter, queueLogColumns, queueLogLineOf, startTableQueueStats, type TableQueueStats } from '../../app/index.js';
import { harness, type Harness } from '../unit/api/harness.js';
import { useProxiedTestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';

const env = useProxiedTestDatabase('queues_cluster_ql');
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'queues-cluster-'));
}, 60_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await env.direct.query('truncate queue_log restart identity');
  await env.proxy.setMode('forward');
});

const T = 1_796_601_600; // 2026-12-07 00:00:00 UTC
const L = (dt: number, callid: string, queue: string, agent: string, event: string, data: (string | number)[]) => formatQueueLogLine(T + dt, callid, queue, agent, event, data);

/** Node A: Ana logs in, answers a1 (waited 5 s, talked 60 s); a2 is dropped after 30 s; one attempt not answered. */
const NODE_A = [
  L(0, 'NONE', 'NONE', 'Ana', 'AGENTLOGIN', ['Centralita/ag-a']),
  L(10, 'a1', 'Ventas', 'NONE', 'ENTERQUEUE', ['', '+15550100001', 1]),
  L(15, 'a1', 'Ventas', 'Ana', 'CONNECT', [5, 'br-a1', 0]),
  L(75, 'a1', 'Ventas', 'Ana', 'COMPLETECALLER', [5, 60, 1]),
  L(80, 'a2', 'Ventas', 'NONE', 'ENTERQUEUE', ['', '+15550100002', 1]),
  L(110, 'a2', 'Ventas', 'NONE', 'ABANDON', [1, 1, 30]),
  L(120, 'a3', 'Ventas', 'NONE', 'OUTCALL', ['NO_ANSWER', 0, '+15550100003']),
];
/** Node B: Beto logs in, answers b1 (waited 25 s) and is still talking; Soporte gets b2, answered at once. */
const NODE_B = [
  L(2, 'NONE', 'NONE', 'Beto', 'AGENTLOGIN', ['Centralita/ag-b']),
  L(20, 'b2', 'Soporte', 'NONE', 'ENTERQUEUE', ['', '+15550200002', 1]),
  L(21, 'b2', 'Soporte', 'Beto', 'CONNECT', [1, 'br-b2', 0]),
  L(51, 'b2', 'Soporte', 'Beto', 'COMPLETECALLER', [1, 30, 1]),
  L(60, 'b1', 'Ventas', 'NONE', 'ENTERQUEUE', ['', '+15550200001', 1]),
  L(85, 'b1', 'Ventas', 'Beto', 'CONNECT', [25, 'br-b1', 0]),
];

async function writerOn(pool: PgPool, nodeId: string, o: { retryMs?: number; table?: PgQueueLog } = {}): Promise<{ writer: QueueLogTableWriter; queue: StoreWriteQueue }> {
  const queue = new StoreWriteQueue({ clock: systemClock, logger: silentLogger, retryMs: o.retryMs ?? 100, probe: () => pool.query('select 1') });
  const writer = await QueueLogTableWriter.open(nodeId, o.table ?? new PgQueueLog(pool));
  writer.bind(queue);
  return { writer, queue };
}

async function statsOn(o: { checkpointFile?: string; clock?: VirtualClock; pool?: PgPool } = {}): Promise<TableQueueStats> {
  return startTableQueueStats({
    table: new PgQueueLog(o.pool ?? env.direct),
    ...(o.checkpointFile ? { checkpointFile: o.checkpointFile } : {}),
    serviceLevel: () => 20,
    timeZone: 'UTC',
    clock: o.clock ?? new VirtualClock(T * 1000 + 3_600_000),
    logger: silentLogger,
    batch: 4, // several queries per poll, so catching up is exercised too
  });
}

const rowsOf = async (nodeId: string) =>
  (await env.direct.query<{ seq: number; line: string }>(
    `select seq, concat_ws('|', time, callid, queuename, agent, event, data1, data2, data3, data4, data5) as line from queue_log where node_id = $1 order by id`,
    [nodeId],
  )).rows;

describe('the queue_log table', () => {
  it('keeps each line as written: columns back to the same line', () => {
    for (const line of [...NODE_A, ...NODE_B, '1|c|q|NONE|EVENT|', '1|c|q|NONE|EVENT', '1|c|q|a|E|1|2|3|4|5|6|7']) {
      expect(queueLogLineOf({ ...queueLogColumns(line)! })).toBe(line);
    }
    expect(queueLogColumns('1|c|q|a')).toBeNull();
  });

  it('two nodes → /api/queues sums both, as one file of both would, with each agent and call on its node', async () => {
    const a = await writerOn(env.direct, 'node-a');
    const b = await writerOn(env.direct, 'node-b');
    // Interleaved as two nodes write at once.
    for (let i = 0; i < Math.max(NODE_A.length, NODE_B.length); i++) {
      if (NODE_A[i]) a.writer.append(NODE_A[i]!);
      if (NODE_B[i]) b.writer.append(NODE_B[i]!);
      if (i % 2 === 1) await Promise.resolve(); // batches of more than one line, and of one
    }
    expect(await a.writer.flush()).toBe(true);
    expect(await b.writer.flush()).toBe(true);

    const stats = await statsOn();
    const h: Harness = harness({ queues: stats });
    try {
      h.addUser('sup1', 'supervisor');
      const sup = await h.login('sup1');
      const get = async (path: string) => {
        const res = await h.json('GET', path, undefined, h.bearer(sup));
        expect(res.status).toBe(200);
        return (await res.json()) as Record<string, unknown>;
      };
      await stats.poll();
      const list = (await get('/api/queues')) as { queues: Array<Record<string, unknown>>; source: Record<string, unknown>; open_calls: number; in_queue: number };
      const ventas = list.queues.find((q) => q.name === 'Ventas')!;
      // a1 + a2 (node A) and b1 (node B): offered 3, answered a1 and b1, abandoned a2.
      expect(ventas).toMatchObject({ offered: 3, answered: 2, abandoned: 1, asa_s: 15, max_wait_answered_s: 25, answered_within_sl: 1 });
      expect(list.queues.find((q) => q.name === 'Soporte')).toMatchObject({ offered: 1, answered: 1, total_talk_s: 30 });
      expect(list.source).toMatchObject({ lines: 13, kept: 13, malformed: 0, nodes: { 'node-a': 7, 'node-b': 6 }, lastError: null, file: 'postgresql: queue_log' });
      expect(list.open_calls).toBe(1);

      // The same figures as the analysis of both nodes' lines in one file (by time, as one Asterisk would write them).
      const file = new QueueLogAnalysis({ serviceLevel: () => 20, timeZone: 'UTC' });
      const byTime = [...NODE_A, ...NODE_B].sort((x, y) => Number(x.split('|')[0]) - Number(y.split('|')[0]));
      file.push(Buffer.from(`${byTime.join('\n')}\n`));
      file.end();
      const { by_hour: _h, by_day: _d, ...ventasOfFile } = file.result(T + 3600).metrics.queues['Ventas']!;
      expect(ventas).toEqual({ name: 'Ventas', ...ventasOfFile });

      const agents = (await get('/api/queues/agents')) as { agents: Array<{ name: string; calls_answered: number; node: string | null }> };
      expect(agents.agents.map((x) => [x.name, x.calls_answered, x.node]).sort()).toEqual([['Ana', 1, 'node-a'], ['Beto', 2, 'node-b']]);
      const calls = (await get('/api/queues/calls')) as { calls: Array<{ callid: string; state: string; agent: string; node: string | null }> };
      expect(calls.calls).toEqual([expect.objectContaining({ callid: 'b1', state: 'talking', agent: 'Beto', node: 'node-b' })]);

      // A line written after is read at the next poll, once.
      a.writer.append(L(130, 'a4', 'Ventas', 'NONE', 'ENTERQUEUE', ['', '+15550100004', 1]));
      expect(await a.writer.flush()).toBe(true);
      await stats.poll();
      await stats.poll();
      const again = (await get('/api/queues')) as { queues: Array<Record<string, unknown>>; source: Record<string, unknown>; in_queue: number };
      expect(again.queues.find((q) => q.name === 'Ventas')).toMatchObject({ offered: 4 });
      expect(again.source).toMatchObject({ lines: 14, nodes: { 'node-a': 8, 'node-b': 6 } });
      expect(again.in_queue).toBe(1);
    } finally {
      await stats.stop();
      h.close();
      a.queue.close();
      b.queue.close();
    }
  });

  it('a PostgreSQL outage mid-stream: no line lost, none written twice, the reader catches up', async () => {
    // One append whose answer is lost after PostgreSQL committed it: the batch is sent again and must not double.
    let loseNextAnswer = false;
    class LosingAnswers extends PgQueueLog {
      override async append(nodeId: string, lines: readonly NodeQueueLogLine[]): Promise<void> {
        await super.append(nodeId, lines);
        if (loseNextAnswer) {
          loseNextAnswer = false;
          throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        }
      }
    }
    const { writer, queue } = await writerOn(env.viaProxy, 'node-a', { retryMs: 100, table: new LosingAnswers(env.viaProxy) });
    const b = await writerOn(env.direct, 'node-b');
    const stats = await statsOn({ pool: env.viaProxy });
    const lines = Array.from({ length: 60 }, (_, i) => L(200 + i, `o${i}`, 'Ventas', 'NONE', 'OUTCALL', ['BUSY', 0, `+1555030${String(i).padStart(4, '0')}`]));
    try {
      for (const l of lines.slice(0, 20)) writer.append(l);
      await Promise.resolve();
      loseNextAnswer = true;
      for (const l of lines.slice(20, 25)) writer.append(l);
      // flush() answers false while the queue is failing: the batch waits and is sent again by the retry.
      await writer.flush();
      expect(queue.status().lastError).toMatch(/ECONNRESET/);
      await until(() => (writer.status().written === 25 && queue.writable ? true : undefined), 10_000, 20);
      expect((await rowsOf('node-a')).length).toBe(25);
      await stats.poll();

      await env.proxy.setMode('reset');
      for (const l of lines.slice(25, 35)) writer.append(l);
      await until(() => (queue.writable ? undefined : true), 10_000, 20);
      await env.proxy.setMode('refuse');
      for (const l of lines.slice(35, 50)) {
        writer.append(l);
        await Promise.resolve();
      }
      b.writer.append(L(250, 'bx', 'Ventas', 'NONE', 'OUTCALL', ['BUSY', 0, '+15550209999'])); // the other node goes on
      expect(await b.writer.flush()).toBe(true);
      await stats.poll(); // the reader cannot reach PostgreSQL either: it says so and keeps its figures
      expect(stats.status().lastError).toBeTruthy();
      expect(writer.status().pending).toBeGreaterThanOrEqual(25);
      expect(queue.status()).toMatchObject({ writable: false, droppedWrites: 0 });

      await env.proxy.setMode('forward');
      for (const l of lines.slice(50)) writer.append(l);
      await until(() => (queue.writable && queue.pendingWrites === 0 ? true : undefined), 15_000, 50);
      expect(writer.status()).toMatchObject({ written: 60, pending: 0, seq: 60 });

      const rows = await rowsOf('node-a');
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(rows.map((r) => r.line)).toEqual(lines);

      await stats.poll();
      const r = stats.result();
      expect(stats.status()).toMatchObject({ lastError: null, nodes: { 'node-a': 60, 'node-b': 1 } });
      expect(r).toMatchObject({ lines: 61, kept: 61, malformed: 0 });
      expect(r.metrics.queues['Ventas']).toBeUndefined(); // OUTCALL lines only: no queue visit
      expect(r.unknownEvents).toEqual({});
    } finally {
      await stats.stop();
      queue.close();
      b.queue.close();
    }
  }, 60_000);

  it('bad rows are malformed lines, counted and named by row, never fatal; good rows still count', async () => {
    const { writer, queue } = await writerOn(env.direct, 'node-a');
    for (const l of NODE_A.slice(0, 4)) writer.append(l);
    expect(await writer.flush()).toBe(true);
    // Rows no node of ours writes: an empty event name, and a field holding a line break.
    await env.direct.query(
      `insert into queue_log (node_id, seq, time, callid, queuename, agent, event, data1) values
        ('elsewhere', 1, $1, 'x1', 'Ventas', 'NONE', '', ''),
        ('elsewhere', 2, $1, E'x2\\nbroken', 'Ventas', 'NONE', 'ENTERQUEUE', '')`,
      [T + 5],
    );
    const stats = await statsOn();
    const h: Harness = harness({ queues: stats });
    try {
      h.addUser('sup1', 'supervisor');
      const sup = await h.login('sup1');
      await stats.poll();
      const res = await h.json('GET', '/api/queues', undefined, h.bearer(sup));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { queues: Array<Record<string, unknown>>; source: { malformed: number; kept: number; recent_malformed: Array<{ reason: string; file?: string }> } };
      expect(body.source.kept).toBe(4);
      expect(body.source.malformed).toBe(3); // the empty event; the broken row's two halves
      expect(body.source.recent_malformed.map((m) => m.file)).toEqual(['queue_log id 5 (elsewhere #1)', 'queue_log id 6 (elsewhere #2)', 'queue_log id 6 (elsewhere #2)']);
      expect(body.source.recent_malformed[0]!.reason).toBe('empty event name');
      expect(body.queues.find((q) => q.name === 'Ventas')).toMatchObject({ offered: 1, answered: 1 });
    } finally {
      await stats.stop();
      h.close();
      queue.close();
    }
  });

  it('a restart goes on from its checkpoint; a checkpoint ahead of the table reads it again', async () => {
    const cp = join(dir, 'queue_log_table.node-1.checkpoint');
    const { writer, queue } = await writerOn(env.direct, 'node-a');
    for (const l of NODE_A) writer.append(l);
    expect(await writer.flush()).toBe(true);
    const first = await statsOn({ checkpointFile: cp });
    await first.poll();
    const before = first.result().metrics.queues['Ventas'];
    await first.stop();

    for (const l of NODE_B) writer.append(l.replace(/^(\d+)\|b/, '$1|r')); // more lines of node A, read once
    expect(await writer.flush()).toBe(true);
    const second = await statsOn({ checkpointFile: cp });
    await second.poll();
    expect(second.result()).toMatchObject({ lines: 13, kept: 13, malformed: 0 });
    expect(second.result().metrics.queues['Ventas']!.offered).toBe(before!.offered + 1);
    expect(second.status().nodes).toEqual({ 'node-a': 13 });
    await second.stop();
    queue.close();

    // The table emptied (another database behind the same URL): the saved cursor is ahead, so it starts over.
    await env.direct.query('truncate queue_log restart identity');
    const w2 = await writerOn(env.direct, 'node-a');
    for (const l of NODE_A.slice(0, 2)) w2.writer.append(l);
    expect(await w2.writer.flush()).toBe(true);
    const third = await statsOn({ checkpointFile: cp });
    await third.poll();
    expect(third.result()).toMatchObject({ lines: 2, kept: 2 });
    expect(third.status().nodes).toEqual({ 'node-a': 2 });
    await third.stop();
    w2.queue.close();
  });
});
