/**
 * `centralita bench:api [--json] [--rows 1000000] [--requests 40] [--clients 1000] [--rounds 40]`
 *
 * 1. Fills a temp SQLite file with `--rows` CallLogs (one transaction, one prepared INSERT), then times
 *    `GET /api/calls` through the real HTTP server (node-server on loopback, real JWTs, real visibility rules) for
 *    each filter set: p50/p95 per set, and the ratio to a baseline measured in the same run — `GET /api/calls/{id}`,
 *    a primary-key lookup through the same stack. Each set's SQL (captured as the route runs it) is checked with
 *    EXPLAIN QUERY PLAN: a `SCAN call_logs` without an index is reported as a full scan.
 * 2. Board fan-out: `--clients` Socket.IO clients (supervisor JWTs, one WebSocket each) on the live feed; one
 *    `agent.state` event emitted at a time, timed from emit to the moment the last client has it (p50/p95/max),
 *    against the same figure with a single client (the baseline round trip). Clients run in this process, so the
 *    figure includes their parsing (a pessimistic bound on a shared machine).
 *
 * `--extra-indexes` adds candidate indexes to the temp file first (see EXTRA_INDEXES) to measure what they would buy.
 *
 * `--db postgres://…` (#18): the same CallLogs are also copied (db:copy) into a scratch database on that server
 * (dropped after), and every call-history set (GET /api/calls…, the detail) runs a second time with the API reading
 * them through `pgCallHistory`, beside the SQLite figures of the same run; the plan is PostgreSQL's EXPLAIN (`Seq
 * Scan on call_logs` is a full scan, a plain `Sort` sorts every match). Users, visibility, the aggregate endpoints
 * and the board stay on SQLite (the API's other reads have not moved).
 *
 * Prints a table, then one JSON object as the last line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { io as connect, type Socket } from 'socket.io-client';
import { createApiApp, listen } from '../index.js';
import { attachLiveFeed, storeAgentDirectory } from '../live/index.js';
import { overallStatus, type HealthReport } from '../health/index.js';
import { systemClock } from '../../engine/clock/index.js';
import { DomainEvents, type Disposition } from '../../engine/events/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { mulberry32 } from '../../engine/random/index.js';
import { NO_BACKUPS, openStore, redactUrl, sqliteCallHistory, type CallHistory, type Store, type Role } from '../../engine/store/index.js';
import { copySqliteToPg, createDatabase, dropDatabase, migratePg, openPgPool, pgCallHistory, type PgPool } from '../../engine/store/pg/index.js';

const DAY = 24 * 3600_000;
const TEAMS = 10;
const AGENTS_PER_TEAM = 20;
const CAMPAIGNS = 20;
const SPAN_DAYS = 100;

/** Share of each disposition in the synthetic log (sums to 1). */
const MIX: Array<[Disposition, number]> = [
  ['ANSWERED_HUMAN', 0.25],
  ['MACHINE', 0.2],
  ['NO_ANSWER', 0.3],
  ['BUSY', 0.1],
  ['CONGESTION', 0.03],
  ['INVALID_NUMBER', 0.02],
  ['FAILED', 0.02],
  ['DROPPED', 0.015],
  ['HUNG_UP_DURING_AMD', 0.045],
  ['CANCELLED', 0.02],
];

/** Candidates for the filters that sort every match (USE TEMP B-TREE FOR ORDER BY); not in the schema. */
const EXTRA_INDEXES = [
  'CREATE INDEX bench_disposition_created_idx ON call_logs (disposition, created_at)',
  'CREATE INDEX bench_campaign_disposition_created_idx ON call_logs (campaign_id, disposition, created_at)',
];

interface FilterResult {
  name: string;
  /** Where the calls were read: the SQLite file, or the PostgreSQL copy (`--db`). */
  store: 'sqlite' | 'postgres';
  query: string;
  role: Role;
  total: number;
  p50Ms: number;
  p95Ms: number;
  ratioP50: number;
  fullScans: string[];
  /** Longest event-loop stall while the set ran (the API shares its process with the engine). */
  maxStallMs: number;
  /** The plan sorts every matching row before LIMIT (no index gives the order). */
  sortsAllMatches: boolean;
  plan: string[];
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}
const r2 = (x: number) => Math.round(x * 100) / 100;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: r2(pct(s, 50)), p95: r2(pct(s, 95)), max: r2(s[s.length - 1] ?? 0) };
};

