/**
 * One store test body, run on both dialects (#18): `describeDialects(title, (h) => { it(...) })` declares the
 * suite once for SQLite (a real temp file, fresh per test) and once for PostgreSQL (a database of its own per
 * test file on TEST_DATABASE_URL's server, collation ICU en-US, emptied before each test, dropped after), so a behaviour difference
 * between the SQLite and the PostgreSQL repositories shows as a failing test of one of them.
 *
 * The test body talks to the store through the product's async node port (engine/store `NodeStore`: what an
 * engine node reads and writes); what only tests need — seeding rows a node does not write (campaigns, leads,
 * agents, DNC entries) and reading rows back — goes through drizzle on each dialect's schema twin with the same
 * row objects, so both stores hold exactly the same rows (same ids) before the behaviour under test runs.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, count, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { parseCampaignSettings, type CampaignSettingsInput } from '../../engine/campaigns/index.js';
import { campaignSettingsToRow, openStore, newLeadValues, sqliteAgentDirectory, sqliteAuthStore, sqliteCallHistory, sqliteCallMetrics, sqliteQaStore, sqliteRecordingCatalog, sqliteRecorderStore, sqliteTrunkCatalog, sqliteManualCallLog, sqliteCampaignCatalog, sqliteLeadCatalog, sqliteLeadImports, sqliteNodeStore, type AgentDirectory, type AuthStore, type CallHistory, type CallMetrics, type QaStore, type RecordingCatalog, type RecorderStore, type TrunkCatalog, type ManualCallLog, type CampaignCatalog, type LeadCatalog, type LeadImports, type LeadRow, type LeadStatus, type NewLead, type NodeStore, type Store } from '../../engine/store/index.js';
import { pgAuthStore, pgRecorderStore, pgTrunkCatalog, pgNodeStore, migratePg, openPgPool, type PgPool } from '../../engine/store/pg/index.js';
import { REFRESH_TTL_MS } from '../../api/auth/index.js';
import { pgApiPorts } from '../../app/pg/api-ports.js';
import * as lite from '../../engine/store/schema/index.js';
import * as pgs from '../../engine/store/schema-pg/index.js';
import { createTestDatabase, emptyTables, type TestDatabase } from './pg-database.js';

export type Dialect = 'sqlite' | 'postgres';
export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

/** An agent as seeded (the agents table's columns; optional ones default as on insert). */
export interface SeedAgent {
  id: string;
  name: string;
  endpoint?: string;
  kind?: 'human' | 'bot';
  userId?: string | null;
  nodeId?: string | null;
  team?: string | null;
  /** The campaigns it serves (null: every one). */
  campaignIds?: string[] | null;
  createdAt?: number;
}

/** The refresh-token life the harness's `auth` port is built with (the API's REFRESH_TTL_MS, 30 days). */
export const HARNESS_REFRESH_TTL_MS = REFRESH_TTL_MS;

/** Tables a test may read back whole (e.g. to see that only hashes were stored). */
export type ReadableTable = 'users' | 'refreshTokens' | 'apiKeys' | 'loginThrottle' | 'auditLog' | 'dnc' | 'callLogs' | 'leadLocks' | 'importJobs' | 'callAmdTraces' | 'agentEvents' | 'recordings' | 'recordingJobs';

/** Another connection to the same database, with both ports. */
export type OtherConnection = NodeStore & { auth: AuthStore; trunkCatalog: TrunkCatalog; close(): Promise<void> };

