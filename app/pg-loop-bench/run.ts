/**
 * bench:pg-loop — does a busy API make the PostgreSQL product's engine late? `npm start` with DATABASE_URL=postgres://
 * (app/pg/start-pg-product.ts) started in this process on a scratch database of its own, against the embedded PBX
 * run in a child process (`centralita sim`: like a real Asterisk, its timers and RTP are not on the product's loop),
 * a predictive campaign dialling over `agents` simulated phones. Two phases of `seconds` each in the same run: a
 * baseline with no API traffic, then a load phase with `clients` API clients making heavy requests (leads exported as
 * XLSX and CSV, reports as PDF and XLSX, pages of 500 calls, lead imports) and `sockets` live-feed connections, from a
 * worker thread of their own (./load-worker.mjs). For each phase, on the thread that runs the engine: its event-loop
 * delay (monitorEventLoopDelay), how late the engine heard the PBX's ARI events (each stamped when sent), and the
 * calls answered in the phase (answer → AMD verdict, answer → bridged to an agent, drops) from PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { silentLogger } from '../../engine/log/index.js';
import { openStore, type NewLead } from '../../engine/store/index.js';
import { copySqliteToPg, createDatabase, dropDatabase, migratePg, openPgPool } from '../../engine/store/pg/index.js';
import { DEMO_CAMPAIGN_ID, ensureDemoData, lagFigures, type LagFigures } from '../index.js';
import { loadNodeConfig } from '../node/index.js';
import { startPgProduct, type PgProduct } from '../pg/index.js';
import { delayFigures, phaseCalls, type DelayFigures, type PhaseCall, type PhaseCalls } from './figures.js';

const LOAD_WORKER = new URL('./load-worker.mjs', import.meta.url);
const CLI = fileURLToPath(new URL('../../bin/centralita.mjs', import.meta.url));
const ADMIN_PASSWORD = 'Bench-pg-engine-loop-9x!';
const EXPORT_CAMPAIGN = 'bench-export';
const IMPORT_CAMPAIGN = 'bench-import';

export interface PgLoopOptions {
  /** PostgreSQL server: a scratch database `centralita_bench_pg_engine_loop_<pid>` is created there and dropped. */
  server: string;
  seconds: number;
  clients: number;
  sockets: number;
  agents: number;
  /** Leads of the campaign the clients export. */
  exportLeads: number;
  /** Rows of the CSV the clients import. */
  importRows: number;
  seed: number;
  rtpPorts?: [number, number];
  onProgress?: (line: string) => void;
}

export interface PgLoopPhase {
  seconds: number;
  /** Event-loop delay of the thread that runs the engine (ms, the monitor's 10 ms resolution taken off). */
  engineLoopMs: LagFigures;
  /** Event-loop delay of the thread that serves the API. */
  apiLoopMs: LagFigures;
  /** PBX sent an ARI event → the engine's loop ran its handler (ms): every event, and StasisStart / answers only. */
  ariEventMs: DelayFigures;
  ariCallEventMs: DelayFigures;
  calls: PhaseCalls;
  /** What the API clients saw (load phase only). */
  api: { clients: number; sockets: { asked: number; connected: number; events: number }; megabytes: number; kinds: Record<string, { requests: number; errors: number; p50Ms: number; maxMs: number }> } | null;
}

export interface PgLoopResult {
  /** Where the engine ran: on the API's event loop, or a thread of its own. */
  engineOn: 'api-loop' | 'own-thread';
  pbx: 'embedded (child process), real time';
  campaign: { dialMode: 'predictive'; agents: number };
  baseline: PgLoopPhase;
  load: PgLoopPhase;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `centralita sim` in a child process; resolves with its ARI address once it prints it. */
async function startPbx(seed: number): Promise<{ child: ChildProcess; env: Record<string, string> }> {
  const child = spawn(process.execPath, [CLI, 'sim', '--port', '0', '--seed', String(seed)], { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const env = await new Promise<Record<string, string>>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the embedded PBX did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`the embedded PBX exited (${code})`)));
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /ARI_URL=(\S+) ARI_USERNAME=(\S+) ARI_PASSWORD=(\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({ ARI_URL: m[1]!, ARI_USERNAME: m[2]!, ARI_PASSWORD: m[3]! });
    });
  });
  child.stdout!.resume();
  return { child, env };
}

