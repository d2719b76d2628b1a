/**
 * The engine's calls get their AMD decisions from the media plane, end to end on the embedded PBX: the real
 * engine (startEngine, as `npm start` builds it), the simulator's callee scripts and RTP, the media plane's
 * worker threads on real UDP sockets, and the real detector in centralita mode. No AMD double anywhere.
 *
 * Clocks: everything runs on the system clock. The simulator (mediaMode 'realtime') sends one RTP frame per
 * 20 ms of wall time, which is the only time the media workers know; the engine's AMD timeout and 2 s agent
 * rule are wall time too. The detector itself keeps time by frames, so `decisionMs` is exact whatever the
 * load. Ring and talk times are shortened so the campaign fits ~25 s; the callee audio is the scripts' own
 * (machines: the stock shape with a shorter greeting). Machines get a voicemail message: the session stays
 * open after the MACHINE decision until the plane hears the beep.
 *
 * On both dialects (#18), the engine writing through each one's node port as `centralita node` wires it. PostgreSQL
 * runs a short mix (a human hung up by us once bridged, a hang-up during AMD, a busy line): its CallLogs' AMD
 * columns and kept traces are the store's part; the machines' beeps and the RTP ports' reuse, the plane's and the
 * detector's business, run on SQLite's full mix only.
 */
import { createSocket } from 'node:dgram';
import { afterEach, expect, it } from 'vitest';
import { defaultAmdParams, replayAmdTrace } from '../../engine/amd/index.js';
import type { AmdDecision } from '../../engine/amd/types.js';
import { defaultCallPolicy } from '../../engine/calls/types.js';
import { loadConfig } from '../../engine/config/index.js';
import type { DomainEvent } from '../../engine/events/types.js';
import { silentLogger } from '../../engine/log/logger.js';
import { createMediaPlane, mediaPlaneOptions, type MediaPlane } from '../../engine/media/index.js';
import { mediaPlaneAmdSource } from '../../engine/shell/media-amd-source.js';
import { startEngine } from '../../app/start-engine.js';
import { MemoryLeadSource } from '../../engine/shell/lead-sources.js';
import type { AmdSource, Lead } from '../../engine/shell/ports.js';
import type { Engine } from '../../engine/shell/engine.js';
import { beep, deriveSeed, noiseFloor, sequence, silence, speech } from '../../engine/sim/audio/index.js';
import { scripts, startSimulator, type Script, type Simulator } from '../../engine/sim/index.js';
import type { CallLogRow } from '../../engine/store/index.js';
import { describeDialects } from '../support/store-dialects.js';

const HOST = '127.0.0.1';
// A small RTP range of our own (fewer ports than answered calls, so ports must be freed and reused), away from
// the media-plane test's 45000–48600 and picked per run so parallel runs rarely meet.
const PORT_MIN = 50_000 + Math.floor(Math.random() * 500) * 10;
const PORT_MAX = PORT_MIN + 9;

/** Answers sooner than the stock scripts (whose rings last up to 12 s); audio and everything else unchanged. */
function answeringWithin(script: Script, lo: number, hi: number, hangupAfterMs?: (ctx: Parameters<Script>[0]) => number): Script {
  return (ctx) => {
    const plan = script(ctx);
    if (plan.outcome.kind === 'answer') {
      plan.outcome.atMs = lo + Math.round(ctx.rng() * (hi - lo));
      if (hangupAfterMs) plan.outcome.hangupAfterMs = hangupAfterMs(ctx);
    }
    return plan;
  };
}

/**
 * The stock machine (engine/sim/scripts.ts: 200 ms, greeting, 1 kHz beep 0.5 s, open line) with a 6–7.5 s
 * greeting instead of 5–20 s (longer than centralita's 5 s `greeting`), so that every beep comes within the test.
 */
const quickMachine: Script = (ctx) => {
  const plan = answeringWithin(scripts.machine, 300, 1500)(ctx);
  const greeting = 6000 + Math.round(ctx.rng() * 1500);
  const aSeed = deriveSeed(ctx.seed, 'audio');
  if (plan.outcome.kind === 'answer') {
    plan.outcome.audio = () => sequence([silence(200), speech({ ms: greeting, seed: aSeed }), beep(500), noiseFloor(aSeed, 30)]);
  }
  return plan;
};

const SCENARIOS = [
  // Humans hang up 5.5–7 s after answer (the stock script: minutes), so agents come free again within the test.
  { match: '1555011', script: answeringWithin(scripts.human, 300, 1500, (ctx) => 5500 + Math.round(ctx.rng() * 1500)) },
  { match: '1555012', script: quickMachine },
  { match: '1555017', script: answeringWithin(scripts.hangupDuringAmd, 300, 1500) },
  { match: '1555018', script: answeringWithin(scripts.silent, 300, 1500) },
];