export interface DialectHarness extends NodeStore {
  /** The API's authentication side of the store (#18), same database as the node port. */
  readonly auth: AuthStore;
  /** The API's call history (#18), same database. */
  readonly callHistory: CallHistory;
  /** The API's campaign routes' port (#18), same database. */
  readonly campaignCatalog: CampaignCatalog;
  /** The API's lead routes' port (#18), same database. */
  readonly leadCatalog: LeadCatalog;
  /** Lead imports' port: jobs, staged batches, commit and discard (#18), same database. */
  readonly leadImports: LeadImports;
  /** The API's agent routes' port (#18), same database. */
  readonly agentDirectory: AgentDirectory;
  /** The supervisors' call figures (metrics, wallboard, dashboard, Prometheus) (#18), same database. */
  readonly callMetrics: CallMetrics;
  /** The QA routes' scorecards and scores (#18), same database. */
  readonly qaStore: QaStore;
  /** The recordings' list and detail reads (#18), same database. */
  readonly recordingCatalog: RecordingCatalog;
  /** The recorder's rows (engine/recordings), same database. */
  readonly recorderStore: RecorderStore;
  /** The trunk routes' carrier trunks (#18), same database. */
  readonly trunkCatalog: TrunkCatalog;
  /** The agents' manual calls (compatibility call routes) (#18), same database. */
  readonly manualCalls: ManualCallLog;
  readonly seed: {
    /** A campaign in state `draft`, its settings validated and defaulted as the API stores them. */
    campaign(id: string, input: Partial<CampaignSettingsInput>, at: number): Promise<void>;
    /** Leads as LeadRepo.insertMany builds them (priority clamped, due `at` unless given); their ids in order. */
    leads(rows: readonly NewLead[], at: number, o?: { ids?: readonly string[] }): Promise<string[]>;
    agent(a: SeedAgent): Promise<void>;
    /** A DNC list entry only (the leads are left as they are: the hopper's own check is what is tested). */
    dnc(phoneE164: string, campaignId: string | null, at: number): Promise<void>;
    leadStatus(id: string, status: LeadStatus): Promise<void>;
    /** An agent state change, as the engine logs it (agent_events; ids in the order seeded). */
    agentEvent(e: { agentId: string; fromState: string; toState: string; at: number }): Promise<void>;
    /** Who placed a CallLog (a manual call's user: what a node's writer never sets). */
    callUser(callId: string, userId: string): Promise<void>;
    /** Columns of a stored campaign written by hand (what an older version let through, e.g. unchecked settings). */
    campaignColumns(id: string, values: Record<string, unknown>): Promise<void>;
    /** A row of a table the API only reads (recordings, recording_jobs, call_amd_traces), as the recorder writes it. */
    row(table: 'recordings' | 'recordingJobs' | 'callAmdTraces', values: Record<string, unknown>): Promise<void>;
  };
  readonly read: {
    lead(id: string): Promise<LeadRow | undefined>;
    /** A campaign's leads by id. */
    leads(campaignId: string): Promise<LeadRow[]>;
    countByStatus(campaignId: string): Promise<Partial<Record<LeadStatus, number>>>;
    /** Every row of a table as stored, by primary key (byte order). */
    rows(table: ReadableTable): Promise<Array<Record<string, unknown>>>;
  };
  /** Another connection to the same database (SQLite: another handle on the file; PostgreSQL: another pool). */
  connect(): Promise<OtherConnection>;
  /** Closes this connection and opens a new one (a restarted process); the harness answers through the new one. */
  reopen(): Promise<void>;
  /**
   * The SQLite store itself (the single-process product's synchronous repositories, what it hands the engine);
   * null on PostgreSQL. For the parts of a test that build what each dialect's product builds.
   */
  readonly sqlite: Store | null;
  /**
   * Resolves once nothing is in flight on this connection (PostgreSQL: no pooled client lent out or awaited;
   * SQLite: at once, its writes are synchronous). Tests on a virtual clock wait for it between steps, so virtual
   * time never runs ahead of the database's real I/O.
   */
  settle(): Promise<void>;
}

/** Just enough of drizzle's builder, the same calls on both drivers (SQLite's builders are awaitable too). */
type AnyDb = any;

interface Backend {
  node: NodeStore;
  auth: AuthStore;
  callHistory: CallHistory;
  campaignCatalog: CampaignCatalog;
  leadCatalog: LeadCatalog;
  leadImports: LeadImports;
  agentDirectory: AgentDirectory;
  callMetrics: CallMetrics;
  qaStore: QaStore;
  recordingCatalog: RecordingCatalog;
  recorderStore: RecorderStore;
  trunkCatalog: TrunkCatalog;
  manualCalls: ManualCallLog;
  db: AnyDb;
  t: typeof lite | typeof pgs;
  sqlite: Store | null;
  settle(): Promise<void>;
  connect(): Promise<OtherConnection>;
  reopen(): Promise<void>;
}

