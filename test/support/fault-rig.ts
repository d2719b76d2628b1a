/**
 * The fault suite's rig: a PBX (real Asterisk or the embedded one), a TCP proxy between it and the engine, a
 * database seeded with a short campaign (brief humans and a few busy numbers, two agents), and the product
 * started as a child process against the proxy. The database is the dialect's: a SQLite file (the single-process
 * product), or a scratch PostgreSQL database of the rig's own (DATABASE_URL: the PostgreSQL product, API and an
 * engine node in a worker thread), seeded through a SQLite file and db:copy, created and dropped as
 * test/support/pg-database.ts does. It counts what must be zero after any fault — CallLogs open,
 * leads stuck in `calling`, leads dialled twice at once, our channels and bridges left on the PBX — and tells
 * when dialling resumed, from the requests the PBX received (not from the engine's own word).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openStore } from '../../engine/store/index.js';
import { copySqliteToPg } from '../../engine/store/pg/index.js';
import { openMigratedTestDatabase, type MigratedTestDatabase } from './pg-database.js';
import type { Dialect } from './store-dialects.js';
import { callee, startPbxTarget, type PbxKind, type PbxTarget } from './pbx-target.js';
import { startProductProcess, type ProductProcess } from './product-process.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import { mountSmallDisk } from './small-disk.js';

export const FAULT_CAMPAIGN = 'faults';

export interface FaultCounts {
  callLogsOpen: number;
  leadsCalling: number;
  leadsDialledTwice: number;
  channelsLeft: number;
  bridgesLeft: number;
}

export interface FaultRig {
  kind: PbxKind;
  dialect: Dialect;
  pbx: PbxTarget;
  proxy: TcpProxy;
  /** The SQLite file: the product's database on SQLite, what the PostgreSQL product keeps in SQLite on PostgreSQL. */
  dbPath: string;
  nodeId: string;
  /** Starts the product on the rig's database (a restart is just another start). */
  start(extraEnv?: Record<string, string>): Promise<ProductProcess>;
  /** Fills the small disk the SQLite file lives on (a tmpfs) to the last byte: writes fail with SQLITE_FULL (SQLite only). */
  fillDisk(): void;
  /** Deletes what fillDisk wrote: the space is back. */
  freeDisk(): void;
  /** Adds `n` brief-human leads to the campaign (while no product runs): scenarios late in the suite dial fresh ones (SQLite only). */
  addLeads(n: number): void;
  /** Customer originates the PBX received in [from, to). */
  dialsBetween(from: number, to: number): number;
  /** Wall time of the first customer originate the PBX received at or after `since` (waits up to `timeoutMs`). */
  firstDialAfter(since: number, timeoutMs?: number): Promise<number>;
  /**
   * Polls `POST /api/campaigns/faults/test-call` (a number that ends at once) from `since` until the engine accepts one and the
   * PBX receives its originate; returns that wall time (test calls work again = the engine dials again).
   */
  testCallWorks(product: ProductProcess, since: number, timeoutMs?: number): Promise<number>;
  /** Agents whose nailed-up leg sits in their bridge on the PBX. */
  agentLegsUp(): Promise<number>;
  /** Waits until `cond` holds (polling; real time: the product and the PBX run on the wall clock). */
  until(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void>;
  /** CallLogs (rows of this campaign) in a state given by a SQL condition, e.g. "interruption = 'engine_lost'". */
  callLogs(where: string): Promise<Array<Record<string, unknown>>>;
  /** Leads by id: status, attempts, next due time. */
  leads(ids: string[]): Promise<Array<{ id: string; status: string; attempts: number; nextDueAt: number | null }>>;
  counts(): Promise<FaultCounts>;
  close(): Promise<void>;
}

export const AGENT_EXTENSIONS = ['2001', '2002'] as const;
const TEST_CALL_PREFIX = '5062200';
const testCallNumber = (n: number) => `+${TEST_CALL_PREFIX}${String(n).padStart(4, '0')}`;
const ADMIN_PASSWORD = 'fault-suite-admin-1';

