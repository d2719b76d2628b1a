/**
 * PBX vs simulator: one predictive campaign run end to end by the engine on the embedded PBX (real ARI over
 * HTTP/WebSocket, real SQLite CallLogs, one virtual clock for PBX and engine), and the what-if simulator
 * (engine/pacing/simulate) run with the same parameters, the same pacer and the same list: lead i has the same
 * fate in both (answer mix, ring time, talk time drawn by the simulator's `leadFate`). AMD decides from the fate
 * after the scenario's decision times (scripted double), so both measure the same thing: the US abandon rate,
 * dropped / humans answered (connected + dropped).
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentConfig } from '../engine/agents/index.js';
import { connectAri } from '../engine/ari/index.js';
import { defaultCallPolicy } from '../engine/calls/index.js';
import { systemClock, VirtualClock } from '../engine/clock/index.js';
import { silentLogger, type Logger } from '../engine/log/index.js';
import { leadFate, figures, parseScenario, type Scenario, shiftStartMs, simulateShift, pacerFor } from '../engine/pacing/index.js';
import { startSimulator, pacingCalleeRule, pacingIndex, pacingPhone, type CalleeFate } from '../engine/sim/index.js';
import { openStore } from '../engine/store/index.js';
import { scriptedAmdSource } from '../test/support/scripted-amd.js';
import { type Lead, type LeadSource, Engine } from '../engine/shell/index.js';

/**
 * The comparison's campaign: short talks and a high human share, so a virtual hour holds over a thousand live
 * answers and the rates are not noise; AMD never wrong (the PBX's AMD double decides from the fate).
 */
export const PBX_SCENARIO: Scenario = parseScenario({
  name: 'pbx-comparison',
  agents: 10,
  shift: { start: '09:00', hours: 1 },
  outcomes: { human: 0.45, machine: 0.2, busy: 0.1 },
  busyAfterS: 3,
  ring: { minS: 3, maxS: 12, timeoutS: 20 },
  amd: { humanDecisionS: 1.2, machineDecisionS: 2.5, humanAsMachine: 0, machineAsHuman: 0, machineToAgentLostS: 5 },
  talk: { distribution: 'lognormal', meanS: 20, sdS: 10 },
  wrapS: 3,
  dropAfterS: 2,
  abandon: { target: 0.03, rule: 'us' },
});

export interface PacingPbxOptions {
  scenario: Scenario;
  agents: number;
  /** Length of the dialing shift (virtual minutes). */
  minutes: number;
  seed: number;
  /** Extra simulator seeds to report the simulator's spread (the comparison itself uses `seed`). */
  simSeeds?: number;
  logger?: Logger;
  /** Virtual ms per drive step (default 20: one media frame); larger is faster and coarser. */
  stepMs?: number;
  /** Called about every virtual minute with progress (the CLI prints it). */
  onMinute?: (minute: number, calls: number) => void;
}

export interface RateFigures {
  dials: number;
  humans: number;
  dropped: number;
  /** dropped / humans (US rule), a fraction. */
  abandonUs: number;
}

export interface PacingPbxResult {
  scenario: string;
  agents: number;
  minutes: number;
  seed: number;
  pbx: RateFigures & {
    connected: number;
    realSeconds: number;
    /** `campaign.pacing` events published (on change only) and the distinct modes they named. */
    pacingEvents: number;
    modes: string[];
    /** Answer → safe harbor of every dropped call (ms): the 2 s rule says exactly the limit. */
    dropWaitMs: { min: number; max: number } | null;
    /** Answer → bridge of connected calls (ms), the longest. */
    maxConnectWaitMs: number;
  };
  sim: RateFigures;
  /** Mean simulator abandon rate over `simSeeds` seeds (seed, seed+1, …) when asked. */
  simSeedsMean: number | null;
  /** |pbx − sim| in percentage points. */
  diffPp: number;
}

