/**
 * The base of the engine's integration tests on the embedded PBX: a virtual clock, the simulator, a real SQLite
 * file in a temp folder and a UDP sink standing in for the media plane's address. `pbxRigs()` registers an
 * afterEach that tears every rig of the test down, so a failing test leaks nothing into the next.
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

export function pbxRigs(): (o: PbxRigOptions) => Promise<PbxRig> {
  const open: PbxRig[] = [];
  afterEach(async () => {
    for (const r of open.splice(0)) {
      await r.sim.close();
      r.store.close();
      r.sink.close();
      rmSync(r.dir, { recursive: true, force: true });
    }
  });
  return async (o) => {
    const clock = new VirtualClock(o.start);
    const sim = await startSimulator({
      clock,
      seed: o.seed,
      mediaMode: 'accelerated',
      ...(o.quickHumans ? { scenarios: [{ match: o.quickHumans, script: quickHuman }] } : {}),
      ...o.sim,
    });
    const dir = mkdtempSync(join(tmpdir(), `centralita-${o.name}-`));
    const store = openStore(join(dir, 'c.db'));
    const sink = createSocket('udp4');
    sink.on('message', () => {});
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
    const rig: PbxRig = { clock, sim, store, sink, sinkPort: (sink.address() as AddressInfo).port, dir };
    open.push(rig);
    return rig;
  };
}
