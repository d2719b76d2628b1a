/**
 * The base of the engine's integration tests on the embedded PBX: a virtual clock, the simulator, a real SQLite
 * file in a temp folder and a UDP sink standing in for the media plane's address. `pbxRigs()` registers an
 * afterEach that tears every rig of the test down, so a failing test leaks nothing into the next.
 *
 * `dialectPbxRigs()` is the same rig over the store of a `describeDialects` harness (#18): SQLite or PostgreSQL,
 * with `ports` — what each dialect's product hands the engine (the single-process product: SQLite's synchronous
 * repositories; `centralita node`: PostgreSQL's CallLog writer and its hopper through `asyncStoreLeadSource`) —
 * and, on PostgreSQL, `drive` waiting for the pool's pending I/O after each virtual step.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { VirtualClock } from '../../engine/clock/index.js';
import { scripts, startSimulator, type Script, type Simulator, type SimulatorOptions } from '../../engine/sim/index.js';
import { openStore, type Store } from '../../engine/store/index.js';
import type { Disposition } from '../../engine/events/index.js';
import { asyncStoreLeadSource, storeLeadSource, type AgentEventWriter, type CallLogWriter, type LeadSource } from '../../engine/shell/index.js';
import type { Dialect, DialectHarness } from './store-dialects.js';
import { settleOn } from './virtual-drive.js';

export interface PbxRig {
  clock: VirtualClock;
  sim: Simulator;
  store: Store;
  /** Where scripted AMD sessions point Asterisk's externalMedia (nothing listens to the audio). */
  sink: Socket;
  sinkPort: number;
  dir: string;
}

/** Humans who talk 4–10 s, so a test sees many calls in little virtual time. */
export const quickHuman: Script = (ctx) => {
  const plan = scripts.human(ctx);
  if (plan.outcome.kind === 'answer') plan.outcome.hangupAfterMs = 4000 + Math.floor(ctx.rng() * 6000);
  return plan;
};

export interface PbxRigOptions {
  /** Virtual start time (epoch ms). */
  start?: number;
  seed: number;
  /** Number prefix answered by `quickHuman` (e.g. '1555011'); omitted: the simulator's default scripts. */
  quickHumans?: string;
  /** Temp folder name prefix. */
  name: string;
  sim?: Partial<SimulatorOptions>;
}

async function openPbx(o: PbxRigOptions): Promise<Omit<PbxRig, 'store'>> {
  const clock = new VirtualClock(o.start);
  const sim = await startSimulator({
    clock,
    seed: o.seed,
    mediaMode: 'accelerated',
    ...(o.quickHumans ? { scenarios: [{ match: o.quickHumans, script: quickHuman }] } : {}),
    ...o.sim,
  });
  const dir = mkdtempSync(join(tmpdir(), `centralita-${o.name}-`));
  const sink = createSocket('udp4');
  sink.on('message', () => {});
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
  return { clock, sim, sink, sinkPort: (sink.address() as AddressInfo).port, dir };
}

async function closePbx(r: Omit<PbxRig, 'store'>): Promise<void> {
  await r.sim.close();
  r.sink.close();
  rmSync(r.dir, { recursive: true, force: true });
}

export function pbxRigs(): (o: PbxRigOptions) => Promise<PbxRig> {
  const open: PbxRig[] = [];
  afterEach(async () => {
    for (const r of open.splice(0)) {
      r.store.close();
      await closePbx(r);
    }
  });
  return async (o) => {
    const base = await openPbx(o);
    const rig: PbxRig = { ...base, store: openStore(join(base.dir, 'c.db')) };
    open.push(rig);
    return rig;
  };
}

/** What the product of each dialect hands the engine for a node (`owner`: its NODE_ID). */
export interface EngineStorePorts {
  callLogs: CallLogWriter;
  agentEvents: AgentEventWriter;
  /** A campaign's leads: the store's hopper, leased by `owner`. */
  leadsFor(campaignId: string, owner: string): LeadSource;
  /** Outcomes of leads of campaigns not loaded (a previous process' open CallLogs). */
  leadOutcomes(owner: string): Pick<LeadSource, 'complete'>;
}

export interface DialectPbxRig extends Omit<PbxRig, 'store'> {
  dialect: Dialect;
  /** The harness of the running test: seeds, reads, and the node's ports of its dialect. */
  h: DialectHarness;
  ports: EngineStorePorts;
}

/** The engine's store ports as each product wires them (app/engine-host.ts on SQLite, app/node/run-node.ts on PostgreSQL). */
export function engineStorePorts(h: DialectHarness, now: () => number): EngineStorePorts {
  const store = h.sqlite;
  if (store) {
    return {
      callLogs: store.callLogs,
      agentEvents: store.agentEvents,
      leadsFor: (campaignId, owner) => storeLeadSource(store.leads, { campaignId, owner, now }),
      leadOutcomes: (owner) => ({ complete: (leadId: string, d: Disposition, at: number) => void store.leads.completeAttempt(leadId, d, at, { owner }) }),
    };
  }
  return {
    callLogs: h.callLogs,
    agentEvents: h.agentEvents,
    // The node's batch (LEASE_BATCH 5); its lease is renewed while it lives, here the default (longer than any call).
    leadsFor: (campaignId, owner) => asyncStoreLeadSource(h.hopper, { campaignId, owner, now, batch: 5 }),
    leadOutcomes: (owner) => ({ complete: (leadId: string, d: Disposition, at: number) => h.hopper.completeAttempt(leadId, d, at, { owner }).then(() => undefined) }),
  };
}

/** `pbxRigs` over a `describeDialects` harness's store (read `h` inside the test). */
export function dialectPbxRigs(): (o: PbxRigOptions & { h: DialectHarness }) => Promise<DialectPbxRig> {
  const open: DialectPbxRig[] = [];
  afterEach(async () => {
    for (const r of open.splice(0)) await closePbx(r);
  });
  return async (o) => {
    const base = await openPbx(o);
    const rig: DialectPbxRig = { ...base, dialect: o.h.dialect, h: o.h, ports: engineStorePorts(o.h, () => base.clock.now()) };
    if (o.h.dialect === 'postgres') settleOn(base.clock, () => o.h.settle());
    open.push(rig);
    return rig;
  };
}
