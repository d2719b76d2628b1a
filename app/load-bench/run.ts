/**
 * The engine under API load: the whole product (startProduct) on the embedded PBX in real time — real ARI over
 * HTTP/WebSocket, real RTP into the media plane's AMD workers, real SQLite — runs a predictive campaign twice as long:
 * a baseline phase with no API traffic, then a load phase with `clients` API clients cycling POST /api/calls/start,
 * POST /api/calls/end and GET /api/calls (a worker thread of their own). For each phase: the drop rate (answered
 * humans dropped / answered humans, calls attributed to the phase they were answered in), the AMD verdicts, and the
 * event-loop lag of the engine thread and of the API thread.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../../engine/config/index.js';
import { generateDemoLeads } from '../../engine/leads/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { testNumber } from '../../engine/sim/index.js';
import { ApiKeysRepo, openStore, UsersRepo, type CallLogRow } from '../../engine/store/index.js';
import { DEMO_CAMPAIGN_ID, ensureDemoData, lagFigures, startProduct, type EngineThreadKind, type LagFigures, type Product } from '../index.js';

const LOAD_WORKER = new URL('./load-worker.mjs', import.meta.url);

export interface EngineUnderLoadOptions {
  /** Length of each phase (real seconds). */
  seconds: number;
  /** API clients in the load phase. */
  clients: number;
  /** Simulated agent phones (PJSIP/1001…); the demo has 5. */
  agents: number;
  /** 'worker' (the product); 'main' puts the engine back on the API's loop, to show what the thread prevents. */
  engineThread?: EngineThreadKind;
  seed?: number;
  /** The RTP ports of the media plane (distinct per concurrent run). */
  rtpPorts?: [number, number];
  /** Real seconds after the last phase for calls answered in it to reach their outcome (AMD, bridge or drop). */
  settleSeconds?: number;
  /**
   * Every n-th lead is one of the simulator's people (+1555011nnnn) instead of a demo number (whose random mix makes a
   * quarter of the calls people, often none among a short phase's first answers): a short run then answers people
   * in each phase. Unset: the demo's leads only.
   */
  peopleEvery?: number;
  onProgress?: (line: string) => void;
}

export interface PhaseFigures {
  seconds: number;
  /** Calls answered in the phase (humans, machines, hang-ups during AMD). */
  answered: number;
  /** Answered humans: bridged to an agent, or dropped (no agent in time: safe harbor, DROPPED). */
  humans: number;
  dropped: number;
  /** dropped / humans (0 when no human answered). */
  dropRate: number;
  /** AMD verdicts of the calls answered in the phase (HUMAN, MACHINE, NOTSURE; `none` when AMD never decided). */
  amd: Record<string, number>;
  /** The AMD causes behind those verdicts, by their name (`INITIALSILENCE`, `STILLTALKING`, … without the figures). */
  amdCauses: Record<string, number>;
  /** Answer → AMD verdict (ms), p50 and max: how long the engine took to hear and decide. */
  amdWaitMs: { p50: number; max: number };
  /** Answer → bridged to an agent (ms), p50 and max, of the humans bridged. */
  bridgeWaitMs: { p50: number; max: number };
  engineLagMs: LagFigures;
  apiLagMs: LagFigures;
  /** What the API clients saw (load phase only). */
  api: { clients: number; requests: number; errors: number; p50Ms: number; p99Ms: number } | null;
}

export interface EngineUnderLoadResult {
  engineThread: EngineThreadKind;
  pbx: 'embedded, real time';
  campaign: { dialMode: 'predictive'; agents: number };
  baseline: PhaseFigures;
  load: PhaseFigures;
  /** load ÷ baseline of the engine thread's p99 lag (baseline floored at 1 ms); drop rate difference in points. */
  compare: { engineLagP99Ratio: number; apiLagP99Ratio: number; dropRateDiffPp: number };
}

const ADMIN_PASSWORD = 'Bench-engine-under-load-9x!';


