/**
 * The team call list reads dense teams along the created_at index (engine/store/repos/call-list.ts): it must return exactly
 * what the user-index path returns — same rows, same order, same total — for every filter and page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCalls, type CallFilter } from '../../engine/store/repos/call-list.js';
import { mulberry32 } from '../../engine/random/seeded.js';
import { openStore, type Store } from '../../engine/store/index.js';
import type { Disposition } from '../../engine/events/types.js';

const DISPOSITIONS: Disposition[] = ['ANSWERED_HUMAN', 'MACHINE', 'NO_ANSWER', 'BUSY', 'DROPPED'];
const T0 = Date.UTC(2026, 0, 5, 9);

describe('listCalls: dense-team path', () => {
  let dir: string;
  let store: Store;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'centralita-calls-query-'));
    store = openStore(join(dir, 'c.db'));
    const rnd = mulberry32(9);
    for (let i = 0; i < 1500; i++) {
      const id = `q${i}`;
      const at = T0 + Math.floor(rnd() * 7 * 86_400_000);
      const user = `u${Math.floor(rnd() * 12)}`;
      store.callLogs.create({ id, campaignId: i % 2 ? 'c1' : 'c2', leadId: null, phone: '+50688880000', nodeId: 'n', at, userId: user });
      if (rnd() < 0.9) store.callLogs.end(id, { disposition: DISPOSITIONS[i % DISPOSITIONS.length]!, hangupCause: 16, at: at + 30_000 });
    }
  });
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const team = ['u1', 'u2', 'u3', 'u4'];
  const filters: Array<Omit<CallFilter, 'limit' | 'offset'>> = [
    { userIds: team },
    { userIds: team, campaignId: 'c1' },
    { userIds: team, dispositions: ['DROPPED', 'BUSY'] },
    { userIds: team, status: 'in_progress' },
    { userIds: team, from: T0 + 86_400_000, to: T0 + 3 * 86_400_000 },
  ];

  it('gives the same rows, order and total as the user-index path, page by page', () => {
    for (const f of filters) {
      for (const [limit, offset] of [
        [50, 0],
        [50, 100],
        [7, 333],
      ] as const) {
        const dense = listCalls(store.db, { ...f, limit, offset }, 0);
        const sparse = listCalls(store.db, { ...f, limit, offset }, Number.POSITIVE_INFINITY);
        expect(dense.total).toBe(sparse.total);
        expect(dense.items.map((r) => r.id)).toEqual(sparse.items.map((r) => r.id));
        for (const r of dense.items) expect(team).toContain(r.userId);
      }
    }
    // The data set is not trivial: the team has hundreds of calls.
    expect(listCalls(store.db, { userIds: team, limit: 1, offset: 0 }).total).toBeGreaterThan(300);
  });
});
