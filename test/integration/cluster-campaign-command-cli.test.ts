/**
 * `centralita campaign:command` (app/node/campaign-command.ts, #18) on the real PostgreSQL and Redis: the command
 * is stored (the lifecycle rules apply, a stop gives back every node's leases), then published to the subscribed
 * nodes under CLUSTER_PREFIX; bad arguments and forbidden transitions are refused with clear messages and exit
 * codes; Redis unreachable after the store took it is a warning (exit 0: the nodes follow the table). A start the
 * API refuses (a power/predictive campaign sharing agents with a running one) is refused here too.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../app/node/campaign-command.js';
import { clusterRedisClient, subscribeCampaignCommands, type CampaignCommand } from '../../engine/cluster/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../engine/store/index.js';
import { copySqliteToPg, migratePg, openPgPool, PgAgents, PgCampaigns, type PgPool } from '../../engine/store/pg/index.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';

const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-cli-${process.pid}-${randomBytes(3).toString('hex')}`;
let db: TestDatabase;
let pool: PgPool;

beforeAll(async () => {
  db = await createTestDatabase('clcmd');
  pool = openPgPool(db.url, { max: 2 });
  await migratePg(pool);
  // Seeded through the store's own repositories, then db:copy's function (the validated settings of a campaign).
  const dir = mkdtempSync(join(tmpdir(), 'centralita-cli-'));
  try {
    const s = openStore(join(dir, 'seed.db'));
    s.campaigns.create('c1', { name: 'C1', dialMode: 'progressive', maxConcurrent: 2, dialStringTemplate: 'PJSIP/{e164}@trunk', callingHours: { start: '00:00', end: '24:00' }, weekdays: [1, 2, 3, 4, 5, 6, 7] }, 1);
    s.leads.insertMany([{ campaignId: 'c1', phoneE164: '+15550100001', phoneRaw: '+15550100001', timeZone: 'UTC', synthetic: true }], 1);
    s.campaigns.command('c1', 'start', 1);
    s.close();
    await copySqliteToPg({ from: join(dir, 'seed.db'), to: db.url });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // A node leased the lead (the stop must give it back).
  await pool.query(`update leads set lease_owner = 'node-x', lease_expires_at = 9000000000000, status = 'leased'`);
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

function capture() {
  let text = '';
  return { stream: { write: (s: string) => ((text += s), true) } , text: () => text };
}

async function cli(argv: string[], env: Record<string, string | undefined>) {
  const out = capture();
  const err = capture();
  const code = await run(argv, env, out.stream, err.stream);
  return { code, out: out.text(), err: err.text() };
}

describe('centralita campaign:command', () => {
  it('refuses bad usage with exit 2, naming each problem', async () => {
    const r = await cli(['c1', 'halt', '--fast'], { DATABASE_URL: 'mysql://x' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown option --fast');
    expect(r.err).toContain('action: must be one of start, pause, stop');
    expect(r.err).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(r.err).toContain('Usage: centralita campaign:command');
    const none = await cli([], {});
    expect(none.code).toBe(2);
    expect(none.err).toContain('<campaign-id>: is required');
    expect(none.err).toContain('DATABASE_URL: is required');
    const prefixBad = await cli(['c1', 'pause'], { DATABASE_URL: db.url, CLUSTER_PREFIX: 'a b' });
    expect(prefixBad.code).toBe(2);
    expect(prefixBad.err).toContain('CLUSTER_PREFIX: may hold only');
  });

  it('stores the command, publishes it to the nodes, and refuses what the lifecycle forbids', async () => {
    const sub = clusterRedisClient(REDIS);
    await sub.connect();
    const heard: CampaignCommand[] = [];
    const subscription = await subscribeCampaignCommands(sub, (c) => void heard.push(c), { logger: silentLogger, prefix });
    try {
      const env = { DATABASE_URL: db.url, REDIS_URL: REDIS, CLUSTER_PREFIX: prefix };
      const paused = await cli(['c1', 'pause', '--json'], env);
      expect(paused.err).toBe('');
      expect(paused.code).toBe(0);
      const outcome = JSON.parse(paused.out) as { from: string; to: string; at: number; receivers: number };
      expect(outcome).toMatchObject({ campaignId: 'c1', action: 'pause', from: 'running', to: 'paused', receivers: 1, warning: null });
      const row = (await pool.query(`select state, updated_at from campaigns where id = 'c1'`)).rows[0] as { state: string; updated_at: string };
      expect(row.state).toBe('paused');
      expect(Number(row.updated_at)).toBe(outcome.at);
      await until(() => (heard.length === 1 ? true : undefined), 5000, 20);
      expect(heard[0]).toMatchObject({ campaignId: 'c1', action: 'pause', at: outcome.at, from: 'campaign:command' });

      // Pausing a paused campaign is refused by the lifecycle: exit 1, nothing published.
      const again = await cli(['c1', 'pause'], env);
      expect(again.code).toBe(1);
      expect(again.err).toContain('campaign c1: cannot pause a paused campaign');
      const unknown = await cli(['nope', 'start'], env);
      expect(unknown.code).toBe(1);
      expect(unknown.err).toContain('campaign nope not found');

      // A stop gives back every node's leases of the campaign, in the same transaction.
      const stopped = await cli(['c1', 'stop'], env);
      expect(stopped.code).toBe(0);
      expect(stopped.out).toContain('campaign c1: paused → stopped · published to 1 node(s)');
      expect((await pool.query(`select lease_owner from leads `)).rows[0]).toEqual({ lease_owner: null });
      await until(() => (heard.length === 2 ? true : undefined), 5000, 20);
      expect(heard.map((c) => c.action)).toEqual(['pause', 'stop']);
    } finally {
      await subscription.close();
      await sub.close().catch(() => undefined);
    }
  });

  it('without REDIS_URL stores only; with Redis unreachable stores and warns (exit 0)', async () => {
    const plain = await cli(['c1', 'start'], { DATABASE_URL: db.url });
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('stopped → running · no REDIS_URL: nodes follow at their next read');
    // Nothing listens on port 1: connecting is refused.
    const away = await cli(['c1', 'pause', '--json'], { DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(away.code).toBe(0);
    expect(away.err).toContain('warning: stored, but not published over Redis');
    expect(JSON.parse(away.out)).toMatchObject({ from: 'running', to: 'paused', receivers: null });
    expect((await pool.query(`select state from campaigns where id = 'c1'`)).rows[0]).toEqual({ state: 'paused' });
  });

  it('refuses a start the API refuses: a power campaign sharing an agent with a running predictive one (exit 1, row unchanged)', async () => {
    const settings = { maxConcurrent: 2, dialStringTemplate: 'PJSIP/{e164}@trunk', callingHours: { start: '00:00', end: '24:00' }, weekdays: [1, 2, 3, 4, 5, 6, 7] };
    const campaigns = new PgCampaigns(pool);
    await campaigns.create('pw', { name: 'Power', dialMode: 'power', dialRatio: 2, ...settings }, 1);
    await campaigns.create('pd', { name: 'Predictive', dialMode: 'predictive', ...settings }, 1);
    await new PgAgents(pool).create({ id: 'agent-2001', kind: 'human', name: 'Rosa Vega', endpoint: 'PJSIP/2001', campaignIds: ['pw', 'pd'], createdAt: 0 });
    const env = { DATABASE_URL: db.url };
    expect(await cli(['pd', 'start'], env)).toMatchObject({ code: 0 });
    const refused = await cli(['pw', 'start'], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('campaign pw: campaign "Predictive" (predictive) is running and shares agents with "Power": Rosa Vega;');
    expect((await pool.query(`select state from campaigns where id = 'pw'`)).rows[0]).toEqual({ state: 'draft' });
  });
});
