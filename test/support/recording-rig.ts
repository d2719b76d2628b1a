/**
 * The rig of the recordings tests: the engine on the embedded PBX (virtual clock, accelerated media), one agent,
 * one campaign that records, and engine/recordings with real ffmpeg and files in a temp folder. Callees and the
 * agent send tones of their own (440 Hz and 1400 Hz) so that a recording proves whose audio it holds.
 *
 * Over a `describeDialects` harness (#18), on pbx-rig's `dialectPbxRigs`: the engine's CallLogs through each
 * dialect's product ports and the recorder's rows through the store each product hands it (the single-process
 * product: its SQLite store; `centralita node`: `pgRecorderStore`). `until` drives virtual time until a read of the
 * store says so.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connectAri, type AriGateway } from '../../engine/ari/index.js';
import { defaultCallPolicy } from '../../engine/calls/index.js';
import { systemClock } from '../../engine/clock/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { Recordings, type RecordingsOptions } from '../../engine/recordings/index.js';
import { Engine, MemoryLeadSource, type Lead } from '../../engine/shell/index.js';
import { sequence, silence, speech, tone } from '../../engine/sim/audio/index.js';
import type { Script } from '../../engine/sim/index.js';
import type { RecorderStore } from '../../engine/store/index.js';
import { scriptedAmdSource } from './scripted-amd.js';
import { dialectPbxRigs, type DialectPbxRig } from './pbx-rig.js';
import { driveSettled } from './settled-drive.js';
import type { DialectHarness } from './store-dialects.js';
import { whileRunning } from './virtual-drive.js';

export const CALLEE_HZ = 440;
export const AGENT_HZ = 1400;

/** A person: answers after 1 s, "Hello?", then a steady 440 Hz tone while talking; hangs up `talkMs` after answer. */
export const toneHuman =
  (talkMs: number): Script =>
  ({ seed }) => ({
    script: 'tone-human',
    ringAtMs: 50,
    outcome: {
      kind: 'answer',
      atMs: 1000,
      hangupAfterMs: talkMs,
      audio: () => sequence([silence(300), speech({ ms: 700, seed }), silence(1200), tone(CALLEE_HZ, 600_000, 5000)]),
    },
  });

/** The agent's phone: answers at once and says a 1400 Hz tone the whole time. */
export const toneAgent: Script = () => ({
  script: 'tone-agent',
  ringAtMs: 20,
  outcome: { kind: 'answer', atMs: 200, audio: () => tone(AGENT_HZ, 3_600_000, 5000) },
});

/** Power at `hz` of a stretch of 8 kHz samples (Goertzel), normalised per sample. */
export function goertzel(samples: Int16Array, hz: number, from = 0, to = samples.length): number {
  const k = (2 * Math.PI * hz) / 8000;
  const c = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < to; i++) {
    const s0 = samples[i]! + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const n = Math.max(1, to - from);
  return Math.sqrt(s1 * s1 + s2 * s2 - c * s1 * s2) / n;
}

export interface RecordingRigOptions {
  name: string;
  leads: Lead[];
  talkMs?: number;
  recordingsDir?: string;
  recordings?: Partial<RecordingsOptions>;
}

export interface RecordingRig extends DialectPbxRig {
  engine: Engine;
  gateway: AriGateway;
  recordings: Recordings;
  leads: MemoryLeadSource;
  /** The recorder's rows as the node reads them (the harness's `recorderStore`: the same database). */
  rows: RecorderStore;
  /** Drives virtual time (20 ms steps, the store settled after each) until `done` — which may read the store. */
  until(done: () => boolean | Promise<boolean>, maxVirtualMs: number): Promise<void>;
}

/**
 * The rig over a `describeDialects` harness (pass the running test's `h`). Torn down by `closeRecordingRig` from an
 * afterEach inside the `describeDialects` body (so the engine stops before the harness closes its store).
 */
export function recordingRigs(): (o: RecordingRigOptions & { h: DialectHarness }) => Promise<RecordingRig> {
  const newPbx = dialectPbxRigs();
  return async (o) => {
    const h = o.h;
    const base = await newPbx({
      h,
      seed: 5,
      name: o.name,
      start: Date.UTC(2026, 0, 5, 15),
      sim: { scenarios: [{ match: '1555011', script: toneHuman(o.talkMs ?? 8000) }, { match: /^PJSIP\/1001$/, script: toneAgent }] },
    });
    const gateway = await connectAri({ url: base.sim.url, username: base.sim.username, password: base.sim.password, app: 'centralita', clock: systemClock, initialDelayMs: 20, maxDelayMs: 200 });
    const leads = new MemoryLeadSource(o.leads);
    const engine = new Engine({
      gateway,
      nodeId: 'n1',
      clock: base.clock,
      logger: silentLogger,
      amd: scriptedAmdSource({ clock: base.clock, host: '127.0.0.1', port: (base.sink.address() as AddressInfo).port }),
      leads,
      campaign: { id: 'camp-1', policy: { ...defaultCallPolicy, ringTimeoutSec: 20, agentWaitMs: 2000, safeHarborMedia: 'sound:beep' }, endpointFor: (p) => `PJSIP/${p}@trunk` },
      agents: [{ id: '1001', kind: 'human', endpoint: 'PJSIP/1001', maxConcurrent: 1, wrapUpMs: 1000 }],
      concurrency: 1,
      callLogs: base.ports.callLogs,
      bootId: 'b1',
      tickMs: 200,
    });
    const recordings = new Recordings({
      events: engine.events,
      ari: gateway,
      // As each product wires it: the single-process product hands the recorder its SQLite store (app/engine-host.ts),
      // a node its `pgRecorderStore` (app/node/run-node.ts); deletions audited in the store's audit trail.
      store: h.sqlite ?? h.recorderStore,
      clock: base.clock,
      logger: silentLogger,
      nodeId: 'n1',
      dir: o.recordingsDir ?? join(base.dir, 'recordings'),
      records: () => true,
      audit: (e) => void h.auth.audit.record(e),
      backoffBaseMs: 1000,
      ...o.recordings,
    });
    gateway.on('event', (e) => recordings.ariEvent(e));
    recordings.start();
    await whileRunning(base.clock, engine.start());
    const settled = { idle: () => h.settle(), count: 0 };
    return { ...base, engine, gateway, recordings, leads, rows: h.recorderStore, until: (done, maxVirtualMs) => driveSettled(base.clock, settled, done, maxVirtualMs) };
  };
}

export async function closeRecordingRig(r: Pick<RecordingRig, 'clock' | 'engine' | 'recordings' | 'gateway'>): Promise<void> {
  await whileRunning(r.clock, r.engine.stop({ hangup: true, timeoutMs: 10_000 })).catch(() => {});
  await r.recordings.close();
  await r.gateway.close();
}