function harnessOver(b: () => Backend): DialectHarness {
  const h: DialectHarness = {
    get dialect() {
      return b().node.dialect;
    },
    get callLogs() {
      return b().node.callLogs;
    },
    get agentEvents() {
      return b().node.agentEvents;
    },
    get hopper() {
      return b().node.hopper;
    },
    get campaigns() {
      return b().node.campaigns;
    },
    get agents() {
      return b().node.agents;
    },
    get auth() {
      return b().auth;
    },
    get callHistory() {
      return b().callHistory;
    },
    get campaignCatalog() {
      return b().campaignCatalog;
    },
    get leadCatalog() {
      return b().leadCatalog;
    },
    get leadImports() {
      return b().leadImports;
    },
    get agentDirectory() {
      return b().agentDirectory;
    },
    get callMetrics() {
      return b().callMetrics;
    },
    get qaStore() {
      return b().qaStore;
    },
    get recordingCatalog() {
      return b().recordingCatalog;
    },
    get recorderStore() {
      return b().recorderStore;
    },
    get trunkCatalog() {
      return b().trunkCatalog;
    },
    get manualCalls() {
      return b().manualCalls;
    },
    seed: {
      async campaign(id, input, at) {
        const settings = parseCampaignSettings({ name: id, ...input } as CampaignSettingsInput);
        await b().db.insert(b().t.campaigns).values({ id, state: 'draft', stateReason: null, createdAt: at, updatedAt: at, ...campaignSettingsToRow(settings) });
      },
      async leads(rows, at, o = {}) {
        const values = rows.map((r, i) => newLeadValues(r, at, o.ids?.[i] === undefined ? {} : { id: o.ids[i] }));
        for (let i = 0; i < values.length; i += 500) await b().db.insert(b().t.leads).values(values.slice(i, i + 500));
        return values.map((v) => v.id);
      },
      async agent(a) {
        await b()
          .db.insert(b().t.agents)
          .values({
            id: a.id,
            kind: a.kind ?? 'human',
            name: a.name,
            endpoint: a.endpoint ?? `PJSIP/${a.id}`,
            userId: a.userId ?? null,
            nodeId: a.nodeId ?? null,
            team: a.team ?? null,
            campaignIds: a.campaignIds ?? null,
            createdAt: a.createdAt ?? 0,
          });
      },
      async dnc(phoneE164, campaignId, at) {
        await b().db.insert(b().t.dnc).values({ phoneE164, campaignId: campaignId ?? '', reason: null, createdAt: at });
      },
      async leadStatus(id, status) {
        await b().db.update(b().t.leads).set({ status }).where(eq(b().t.leads.id, id));
      },
      async agentEvent(e) {
        await b().db.insert(b().t.agentEvents).values({ ...e, reason: null, callId: null });
      },
      async callUser(callId, userId) {
        await b().db.update(b().t.callLogs).set({ userId }).where(eq(b().t.callLogs.id, callId));
      },
      async campaignColumns(id, values) {
        await b().db.update(b().t.campaigns).set(values).where(eq(b().t.campaigns.id, id));
      },
      async row(table, values) {
        await b().db.insert(b().t[table]).values(values);
      },
    },
    read: {
      async lead(id) {
        const rows = (await b().db.select().from(b().t.leads).where(eq(b().t.leads.id, id))) as LeadRow[];
        return rows[0];
      },
      async leads(campaignId) {
        return (await b().db.select().from(b().t.leads).where(eq(b().t.leads.campaignId, campaignId)).orderBy(asc(b().t.leads.id))) as LeadRow[];
      },
      async countByStatus(campaignId) {
        const t = b().t.leads;
        const rows = (await b().db.select({ status: t.status, n: count() }).from(t).where(eq(t.campaignId, campaignId)).groupBy(t.status)) as Array<{
          status: LeadStatus;
          n: number;
        }>;
        return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
      },
      async rows(table) {
        const rows = (await b().db.select().from(b().t[table])) as Array<Record<string, unknown>>;
        // Sorted here, in byte order on both (the PostgreSQL test database sorts text linguistically).
        // dnc has no id: a number on a list is one row.
        const key = (r: Record<string, unknown>): string =>
          table === 'dnc' ? `${String(r.campaignId)}|${String(r.phoneE164)}` : String(table === 'loginThrottle' ? r.key : table === 'leadLocks' ? r.leadId : table === 'callAmdTraces' || table === 'recordings' ? r.callId : r.id);
        return rows.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
      },
    },
    connect: () => b().connect(),
    reopen: () => b().reopen(),
    get sqlite() {
      return b().sqlite;
    },
    settle: () => b().settle(),
  };
  return h;
}