/** The database the product starts on: the demo campaign made predictive, `agents` phones, the campaigns the clients export and import into. */
export async function seed(o: Pick<PgLoopOptions, "seed" | "agents" | "exportLeads">, dir: string, url: string): Promise<void> {
  const pool = openPgPool(url, { max: 1 });
  try {
    await migratePg(pool);
  } finally {
    await pool.end();
  }
  const path = join(dir, 'seed.db');
  const s = openStore(path);
  const at = Date.now();
  ensureDemoData(s, { seed: o.seed, at, leads: 1000 });
  s.campaigns.update(DEMO_CAMPAIGN_ID, { dialMode: 'predictive', maxConcurrent: Math.max(10, o.agents * 3), wrapUpS: 2 }, at);
  for (let i = 1; i <= o.agents; i++) {
    const ext = String(1000 + i);
    if (!s.agents.get(`agent-${ext}`)) s.agents.upsert({ id: `agent-${ext}`, kind: 'human', name: `Bench agent ${ext}`, endpoint: `PJSIP/${ext}`, createdAt: at });
  }
  for (const a of s.agents.list()) if (Number(a.endpoint.replace('PJSIP/', '')) > 1000 + o.agents) s.agents.remove(a.id);
  // Not started: only exported and imported into, never dialled.
  for (const id of [EXPORT_CAMPAIGN, IMPORT_CAMPAIGN]) s.campaigns.create(id, { name: `Bench ${id}` }, at);
  const rows: NewLead[] = Array.from({ length: o.exportLeads }, (_, i) => ({
    campaignId: EXPORT_CAMPAIGN,
    phoneE164: `+5067${String(1000000 + i).padStart(7, '0')}`,
    phoneRaw: `7${String(1000000 + i).padStart(7, '0')}`,
    timeZone: 'America/Costa_Rica',
    priority: 1 + (i % 5),
    nextDueAt: at,
  }));
  s.transaction(() => s.leads.insertMany(rows, at));
  s.close();
  await copySqliteToPg({ from: path, to: url });
}

/** The CSV the clients import: `rows` Costa Rican numbers, name and city. */
export function importCsv(rows: number): string {
  const lines = ['phone,name,city'];
  for (let i = 0; i < rows; i++) lines.push(`+5068${String(2000000 + i).padStart(7, '0')},Bench lead ${i},San José`);
  return `${lines.join('\n')}\n`;
}