/** The scenario as the comparison runs it: AMD never wrong (the PBX's AMD double decides from the fate). */
export function comparisonScenario(sc: Scenario): Scenario {
  return { ...sc, amd: { ...sc.amd, humanAsMachine: 0, machineAsHuman: 0 } };
}

export function simulatorRates(sc: Scenario, agents: number, minutes: number, seed: number): RateFigures {
  const pacer = pacerFor({ dialMode: 'predictive', dropTarget: sc.abandon.target });
  if (!pacer) throw new Error('no predictive pacer');
  const tally = simulateShift({ scenario: sc, agents, seed, dialer: { kind: 'pacer', pacer }, shiftHours: minutes / 60 });
  const f = figures(tally);
  return { dials: tally.dials, humans: f.liveAnswers, dropped: f.drops, abandonUs: f.abandonUs };
}

/** Advances virtual time in 20 ms steps, letting sockets deliver between steps. */
async function drive(clock: VirtualClock, done: () => boolean, maxVirtualMs: number, each?: () => void, stepMs = 20): Promise<void> {
  const end = clock.now() + maxVirtualMs;
  while (!done() && clock.now() < end) {
    clock.advance(stepMs);
    await new Promise<void>((res) => setImmediate(res));
    await new Promise<void>((res) => setImmediate(res));
    each?.();
  }
}

async function whileRunning<T>(clock: VirtualClock, p: Promise<T>): Promise<T> {
  let settled = false;
  const q = p.finally(() => (settled = true));
  await drive(clock, () => settled, 10 * 60_000);
  return q;
}

