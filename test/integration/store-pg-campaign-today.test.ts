/**
 * A campaign's figures of the day on PostgreSQL (`pgCampaignToday`, the campaign page's live figures under
 * `npm start` on PostgreSQL) against SQLite's `CallLogRepo.campaignToday`: the same CallLogs, written through each
 * dialect's node port as an engine writes them, give the same figures — only the campaign's dialer calls of a lead
 * created since `from` count (not another campaign's, not a test call without a lead, not yesterday's).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Disposition } from '../../engine/events/index.js';
import { openStore, sqliteNodeStore, type NodeCallLogs, type Store } from '../../engine/store/index.js';
import { pgCampaignToday, pgNodeStore } from '../../engine/store/pg/index.js';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';

const FROM = Date.UTC(2026, 11, 6, 6, 0, 0);

interface Call {
  id: string;
  campaignId: string;
  leadId: string | null;
  at: number;
  answered?: boolean;
  disposition?: Disposition;
}

const CALLS: Call[] = [
  { id: 'c1', campaignId: 'k', leadId: 'l1', at: FROM + 1_000, answered: true, disposition: 'ANSWERED_HUMAN' },
  { id: 'c2', campaignId: 'k', leadId: 'l2', at: FROM + 2_000, answered: true, disposition: 'ANSWERED_HUMAN' },
  { id: 'c3', campaignId: 'k', leadId: 'l3', at: FROM + 3_000, answered: true, disposition: 'DROPPED' },
  { id: 'c4', campaignId: 'k', leadId: 'l4', at: FROM + 4_000, answered: true, disposition: 'MACHINE' },
  { id: 'c5', campaignId: 'k', leadId: 'l5', at: FROM + 5_000, disposition: 'NO_ANSWER' },
  { id: 'c6', campaignId: 'k', leadId: 'l6', at: FROM + 6_000 }, // still ringing
  { id: 'c7', campaignId: 'k', leadId: 'l7', at: FROM - 1, answered: true, disposition: 'DROPPED' }, // yesterday
  { id: 'c8', campaignId: 'other', leadId: 'l8', at: FROM + 1_000, answered: true, disposition: 'DROPPED' },
  { id: 'c9', campaignId: 'k', leadId: null, at: FROM + 1_000, answered: true, disposition: 'ANSWERED_HUMAN' }, // a test call
];

async function write(logs: NodeCallLogs, calls: readonly Call[]): Promise<void> {
  for (const c of calls) {
    await logs.create({ id: c.id, campaignId: c.campaignId, leadId: c.leadId, phone: '+12125550100', nodeId: 'node-1', at: c.at });
    await logs.markRinging(c.id, c.at + 500);
    if (c.answered) await logs.markAnswered(c.id, c.at + 3_000);
    if (c.disposition) await logs.end(c.id, { disposition: c.disposition, hangupCause: 16, at: c.at + 9_000 });
  }
}

describe('a campaign figures of the day on both dialects', () => {
  let db: MigratedTestDatabase;
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    db = await openMigratedTestDatabase('pg_product_today');
    dir = mkdtempSync(join(tmpdir(), 'pg-product-today-'));
    store = openStore(join(dir, 'c.db'));
    await write(sqliteNodeStore(store).callLogs, CALLS);
    await write(pgNodeStore(db.pool).callLogs, CALLS);
  });
  afterAll(async () => {
    store?.close();
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('counts the same placed, answered, humans, machines, dropped and abandon % as SQLite', async () => {
    const expected = { placed: 6, answered: 4, humans: 3, machines: 1, dropped: 1, abandonPct: (1 / 3) * 100 };
    expect(store.callLogs.campaignToday('k', FROM)).toEqual(expected);
    expect(await pgCampaignToday(db.pool, 'k', FROM)).toEqual(expected);
    // Nothing of that campaign: zeros, no division by zero.
    const none = { placed: 0, answered: 0, humans: 0, machines: 0, dropped: 0, abandonPct: 0 };
    expect(store.callLogs.campaignToday('nobody', FROM)).toEqual(none);
    expect(await pgCampaignToday(db.pool, 'nobody', FROM)).toEqual(none);
  });
});
