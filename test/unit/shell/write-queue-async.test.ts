/**
 * The write queue with asynchronous writes (the PostgreSQL store answers with Promises): writes land in the order
 * they were made even though each takes its own time, a lost connection degrades the queue like a full disk does
 * (no dialling, retried in order), and it recovers by itself.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../engine/clock/index.js';
import { silentLogger } from '../../../engine/log/index.js';
import { StoreWriteQueue } from '../../../engine/shell/index.js';
import { storageWriteFailure } from '../../../engine/store/index.js';

const flushMicrotasks = async (n = 20) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

/** A database whose writes take `delays[i]` ms of real time and that can be "down" (ECONNREFUSED). */
class SlowDb {
  readonly landed: string[] = [];
  down = false;
  write(label: string, ms: number): Promise<void> {
    return new Promise((resolve, reject) =>
      setTimeout(() => {
        if (this.down) return reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
        this.landed.push(label);
        resolve();
      }, ms),
    );
  }
}

describe('StoreWriteQueue with asynchronous writes', () => {
  it('keeps the order of writes whose Promises would settle out of order', async () => {
    const clock = new VirtualClock();
    const q = new StoreWriteQueue({ clock, logger: silentLogger });
    const db = new SlowDb();
    // The first write is the slowest: started together, the later ones would land first.
    q.run('create', () => db.write('create', 30));
    q.run('ringing', () => db.write('ringing', 1));
    q.run('end', () => db.write('end', 0));
    expect(q.writable).toBe(true); // the pipeline is not a backlog: dialling goes on
    expect(await q.idle(2000)).toBe(true);
    expect(db.landed).toEqual(['create', 'ringing', 'end']);
  });

  it('treats a lost PostgreSQL connection as a storage failure: queued in order, no dialling, then recovers', async () => {
    const clock = new VirtualClock();
    let probes = 0;
    const db = new SlowDb();
    const q = new StoreWriteQueue({
      clock,
      logger: silentLogger,
      retryMs: 1000,
      probe: () => {
        probes++;
        return db.write('probe', 0);
      },
    });
    const changes: boolean[] = [];
    q.onChange((w) => changes.push(w));
    db.down = true;
    q.run('a', () => db.write('a', 1));
    q.run('b', () => db.write('b', 1));
    await q.idle(2000);
    expect(q.writable).toBe(false);
    expect(q.status().lastError).toMatch(/ECONNREFUSED/);
    expect(q.pendingWrites).toBe(2);
    expect(changes).toEqual([false]);
    q.run('c', () => db.write('c', 0));
    // Still down at the first retry: nothing lands, the order is kept.
    clock.advance(1000);
    await new Promise((r) => setTimeout(r, 30)); // the retried head write settles (rejected again)
    expect(db.landed).toEqual([]);
    expect(q.pendingWrites).toBe(3);
    db.down = false;
    clock.advance(1000);
    for (let i = 0; i < 50 && !q.writable; i++) await new Promise((r) => setTimeout(r, 5));
    await flushMicrotasks();
    expect(db.landed.filter((l) => l !== 'probe')).toEqual(['a', 'b', 'c']);
    expect(q.writable).toBe(true);
    expect(q.pendingWrites).toBe(0);
    expect(changes).toEqual([false, true]);
    expect(probes).toBeGreaterThanOrEqual(1);
  });

  it('classifies PostgreSQL outages as storage failures and constraint errors as not', () => {
    expect(storageWriteFailure(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))?.code).toBe('57P01');
    expect(storageWriteFailure(Object.assign(new Error('could not extend file'), { code: '53100' }))?.code).toBe('53100');
    expect(storageWriteFailure(new Error('Connection terminated unexpectedly'))?.code).toBe('PG_CONNECTION_LOST');
    expect(storageWriteFailure(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBeNull();
  });
});