export async function startFaultRig(kind: PbxKind, o: { name: string; leads?: number; dialect?: Dialect }): Promise<FaultRig> {
  const dialect = o.dialect ?? 'sqlite';
  // Test calls go to valid numbers outside the test ranges (the API checks numbers): busy on the embedded PBX,
  // no such extension in the real Asterisk's test dialplan — either way they end at once.
  const pbx = await startPbxTarget(kind, { name: o.name, app: 'centralita', sim: { scenarios: [{ match: TEST_CALL_PREFIX, script: 'busy' }] } });
  const ariPort = Number(new URL(pbx.url).port);
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: ariPort });
  // The database on its own small disk (a real tmpfs), so the disk-full scenario fills a real filesystem.
  const disk = mountSmallDisk(o.name, 64 << 20);
  const dir = disk.dir;
  let added = 0;
  const dbPath = join(dir, 'c.db');
  const nodeId = `fs${kind}`;
  const prefix = `cl-${nodeId}-`;
  let pgDb: MigratedTestDatabase | undefined;
  if (dialect === 'postgres') {
    // Seeded as on SQLite, then copied: one seed for both products. The agents are this node's (a PostgreSQL node
    // serves the agents whose node_id is its NODE_ID).
    pgDb = await openMigratedTestDatabase(`fault_${kind}`);
    const seedPath = join(dir, 'seed.db');
    seed(seedPath, pbx, o.leads ?? 48, nodeId);
    await copySqliteToPg({ from: seedPath, to: pgDb.url });
  } else {
    seed(dbPath, pbx, o.leads ?? 48);
  }
  const rtpBase = 50_000 + (proxy.port % 90) * 100;

  const until = async (cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await cond())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  /** Rows of a query on the product's database (`?` placeholders; on PostgreSQL int8 columns read as numbers). */
  const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> => {
    if (pgDb) {
      let n = 0;
      return (await pgDb.pool.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows as T[];
    }
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  };
  const count = async (sql: string) => Number((await query<{ n: number | string }>(sql))[0]!.n);
  // A campaign's call: our customer channel id, not a test call (those dial TEST_CALL_PREFIX numbers).
  const isCustomerDial = (path: string) =>
    path.startsWith('/ari/channels?') && path.includes(`channelId=${prefix}c-`) && !decodeURIComponent(path).includes(TEST_CALL_PREFIX);

  return {
    kind,
    dialect,
    pbx,
    proxy,
    dbPath,
    nodeId,
    start: (extra = {}) =>
      startProductProcess({
        env: {
          ARI_URL: proxy.url,
          ARI_USERNAME: pbx.username,
          ARI_PASSWORD: pbx.password,
          ARI_APP: pbx.app,
          DB_PATH: dbPath,
          ...(pgDb ? { DATABASE_URL: pgDb.url } : {}),
          NODE_ID: nodeId,
          RTP_HOST: '127.0.0.1',
          RTP_PORT_MIN: String(rtpBase),
          RTP_PORT_MAX: String(rtpBase + 99),
          LOG_LEVEL: 'info',
          ADMIN_PASSWORD: ADMIN_PASSWORD,
          ...extra,
        },
      }),
    fillDisk: () => {
      if (pgDb) throw new Error('fillDisk: the SQLite file on a full disk is SQLite only');
      disk.fill();
    },
    freeDisk: () => disk.free(),
    addLeads(n) {
      if (pgDb) throw new Error('addLeads: SQLite only (the PostgreSQL run has no scenario that needs fresh leads)');
      const store = openStore(dbPath);
      try {
        store.leads.insertMany(
          Array.from({ length: n }, (_, i) => {
            const phone = callee.briefHuman(500 + added + i);
            return { campaignId: FAULT_CAMPAIGN, phoneE164: phone, phoneRaw: phone, timeZone: 'UTC', priority: 3, custom: {}, synthetic: false };
          }),
          Date.now(),
        );
        added += n;
      } finally {
        store.close();
      }
    },
    dialsBetween: (from, to) => proxy.requests.filter((r) => r.at >= from && r.at < to && r.method === 'POST' && isCustomerDial(r.path)).length,
    async firstDialAfter(since, timeoutMs = 20_000) {
      let at = 0;
      await until(
        () => {
          const hit = proxy.requests.find((r) => r.at >= since && r.method === 'POST' && isCustomerDial(r.path));
          at = hit?.at ?? 0;
          return hit !== undefined;
        },
        timeoutMs,
        'a customer originate',
      );
      return at;
    },
    async testCallWorks(product, since, timeoutMs = 20_000) {
      let at = 0;
      let n = 900;
      let last = '';
      await until(
        async () => {
          const res = await product.api('POST', `/api/campaigns/${FAULT_CAMPAIGN}/test-call`, { phone: testCallNumber(++n) });
          last = `${res.status} ${JSON.stringify(res.body)}`;
          if (res.status !== 202) return false;
          const callId = (res.body as { call_id: string }).call_id;
          await until(() => proxy.requests.some((r) => r.at >= since && r.path.includes(`channelId=${callId}`)), 5000, 'the test call at the PBX');
          at = proxy.requests.find((r) => r.path.includes(`channelId=${callId}`))!.at;
          return true;
        },
        timeoutMs,
        'a test call to be accepted',
      ).catch((err: Error) => {
        throw new Error(`${err.message} (last answer: ${last})`);
      });
      return at;
    },
    async agentLegsUp() {
      const { bridges } = await pbx.list();
      return bridges.filter((b) => b.id.startsWith(prefix) && b.id.includes('-agb-') && b.channels.some((c) => c.includes('-ag-'))).length;
    },
    until,
    callLogs: (where) => query(`select * from call_logs where campaign_id = ? and (${where}) order by created_at`, [FAULT_CAMPAIGN]),
    leads: async (ids) =>
      ids.length === 0
        ? []
        : query<{ id: string; status: string; attempts: number; nextDueAt: number | null }>(
            `select id, status, attempts, next_due_at as "nextDueAt" from leads where id in (${ids.map(() => '?').join(',')})`,
            ids,
          ),
    async counts() {
      const db = {
        callLogsOpen: await count('select count(*) n from call_logs where ended_at is null'),
        leadsCalling: await count("select count(*) n from leads where status = 'calling'"),
        // Two attempts of one lead alive at the same time.
        leadsDialledTwice: await count(
          `select count(distinct a.lead_id) n from call_logs a join call_logs b
             on a.lead_id = b.lead_id and a.id < b.id
            and a.created_at < coalesce(b.ended_at, 9e15) and b.created_at < coalesce(a.ended_at, 9e15)
          where a.lead_id is not null`,
        ),
      };
      const { channels, bridges } = await pbx.list();
      return {
        ...db,
        channelsLeft: channels.filter((id) => id.startsWith(prefix)).length,
        bridgesLeft: bridges.filter((b) => b.id.startsWith(prefix)).length,
      };
    },
    async close() {
      await proxy.close();
      await pbx.close();
      await pgDb?.close();
      // The folder is the tmpfs' mount point: unmounting drops its files.
      disk.close();
    },
  };
}

