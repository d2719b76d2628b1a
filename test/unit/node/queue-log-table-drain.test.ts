/**
 * A node's stop gives its queue_log lines a bounded time to reach PostgreSQL (QueueLogTableWriter.flush): the
 * engine's write queue is closed by then (it no longer retries by itself) and answers at once while PostgreSQL is
 * away, so the writer tries it again itself. PostgreSQL back within the time: every line in, in order. Still away:
 * flush gives up at the time given (the lines stay in the file for the next start). A writer fenced off (its NODE_ID
 * taken over by another process) writes nothing more, not even what waited.
 */
import { describe, expect, it } from 'vitest';
import { QueueLogTableWriter } from '../../../app/index.js';
import { VirtualClock } from '../../../engine/clock/index.js';
import { silentLogger } from '../../../engine/log/index.js';
import { StoreWriteQueue } from '../../../engine/shell/index.js';
import type { NodeQueueLogLine } from '../../../engine/store/pg/index.js';

function rig() {
  let down = true;
  const rows: number[] = [];
  const table = {
    lastSeq: async () => 0,
    append: async (_node: string, lines: readonly NodeQueueLogLine[]) => {
      if (down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      rows.push(...lines.map((l) => l.seq));
    },
  };
  const queue = new StoreWriteQueue({ clock: new VirtualClock(0), logger: silentLogger, probe: async () => (down ? table.append('', [{} as NodeQueueLogLine]) : undefined) });
  return { table, queue, rows, up: () => (down = false) };
}

const line = (i: number) => `${1_765_000_000 + i}|call-${i}|Sales|Ana|CONNECT|1`;

describe('QueueLogTableWriter at a stop', () => {
  it('PostgreSQL back within the time: the closed queue is retried and every line goes in, in order', async () => {
    const r = rig();
    const w = await QueueLogTableWriter.open('n1', r.table);
    w.bind(r.queue);
    for (let i = 1; i <= 5; i++) w.append(line(i));
    await new Promise((res) => setTimeout(res, 20));
    r.queue.close();
    setTimeout(r.up, 400);
    const began = Date.now();
    expect(await w.flush(3000)).toBe(true);
    expect(Date.now() - began).toBeLessThan(2000);
    expect(r.rows).toEqual([1, 2, 3, 4, 5]);
    expect(w.status()).toMatchObject({ written: 5, pending: 0, seq: 5 });
  });

  it('PostgreSQL still away: flush gives up at the time given', async () => {
    const r = rig();
    const w = await QueueLogTableWriter.open('n1', r.table);
    w.bind(r.queue);
    w.append(line(1));
    r.queue.close();
    const began = Date.now();
    expect(await w.flush(600)).toBe(false);
    expect(Date.now() - began).toBeGreaterThanOrEqual(550);
    expect(Date.now() - began).toBeLessThan(1500);
    expect(w.status()).toMatchObject({ written: 0, pending: 1 });
  });

  it('fenced off: what waited is not written, nor anything appended after', async () => {
    const r = rig();
    const w = await QueueLogTableWriter.open('n1', r.table);
    w.bind(r.queue);
    w.append(line(1));
    await new Promise((res) => setTimeout(res, 20));
    w.stopWriting();
    w.append(line(2));
    r.up();
    r.queue.flush();
    await r.queue.idle(1000);
    expect(r.rows).toEqual([]);
  });
});