// Above the longest wait for a quickMachine's beep after its decision (≤ 8.2 s of audio − ≥ 5.2 s).
const BEEP_WAIT_MS = 5500;

const RANGES = { human: '1555011', machine: '1555012', noAnswer: '1555013', busy: '1555014', congestion: '1555015', hangup: '1555017', silence: '1555018', voicemail: '1555019' } as const;
type Mix = Array<[keyof typeof RANGES, number]>;
const MIX: Mix = [
  ['human', 5],
  ['machine', 4],
  ['hangup', 2],
  ['silence', 2],
  ['voicemail', 1],
  ['noAnswer', 1],
  ['busy', 1],
  ['congestion', 1],
];

/** PostgreSQL's mix: a CallLog of each shape the store keeps (bridged with a trace, AMD ended by a hang-up, never answered). */
const SHORT_MIX: Mix = [
  ['human', 1],
  ['hangup', 1],
  ['busy', 1],
];

function makeLeads(mix: Mix): Lead[] {
  const leads: Lead[] = [];
  for (const [kind, n] of mix) for (let i = 0; i < n; i++) leads.push({ id: `${kind}-${i}`, phone: `+${RANGES[kind]}${String(2000 + i).padStart(4, '0')}` });
  // Interleave the kinds so that the first calls in flight are a mix, not five humans.
  return leads.sort((a, b) => Number(a.id.split('-')[1]) - Number(b.id.split('-')[1]));
}

/** The plane as the engine's AmdSource, watched: which calls opened a session, what the plane decided, closes. */
function watched(source: AmdSource) {
  const decisions = new Map<string, AmdDecision>();
  /** The beep the plane reported after a MACHINE decision: ms of audio, and when it reached the main thread. */
  const beeps = new Map<string, { beepAtMs: number; seenAt: number }>();
  const opened: string[] = [];
  let open = 0;
  const amd: AmdSource = {
    async open(call) {
      const s = await source.open(call);
      opened.push(call.callId);
      open++;
      void s.decision.then((d) => decisions.set(call.callId, d), () => {});
      void s.beep?.then((ms) => {
        if (ms !== null) beeps.set(call.callId, { beepAtMs: ms, seenAt: Date.now() });
      });
      let closed = false;
      return {
        ...s,
        close() {
          if (!closed) open--;
          closed = true;
          s.close();
        },
      };
    },
  };
  return { amd, decisions, beeps, opened, get open() { return open; } };
}

let sim: Simulator | undefined;
let plane: MediaPlane | undefined;
let engine: Engine | undefined;
afterEach(async () => {
  await engine?.stop({ hangup: true, timeoutMs: 5000 }).catch(() => {});
  engine = undefined;
  await plane?.close();
  await sim?.close();
});

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

async function canBind(port: number): Promise<boolean> {
  const s = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(port, HOST, () => resolve());
    });
    return true;
  } catch {
    return false;
  } finally {
    s.close();
  }
}

