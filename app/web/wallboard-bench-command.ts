/**
 * The wallboard at call-center scale: 500 agents and 300 live calls, fed through the real API, live feed and built
 * web app at about the feed's rate (call stages and agent states changing ~60 times a second), while a
 * PerformanceObserver in the page records every long task (> 50 ms) on the browser's main thread.
 *
 * The engine is the one simulated part: a store seeded with the agents and open CallLogs, an engine control that
 * reports the agents' live states, and domain events emitted on a timer — what a 500-agent engine would publish.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiApp, listen } from '../../api/index.js';
import { withWebApp } from '../../api/web/index.js';
import { attachLiveFeed, storeAgentDirectory } from '../../api/live/index.js';
import { systemClock } from '../../engine/clock/index.js';
import { DomainEvents, type AgentStatus, type DomainEvent } from '../../engine/events/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { openStore } from '../../engine/store/index.js';
import type { AgentLiveState, EngineControl } from '../../engine/control/index.js';
import { launchBrowser, loginUi, newPage } from './browser.js';
import { WEB_DIST, ensureWebBuilt } from './build.js';

export interface WallboardBenchResult {
  agents: number;
  liveCalls: number;
  seconds: number;
  eventsSent: number;
  eventsPerSecond: number;
  longTasks: number;
  longTaskMsTotal: number;
  longTaskMsMax: number;
  /** Share of the measured window the main thread spent in long tasks. */
  blockedShare: number;
  /** The board's own count of calls in progress at the end (should track the feed). */
  boardActiveCalls: number;
}

const PASSWORD = 'wallboard-bench-password';

