/**
 * `npm start` with DATABASE_URL=postgres://… (#18), as an operator runs it: `node bin/centralita.mjs start` in a
 * child process on a freshly migrated database of its own, no ARI_URL (the embedded PBX). Over HTTP only: the
 * first admin bootstrapped in PostgreSQL (random password from the banner, changed as the API demands), a campaign,
 * leads and an agent created, the campaign started, and its CallLogs seen in /api/calls and in PostgreSQL's
 * `call_logs` — none in the SQLite file, which keeps only what has no PostgreSQL side yet. /health names the
 * store; the agent's pause and ready reach the in-process node's engine and land in PostgreSQL's `agent_events`
 * (the supervisors' pause time and wrap-up). The campaign records: the node's recorder writes its rows to
 * PostgreSQL's `recordings` and the files on this machine's disk, and the API lists them and serves the audio. And the refusals: a database that is
 * behind (one line naming `centralita db:migrate`) and one that does not answer, both exit 1, URL redacted; a second
 * product with the running one's NODE_ID, exit 3.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli, type CliProcess } from '../support/cli-process.js';
import { createTestDatabase, openMigratedTestDatabase, type MigratedTestDatabase, type TestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BASE_ENV = { HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', RTP_PORT_MIN: '46200', RTP_PORT_MAX: '46299', LOG_LEVEL: 'warn', ADMIN_PASSWORD: '' };

/** Ends a child within `ms` whatever it does (SIGTERM, then SIGKILL). */
async function stopChild(p: CliProcess | undefined, ms = 20_000): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const killer = setTimeout(() => p.child.kill('SIGKILL'), ms);
  await p.exited;
  clearTimeout(killer);
}

/** The exit of a child that must end by itself, or a failure after `ms` (the child is killed). */
async function exitWithin(p: CliProcess, ms: number): Promise<number | null> {
  const timer = setTimeout(() => p.child.kill('SIGKILL'), ms);
  const end = await p.exited;
  clearTimeout(timer);
  if (end.signal === 'SIGKILL') throw new Error(`did not exit within ${ms} ms:\n${p.lines.slice(-20).join('\n')}`);
  return end.code;
}

