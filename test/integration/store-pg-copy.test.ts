/**
 * `centralita db:migrate` and `centralita db:copy` on a real SQLite file and the real PostgreSQL (127.0.0.1:5432,
 * TEST_DATABASE_URL): every table of a store filled through its repositories arrives with the same rows, values
 * (JSON, flags, epoch ms) and key checksums; a non-empty target is refused (and emptied only when asked); bad
 * URLs, an unreachable server and an unmigrated target give an operator's message, not a stack.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runCopy } from '../../app/db/copy-command.js';
import { run as runMigrate } from '../../app/db/migrate-command.js';
import { ApiKeysRepo, AuditLog, callAmdTraces, openStore, RefreshTokensRepo, UsersRepo, type Store } from '../../engine/store/index.js';
import { copySqliteToPg, openPgPool, pgTables, type PgPool } from '../../engine/store/pg/index.js';
import { captureRun } from '../support/capture-run.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.js';

const T0 = Date.UTC(2026, 2, 3, 15, 0, 0);
let dir: string;
let dbPath: string;
let target: TestDatabase;
let pool: PgPool;

/** A store with rows in every table, written the way the product writes them. */
function fill(store: Store): void {
  store.campaigns.create('c1', { name: 'Ventas', recording: true }, T0);
  store.campaigns.command('c1', 'start', T0);
  const leads = Array.from({ length: 2500 }, (_, i) => ({
    campaignId: 'c1',
    phoneE164: `+5068${String(3000000 + i).padStart(7, '0')}`,
    phoneRaw: `8${i}`,
    name: `Cliente ${i} «ñ»`,
    timeZone: 'America/Costa_Rica',
    custom: { plan: i % 3 === 0 ? 'oro' : 'plata', n: i, nested: { ok: true } },
    synthetic: i % 2 === 0,
  }));
  store.transaction(() => store.leads.insertMany(leads, T0));
  const leased = store.leads.lease({ campaignId: 'c1', owner: 'node-a', now: T0, limit: 5, leaseMs: 60_000 });
  store.dnc.add('+50688887777', null, T0, 'pidió no llamar');
  store.dnc.add('+50688887778', 'c1', T0);
  store.agents.upsert({ id: 'a1', kind: 'human', name: 'Ana', endpoint: 'PJSIP/agent101', campaignIds: ['c1'], nodeId: 'node-2', createdAt: T0 });
  // No SQLite repository writes cluster_nodes (only nodes on PostgreSQL do); a row so its copy is checked too.
  store.sqlite
    .prepare(`insert into cluster_nodes (id, ari_url, started_at, heartbeat_at, state, calls, agents) values ('node-1', 'embedded', ?, ?, 'stopped', 0, 0)`)
    .run(T0, T0);
  // Nor queue_log (the SQLite product follows its queue_log file): rows so the copy and its identity are checked too.
  const ql = store.sqlite.prepare(`insert into queue_log (node_id, seq, time, callid, queuename, agent, event, data1, data2, data3) values ('node-1', ?, ?, ?, 'Ventas', 'NONE', 'ENTERQUEUE', '', '+50688880000', '1')`);
  for (let i = 1; i <= 3; i++) ql.run(i, Math.floor(T0 / 1000) + i, `q${i}`);
  store.trunks.upsert({ name: 'carrier', host: 'sip.example.net:5060', username: 'acct-42', password: 's3cr3t!pw', createdAt: T0, updatedAt: T0 });
  for (let i = 0; i < 30; i++) store.agentEvents.append({ agentId: 'a1', from: 'idle', to: i % 2 ? 'idle' : 'talking', at: T0 + i * 1000 });
  for (let i = 0; i < 40; i++) {
    const id = `call-${String(i).padStart(3, '0')}`;
    store.callLogs.create({ id, campaignId: 'c1', leadId: leased[i % leased.length]!.id, phone: leased[i % leased.length]!.phoneE164, nodeId: 'node-a', at: T0 + i });
    store.callLogs.markRinging(id, T0 + i + 100);
    store.callLogs.markAnswered(id, T0 + i + 2000);
    store.callLogs.end(id, { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: T0 + i + 60_000 });
  }
  // SQLite keeps a fraction in an INTEGER column (a duration computed from a fractional clock); bigint cannot.
  store.sqlite.prepare(`update call_logs set amd_decision_ms = 812.5 where id = 'call-003'`).run();
  store.db.insert(callAmdTraces).values({ callId: 'call-000', trace: '{"v":1}', createdAt: T0 }).run();
  const job = store.importJobs.create('imp-1', 'c1', 'leads.csv', T0, { status: 'running', nodeId: 'node-a' });
  store.importJobs.progress(job.id, { processed: 3, accepted: 2, rejected: 1, errors: [{ line: 3, reason: 'bad phone' }] });
  const users = new UsersRepo(store.db);
  const u = users.create({ username: 'supervisora', passwordHash: 'scrypt$x', role: 'supervisor', at: T0 });
  new ApiKeysRepo(store.db).create(u.id, 'crm', T0);
  new RefreshTokensRepo(store.db, 86_400_000).issue(u.id, T0);
  new AuditLog(store.db).record({ at: T0, actorId: u.id, actorKind: 'user', action: 'campaign.start', details: { id: 'c1' } });
  store.leadLocks.acquire(leased[0]!.id, { id: u.id, username: 'supervisora' }, T0, 60_000);
  store.leadHistory.record(leased[0]!.id, { id: u.id, username: 'supervisora' }, [{ field: 'name', from: 'a', to: 'b' }], T0);
  store.loginThrottle.fail('ip:10.0.0.1', T0, () => T0 + 60_000);
  store.recordings.start({ callId: 'call-001', name: 'call-001', campaignId: 'c1', agentId: 'a1', bridgeId: 'b1', at: T0, nodeId: 'node-a' });
  store.recordings.update('call-001', { peaks: [0.1, 0.5], durationMs: 61_000 }, T0 + 1);
  store.recordingJobs.enqueue({ callId: 'call-001', kind: 'fetch', maxAttempts: 5, at: T0, nodeId: 'node-a' });
  const card = store.qa.createScorecard({ name: 'Calidad', criteria: [{ id: 'saludo', label: 'Saludo', type: 'yesno', weight: 1 }], createdBy: u.id, at: T0 });
  store.qa.upsertScore({ callId: 'call-002', scorecardId: card.id, reviewerId: u.id, answers: { saludo: 1 }, criterionNotes: {}, notes: null, percent: 100, agentId: 'a1', campaignId: 'c1', callAt: T0, at: T0 });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'centralita-pgcopy-'));
  dbPath = join(dir, 'c.db');
  const store = openStore(dbPath);
  fill(store);
  store.close();
  target = await createTestDatabase('ct_copy');
  pool = openPgPool(target.url);
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await target?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('db:copy sqlite → postgres', () => {
  it('refuses to copy into a database that db:migrate has not prepared', async () => {
    const r = await captureRun(() => runCopy(['--from', `sqlite:${dbPath}`, '--to', target.url]));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/PostgreSQL migration 0 of \d+: run DATABASE_URL=… centralita db:migrate first/);
  });

  it('db:migrate applies the PostgreSQL migrations once (a second run applies none)', async () => {
    const first = await captureRun(() => runMigrate([], { DATABASE_URL: target.url }));
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/applied (\d+), now at \1 of \1\n/);
    const again = await captureRun(() => runMigrate(['--url', target.url], {}));
    expect(again.out).toMatch(/applied 0, now at (\d+) of \1\n/);
  });

  it('copies every table with its rows, verified, and prints progress per table', async () => {
    const r = await captureRun(() => runCopy(['--from', `sqlite:${dbPath}`, '--to', target.url, '--batch', '700']));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const tables = pgTables().map((t) => t.name);
    expect(tables.length).toBe(22); // 20 tables, cluster_nodes and queue_log (#18)
    for (const t of tables) expect(r.out).toMatch(new RegExp(`^  ${t}: (\\d+)/\\1 ✓( \\(.*\\))?$`, 'm'));
    expect(r.out).toMatch(/^  call_logs: 40\/40 ✓ \(1 fractional values in integer columns rounded\)$/m);
    expect(r.out).toMatch(/counts and key checksums match, committed/);

    // Every table has rows on both sides, and the same number.
    const store = openStore(dbPath, { migrate: false });
    try {
      for (const t of tables) {
        const lite = (store.sqlite.prepare(`select count(*) as n from "${t}"`).get() as { n: number }).n;
        const pgn = Number((await pool.query(`select count(*) as n from "${t}"`)).rows[0].n);
        expect(lite, `${t} has rows in the fixture`).toBeGreaterThan(0);
        expect(pgn, t).toBe(lite);
      }
      // Values arrive typed: JSON as jsonb, 0/1 as boolean, epoch ms intact, text untouched.
      const lead = store.leads.list({ campaignId: 'c1', limit: 1 })[0]!;
      const pl = (await pool.query('select * from leads where id = $1', [lead.id])).rows[0];
      expect(pl.custom).toEqual(lead.custom);
      expect(pl.synthetic).toBe(lead.synthetic);
      expect(pl.name).toBe(lead.name);
      expect(Number(pl.created_at)).toBe(lead.createdAt);
      const c = store.campaigns.get('c1')!;
      expect((await pool.query(`select weekdays, retry_delays, recording from campaigns`)).rows[0]).toEqual({
        weekdays: c.weekdays,
        retry_delays: c.retryDelays,
        recording: true,
      });
      expect((await pool.query(`select count(*)::int as n from leads where lease_owner = 'node-a'`)).rows[0].n).toBe(5);
      expect((await pool.query(`select amd_decision_ms from call_logs where id = 'call-003'`)).rows[0].amd_decision_ms).toBe(813);
      expect((await pool.query(`select errors from import_jobs`)).rows[0].errors).toEqual([{ line: 3, reason: 'bad phone' }]);
    } finally {
      store.close();
    }
    // The identity sequence moved past the copied ids: a new agent event does not collide.
    const next = await pool.query(`insert into agent_events (agent_id, from_state, to_state, at) values ('a1', 'idle', 'idle', 1) returning id`);
    expect(Number(next.rows[0].id)).toBe(31);
    const nextLine = await pool.query(`insert into queue_log (node_id, seq, time, callid, queuename, agent, event) values ('node-2', 1, 1, 'c', 'q', 'NONE', 'OUTCALL') returning id`);
    expect(Number(nextLine.rows[0].id)).toBe(4);
  });

  it('refuses a non-empty target, leaving it as it was; --force-empty-target replaces its rows', async () => {
    await pool.query(`insert into login_throttle (key, failures, last_failure_at, blocked_until) values ('ip:extra', 1, 1, 1)`);
    const r = await captureRun(() => runCopy(['--from', `sqlite:${dbPath}`, '--to', target.url]));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/target is not empty: .*leads \(2500\).*--force-empty-target/);
    expect((await pool.query(`select count(*)::int as n from login_throttle`)).rows[0].n).toBe(2);

    const forced = await captureRun(() => runCopy(['--from', `sqlite:${dbPath}`, '--to', target.url, '--force-empty-target']));
    expect(forced.err).toBe('');
    expect(forced.code).toBe(0);
    expect((await pool.query(`select key from login_throttle`)).rows).toEqual([{ key: 'ip:10.0.0.1' }]);
    expect((await pool.query(`select count(*)::int as n from agent_events`)).rows[0].n).toBe(30);
  });

  it('rolls everything back when a row cannot be written (no half-copied database)', async () => {
    // A constraint only the target has: the 2,000th lead breaks the copy mid-table, after other tables went in.
    await pool.query(`alter table leads add constraint only_some check (phone_raw <> '81999') not valid`);
    try {
      await expect(copySqliteToPg({ from: dbPath, to: target.url, forceEmptyTarget: true, batchRows: 500 })).rejects.toThrow(/copying leads.*only_some/);
      // The earlier copy is still there, untouched (the TRUNCATE was rolled back too).
      expect((await pool.query(`select count(*)::int as n from leads`)).rows[0].n).toBe(2500);
      expect((await pool.query(`select count(*)::int as n from agent_events`)).rows[0].n).toBe(30);
    } finally {
      await pool.query(`alter table leads drop constraint only_some`);
    }
  });

  it('clear messages for a bad source, a bad URL and an unreachable server', async () => {
    const missing = await captureRun(() => runCopy(['--from', `sqlite:${join(dir, 'nope.db')}`, '--to', target.url]));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/source not found: .*nope\.db/);
    const notSqlite = await captureRun(() => runCopy(['--from', dbPath, '--to', target.url]));
    expect(notSqlite.code).toBe(2);
    expect(notSqlite.err).toMatch(/--from must be sqlite:/);
    const badTo = await captureRun(() => runCopy(['--from', `sqlite:${dbPath}`, '--to', 'mysql://root:secret@x/db']));
    expect(badTo.code).toBe(2);
    expect(badTo.err).toMatch(/--to must be a postgres:\/\/ URL \(got mysql:\/\/root:\*\*\*@x\/db\)/);
    const down = await captureRun(() => runCopy(['--from', `sqlite:${dbPath}`, '--to', 'postgres://postgres:pw@127.0.0.1:1/x']));
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/cannot reach PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/x: .*ECONNREFUSED/);
    const noDb = await captureRun(() => runMigrate([], { DATABASE_URL: 'postgres://127.0.0.1:5432' }));
    expect(noDb.code).toBe(2);
    expect(noDb.err).toMatch(/no database name/);
  });

  it('both commands are wired into the CLI (bin/centralita.mjs)', () => {
    const bin = join(import.meta.dirname, '../../bin/centralita.mjs');
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(help.stdout).toMatch(/^  db:migrate +Apply pending migrations/m);
    expect(help.stdout).toMatch(/^  db:copy +Copy every table from SQLite to PostgreSQL/m);
    const bad = spawnSync(process.execPath, [bin, 'db:copy', '--from', `sqlite:${dbPath}`], { encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--to must be a postgres:\/\/ URL/);
  });

  it('db:migrate without DATABASE_URL migrates the SQLite DB_PATH', async () => {
    const r = await captureRun(() => runMigrate([], { DB_PATH: join(dir, 'fresh.db') }));
    expect(r.err).toBe('');
    expect(r.out).toMatch(/SQLite .*fresh\.db: applied (\d+), now at \1 of \1/);
  });
});