/** A progressive campaign of brief humans (5 s calls) with a busy number every eighth lead, and two agents. */
function seed(dbPath: string, pbx: PbxTarget, leads: number, agentsNodeId?: string): void {
  const store = openStore(dbPath);
  const at = Date.now();
  try {
    store.campaigns.create(
      FAULT_CAMPAIGN,
      {
        name: 'Fault suite',
        dialMode: 'progressive',
        maxConcurrent: 4,
        dialStringTemplate: pbx.dialTemplate,
        callingHours: { start: '00:00', end: '24:00' },
        weekdays: [1, 2, 3, 4, 5, 6, 7],
        wrapUpS: 0,
      },
      at,
    );
    store.leads.insertMany(
      Array.from({ length: leads }, (_, i) => {
        const phone = i % 8 === 7 ? callee.busy(i + 1) : callee.briefHuman(i + 1);
        return { campaignId: FAULT_CAMPAIGN, phoneE164: phone, phoneRaw: phone, timeZone: 'UTC', priority: 3, custom: {}, synthetic: false };
      }),
      at,
    );
    store.campaigns.command(FAULT_CAMPAIGN, 'start', at);
    for (const ext of AGENT_EXTENSIONS) {
      store.agents.upsert({ id: `agent-${ext}`, kind: 'human', name: `Agent ${ext}`, endpoint: pbx.agentEndpoint(ext), ...(agentsNodeId ? { nodeId: agentsNodeId } : {}), createdAt: at });
    }
  } finally {
    store.close();
  }
}