/** The phase's figures from the CallLogs answered in [from, to). */
export function phaseCalls(
  rows: readonly CallLogRow[],
  from: number,
  to: number,
): Pick<PhaseFigures, 'answered' | 'humans' | 'dropped' | 'dropRate' | 'amd' | 'amdCauses' | 'amdWaitMs' | 'bridgeWaitMs'> {
  const inPhase = rows.filter((r) => r.answeredAt !== null && r.answeredAt >= from && r.answeredAt < to);
  // A bridged call may still be talking (no disposition yet); a dropped one ended at once.
  const humans = inPhase.filter((r) => r.bridgedAt !== null || r.disposition === 'DROPPED').length;
  const dropped = inPhase.filter((r) => r.disposition === 'DROPPED').length;
  const waits = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { p50: s.length === 0 ? 0 : s[Math.floor(s.length / 2)]!, max: s.length === 0 ? 0 : s[s.length - 1]! };
  };
  const amdWaitMs = waits(inPhase.filter((r) => r.amdAt !== null).map((r) => r.amdAt! - r.answeredAt!));
  const bridgeWaitMs = waits(inPhase.filter((r) => r.bridgedAt !== null).map((r) => r.bridgedAt! - r.answeredAt!));
  const amd: Record<string, number> = {};
  const amdCauses: Record<string, number> = {};
  for (const r of inPhase) {
    const k = r.amdStatus ?? 'none';
    amd[k] = (amd[k] ?? 0) + 1;
    if (r.amdCause !== null) {
      const cause = r.amdCause.split('-')[0]!;
      amdCauses[cause] = (amdCauses[cause] ?? 0) + 1;
    }
  }
  return { answered: inPhase.length, humans, dropped, dropRate: humans === 0 ? 0 : dropped / humans, amd, amdCauses, amdWaitMs, bridgeWaitMs };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runEngineUnderLoad(o: EngineUnderLoadOptions): Promise<EngineUnderLoadResult> {
  const progress = o.onProgress ?? (() => {});
  const thread = o.engineThread ?? 'worker';
  const dir = mkdtempSync(join(tmpdir(), 'centralita-engine-load-'));
  const [rtpMin, rtpMax] = o.rtpPorts ?? [41000, 41999];
  const config = loadConfig({
    DB_PATH: join(dir, 'c.db'),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    RTP_PORT_MIN: String(rtpMin),
    RTP_PORT_MAX: String(rtpMax),
    SIM_SEED: String(o.seed ?? 7),
    ADMIN_PASSWORD,
    // Live calls are hung up at the end of the run, not given the product's 8 s of grace.
    SHUTDOWN_GRACE_SECONDS: '0',
  });
  // The demo campaign, made predictive over `agents` simulated phones, and an API key for the clients.
  const prep = openStore(config.DB_PATH);
  const at = Date.now();
  const demoLeads = generateDemoLeads(DEMO_CAMPAIGN_ID, { count: 1000, method: 'stratified', seed: config.SIM_SEED });
  const every = o.peopleEvery;
  const leads = every === undefined ? demoLeads : demoLeads.map((l, i) => (i % every === 0 ? { ...l, phoneE164: testNumber('human', i), phoneRaw: testNumber('human', i) } : l));
  ensureDemoData(prep, { seed: config.SIM_SEED, at, leads });
  prep.campaigns.update(DEMO_CAMPAIGN_ID, { dialMode: 'predictive', maxConcurrent: Math.max(10, o.agents * 3), wrapUpS: 2 }, at);
  for (let i = 1; i <= o.agents; i++) {
    const ext = String(1000 + i);
    if (!prep.agents.get(`agent-${ext}`)) prep.agents.upsert({ id: `agent-${ext}`, kind: 'human', name: `Bench agent ${ext}`, endpoint: `PJSIP/${ext}`, createdAt: at });
  }
  for (const a of prep.agents.list()) if (Number(a.endpoint.replace('PJSIP/', '')) > 1000 + o.agents) prep.agents.remove(a.id);
  const user = new UsersRepo(prep.db).create({ username: 'load-bench', passwordHash: 'unused: the clients send API keys', role: 'admin', at });
  // One key per client: a key is limited to 600 requests a minute, and the load is meant to reach the handlers.
  const keys = Array.from({ length: o.clients }, (_, i) => new ApiKeysRepo(prep.db).create(user.id, `load-bench-${i}`, at).key);
  prep.close();

  let product: Product | undefined;
  const apiLag = monitorEventLoopDelay({ resolution: 10 });
  apiLag.enable();
  try {
    product = await startProduct(config, silentLogger, { engineThread: thread });
    const p = product;
    const base = `http://127.0.0.1:${p.httpPort}`;
    progress(`product up (engine thread: ${thread}); warming up until agents are logged in and dialling`);
    const warmEnd = Date.now() + 60_000;
    while (Date.now() < warmEnd) {
      const s = p.engine.status();
      if (s.snapshot.dialing && s.agents.filter((a) => a.legUp).length >= o.agents) break;
      await sleep(250);
    }
    await sleep(3000);

    const phase = async (name: string, withLoad: boolean) => {
      let worker: Worker | undefined;
      if (withLoad) {
        worker = new Worker(LOAD_WORKER, { workerData: { base, apiKeys: keys, clients: o.clients } });
        await new Promise<void>((r) => worker!.once('message', () => r()));
      }
      progress(`${name}: ${o.seconds} s${withLoad ? ` with ${o.clients} API clients` : ''}`);
      await p.engine.lag(true);
      apiLag.reset();
      const from = Date.now();
      await sleep(o.seconds * 1000);
      const to = Date.now();
      const engineLagMs = await p.engine.lag(true);
      const apiLagMs = lagFigures(apiLag, to - from);
      let api: PhaseFigures['api'] = null;
      if (worker) {
        const w = worker;
        const counted = new Promise<Omit<NonNullable<PhaseFigures['api']>, 'clients'>>((r) => w.once('message', r));
        w.postMessage('stop');
        api = { clients: o.clients, ...(await counted) };
        await w.terminate();
      }
      return { from, to, engineLagMs, apiLagMs, api };
    };
    const b = await phase('baseline', false);
    const l = await phase('load', true);
    progress(`waiting ${o.settleSeconds ?? 8} s for the last answered calls to reach their outcome`);
    await sleep((o.settleSeconds ?? 8) * 1000);
    const rows = p.store.callLogs.list({ campaignId: DEMO_CAMPAIGN_ID, limit: 100_000 });
    const figures = (x: Awaited<ReturnType<typeof phase>>): PhaseFigures => ({
      seconds: Math.round((x.to - x.from) / 100) / 10,
      ...phaseCalls(rows, x.from, x.to),
      engineLagMs: x.engineLagMs,
      apiLagMs: x.apiLagMs,
      api: x.api,
    });
    const baseline = figures(b);
    const load = figures(l);
    const ratio = (a: number, z: number) => Math.round((a / Math.max(1, z)) * 100) / 100;
    return {
      engineThread: thread,
      pbx: 'embedded, real time',
      campaign: { dialMode: 'predictive', agents: o.agents },
      baseline,
      load,
      compare: {
        engineLagP99Ratio: ratio(load.engineLagMs.p99, baseline.engineLagMs.p99),
        apiLagP99Ratio: ratio(load.apiLagMs.p99, baseline.apiLagMs.p99),
        dropRateDiffPp: Math.round((load.dropRate - baseline.dropRate) * 1000) / 10,
      },
    };
  } finally {
    apiLag.disable();
    await product?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