interface Fixture {
  users: { sup: string; agents: string[]; leads: string[] };
  sampleCallId: string;
  /** The last 8 digits of the sample call's number (a phone search that finds it). */
  samplePhoneDigits: string;
  now: number;
}

/** Users, agents and `rows` CallLogs in one transaction through one prepared statement. */
export function fill(store: Store, rows: number, now: number): Fixture {
  const rng = mulberry32(7);
  const sqlite = store.sqlite;
  const insUser = sqlite.prepare(
    "INSERT INTO users (id, username, password_hash, role, team, active, created_at, updated_at) VALUES (?, ?, 'x', ?, ?, 1, ?, ?)",
  );
  const insAgent = sqlite.prepare('INSERT INTO agents (id, kind, name, endpoint, concurrency, team, user_id, created_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?)');
  const agents: string[] = [];
  const leads: string[] = [];
  const agentIdOfUser = new Map<string, string>();
  sqlite.transaction(() => {
    insUser.run('bench-sup', 'bench-sup', 'supervisor', null, now, now);
    insUser.run('bench-admin', 'bench-admin', 'admin', null, now, now);
    for (let t = 0; t < TEAMS; t++) {
      insUser.run(`bench-lead-${t}`, `bench-lead-${t}`, 'teamlead', `team-${t}`, now, now);
      leads.push(`bench-lead-${t}`);
      for (let a = 0; a < AGENTS_PER_TEAM; a++) {
        const u = `bench-u-${t}-${a}`;
        insUser.run(u, u, 'agent', `team-${t}`, now, now);
        insAgent.run(`agent-${t}-${a}`, 'human', u, `PJSIP/${t}${a}`, `team-${t}`, u, now);
        agents.push(u);
        agentIdOfUser.set(u, `agent-${t}-${a}`);
      }
    }
  })();

  const ins = sqlite.prepare(
    `INSERT INTO call_logs (id, kind, campaign_id, lead_id, phone, agent_id, user_id, stage, created_at, ringing_at, answered_at,
       amd_at, bridged_at, ended_at, ring_ms, talk_ms, total_ms, disposition, hangup_cause, node_id)
     VALUES (?, 'dialer', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bench')`,
  );
  const cumulative: Array<[Disposition, number]> = [];
  let acc = 0;
  for (const [d, p] of MIX) cumulative.push([d, (acc += p)]);
  const start = now - SPAN_DAYS * DAY;
  const step = (SPAN_DAYS * DAY) / rows;
  const openFrom = rows - Math.min(500, Math.floor(rows / 200)); // the newest calls are still up
  sqlite.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const created = Math.floor(start + i * step);
      const x = rng();
      const d = (cumulative.find(([, c]) => x < c) ?? cumulative[cumulative.length - 1]!)[0];
      const human = d === 'ANSWERED_HUMAN';
      const user = human ? agents[Math.floor(rng() * agents.length)]! : null;
      const open = i >= openFrom;
      const answered = human || d === 'MACHINE' || d === 'DROPPED' || d === 'HUNG_UP_DURING_AMD' ? created + 8000 : null;
      const bridged = human ? created + 11_000 : null;
      const talk = human ? 30_000 + Math.floor(rng() * 240_000) : 0;
      const ended = open ? null : (bridged ?? answered ?? created) + (human ? talk : 20_000);
      ins.run(
        `c${String(i).padStart(8, '0')}`,
        `camp-${i % CAMPAIGNS}`,
        `lead-${i}`,
        `+5068${String(i % 10_000_000).padStart(7, '0')}`,
        user === null ? null : agentIdOfUser.get(user)!,
        user,
        open ? 'ringing' : 'ended',
        created,
        created + 500,
        answered,
        answered === null ? null : answered + 2500,
        bridged,
        ended,
        ended === null ? null : 7500,
        ended === null ? null : talk,
        ended === null ? null : ended - created,
        open ? null : d,
        open ? null : 16,
      );
    }
  })();
  sqlite.exec('ANALYZE');
  return { users: { sup: 'bench-sup', agents, leads }, sampleCallId: `c${String(Math.floor(rows / 2)).padStart(8, '0')}`, samplePhoneDigits: `8${String(Math.floor(rows / 2) % 10_000_000).padStart(7, '0')}`, now };
}