describe('npm start on PostgreSQL', () => {
  let db: MigratedTestDatabase;
  let dir: string;
  let product: CliProcess | undefined;
  let raw: TestDatabase | undefined;
  let refused: CliProcess | undefined;

  beforeAll(async () => {
    db = await openMigratedTestDatabase('pg_product');
    dir = mkdtempSync(join(tmpdir(), 'pg-product-'));
  });
  afterAll(async () => {
    await stopChild(product);
    await stopChild(refused, 2000);
    await db?.close();
    await raw?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 40_000);

  it('runs API, web app and engine on PostgreSQL: a campaign started over HTTP is dialled and its CallLogs land in PostgreSQL only', async () => {
    const dbPath = join(dir, 'kept.db');
    product = spawnCli('start', { ...BASE_ENV, DATABASE_URL: db.url, DB_PATH: dbPath });
    const url = await product.waitForLine(/Health: (http:\/\/[^/\s]+)\/health/, 90_000, 'banner');
    const banner = product.lines.find((l) => l.startsWith('Centralita is running'))!;
    expect(banner).toContain(`on PostgreSQL at ${db.url} as node node-1, against the EMBEDDED Asterisk simulator`);
    const kept = product.lines.find((l) => l.startsWith(`Still in the SQLite file ${dbPath} (not yet on PostgreSQL): `));
    expect(kept).toBeDefined();
    expect(kept).not.toContain('recording'); // recordings are on PostgreSQL now
    expect(product.lines.join('\n')).not.toContain('keep their data in SQLite'); // the old, misleading note

    const call = async (method: string, path: string, token: string | null, body?: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };

    // The first admin was created in PostgreSQL with a random password written beside DB_PATH (the banner names the
    // file, never the password); it must be changed first, and the change deletes the file.
    const passwordFile = join(dir, 'initial-admin-password');
    expect(banner).toContain(`first login: user admin, password in ${passwordFile} `);
    const password = readFileSync(passwordFile, 'utf8').trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(product.lines.join('\n')).not.toContain(password);
    expect((await db.pool.query(`select username, must_change_password from users`)).rows).toEqual([{ username: 'admin', must_change_password: true }]);
    const login = await call('POST', '/api/auth/login', null, { username: 'admin', password });
    expect(login.status).toBe(200);
    const blocked = await call('GET', '/api/campaigns', login.body['access_token']);
    expect(blocked.status).toBe(403);
    const changed = await call('POST', '/api/auth/password', login.body['access_token'], { current_password: password, new_password: 'Pg-product-admin-2026!' });
    expect(changed.status).toBe(200);
    const token = changed.body['access_token'] as string;
    expect(existsSync(passwordFile)).toBe(false);

    // /health names the store and keeps the shape of the SQLite product's.
    const health = await until(async () => {
      const h = await call('GET', '/health', null);
      return h.status === 200 ? h.body : undefined;
    }, 30_000, 250);
    expect(health['store']).toEqual({ dialect: 'postgres', url: db.url, sqlite: { path: dbPath, keeps: expect.not.arrayContaining(["recordings' audio"]) } });
    expect(health['recordings']).toMatchObject({ ok: true, dir: join(dir, 'recordings'), diskError: null, writes: { writable: true, pendingWrites: 0 } });
    expect(health).toMatchObject({ status: 'ok', nodeId: 'node-1', ari: { connected: true, simulated: true, url: 'embedded' }, db: { ok: true, path: db.url, writable: true }, redis: { configured: false, ok: null }, calls: { active: 0 }, dialer: { state: 'running' } });
    expect(Object.keys(health)).toEqual(expect.arrayContaining(['version', 'uptimeSeconds', 'media', 'backup', 'cluster']));
    expect((health['cluster'] as { nodes: Array<{ id: string; state: string }> }).nodes).toMatchObject([{ id: 'node-1', state: 'up' }]);
    // Its lines into the shared queue_log table, as a headless node's /health shows them (#18).
    expect(health['queueLogTable']).toMatchObject({ nodeId: 'node-1', pending: 0 });

    // A second product with this NODE_ID (node-1, the default) is refused while this one heartbeats: exit 3, as
    // `centralita node` (test/cluster/node-duplicate-id.test.ts), naming where this one runs. It runs beside the
    // rest of this test and is awaited before the stop.
    const holder = (await db.pool.query(`select instance_id from cluster_nodes where id = 'node-1'`)).rows[0] as { instance_id: string };
    const dup = spawnCli('start', { ...BASE_ENV, DATABASE_URL: db.url, DB_PATH: join(dir, 'dup.db') });

    // A campaign, its leads and an agent, all through the API.
    // Any hour, any day (weekdays ISO 1–7): the default calling hours would make the test depend on when it runs.
    const created = await call('POST', '/api/campaigns', token, { name: 'PG spring', dialMode: 'progressive', recording: true, callingHours: { start: '00:00', end: '23:59' }, weekdays: [1, 2, 3, 4, 5, 6, 7] });
    expect(created.status).toBe(201);
    const campaignId = created.body['id'] as string;
    for (let i = 0; i < 6; i++) {
      const lead = await call('POST', `/api/campaigns/${campaignId}/leads`, token, { phone: `+1212555010${i}` });
      expect(lead.status).toBe(201);
    }
    // A bulk import too: spooled beside DB_PATH, written to PostgreSQL's leads and import_jobs.
    const form = new FormData();
    form.set('file', new File(['phone,name\n+12125550110,Imported one\n+12125550111,Imported two\nnot-a-number,Bad\n'], 'more.csv', { type: 'text/csv' }));
    const upload = await fetch(`${url}/api/campaigns/${campaignId}/leads/import`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
    expect(upload.status).toBe(202);
    const jobId = ((await upload.json()) as { job_id: string }).job_id;
    const job = await until(async () => {
      const r = await call('GET', `/api/import-jobs/${jobId}`, token);
      return r.body['state'] === 'done' || r.body['state'] === 'failed' ? r.body : undefined;
    }, 30_000, 250);
    expect(job).toMatchObject({ state: 'done', accepted: 2, rejected: 1 });
    expect((await db.pool.query(`select count(*)::int as n from leads where campaign_id = $1 and import_job_id = $2`, [campaignId, jobId])).rows).toEqual([{ n: 2 }]);
    const agent = await call('POST', '/api/agents', token, { id: 'ag-pg', name: 'Ana', endpoint: 'PJSIP/1001' });
    expect(agent.status).toBe(201);
    // The in-process node follows the agents table: the new agent joins its engine and goes READY.
    const ready = await until(async () => {
      const s = await call('GET', '/api/agents/ag-pg/state', token);
      return s.status === 200 && s.body['status'] === 'READY' ? s.body : undefined;
    }, 15_000, 200);
    expect(ready['id']).toBe('ag-pg');

    // The live agent state is the in-process node's engine: pause and ready from the console reach it (before
    // the campaign runs: a pause asked while the agent is reserved for a call waits for the call's end).
    const paused = await call('POST', '/api/agents/ag-pg/pause', token, { reason: 'break' });
    expect(paused.status).toBe(200);
    const pausedState = await call('GET', '/api/agents/ag-pg/state', token);
    expect(pausedState.body).toMatchObject({ status: 'PAUSED', pauseReason: 'break' });
    const back = await call('POST', '/api/agents/ag-pg/ready', token);
    expect(back.status).toBe(200);
    expect((await call('GET', '/api/agents/ag-pg/state', token)).body).toMatchObject({ status: 'READY', pauseReason: null });
    // The node wrote those changes to PostgreSQL's agent_events, in order, with the pause's reason.
    const logged = await until(async () => {
      const r = (await db.pool.query(`select from_state, to_state, reason from agent_events where agent_id = 'ag-pg' order by at, id`)).rows;
      return r.length >= 3 ? r : undefined;
    }, 15_000, 200);
    expect(logged).toEqual([
      { from_state: 'LOGGED_OUT', to_state: 'READY', reason: null },
      { from_state: 'READY', to_state: 'PAUSED', reason: 'break' },
      { from_state: 'PAUSED', to_state: 'READY', reason: null },
    ]);

    const started = await call('POST', `/api/campaigns/${campaignId}/start`, token);
    expect(started.status).toBe(200);
    expect(started.body['state']).toBe('running');

    // The node dials it: CallLogs in /api/calls and in PostgreSQL's call_logs, stamped with this node.
    const listed = await until(async () => {
      const r = await call('GET', `/api/calls?campaign_id=${campaignId}`, token);
      expect(r.status).toBe(200);
      const items = r.body['items'] as Array<{ id: string; leadId: string | null; agentId: string | null }>;
      return items.length > 0 ? items : undefined;
    }, 60_000, 500);
    // A lead of the campaign, bridged (or reserved) to the agent created above: the progressive pacer's call.
    expect(listed[0]).toMatchObject({ agentId: 'ag-pg' });
    const rows = (await db.pool.query(`select id, node_id, campaign_id from call_logs where campaign_id = $1`, [campaignId])).rows as Array<{ id: string; node_id: string }>;
    expect(rows.length).toBeGreaterThanOrEqual(listed.length);
    expect(new Set(rows.map((r) => r.node_id))).toEqual(new Set(['node-1']));
    expect(listed.map((c) => c.id).every((id) => rows.some((r) => r.id === id))).toBe(true);

    // The campaign page's live figures: the node's pacing beside today's attempts and leads read from PostgreSQL.
    const stats = await until(async () => {
      const r = await call('GET', `/api/campaigns/${campaignId}/stats`, token);
      return r.status === 200 && (r.body['today'] as { placed: number }).placed >= listed.length ? r.body : undefined;
    }, 20_000, 500);
    expect(stats).toMatchObject({ campaignId, state: 'running', pacing: { mode: expect.any(String) } });
    expect(Object.values(stats['leads'] as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(8);
    // Another node's agent is not this process's to drive: 503 naming the node.
    expect((await call('POST', '/api/agents', token, { id: 'ag-far', name: 'Far', endpoint: 'PJSIP/1002', node_id: 'node-9' })).status).toBe(201);
    const far = await call('POST', '/api/agents/ag-far/login', token);
    expect(far.status).toBe(503);
    expect(far.body['error']['message']).toContain('node-9');

    // The campaign records (the embedded PBX's seeded mix: people, machines, no answers): the node's recorder keeps
    // a bridged call (paused and resumed by the supervisor, then hung up: people talk for minutes) or a machine's
    // AMD window, its row in PostgreSQL and its files on this machine; the API lists it and serves its audio.
    let controlled: string | undefined;
    const recorded = await until(async () => {
      const r = await call('GET', `/api/recordings?campaign_id=${campaignId}`, token);
      expect(r.status).toBe(200);
      const items = r.body['items'] as Array<{ callId: string; state: string; format: string | null; bytes: number | null; hasAudio: boolean; hasAmdAudio: boolean; pauses: unknown[] }>;
      const live = items.find((i) => i.state === 'recording');
      if (live && controlled === undefined) {
        controlled = live.callId;
        const paused2 = await call('POST', `/api/calls/${live.callId}/recording/pause`, token);
        expect(paused2.status).toBe(200);
        expect(paused2.body['pauses']).toMatchObject([{ resumedAt: null }]);
        expect((await call('POST', `/api/calls/${live.callId}/recording/resume`, token)).body['pauses']).toMatchObject([{ resumedAt: expect.any(Number) }]);
        expect((await call('POST', `/api/calls/${live.callId}/hangup`, token)).status).toBe(202);
      }
      return items.find((i) => i.state === 'ready' && (i.hasAudio || i.hasAmdAudio));
    }, 90_000, 500);
    if (recorded.callId === controlled) expect(recorded).toMatchObject({ format: 'ogg', hasAudio: true, pauses: [{ resumedAt: expect.any(Number) }] });
    const recRow = (await db.pool.query(`select node_id, coalesce(encoded_path, amd_wav_path) as path from recordings where call_id = $1`, [recorded.callId])).rows[0];
    expect(recRow.node_id).toBe('node-1');
    expect(recRow.path.startsWith(join(dir, 'recordings'))).toBe(true);
    const detail = await call('GET', `/api/recordings/${recorded.callId}`, token);
    expect(detail.body).toMatchObject({ callId: recorded.callId, state: 'ready', call: { campaignName: 'PG spring' } });
    const urls = await call('POST', `/api/recordings/${recorded.callId}/urls`, token);
    expect(urls.status).toBe(200);
    const audio = await fetch(`${url}${recorded.hasAudio ? urls.body['audio'] : urls.body['amdAudio']}`, { headers: { range: 'bytes=0-3' }, signal: AbortSignal.timeout(10_000) });
    expect(audio.status).toBe(206);
    expect(Buffer.from(await audio.arrayBuffer()).toString('latin1')).toBe(recorded.hasAudio ? 'OggS' : 'RIFF');
    if (recorded.hasAudio) {
      expect(detail.body['jobs']).toMatchObject([{ kind: 'fetch', state: 'done' }, { kind: 'transcode', state: 'done' }]);
      expect((await db.pool.query(`select recording_ref from call_logs where id = $1`, [recorded.callId])).rows).toEqual([{ recording_ref: recorded.callId }]);
    }
    // The recorder runs here: a call not being recorded is 404, not "Recordings are not running on this node" (503).
    expect((await call('POST', `/api/calls/${recorded.callId}/recording/pause`, token)).status).toBe(404);
    // Nothing of it in the SQLite file: it holds only what has no PostgreSQL side yet.
    const sqlite = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      for (const table of ['call_logs', 'campaigns', 'leads', 'agents', 'users', 'trunks', 'import_jobs', 'recordings', 'recording_jobs']) {
        expect({ table, n: (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n }).toEqual({ table, n: 0 });
      }
    } finally {
      sqlite.close();
    }

    expect(await exitWithin(dup, 60_000)).toBe(3);
    expect(dup.lines.join('\n')).toContain(`Centralita could not start: NODE_ID node-1 is already running (${hostname()}, pid ${product.child.pid}, instance ${holder.instance_id};`);
    expect((await db.pool.query(`select state, pid from cluster_nodes where id = 'node-1'`)).rows).toEqual([{ state: 'up', pid: product.child.pid }]);

    // A graceful stop: exit 0, this node marked stopped in cluster_nodes.
    await stopChild(product);
    expect((await product.exited).code).toBe(0);
    expect((await db.pool.query(`select state from cluster_nodes where id = 'node-1'`)).rows).toEqual([{ state: 'stopped' }]);
  }, 180_000);

  it('with REDIS_URL: /health pings Redis, and a start stored by the API reaches the node at once (published), well before its next read', async () => {
    const second = await openMigratedTestDatabase('pg_product_redis');
    let p: CliProcess | undefined;
    try {
      p = spawnCli('start', {
        ...BASE_ENV,
        RTP_PORT_MIN: '46300',
        RTP_PORT_MAX: '46399',
        LOG_LEVEL: 'info',
        ADMIN_PASSWORD: 'Pg-product-admin-2026!',
        DATABASE_URL: second.url,
        DB_PATH: join(dir, 'redis.db'),
        REDIS_URL,
        CLUSTER_PREFIX: `pg_product_${process.pid}`,
        // A minute between the node's reads of the campaigns and agents tables: only Redis explains a quick start.
        CAMPAIGN_POLL_MS: '60000',
      });
      const url = await p.waitForLine(/Health: (http:\/\/[^/\s]+)\/health/, 90_000, 'banner');
      const call = async (method: string, path: string, token: string | null, body?: unknown) => {
        const res = await fetch(`${url}${path}`, {
          method,
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(10_000),
        });
        return { status: res.status, body: (await res.json()) as Record<string, any> };
      };
      const health = await until(async () => {
        const h = await call('GET', '/health', null);
        return h.status === 200 ? h.body : undefined;
      }, 30_000, 250);
      expect(health['redis']).toEqual({ configured: true, ok: true });
      const token = (await call('POST', '/api/auth/login', null, { username: 'admin', password: 'Pg-product-admin-2026!' })).body['access_token'] as string;
      const k = (await call('POST', '/api/campaigns', token, { name: 'Heard', dialMode: 'progressive', callingHours: { start: '00:00', end: '23:59' }, weekdays: [1, 2, 3, 4, 5, 6, 7] })).body['id'] as string;
      expect((await call('POST', `/api/campaigns/${k}/leads`, token, { phone: '+12125550199' })).status).toBe(201);
      expect((await call('POST', '/api/agents', token, { id: 'ag-r', name: 'Rosa', endpoint: 'PJSIP/1002' })).status).toBe(201);
      // The console's log-in brings in an agent the node has not read yet (its next read is a minute away).
      expect((await call('POST', '/api/agents/ag-r/login', token)).status).toBe(200);
      await until(async () => ((await call('GET', '/api/agents/ag-r/state', token)).body['status'] === 'READY' ? true : undefined), 15_000, 200);
      const startedAt = Date.now();
      expect((await call('POST', `/api/campaigns/${k}/start`, token)).status).toBe(200);
      await until(async () => ((await second.pool.query(`select 1 from call_logs where campaign_id = $1`, [k])).rowCount! > 0 ? true : undefined), 30_000, 250);
      expect(Date.now() - startedAt).toBeLessThan(30_000);
      expect(p.lines.some((l) => l.includes('campaign command heard') && l.includes(k))).toBe(true);
    } finally {
      await stopChild(p);
      await second.close();
    }
  }, 150_000);

  it('refuses a database that is not migrated with one line naming `centralita db:migrate`, and exits 1', async () => {
    raw = await createTestDatabase('pg_product_raw');
    const withSecret = new URL(raw.url);
    withSecret.username = 'postgres';
    withSecret.password = 's3cret'; // ignored by the trust login of 127.0.0.1; must never be printed
    refused = spawnCli('start', { ...BASE_ENV, DATABASE_URL: withSecret.toString(), DB_PATH: join(dir, 'refused.db') });
    expect(await exitWithin(refused, 60_000)).toBe(1);
    const out = refused.lines.join('\n');
    const line = refused.lines.find((l) => l.includes('db:migrate'));
    expect(line).toMatch(new RegExp(`^Centralita could not start: PostgreSQL at postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:5432/${raw.name} is not migrated to this version \\(0 of \\d+ migrations applied\\): run \`centralita db:migrate\``));
    expect(out).not.toContain('s3cret');
    expect(out).not.toContain('Centralita is running');
    // Nothing was written: the refusal comes before any table is created (the start never migrates PostgreSQL).
    const c = new pg.Client({ connectionString: raw.url });
    await c.connect();
    try {
      expect((await c.query(`select count(*)::int as n from information_schema.tables where table_schema in ('public', 'drizzle')`)).rows).toEqual([{ n: 0 }]);
    } finally {
      await c.end();
    }
  }, 90_000);

  it('refuses a database that does not answer, naming it with its password hidden, and exits 1', async () => {
    const p = spawnCli('start', { ...BASE_ENV, DATABASE_URL: 'postgres://centralita:s3cret@127.0.0.1:1/cc', DB_PATH: join(dir, 'away.db') });
    expect(await exitWithin(p, 60_000)).toBe(1);
    const out = p.lines.join('\n');
    expect(out).toContain('Centralita could not start: cannot reach PostgreSQL at postgres://centralita:***@127.0.0.1:1/cc');
    expect(out).not.toContain('s3cret');
  }, 90_000);
});