/** Every port of one SQLite store, and its drizzle handle for seeding. */
function sqlitePorts(store: Store): Omit<Backend, 'connect' | 'reopen'> {
  return {
    node: sqliteNodeStore(store),
    auth: sqliteAuthStore(store, { refreshTtlMs: HARNESS_REFRESH_TTL_MS }),
    callHistory: sqliteCallHistory(store),
    campaignCatalog: sqliteCampaignCatalog(store),
    leadCatalog: sqliteLeadCatalog(store),
    leadImports: sqliteLeadImports(store),
    agentDirectory: sqliteAgentDirectory(store),
    callMetrics: sqliteCallMetrics(store),
    qaStore: sqliteQaStore(store),
    recordingCatalog: sqliteRecordingCatalog(store),
    recorderStore: sqliteRecorderStore(store),
    trunkCatalog: sqliteTrunkCatalog(store),
    manualCalls: sqliteManualCallLog(store),
    db: store.db,
    t: lite,
    sqlite: store,
    settle: () => Promise.resolve(),
  };
}

/**
 * Every port of one PostgreSQL pool, and its drizzle handle for seeding. The API's ports are the product's own list
 * (app/pg `pgApiPorts`, what `npm start` on PostgreSQL builds), so what is tested here is what the product wires;
 * the node's ports (`pgNodeStore`, the recorder's) are what an engine node builds.
 */
function pgPorts(pool: PgPool): Omit<Backend, 'connect' | 'reopen'> {
  const api = pgApiPorts(pool);
  const built = <T>(port: T | undefined, name: string): T => {
    if (port === undefined) throw new Error(`pgApiPorts builds no ${name}`);
    return port;
  };
  return {
    node: pgNodeStore(pool),
    auth: built(api.authStore, 'authStore'),
    callHistory: built(api.callHistory, 'callHistory'),
    campaignCatalog: built(api.campaignCatalog, 'campaignCatalog'),
    leadCatalog: built(api.leadCatalog, 'leadCatalog'),
    leadImports: built(api.leadImports, 'leadImports'),
    agentDirectory: built(api.agentDirectory, 'agentDirectory'),
    callMetrics: built(api.callMetrics, 'callMetrics'),
    qaStore: built(api.qaStore, 'qaStore'),
    recordingCatalog: built(api.recordingCatalog, 'recordingCatalog'),
    recorderStore: pgRecorderStore(pool),
    trunkCatalog: built(api.trunkCatalog, 'trunkCatalog'),
    manualCalls: built(api.manualCalls, 'manualCalls'),
    db: drizzle(pool),
    t: pgs,
    sqlite: null,
    settle: () => pgPoolSettled(pool),
  };
}

/**
 * Resolves once `pool` has had no client lent out and none awaited over a few event-loop turns (a write queue's
 * next statement starts a turn after the previous one ends). Bounded: after 10 s of real time it resolves anyway —
 * what still runs then is the test's to assert on, not this wait's to hide.
 */
export async function pgPoolSettled(pool: PgPool, maxMs = 10_000): Promise<void> {
  const busy = () => pool.totalCount - pool.idleCount + pool.waitingCount > 0;
  const until = Date.now() + maxMs;
  let quiet = 0;
  while (quiet < 2 && Date.now() < until) {
    await new Promise<void>((r) => setImmediate(r));
    quiet = busy() ? 0 : quiet + 1;
  }
}

/**
 * The ports, seeds and reads of `describeDialects`' harness over a database someone else opened (the API test
 * harness's SQLite store or PostgreSQL pool): the same rows the app under test reads. No `connect`/`reopen`.
 */
export function storeSides(over: { store: Store } | { pool: PgPool }): DialectHarness {
  const ports = 'store' in over ? sqlitePorts(over.store) : pgPorts(over.pool);
  const unsupported = () => Promise.reject(new Error('storeSides: connect/reopen are describeDialects-only'));
  const backend: Backend = { ...ports, connect: unsupported, reopen: unsupported };
  return harnessOver(() => backend);
}