type CapturedSql = Array<{ sql: string; params: unknown[] }>;
interface SqlCapture {
  start(): void;
  stop(): CapturedSql;
}

/** Between start() and stop(), keeps the call_logs statements `note` is given. */
function sqlRecorder(): SqlCapture & { note(sql: string, params: unknown[]): void } {
  let on = false;
  let got: CapturedSql = [];
  return {
    note: (sql, params) => {
      if (on && /call_logs/.test(sql)) got.push({ sql, params });
    },
    start: () => {
      on = true;
      got = [];
    },
    stop: () => {
      on = false;
      return got;
    },
  };
}

/** Records the SQL and parameters the route runs (drizzle prepares through this connection). */
function captureSql(store: Store): SqlCapture {
  const sqlite = store.sqlite;
  const orig = sqlite.prepare.bind(sqlite);
  const rec = sqlRecorder();
  (sqlite as unknown as { prepare: (s: string) => unknown }).prepare = (src: string) => {
    const st = orig(src);
    for (const m of ['all', 'get'] as const) {
      const fn = st[m].bind(st) as (...a: unknown[]) => unknown;
      (st as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => {
        rec.note(src, args);
        return fn(...args);
      };
    }
    return st;
  };
  return rec;
}

/** The same for the PostgreSQL pool the call history reads through (drizzle sends `{ text, values }`). */
function capturePgSql(pool: PgPool): SqlCapture {
  const orig = pool.query.bind(pool) as (q: unknown, v?: unknown) => unknown;
  const rec = sqlRecorder();
  (pool as unknown as { query: (q: unknown, v?: unknown) => unknown }).query = (q, v) => {
    const text = typeof q === 'string' ? q : (q as { text: string }).text;
    const params = (v ?? (typeof q === 'string' ? undefined : (q as { values?: unknown[] }).values)) as unknown[] | undefined;
    rec.note(text, params ?? []);
    return orig(q, v);
  };
  return rec;
}

async function pgPlanOf(pool: PgPool, q: { sql: string; params: unknown[] }): Promise<string[]> {
  const r = await pool.query<{ 'QUERY PLAN': string }>({ text: `EXPLAIN ${q.sql}`, values: q.params });
  return r.rows.map((row) => row['QUERY PLAN']);
}

function planOf(store: Store, q: { sql: string; params: unknown[] }): string[] {
  const rows = store.sqlite.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...(q.params as never[])) as Array<{ detail: string }>;
  return rows.map((r) => r.detail);
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      'extra-indexes': { type: 'boolean', default: false },
      rows: { type: 'string', default: '1000000' },
      requests: { type: 'string', default: '40' },
      clients: { type: 'string', default: '1000' },
      rounds: { type: 'string', default: '40' },
      db: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('Usage: centralita bench:api [--json] [--rows 1000000] [--requests 40] [--clients 1000] [--rounds 40] [--db postgres://…]\n');
    return 0;
  }
  const rows = Number(values.rows);
  const requests = Number(values.requests);
  const clients = Number(values.clients);
  const rounds = Number(values.rounds);
  const log = (s: string) => process.stderr.write(`${s}\n`);

  const dir = mkdtempSync(join(tmpdir(), 'centralita-bench-api-'));
  const store = openStore(join(dir, 'bench.sqlite'));
  const closers: Array<() => Promise<void> | void> = [() => store.close(), () => rmSync(dir, { recursive: true, force: true })];
  try {
    const now = systemClock.now();
    const t0 = performance.now();
    const fx = fill(store, rows, now);
    const fillMs = performance.now() - t0;
    if (values['extra-indexes']) {
      for (const ddl of EXTRA_INDEXES) store.sqlite.exec(ddl);
      store.sqlite.exec('ANALYZE');
    }
    log(`filled ${rows.toLocaleString('en')} CallLogs in ${(fillMs / 1000).toFixed(1)} s (${Math.round(rows / (fillMs / 1000)).toLocaleString('en')} rows/s)`);

    // --db: the same rows in a scratch PostgreSQL database (db:copy of the file), vacuumed and analysed.
    let pg: { pool: PgPool; history: CallHistory; capture: ReturnType<typeof capturePgSql>; copySeconds: number } | undefined;
    if (values.db !== undefined) {
      const server = values.db;
      const dbName = `bench_api_${process.pid}`;
      const url = await createDatabase(server, dbName);
      closers.push(() => dropDatabase(server, dbName));
      const pool = openPgPool(url, { max: 4, applicationName: 'centralita bench:api' });
      closers.unshift(() => pool.end());
      await migratePg(pool);
      store.checkpoint();
      const tc = performance.now();
      await copySqliteToPg({ from: store.path, to: url });
      // VACUUM as well: a table just filled has no visibility map, so no index-only scan (a count would read the
      // heap); autovacuum sets it soon after a bulk insert in production (PostgreSQL ≥ 13 vacuums on inserts).
      await pool.query('VACUUM (ANALYZE) call_logs');
      const copySeconds = r2((performance.now() - tc) / 1000);
      log(`copied them to PostgreSQL ${redactUrl(url)} in ${copySeconds} s`);
      pg = { pool, history: pgCallHistory(pool), capture: capturePgSql(pool), copySeconds };
    }
    // The API reads calls through this switch: SQLite first, then (with --db) the PostgreSQL copy.
    const sqliteHistory = sqliteCallHistory(store);
    let history: CallHistory = sqliteHistory;
    const switched: CallHistory = {
      get dialect() {
        return history.dialect;
      },
      list: (f, p) => history.list(f, p),
      detail: (id) => history.detail(id),
      setOutcome: (id, outcome, notes) => history.setOutcome(id, outcome, notes),
      setHangupBy: (id, side) => history.setHangupBy(id, side),
      get dnc() {
        return history.dnc;
      },
    };

    const health = (): HealthReport => {
      const ari = { connected: true, simulated: true, url: 'bench', app: 'bench', reconciled: true, unreconciledSeconds: 0, asteriskStartupTime: null };
      const parts = { ari, db: { ok: true, path: store.path }, redis: { configured: false, ok: null } };
      return { status: overallStatus(parts), version: 'bench', nodeId: 'bench', uptimeSeconds: 0, ...parts, media: null, calls: null, dialer: null, backup: NO_BACKUPS };
    };
    const api = createApiApp({
      health,
      store,
      clock: systemClock,
      logger: silentLogger,
      config: { NODE_ID: 'bench', JWT_SECRET: 'b'.repeat(48), ADMIN_PASSWORD: 'bench-admin-password-0123456789' },
      limits: { apiKeyPerMinute: 1_000_000 },
      callHistory: switched,
    });
    const server = await listen(api, '127.0.0.1', 0);
    closers.unshift(() => server.close());
    const base = `http://127.0.0.1:${server.port}`;
    const token = (id: string) => api.auth.openSession(id);
    const capture = captureSql(store);

    const time = async (path: string, bearer: string): Promise<{ samples: number[]; total: number }> => {
      const headers = { authorization: `Bearer ${bearer}` };
      let total = 0;
      for (let i = 0; i < 3; i++) {
        const res = await fetch(base + path, { headers });
        if (res.status !== 200) throw new Error(`${path} → ${res.status} ${await res.text()}`);
        if ((res.headers.get('content-type') ?? '').includes('json')) {
          const b = (await res.json()) as { total?: number };
          total = b.total ?? 1;
        } else {
          await res.arrayBuffer();
          total = 1;
        }
      }
      const samples: number[] = [];
      for (let i = 0; i < requests; i++) {
        const t = performance.now();
        const res = await fetch(base + path, { headers });
        await res.arrayBuffer();
        samples.push(performance.now() - t);
      }
      return { samples, total };
    };

    const day = new Date(now - 30 * DAY).toISOString().slice(0, 10);
    const week = new Date(now - 37 * DAY).toISOString().slice(0, 10);
    const agentUser = fx.users.agents[7]!;
    const sets: Array<{ name: string; path: string; role: Role; as: string }> = [
      { name: 'baseline: GET /api/calls/{id} (primary key)', path: `/api/calls/${fx.sampleCallId}`, role: 'supervisor', as: fx.users.sup },
      { name: 'unfiltered, newest 50', path: '/api/calls', role: 'supervisor', as: fx.users.sup },
      { name: 'user_id', path: `/api/calls?user_id=${agentUser}`, role: 'supervisor', as: fx.users.sup },
      { name: 'agent role (own calls)', path: '/api/calls', role: 'agent', as: agentUser },
      { name: 'team lead role (team of 20)', path: '/api/calls', role: 'teamlead', as: fx.users.leads[3]! },
      { name: 'campaign_id', path: '/api/calls?campaign_id=camp-4', role: 'supervisor', as: fx.users.sup },
      { name: 'date range (one day)', path: `/api/calls?from=${day}&to=${day}`, role: 'supervisor', as: fx.users.sup },
      { name: 'date range (one week)', path: `/api/calls?from=${week}&to=${day}`, role: 'supervisor', as: fx.users.sup },
      { name: 'status=in_progress', path: '/api/calls?status=in_progress', role: 'supervisor', as: fx.users.sup },
      { name: 'status=ended', path: '/api/calls?status=ended', role: 'supervisor', as: fx.users.sup },
      { name: 'disposition=DROPPED', path: '/api/calls?disposition=DROPPED', role: 'supervisor', as: fx.users.sup },
      { name: 'campaign + disposition', path: '/api/calls?campaign_id=camp-4&disposition=ANSWERED_HUMAN', role: 'supervisor', as: fx.users.sup },
      { name: 'campaign + day + disposition', path: `/api/calls?campaign_id=camp-4&from=${day}&to=${day}&disposition=ANSWERED_HUMAN`, role: 'supervisor', as: fx.users.sup },
      { name: 'user + week', path: `/api/calls?user_id=${agentUser}&from=${week}&to=${day}`, role: 'supervisor', as: fx.users.sup },
      // A person's search by number (call-list.ts phoneMatch): a local number's 8 digits, the number's end, through the
      // tail index; 5 digits, contained anywhere, which no index serves.
      { name: 'phone: a local number (8 digits)', path: `/api/calls?phone=${fx.samplePhoneDigits}`, role: 'supervisor', as: fx.users.sup },
      { name: 'phone: 5 digits anywhere', path: `/api/calls?phone=${fx.samplePhoneDigits.slice(1, 6)}`, role: 'supervisor', as: fx.users.sup },
      { name: 'phone: 5 digits + one day', path: `/api/calls?phone=${fx.samplePhoneDigits.slice(1, 6)}&from=${day}&to=${day}`, role: 'supervisor', as: fx.users.sup },
      { name: 'page 100 (offset 5000) of a campaign', path: '/api/calls?campaign_id=camp-4&limit=50&offset=5000', role: 'supervisor', as: fx.users.sup },
      // The aggregate endpoints over the same table (not GET /api/calls; reported for scale).
      { name: 'GET /api/metrics/org (all time)', path: '/api/metrics/org', role: 'supervisor', as: fx.users.sup },
      { name: 'GET /api/metrics/org?group=day (30 days)', path: '/api/metrics/org?group=day', role: 'supervisor', as: fx.users.sup },
      { name: 'GET /api/metrics/teams/{team}?group=hour', path: '/api/metrics/teams/team-3?group=hour', role: 'supervisor', as: fx.users.sup },
      { name: 'GET /api/dashboard', path: '/api/dashboard', role: 'supervisor', as: fx.users.sup },
      { name: 'GET /metrics (Prometheus)', path: '/metrics', role: 'admin', as: 'bench-admin' },
    ];

    const results: FilterResult[] = [];
    // Each store's ratios are to its own baseline (its first set, the primary-key detail).
    const baseP50Of: Partial<Record<'sqlite' | 'postgres', number>> = {};
    const runSet = async (s: (typeof sets)[number], on: 'sqlite' | 'postgres'): Promise<void> => {
      const bearer = await token(s.as);
      const cap = on === 'sqlite' ? capture : pg!.capture;
      cap.start();
      await fetch(base + s.path, { headers: { authorization: `Bearer ${bearer}` } }).then((r) => r.arrayBuffer());
      const queries = cap.stop();
      let plan: string[];
      let fullScans: string[];
      let sortsAllMatches: boolean;
      if (on === 'sqlite') {
        plan = queries.flatMap((q) => planOf(store, q));
        fullScans = plan.filter((d) => /^SCAN call_logs$/.test(d.trim()));
        sortsAllMatches = plan.some((d) => d.includes('USE TEMP B-TREE FOR ORDER BY'));
      } else {
        plan = [];
        for (const q of queries) plan.push(...(await pgPlanOf(pg!.pool, q)));
        fullScans = plan.filter((d) => /Seq Scan on call_logs/.test(d));
        // A plain Sort node (not an Incremental Sort over the created_at index, not a `Sort Key:` line).
        sortsAllMatches = plan.some((d) => /^\s*(->\s*)?Sort\s+\(/.test(d));
      }
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      const { samples, total } = await time(s.path, bearer);
      loop.disable();
      const maxStallMs = r2(Math.max(0, loop.max / 1e6 - 1));
      const st = stats(samples);
      const baseP50 = (baseP50Of[on] ??= st.p50);
      results.push({ name: s.name, store: on, query: s.path, role: s.role, total, p50Ms: st.p50, p95Ms: st.p95, ratioP50: r2(st.p50 / Math.max(baseP50, 0.001)), maxStallMs, fullScans, sortsAllMatches, plan });
      log(`${s.name}${on === 'postgres' ? ' [postgres]' : ''}: p50 ${st.p50} ms, p95 ${st.p95} ms`);
    };
    for (const s of sets) await runSet(s, 'sqlite');
    if (pg !== undefined) {
      history = pg.history;
      // The call-history sets only: the aggregate endpoints still read SQLite.
      for (const s of sets.filter((x) => x.path.startsWith('/api/calls'))) await runSet(s, 'postgres');
      history = sqliteHistory;
    }

    // Board fan-out.
    const events = new DomainEvents();
    const feed = await attachLiveFeed({
      httpServer: server.server,
      events,
      auth: api.auth,
      directory: storeAgentDirectory(store.agents),
      snapshot: () => ({}),
      clock: systemClock,
      logger: silentLogger,
      // Wallboard snapshots would ride along every change; this measures the state-change fan-out alone.
      metricsIntervalMs: 3600_000,
    });
    closers.unshift(() => feed.close());
    const sockets: Socket[] = [];
    closers.unshift(() => {
      for (const s of sockets) s.close();
    });
    const supToken = await token(fx.users.sup);
    let round = -1;
    let received = 0;
    let expected = 0;
    let roundStart = 0;
    let done: (() => void) | null = null;
    const arrivals: number[] = [];
    const open = (n: number) =>
      Promise.all(
        Array.from(
          { length: n },
          () =>
            new Promise<void>((resolve, reject) => {
              const s = connect(base, { path: '/socket.io', transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: supToken } });
              s.on('agent.state', (e: { at: number }) => {
                if (e.at !== round) return;
                received++;
                if (received === expected) {
                  arrivals.push(performance.now() - roundStart);
                  done?.();
                }
              });
              s.once('hello', () => resolve());
              s.once('connect_error', reject);
              sockets.push(s);
            }),
        ),
      );
    const measure = async (n: number): Promise<number[]> => {
      arrivals.length = 0;
      expected = n;
      for (let k = 0; k < rounds + 5; k++) {
        round = k + (n << 8);
        received = 0;
        const got = new Promise<void>((r) => (done = r));
        roundStart = performance.now();
        events.emit({ type: 'agent.state', agentId: 'agent-0-0', kind: 'human', from: 'READY', to: 'PAUSED', reason: null, callId: null, at: round });
        await got;
      }
      return arrivals.slice(5); // warm-up rounds dropped
    };
    await open(1);
    const single = stats(await measure(1));
    log(`fan-out, 1 client: p50 ${single.p50} ms, p95 ${single.p95} ms, max ${single.max} ms`);
    const tc = performance.now();
    for (let connected = 1; connected < clients; ) {
      const batch = Math.min(50, clients - connected);
      await open(batch);
      connected += batch;
    }
    const connectMs = performance.now() - tc;
    const many = stats(await measure(clients));
    log(`fan-out, ${clients} clients: p50 ${many.p50} ms, p95 ${many.p95} ms, max ${many.max} ms (connect ${Math.round(connectMs)} ms)`);

    // Table.
    const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
    const lines = [
      `bench:api — ${rows.toLocaleString('en')} CallLogs, ${requests} requests per set, ${cpus().length} CPUs${values['extra-indexes'] ? ', with EXTRA_INDEXES' : ''}${pg ? `, PostgreSQL copy in ${pg.copySeconds} s` : ''}`,
      `${pad('filter set', 44)} ${pad('store', 9)} ${pad('role', 10)} ${pad('matches', 9)} ${pad('p50 ms', 8)} ${pad('p95 ms', 8)} ${pad('×base', 7)} ${pad('stall ms', 9)} plan`,
      ...results.map(
        (r) =>
          `${pad(r.name, 44)} ${pad(r.store, 9)} ${pad(r.role, 10)} ${pad(String(r.total), 9)} ${pad(String(r.p50Ms), 8)} ${pad(String(r.p95Ms), 8)} ${pad(String(r.ratioP50), 7)} ${pad(String(r.maxStallMs), 9)} ${r.fullScans.length > 0 ? 'FULL SCAN' : 'indexed'}${r.sortsAllMatches ? ', sorts all matches' : ''}`,
      ),
      '',
      `${pad('board fan-out (emit → last client)', 44)} ${pad('clients', 10)} ${pad('p50 ms', 8)} ${pad('p95 ms', 8)} ${pad('max ms', 8)} ×base(p50)`,
      `${pad('baseline: single client', 44)} ${pad('1', 10)} ${pad(String(single.p50), 8)} ${pad(String(single.p95), 8)} ${pad(String(single.max), 8)} 1`,
      `${pad('supervisor boards', 44)} ${pad(String(clients), 10)} ${pad(String(many.p50), 8)} ${pad(String(many.p95), 8)} ${pad(String(many.max), 8)} ${r2(many.p50 / Math.max(single.p50, 0.001))}`,
    ];
    if (!values.json) for (const r of results) lines.push(`  ${r.name} [${r.store}]: ${r.plan.join(' | ')}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    const out = {
      rows,
      extraIndexes: values['extra-indexes'],
      postgres: pg === undefined ? null : { server: redactUrl(values.db!), copySeconds: pg.copySeconds },
      fillSeconds: r2(fillMs / 1000),
      requestsPerSet: requests,
      baselineP50Ms: baseP50Of.sqlite ?? 0,
      ...(baseP50Of.postgres === undefined ? {} : { postgresBaselineP50Ms: baseP50Of.postgres }),
      calls: results.map(({ plan: _plan, ...r }) => r),
      fullScans: results.filter((r) => r.fullScans.length > 0).map((r) => `${r.name} [${r.store}]`),
      sortsAllMatches: results.filter((r) => r.sortsAllMatches).map((r) => `${r.name} [${r.store}]`),
      fanout: { clients, rounds, connectMs: Math.round(connectMs), single, many, ratioP50: r2(many.p50 / Math.max(single.p50, 0.001)) },
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return 0;
  } finally {
    for (const c of closers) {
      try {
        await c();
      } catch {
        // best effort
      }
    }
  }
}