export async function runWallboardBench(o: { agents?: number; calls?: number; seconds?: number; eventsPerSecond?: number } = {}): Promise<WallboardBenchResult> {
  const nAgents = o.agents ?? 500;
  const nCalls = o.calls ?? 300;
  const seconds = o.seconds ?? 20;
  const rate = o.eventsPerSecond ?? 60;
  await ensureWebBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'centralita-wb-bench-'));
  const store = openStore(join(dir, 'c.db'));
  const now = Date.now();
  store.campaigns.create('big', { name: 'Big campaign', dialMode: 'predictive' }, now);
  const live: AgentLiveState[] = [];
  const statuses: AgentStatus[] = ['READY', 'TALKING', 'WRAP_UP', 'PAUSED'];
  for (let i = 0; i < nAgents; i++) {
    const id = `agent-${1000 + i}`;
    store.agents.upsert({ id, kind: 'human', name: `Agent ${1000 + i}`, endpoint: `PJSIP/${1000 + i}`, team: `T${i % 20}`, createdAt: now });
    live.push({ id, kind: 'human', status: statuses[i % 4]!, pauseReason: null, legUp: true, calls: [], since: now - (i % 400) * 1000 });
  }
  // Open calls: the oldest 300, each bridged to an agent when talking.
  let seq = 0;
  const open: Array<{ id: string; stage: number; agent: string }> = [];
  const newCall = (at: number) => {
    const id = `k-${++seq}`;
    store.callLogs.create({ id, campaignId: 'big', leadId: null, phone: `+1555011${String(seq % 10000).padStart(4, '0')}`, nodeId: 'bench', at });
    const c = { id, stage: 0, agent: `agent-${1000 + (seq % nAgents)}` };
    open.push(c);
    return c;
  };
  for (let i = 0; i < nCalls; i++) newCall(now - (nCalls - i) * 200);
  const control = {
    agents: { list: () => live, state: (id: string) => live.find((a) => a.id === id) ?? null },
    campaigns: { liveStats: () => ({ pacing: { mode: 'predictive p*=0.012', place: 4, level: 2.3, at: Date.now() } }) },
  } as unknown as EngineControl;
  const api = createApiApp({
    health: () => ({ status: 'ok', version: 'bench', nodeId: 'bench', uptimeSeconds: 1, ari: { connected: true, simulated: true, url: '', app: 'centralita' }, db: { ok: true, path: '' }, redis: { configured: false, ok: null }, media: null, calls: { active: open.length } }) as never,
    store,
    clock: systemClock,
    logger: silentLogger,
    config: { NODE_ID: 'bench', JWT_SECRET: 'b'.repeat(40), ADMIN_PASSWORD: PASSWORD },
    control,
  });
  const server = await listen(withWebApp(api, WEB_DIST), '127.0.0.1', 0);
  const events = new DomainEvents();
  const feed = await attachLiveFeed({ httpServer: server.server, events, auth: api.auth, directory: storeAgentDirectory(store.agents), snapshot: () => ({ activeCalls: open.length }), clock: systemClock, logger: silentLogger });
  const browser = await launchBrowser();
  const base = `http://127.0.0.1:${server.port}`;
  let sent = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    const { page } = await newPage(browser, { width: 1920, height: 1080 });
    await loginUi(page, base, 'admin', PASSWORD, '/wallboard');
    await page.getByTestId('wallboard').waitFor();
    await page.locator('[data-testid^="agent-tile-"]').nth(nAgents - 1).waitFor();
    await page.evaluate(`(() => {
      window.__long = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push(e.duration); }).observe({ type: 'longtask' });
    })()`);
    // Each tick moves calls one stage on (created → ringing → answered → AMD → bridged → ended, replaced by a new
    // call) and flips agents' states, about `rate` events a second in total.
    const tickMs = 100;
    const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
    let cursor = 0;
    const emit = (e: DomainEvent) => {
      events.emit(e);
      sent++;
    };
    timer = setInterval(() => {
      const at = Date.now();
      for (let k = 0; k < perTick; k++) {
        if (k % 3 === 2) {
          const a = live[(cursor * 7 + k) % nAgents]!;
          const to = statuses[(statuses.indexOf(a.status) + 1) % 4]!;
          emit({ type: 'agent.state', agentId: a.id, kind: 'human', from: a.status, to, reason: null, callId: null, at });
          a.status = to;
          a.since = at;
          continue;
        }
        const c = open[cursor++ % open.length]!;
        const stage = ++c.stage;
        if (stage === 1) emit({ type: 'call.ringing', callId: c.id, at });
        else if (stage === 2) emit({ type: 'call.answered', callId: c.id, at });
        else if (stage === 3) emit({ type: 'call.amd', callId: c.id, status: 'HUMAN', cause: 'HUMAN-1', decisionMs: 900, treatedAs: 'HUMAN', at });
        else if (stage === 4) emit({ type: 'call.bridged', callId: c.id, agentId: c.agent, bridgeId: 'b', at });
        else {
          emit({ type: 'call.ended', callId: c.id, disposition: 'ANSWERED_HUMAN', hangupCause: 16, dialStatus: null, agentId: c.agent, safeHarborPlayed: false, voicemailLeft: false, at });
          open.splice(open.indexOf(c), 1);
          const n = newCall(at);
          emit({ type: 'call.created', callId: n.id, campaignId: 'big', leadId: null, phone: '+15550110000', channelId: n.id, agentId: null, nodeId: 'bench', at });
        }
      }
    }, tickMs);
    const started = Date.now();
    await page.waitForTimeout(seconds * 1000);
    clearInterval(timer);
    timer = undefined;
    const elapsed = (Date.now() - started) / 1000;
    const long = (await page.evaluate('window.__long')) as number[];
    const active = Number((await page.getByTestId('kpi-active-value').innerText()).replace(/[^\d]/g, ''));
    const total = long.reduce((s, d) => s + d, 0);
    return {
      agents: nAgents,
      liveCalls: nCalls,
      seconds: Math.round(elapsed * 10) / 10,
      eventsSent: sent,
      eventsPerSecond: Math.round(sent / elapsed),
      longTasks: long.length,
      longTaskMsTotal: Math.round(total),
      longTaskMsMax: Math.round(Math.max(0, ...long)),
      blockedShare: Math.round((total / (elapsed * 1000)) * 1000) / 1000,
      boardActiveCalls: active,
    };
  } finally {
    if (timer) clearInterval(timer);
    await browser.close();
    await feed.close();
    await server.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(argv: string[]): Promise<number> {
  const num = (flag: string, d: number) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : d;
  };
  const r = await runWallboardBench({ agents: num('--agents', 500), calls: num('--calls', 300), seconds: num('--seconds', 20), eventsPerSecond: num('--rate', 60) });
  if (!argv.includes('--json')) {
    process.stdout.write(
      `wallboard: ${r.agents} agents, ${r.liveCalls} live calls, ${r.eventsPerSecond} events/s for ${r.seconds} s → ${r.longTasks} long tasks (> 50 ms), ${r.longTaskMsTotal} ms in total, longest ${r.longTaskMsMax} ms, main thread blocked ${(r.blockedShare * 100).toFixed(1)} % of the time\n`,
    );
  }
  process.stdout.write(`${JSON.stringify(r)}\n`);
  return 0;
}