/** SQLite: a fresh file per test. */
function sqliteBackend(): { current: () => Backend; before: () => void; after: () => void; afterAll: () => void } {
  let dir = '';
  let store: Store | undefined;
  let memo: Backend | undefined;
  const others: Store[] = [];
  const backend = (): Backend => (memo ??= {
    ...sqlitePorts(store!),
    connect: async () => {
      const s = openStore(store!.path, { migrate: false });
      others.push(s);
      return { ...sqliteNodeStore(s), auth: sqliteAuthStore(s, { refreshTtlMs: HARNESS_REFRESH_TTL_MS }), trunkCatalog: sqliteTrunkCatalog(s), close: async () => void (s.sqlite.open && s.close()) };
    },
    reopen: async () => {
      const path = store!.path;
      store!.close();
      memo = undefined;
      store = openStore(path);
    },
  });
  // Migrating a fresh file costs ~0.5 s on a loaded machine: done once per file, each test gets a copy.
  let template = '';
  return {
    current: backend,
    before: () => {
      memo = undefined;
      if (template === '') {
        template = join(mkdtempSync(join(tmpdir(), 'centralita-dialect-tpl-')), 'template.db');
        openStore(template).close(); // closing the last connection folds the WAL into the file
      }
      dir = mkdtempSync(join(tmpdir(), 'centralita-dialect-'));
      copyFileSync(template, join(dir, 'c.db'));
      store = openStore(join(dir, 'c.db'));
    },
    afterAll: () => {
      if (template !== '') rmSync(join(template, '..'), { recursive: true, force: true });
    },
    after: () => {
      for (const s of others.splice(0)) if (s.sqlite.open) s.close();
      store?.close();
      store = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** PostgreSQL: one database per test file, every table emptied before each test. */
function pgBackend(prefix: string): {
  current: () => Backend;
  beforeAll: () => Promise<void>;
  before: () => Promise<void>;
  after: () => Promise<void>;
  afterAll: () => Promise<void>;
} {
  let target: TestDatabase | undefined;
  let pool: PgPool | undefined;
  let memo: Backend | undefined;
  const others: PgPool[] = [];
  const backend = (): Backend => (memo ??= {
    ...pgPorts(pool!),
    connect: async () => {
      const p = openPgPool(target!.url, { max: 2 });
      others.push(p);
      return { ...pgNodeStore(p), auth: pgAuthStore(p, { refreshTtlMs: HARNESS_REFRESH_TTL_MS }), trunkCatalog: pgTrunkCatalog(p), close: () => p.end() };
    },
    reopen: async () => {
      await pool!.end();
      memo = undefined;
      pool = openPgPool(target!.url);
    },
  });
  return {
    current: backend,
    beforeAll: async () => {
      // A linguistic collation (as production databases usually have), so an order that differs from SQLite's
      // byte order shows here rather than only in production.
      target = await createTestDatabase(prefix, { icuLocale: 'en-US' });
      pool = openPgPool(target.url);
      await migratePg(pool);
    },
    before: async () => {
      await emptyTables(pool!);
    },
    after: async () => {
      await Promise.all(others.splice(0).map((p) => p.end().catch(() => undefined)));
    },
    afterAll: async () => {
      await Promise.all(others.splice(0).map((p) => p.end().catch(() => undefined)));
      await pool?.end();
      await target?.drop();
    },
  };
}

/**
 * Declares `body` once per dialect, inside `describe('<title> [sqlite|postgres]')`. `h` is the harness of the
 * running test (read it inside `it`, not while declaring). `prefix` names the PostgreSQL database (ct_… plus the
 * process id and a random suffix: parallel files never share one).
 */
export function describeDialects(title: string, body: (h: DialectHarness, dialect: Dialect) => void, o: { prefix?: string } = {}): void {
  describe.each(DIALECTS)(`${title} [%s]`, (dialect) => {
    let current: () => Backend;
    if (dialect === 'sqlite') {
      const s = sqliteBackend();
      current = s.current;
      beforeEach(s.before);
      afterEach(s.after);
      afterAll(s.afterAll);
    } else {
      const p = pgBackend(o.prefix ?? 'ct_dialect');
      current = p.current;
      beforeAll(p.beforeAll, 60_000);
      beforeEach(p.before);
      afterEach(p.after);
      afterAll(p.afterAll);
    }
    body(
      harnessOver(() => current()),
      dialect,
    );
  });
}
