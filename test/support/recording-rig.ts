/**
 * The rig of the recordings tests: the engine on the embedded PBX (virtual clock, accelerated media), one agent,
 * one campaign that records, and engine/recordings with real ffmpeg and files in a temp folder. Callees and the
 * agent send tones of their own (440 Hz and 1400 Hz) so that a recording proves whose audio it holds.
 *
 * `recordingRig` runs over pbx-rig's SQLite store; `dialectRecordingRigs()` over a `describeDialects` harness (#18):
 * the engine's CallLogs through the dialect's product ports (pbx-rig's `engineStorePorts`) and the recorder's rows
 * through the store each product hands it (the single-process product: its SQLite store; `centralita node`:
 * `pgRecorderStore`, app/node/run-node.ts). Its `until` drives virtual time until a read of the store says so.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connectAri, type AriGateway } from '../../engine/ari/index.js';
import { defaultCallPolicy } from '../../engine/calls/index.js';
import { systemClock } from '../../engine/clock/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { Recordings, type RecordingsOptions } from '../../engine/recordings/index.js';
import { Engine, MemoryLeadSource, type CallLogWriter, type Lead } from '../../engine/shell/index.js';
import { sequence, silence, speech, tone } from '../../engine/sim/audio/index.js';
import type { Script } from '../../engine/sim/index.js';
import { AuditLog, type AuditEntry, type RecorderSqliteStore, type RecorderStore } from '../../engine/store/index.js';
import { scriptedAmdSource } from './scripted-amd.js';
import { dialectPbxRigs, pbxRigs, type DialectPbxRig, type PbxRig, type PbxRigOptions } from './pbx-rig.js';
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

export interface RecordingRig extends PbxRig {
  engine: Engine;
  gateway: AriGateway;
  recordings: Recordings;
  leads: MemoryLeadSource;
  audit: AuditLog;
}

export interface RecordingRigOptions {
  name: string;
  leads: Lead[];
  talkMs?: number;
  recordingsDir?: string;
  recordings?: Partial<RecordingsOptions>;
}

/** The PBX rig's options of every recording rig: the tone scripts, one seed and start. */
const pbxOptions = (o: RecordingRigOptions): PbxRigOptions => ({
  seed: 5,
  name: o.name,
  start: Date.UTC(2026, 0, 5, 15),
  sim: { scenarios: [{ match: '1555011', script: toneHuman(o.talkMs ?? 8000) }, { match: /^PJSIP\/1001$/, script: toneAgent }] },
});

/** The engine and its recorder on a PBX rig, the rows where `rows` says. */
async function startRecording(
  base: Omit<PbxRig, 'store'>,
  o: RecordingRigOptions,
  rows: { callLogs: CallLogWriter; recorder: RecorderStore | RecorderSqliteStore; audit: (e: AuditEntry) => void },
): Promise<{ engine: Engine; gateway: AriGateway; recordings: Recordings; leads: MemoryLeadSource }> {
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
    callLogs: rows.callLogs,
    bootId: 'b1',
    tickMs: 200,
  });
  const recordings = new Recordings({
    events: engine.events,
    ari: gateway,
    store: rows.recorder,
    clock: base.clock,
    logger: silentLogger,
    nodeId: 'n1',
    dir: o.recordingsDir ?? join(base.dir, 'recordings'),
    records: () => true,
    audit: rows.audit,
    backoffBaseMs: 1000,
    ...o.recordings,
  });
  gateway.on('event', (e) => recordings.ariEvent(e));
  recordings.start();
  await whileRunning(base.clock, engine.start());
  return { engine, gateway, recordings, leads };
}

const newPbx = pbxRigs();

export async function recordingRig(o: RecordingRigOptions): Promise<RecordingRig> {
  const base = await newPbx(pbxOptions(o));
  const audit = new AuditLog(base.store.db);
  const started = await startRecording(base, o, { callLogs: base.store.callLogs, recorder: base.store, audit: (e) => audit.record(e) });
  return { ...base, ...started, audit };
}

export interface DialectRecordingRig extends DialectPbxRig {
  engine: Engine;
  gateway: AriGateway;
  recordings: Recordings;
  leads: MemoryLeadSource;
  /** The recorder's rows as the node reads them (the harness's `recorderStore`: the same database). */
  rows: RecorderStore;
  /** Drives virtual time (20 ms steps, the store settled after each) until `done` — which may read the store. */
  until(done: () => boolean | Promise<boolean>, maxVirtualMs: number): Promise<void>;
}

/** `recordingRig` over a `describeDialects` harness (read `h` inside the test); torn down by `closeRecordingRig`. */
export function dialectRecordingRigs(): (o: RecordingRigOptions & { h: DialectHarness }) => Promise<DialectRecordingRig> {
  const newDialectPbx = dialectPbxRigs();
  return async (o) => {
    const base = await newDialectPbx({ ...pbxOptions(o), h: o.h });
    const h = o.h;
    // As each product wires it: the single-process product hands the recorder its SQLite store, a node its
    // `pgRecorderStore`; deletions audited through the store's audit trail.
    const started = await startRecording(base, o, { callLogs: base.ports.callLogs, recorder: h.sqlite ?? h.recorderStore, audit: (e) => void h.auth.audit.record(e) });
    const settled = { idle: () => h.settle(), count: 0 };
    return { ...base, ...started, rows: h.recorderStore, until: (done, maxVirtualMs) => driveSettled(base.clock, settled, done, maxVirtualMs) };
  };
}

export async function closeRecordingRig(r: Pick<RecordingRig, 'clock' | 'engine' | 'recordings' | 'gateway'>): Promise<void> {
  await whileRunning(r.clock, r.engine.stop({ hangup: true, timeoutMs: 10_000 })).catch(() => {});
  await r.recordings.close();
  await r.gateway.close();
}