export async function runPacingPbx(opts: PacingPbxOptions): Promise<PacingPbxResult> {
  const sc = comparisonScenario(opts.scenario);
  const { seed, agents: n, minutes } = opts;
  const logger = opts.logger ?? silentLogger;
  const started = Date.now();
  const clock = new VirtualClock(shiftStartMs(sc));
  const fateOf = (i: number): CalleeFate => {
    const f = leadFate(sc, seed, i);
    return { truth: f.truth, ringMs: f.ringMs, hangupAfterMs: Math.round(sc.amd.humanDecisionS * 1000) + f.talkMs };
  };
  const sim = await startSimulator({ clock, seed, mediaMode: 'accelerated', scenarios: [pacingCalleeRule(fateOf, Math.round(sc.busyAfterS * 1000))] });
  const dir = mkdtempSync(join(tmpdir(), 'centralita-pacing-pbx-'));
  const store = openStore(join(dir, 'c.db'));
  const sink = createSocket('udp4');
  sink.on('message', () => {});
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
  let engine: Engine | undefined;
  try {
    let next = 0;
    const leads: LeadSource = {
      next: (): Lead => {
        const i = next++;
        return { id: `L${i}`, phone: pacingPhone(i) };
      },
      complete: () => {},
    };
    const agents: AgentConfig[] = Array.from({ length: n }, (_, i) => ({
      id: `a${2001 + i}`,
      kind: 'human',
      endpoint: `PJSIP/${2001 + i}`,
      maxConcurrent: 1,
      wrapUpMs: sc.wrapS * 1000,
    }));
    const gateway = await connectAri({ url: sim.url, username: sim.username, password: sim.password, app: 'centralita', clock: systemClock, initialDelayMs: 20, maxDelayMs: 200 });
    engine = new Engine({
      gateway,
      nodeId: 'pp',
      clock,
      logger,
      amd: scriptedAmdSource({
        clock,
        host: '127.0.0.1',
        port: (sink.address() as AddressInfo).port,
        script: (phone) => {
          const i = pacingIndex(phone);
          const f = i === null ? null : fateOf(i);
          if (f?.truth === 'human') return { status: 'HUMAN', cause: 'HUMAN-SCRIPTED', afterMs: Math.round(sc.amd.humanDecisionS * 1000) };
          return { status: 'MACHINE', cause: 'MACHINE-SCRIPTED', afterMs: Math.round(sc.amd.machineDecisionS * 1000) };
        },
      }),
      agents,
      campaigns: [
        {
          settings: {
            id: 'pacing',
            policy: {
              ...defaultCallPolicy,
              ringTimeoutSec: sc.ring.timeoutS,
              agentWaitMs: Math.round(sc.dropAfterS * 1000),
              agentWaitFrom: 'answer',
              safeHarborMedia: 'sound:beep',
              playbackGuardMs: 10_000,
            },
            endpointFor: (p) => `PJSIP/${p}@trunk`,
          },
          leads,
          dialMode: 'predictive',
          dropTarget: sc.abandon.target,
          maxConcurrent: 10_000,
          wrapUpMs: sc.wrapS * 1000,
        },
      ],
      callLogs: store.callLogs,
      bootId: 'pp1',
      tickMs: 200,
      pacingTickMs: 1000,
    });
    const answeredAt = new Map<string, number>();
    const dropWaits: number[] = [];
    let maxConnectWaitMs = 0;
    let pacingEvents = 0;
    const modes = new Set<string>();
    engine.events.on('*', (e) => {
      if (e.type === 'call.answered') answeredAt.set(e.callId, e.at);
      else if (e.type === 'call.dropped') dropWaits.push(e.at - (answeredAt.get(e.callId) ?? e.at));
      else if (e.type === 'call.bridged') maxConnectWaitMs = Math.max(maxConnectWaitMs, e.at - (answeredAt.get(e.callId) ?? e.at));
      else if (e.type === 'call.ended') answeredAt.delete(e.callId);
      else if (e.type === 'campaign.pacing') {
        pacingEvents++;
        modes.add(e.mode);
      }
    });
    await whileRunning(clock, engine.start());
    const end = shiftStartMs(sc) + minutes * 60_000;
    let minute = -1;
    await drive(clock, () => clock.now() >= end, minutes * 60_000 + 600_000, () => {
      const m = Math.floor((clock.now() - shiftStartMs(sc)) / 60_000);
      if (m !== minute) {
        minute = m;
        opts.onMinute?.(m, next);
      }
    }, opts.stepMs);
    // The shift is over: no new dials; calls in progress finish (their humans still count).
    await engine.setCampaignState('pacing', 'paused');
    const e = engine;
    await drive(clock, () => e.snapshot().calls.length === 0, 30 * 60_000);
    await whileRunning(clock, engine.stop({ timeoutMs: 60_000 }));
    const rows = store.sqlite
      .prepare(
        `select count(*) as dials, coalesce(sum(disposition = 'ANSWERED_HUMAN'), 0) as connected, coalesce(sum(disposition = 'DROPPED'), 0) as dropped
           from call_logs where campaign_id = 'pacing'`,
      )
      .get() as { dials: number; connected: number; dropped: number };
    const humans = rows.connected + rows.dropped;
    const pbx = {
      dials: rows.dials,
      humans,
      connected: rows.connected,
      dropped: rows.dropped,
      abandonUs: humans > 0 ? rows.dropped / humans : 0,
      realSeconds: Math.round((Date.now() - started) / 100) / 10,
      pacingEvents,
      modes: [...modes].sort(),
      dropWaitMs: dropWaits.length > 0 ? { min: Math.min(...dropWaits), max: Math.max(...dropWaits) } : null,
      maxConnectWaitMs,
    };
    const simRates = simulatorRates(sc, n, minutes, seed);
    let simSeedsMean: number | null = null;
    if (opts.simSeeds && opts.simSeeds > 1) {
      let sum = 0;
      for (let k = 0; k < opts.simSeeds; k++) sum += simulatorRates(sc, n, minutes, seed + k).abandonUs;
      simSeedsMean = sum / opts.simSeeds;
    }
    return {
      scenario: sc.name,
      agents: n,
      minutes,
      seed,
      pbx,
      sim: simRates,
      simSeedsMean,
      diffPp: Math.abs(pbx.abandonUs - simRates.abandonUs) * 100,
    };
  } finally {
    if (engine && engine.snapshot().state !== 'stopped') await engine.crash();
    await sim.close();
    store.close();
    sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