export async function runPgLoop(o: PgLoopOptions): Promise<PgLoopResult> {
  const progress = o.onProgress ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'centralita-pg-loop-'));
  const dbName = `centralita_bench_pg_engine_loop_${process.pid}`;
  let url: string | undefined;
  let pbx: ChildProcess | undefined;
  let product: PgProduct | undefined;
  const apiLoop = monitorEventLoopDelay({ resolution: 10 });
  try {
    url = await createDatabase(o.server, dbName);
    progress(`database ${dbName}: migrating and seeding (${o.exportLeads} leads to export)`);
    await seed(o, dir, url);
    const sim = await startPbx(o.seed);
    pbx = sim.child;
    const [rtpMin, rtpMax] = o.rtpPorts ?? [47000, 47999];
    const cfg = loadNodeConfig({
      ...sim.env,
      DATABASE_URL: url,
      NODE_ID: 'node-1',
      DB_PATH: join(dir, 'kept.db'),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      RTP_PORT_MIN: String(rtpMin),
      RTP_PORT_MAX: String(rtpMax),
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      QUEUE_LOG_FILE: join(dir, 'queue_log'),
      // Live calls are hung up at the end of the run, not given the product's 8 s of grace.
      SHUTDOWN_GRACE_SECONDS: '0',
    });
    product = await startPgProduct(cfg, silentLogger);
    const p = product;
    apiLoop.enable();
    await p.node.probe(true);
    const base = `http://127.0.0.1:${p.httpPort}`;
    progress(`product up on PostgreSQL (engine: its own thread); warming up until ${o.agents} agents are logged in and it dials`);
    const warmEnd = Date.now() + 60_000;
    while (Date.now() < warmEnd) {
      const s = p.node.status().snapshot;
      if (s.dialing && s.agents.filter((a) => a.legUp).length >= o.agents) break;
      await sleep(250);
    }
    await sleep(3000);
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    if (!login.ok) throw new Error(`admin log-in failed: ${login.status} ${await login.text()}`);
    const token = ((await login.json()) as { access_token: string }).access_token;
    const csv = importCsv(o.importRows);

    const phase = async (name: string, withLoad: boolean) => {
      let worker: Worker | undefined;
      if (withLoad) {
        worker = new Worker(LOAD_WORKER, { workerData: { base, token, exportCampaignId: EXPORT_CAMPAIGN, importCampaignId: IMPORT_CAMPAIGN, importCsv: csv, clients: o.clients, sockets: o.sockets } });
        await new Promise<void>((r, j) => {
          worker!.once('message', () => r());
          worker!.once('error', j);
        });
      }
      progress(`${name}: ${o.seconds} s${withLoad ? ` with ${o.clients} API clients and ${o.sockets} live-feed sockets` : ''}`);
      await p.node.probe(true);
      apiLoop.reset();
      const from = Date.now();
      await sleep(o.seconds * 1000);
      const to = Date.now();
      const engine = await p.node.probe(true);
      const apiLoopMs = lagFigures(apiLoop, to - from);
      let api: PgLoopPhase['api'] = null;
      if (worker) {
        const w = worker;
        const counted = new Promise<Omit<NonNullable<PgLoopPhase['api']>, 'clients'>>((r) => w.once('message', r));
        w.postMessage('stop');
        api = { clients: o.clients, ...(await counted) };
        await w.terminate();
      }
      return { from, to, engine, apiLoopMs, api };
    };
    const b = await phase('baseline', false);
    const l = await phase('load', true);
    progress('waiting 8 s for the last answered calls to reach their outcome');
    await sleep(8000);
    const r = await p.pool.query<{ answered_at: string | null; amd_at: string | null; bridged_at: string | null; disposition: string | null }>(
      'select answered_at, amd_at, bridged_at, disposition from call_logs where campaign_id = $1',
      [DEMO_CAMPAIGN_ID],
    );
    const num = (v: string | null) => (v === null ? null : Number(v));
    const rows: PhaseCall[] = r.rows.map((x) => ({ answeredAt: num(x.answered_at), amdAt: num(x.amd_at), bridgedAt: num(x.bridged_at), disposition: x.disposition }));
    const figures = (x: Awaited<ReturnType<typeof phase>>): PgLoopPhase => ({
      seconds: Math.round((x.to - x.from) / 100) / 10,
      engineLoopMs: x.engine.loop,
      apiLoopMs: x.apiLoopMs,
      ariEventMs: delayFigures(x.engine.ariEventMs),
      ariCallEventMs: delayFigures(x.engine.ariCallEventMs),
      calls: phaseCalls(rows, x.from, x.to),
      api: x.api,
    });
    return { engineOn: 'own-thread', pbx: 'embedded (child process), real time', campaign: { dialMode: 'predictive', agents: o.agents }, baseline: figures(b), load: figures(l) };
  } finally {
    apiLoop.disable();
    await product?.close().catch(() => undefined);
    if (pbx && pbx.exitCode === null) {
      const exited = new Promise((r) => pbx!.once('exit', r));
      pbx.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (pbx.exitCode === null) pbx.kill('SIGKILL');
    }
    if (url !== undefined) await dropDatabase(o.server, dbName).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