describeDialects(
  "the media plane as the engine's AMD",
  (h, dialect) => {
    it('a campaign on the embedded PBX takes every AMD decision from the media plane (centralita detector)', async () => {
      const all = dialect === 'sqlite';
      const mix = all ? MIX : SHORT_MIX;
      const countOf = (kind: keyof typeof RANGES) => mix.find(([k]) => k === kind)?.[1] ?? 0;
      // The voicemail message exists on this PBX (a playback of a missing one fails, as on Asterisk).
      sim = await startSimulator({ seed: 5, mediaMode: 'realtime', scenarios: SCENARIOS, sounds: ['vm-centralita'] });
      const config = loadConfig({
        ARI_URL: sim.url,
        ARI_USERNAME: sim.username,
        ARI_PASSWORD: sim.password,
        NODE_ID: 'm1',
        RTP_HOST: HOST,
        RTP_PORT_MIN: String(PORT_MIN),
        RTP_PORT_MAX: String(PORT_MAX),
      });
      plane = await createMediaPlane({ ...mediaPlaneOptions(config), logger: silentLogger });
      // The simulator's synthetic greeting (engine/sim/audio/speech.ts) breathes up to ~0.5 s between its
      // "sentences": this campaign asks for a 0.6 s pause after an opener (the default 450 ms relies on the async
      // watch, which engine-amd-late.test.ts covers, to pull such machines back).
      const w = watched(mediaPlaneAmdSource(plane, { ...defaultAmdParams('centralita'), afterGreetingSilence: 600 }));
      const leads = makeLeads(mix);
      const source = new MemoryLeadSource(leads);
      engine = await startEngine({
        config,
        store: { callLogs: h.callLogs, agentEvents: h.agentEvents },
        amd: w.amd,
        leads: source,
        agents: ['1001', '1002', '1003'].map((id) => ({ id, kind: 'human' as const, endpoint: `PJSIP/${id}`, maxConcurrent: 1, wrapUpMs: 500 })),
        campaign: {
          id: 'camp-media',
          // Machines get a message, started when the plane hears the beep (or after beepWaitMs without one).
          policy: {
            ...defaultCallPolicy,
            ringTimeoutSec: 12,
            machine: 'voicemail',
            voicemailMedia: 'sound:vm-centralita',
            beepWaitMs: BEEP_WAIT_MS,
            safeHarborMedia: 'sound:beep',
            playbackGuardMs: 5000,
          },
          endpointFor: (p) => `PJSIP/${p}@trunk`,
        },
        concurrency: 6,
        logger: silentLogger,
      });
      const e = engine;
      const events: DomainEvent[] = [];
      e.events.on('*', (ev) => events.push(ev));
      // PostgreSQL's human is hung up from our side once bridged (the console's hang-up): its CallLog is whole ~4 s
      // sooner than the callee's own hang-up would make it.
      if (!all) e.events.on('call.bridged', (ev) => void e.hangupCall(ev.callId));
      const eventOf = <T extends DomainEvent['type']>(type: T, callId: string) =>
        events.find((ev): ev is Extract<DomainEvent, { type: T }> => ev.type === type && 'callId' in ev && ev.callId === callId);
      await waitUntil(() => source.remaining === 0 && e.snapshot().calls.length === 0, 45_000);
      expect(source.remaining).toBe(0);
      expect(e.snapshot().calls).toEqual([]);
      const packets = (await plane.workerStats()).reduce((n, s) => n + s.packets, 0);
      await e.stop({ timeoutMs: 10_000 });

      const rows = (await h.read.rows('callLogs')).filter((r) => r.campaignId === 'camp-media') as unknown as CallLogRow[];
      expect(rows).toHaveLength(leads.length);
      expect(rows.filter((r) => r.endedAt === null)).toEqual([]);
      const kindOf = (phone: string) => (Object.keys(RANGES) as Array<keyof typeof RANGES>).find((k) => phone.startsWith(`+${RANGES[k]}`));
      const summary = rows.map((r) => ({ kind: kindOf(r.phone), disposition: r.disposition, amd: r.amdStatus, cause: r.amdCause, ms: r.amdDecisionMs }));
      if (process.env.ENGINE_TEST_VERBOSE) console.table(summary);

      for (const r of rows) {
        const kind = kindOf(r.phone);
        const label = { phone: r.phone, kind, disposition: r.disposition, amd: r.amdStatus, cause: r.amdCause };
        const planeDecision = w.decisions.get(r.id);
        if (r.answeredAt === null) {
          // Never answered: no media session was opened for it.
          expect(w.opened, `${r.phone} opened AMD`).not.toContain(r.id);
          continue;
        }
        // Every answered call had a session in the plane, and the plane's worker decided on real audio.
        expect(planeDecision, `${r.phone}: no decision from the plane`).toBeDefined();
        if (kind === 'hangup') {
          // The callee went away first: the session ended with the detector's HANGUP, the call was never bridged,
          // and the CallLog says AMD ended as HANGUP (not empty columns).
          expect(label).toMatchObject({ disposition: 'HUNG_UP_DURING_AMD', amd: 'HANGUP' });
          expect(r.amdCause).toMatch(/^HANGUP-\d+$/);
          expect(r.amdTreatedAs).toBeNull();
          expect(planeDecision?.status).toBe('HANGUP');
          expect(r.bridgedAt).toBeNull();
          continue;
        }
        // The CallLog's AMD result is exactly what the worker's detector decided, from frames of the callee's audio.
        expect({ status: r.amdStatus, cause: r.amdCause, ms: r.amdDecisionMs }).toEqual({
          status: planeDecision?.status,
          cause: planeDecision?.cause,
          ms: planeDecision?.decisionMs,
        });
        expect(planeDecision?.trace.frameEnergy.length).toBeGreaterThan(10);
        expect(planeDecision?.trace.notes).not.toContain('scripted');
        // The decision's trace was kept with the CallLog (compact) and replays through the detector to the very
        // verdict — except a beep heard before the decision, which energies alone cannot hear: flagged, not faked.
        const kept = await h.recordingCatalog.amdTrace(r.id);
        expect(kept, `${r.phone}: no AMD trace kept`).not.toBeNull();
        const replay = replayAmdTrace(kept!);
        expect(replay.exact, `${r.phone}: replay exact`).toBe(kind !== 'voicemail');
        if (replay.exact) {
          expect({ status: replay.decision.status, cause: replay.decision.cause, ms: replay.decision.decisionMs }).toEqual({
            status: r.amdStatus,
            cause: r.amdCause,
            ms: r.amdDecisionMs,
          });
        }
        switch (kind) {
          case 'human':
            expect(label).toMatchObject({ amd: 'HUMAN', cause: expect.stringMatching(/^HUMAN-/), disposition: expect.toBeOneOf(['ANSWERED_HUMAN', 'DROPPED']) });
            // DROPPED: no agent within 2 s (safe harbor), or the callee hung up while waiting for one.
            if (r.disposition === 'ANSWERED_HUMAN') expect(r.bridgedAt).not.toBeNull();
            else expect(r.bridgedAt).toBeNull();
            break;
          case 'machine': {
            expect(label).toMatchObject({ amd: 'MACHINE', cause: expect.stringMatching(/^(LONGGREETING|STILLTALKING|MAXWORDLENGTH)-/), disposition: 'MACHINE' });
            // The plane kept listening after the decision and heard the beep at the greeting's end (200 ms +
            // 6–7.5 s + 0.5 s of audio); the message started on it, not on the beepWaitMs timer.
            const b = w.beeps.get(r.id);
            expect(b?.beepAtMs, `${r.phone}: no beep from the plane`).toBeGreaterThan(planeDecision?.decisionMs ?? Infinity);
            expect(b?.beepAtMs).toBeGreaterThanOrEqual(6600);
            expect(b?.beepAtMs).toBeLessThanOrEqual(8300);
            const vm = eventOf('call.voicemail', r.id);
            const amdAt = eventOf('call.amd', r.id)?.at ?? 0;
            expect(vm?.at).toBeGreaterThanOrEqual((b?.seenAt ?? 0) - 5);
            expect(vm?.at).toBeLessThan(amdAt + BEEP_WAIT_MS - 200);
            expect(r.voicemailLeft).toBe(true);
            break;
          }
          case 'silence':
            // Dead air: no beep ever; the message is left anyway once beepWaitMs is over.
            expect(label).toMatchObject({ amd: 'MACHINE', cause: expect.stringMatching(/^INITIALSILENCE-/), disposition: 'MACHINE' });
            expect(w.beeps.has(r.id)).toBe(false);
            expect((eventOf('call.voicemail', r.id)?.at ?? 0) - (eventOf('call.amd', r.id)?.at ?? 0)).toBeGreaterThanOrEqual(BEEP_WAIT_MS - 50);
            expect(r.voicemailLeft).toBe(true);
            break;
          case 'voicemail':
            // Answered into the beep (the greeting was early media): the beep itself is the decision.
            expect(label).toMatchObject({ amd: 'MACHINE', cause: expect.stringMatching(/^BEEP-/), disposition: 'MACHINE' });
            expect(planeDecision?.beepAtMs).toBeGreaterThan(0);
            expect(r.voicemailLeft).toBe(true);
            break;
          default:
            throw new Error(`unexpected answered call ${JSON.stringify(label)}`);
        }
        if (r.amdStatus === 'MACHINE') expect(r.bridgedAt).toBeNull();
      }
      for (const [kind, disposition] of [['noAnswer', 'NO_ANSWER'], ['busy', 'BUSY'], ['congestion', 'CONGESTION']] as const) {
        expect(rows.filter((r) => kindOf(r.phone) === kind).map((r) => r.disposition)).toEqual(Array.from({ length: countOf(kind) }, () => disposition));
      }
      // Some humans reached an agent; audio really flowed through the workers (on average ≥ 1 s of RTP a session).
      expect(rows.some((r) => r.disposition === 'ANSWERED_HUMAN')).toBe(true);
      expect(w.opened.length).toBe(rows.filter((r) => r.answeredAt !== null).length);
      // The full mix answers more calls than the range has ports: they were freed and reused.
      if (all) expect(w.opened.length).toBeGreaterThan(PORT_MAX - PORT_MIN + 1);
      expect(packets).toBeGreaterThan(w.opened.length * 50);

      // Nothing left: no channel or bridge of ours in the PBX, no session in the engine, the plane or its workers,
      // and every port of the range can be bound again.
      await waitUntil(() => plane?.size === 0, 2000);
      const snap = sim.snapshot();
      expect([...snap.channels.map((c) => c.id), ...snap.bridges.map((b) => b.id)].filter((id) => id.startsWith('cl-m1-'))).toEqual([]);
      expect(w.open).toBe(0);
      expect(plane.size).toBe(0);
      const workers = await plane.workerStats();
      expect(workers.length).toBeGreaterThan(0);
      expect(workers.filter((s) => s.sessions !== 0)).toEqual([]);
      const ports = Array.from({ length: PORT_MAX - PORT_MIN + 1 }, (_, i) => PORT_MIN + i);
      expect(await Promise.all(ports.map(canBind))).toEqual(ports.map(() => true));
    }, 60_000);
  },
  { prefix: 'ct_media_amd' },
);
