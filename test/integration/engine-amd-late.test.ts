/**
 * The async AMD watch end to end on the embedded PBX: the real engine, the simulator's RTP, the media plane's
 * workers and the centralita detector with its watch on (lateWatchMs 20 s — talk rules for 10 s, then beeps only — the campaign's amdWatchMs).
 * - A machine with a very short greeting ("Leave a message." … beep) is called HUMAN and bridged to an agent,
 *   then pulled back by the beep (LATEBEEP): the agent is freed, the message is left at the beep, and the
 *   CallLog shows both verdicts (HUMAN, then the late MACHINE).
 * - A machine that pauses after its first phrase and talks on is pulled back too (MONOLOGUE).
 * - The corpus' humans (the CI subset's 24 human files, cached under .cache/, played as callees) are pulled
 *   back only where the offline evaluator pulls the same file back (one in 24 at most).
 * Wall-clock: the simulator sends RTP in real time; all calls run at once (~20 s).
 * On both dialects (#18), the engine writing through each one's node port as `centralita node` wires it: on PostgreSQL
 * the short-greeting machine alone (its CallLog's late verdict — markAmdLate — and the kept trace — saveAmdTrace);
 * the paused machine and the corpus humans, whose checks are the detector's and the engine's, not the store's, run on
 * SQLite only.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { parseWav } from '../../engine/audio/wav.js';
import { defaultAmdParams } from '../../engine/amd/index.js';
import { evaluateSamples } from '../../engine/amd-lab/eval/evaluate.js';
import { generateCorpus, type ManifestEntry } from '../../engine/amd-lab/corpus/corpus-command.js';
import { checkTools } from '../../engine/amd-lab/corpus/synth.js';
import { defaultCallPolicy } from '../../engine/calls/types.js';
import { loadConfig } from '../../engine/config/index.js';
import type { DomainEvent } from '../../engine/events/types.js';
import { silentLogger } from '../../engine/log/logger.js';
import { createMediaPlane, mediaPlaneOptions, type MediaPlane } from '../../engine/media/index.js';
import { mediaPlaneAmdSource } from '../../engine/shell/media-amd-source.js';
import { startEngine } from '../../app/start-engine.js';
import { MemoryLeadSource } from '../../engine/shell/lead-sources.js';
import type { Engine } from '../../engine/shell/engine.js';
import { beep, deriveSeed, noiseFloor, sequence, silence, speech } from '../../engine/sim/audio/index.js';
import { scripts, startSimulator, type Script, type Simulator } from '../../engine/sim/index.js';
import { replayAmdTrace } from '../../engine/amd/index.js';
import type { CallLogRow } from '../../engine/store/index.js';
import { describeDialects } from '../support/store-dialects.js';

const HOST = '127.0.0.1';
const PORT_MIN = 52_000 + Math.floor(Math.random() * 300) * 20;
const PORT_MAX = PORT_MIN + 59;
const toolsMissing = await checkTools();
const HUMANS_DIR = '.cache/amd-corpus-ci-humans';
let humans: ManifestEntry[] = [];

/** Answers 300–800 ms after ringing starts; the audio as given; hangs up after `hangupMs` of call. */
function callee(audio: (seed: number) => ReturnType<typeof sequence>, hangupMs: number): Script {
  return (ctx) => ({
    script: 'late-test',
    ringAtMs: 50,
    outcome: { kind: 'answer', atMs: 300 + Math.round(ctx.rng() * 500), hangupAfterMs: hangupMs, audio: () => audio(deriveSeed(ctx.seed, 'a')) },
  });
}

/** "Leave a message." (0.9 s), 1.2 s of silence, a 1 kHz beep of 0.4 s, then an open line. */
const shortGreeting = callee((seed) => sequence([silence(300), speech({ ms: 900, seed }), noiseFloor(seed, 10, 1200), beep(400), noiseFloor(seed, 10)]), 9000);
/** "Thanks for calling Acme." (1.1 s), a 0.6 s breath, then 6 s more of greeting, then a beep. */
const pausedOpening = callee(
  (seed) => sequence([silence(300), speech({ ms: 1100, seed }), noiseFloor(seed, 10, 600), speech({ ms: 6000, seed: seed + 1 }), beep(500), noiseFloor(seed, 10)]),
  12000,
);

let sim: Simulator | undefined;
let plane: MediaPlane | undefined;
let engine: Engine | undefined;
afterEach(async () => {
  await engine?.stop({ hangup: true, timeoutMs: 5000 }).catch(() => {});
  engine = undefined;
  await plane?.close();
  await sim?.close();
});

beforeAll(async () => {
  if (toolsMissing) return;
  // SQLite's run only: PostgreSQL's calls no corpus human (see the head of the file).
  // The same 24 human files as the CI corpus subset (a plan prefix: humans do not depend on machines).
  humans = (await generateCorpus({ out: HUMANS_DIR, humans: 24, machines: 0, seed: 7, concurrency: 2 })).files;
}, 240_000);

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
}

describeDialects(
  'the async AMD watch',
  (h, dialect) => {
    it.skipIf(toolsMissing !== null)(
      dialect === 'sqlite'
        ? 'a short-greeting machine is bridged, then pulled back by the beep watch (CallLog: both verdicts); corpus humans are pulled back only as offline, at most 1 in 24'
        : 'a short-greeting machine is bridged, then pulled back by the beep watch (CallLog: both verdicts, the first one\'s trace kept)',
      async () => {
      // PostgreSQL: the short-greeting machine only (what it adds to SQLite's run is the store's writes).
      const all = dialect === 'sqlite';
      const humanScripts = (all ? humans : []).map((f) => ({ phone: `+1555011${String(3000 + humans.indexOf(f)).padStart(4, '0')}`, file: resolve(HUMANS_DIR, f.file), durationMs: f.durationMs }));
      sim = await startSimulator({
        seed: 9,
        mediaMode: 'realtime',
        // The voicemail message exists on this PBX (a playback of a missing one fails, as on Asterisk).
        sounds: ['vm-centralita'],
        scenarios: [
          { match: '15550129001', script: shortGreeting },
          { match: '15550129002', script: pausedOpening },
          ...humanScripts.map((f) => ({
            match: f.phone.slice(1),
            // The person hangs up 2 s after the file ends (the file holds their replies to the agent).
            script: scripts.wav(f.file, { answerAtMs: 400, hangupAfterMs: f.durationMs + 2000 }),
          })),
        ],
      });
      const config = loadConfig({
        ARI_URL: sim.url,
        ARI_USERNAME: sim.username,
        ARI_PASSWORD: sim.password,
        NODE_ID: 'l1',
        RTP_HOST: HOST,
        RTP_PORT_MIN: String(PORT_MIN),
        RTP_PORT_MAX: String(PORT_MAX),
      });
      plane = await createMediaPlane({ ...mediaPlaneOptions(config), logger: silentLogger });
      const params = defaultAmdParams('centralita');
      expect(params.lateWatchMs).toBe(20_000);
      const leads = [
        { id: 'm-short', phone: '+15550129001' },
        ...(all ? [{ id: 'm-paused', phone: '+15550129002' }] : []),
        ...humanScripts.map((f, i) => ({ id: `h-${i}`, phone: f.phone })),
      ];
      const agentIds = Array.from({ length: leads.length }, (_, i) => String(2001 + i));
      engine = await startEngine({
        config,
        store: { callLogs: h.callLogs, agentEvents: h.agentEvents },
        amd: mediaPlaneAmdSource(plane, params),
        leads: new MemoryLeadSource(leads),
        agents: agentIds.map((id) => ({ id, kind: 'human' as const, endpoint: `PJSIP/${id}`, maxConcurrent: 1, wrapUpMs: 500 })),
        campaign: {
          id: 'camp-late',
          policy: {
            ...defaultCallPolicy,
            ringTimeoutSec: 10,
            machine: 'voicemail',
            voicemailMedia: 'sound:vm-centralita',
            beepWaitMs: 9000,
            playbackGuardMs: 5000,
            amdWatchMs: params.lateWatchMs!,
            // Every human gets an agent at once (one per call), so none is dropped before the watch can act.
            agentWaitMs: 4000,
          },
          endpointFor: (p) => `PJSIP/${p}@trunk`,
        },
        concurrency: leads.length,
        logger: silentLogger,
      });
      const events: DomainEvent[] = [];
      engine.events.on('*', (ev) => events.push(ev));
      await waitUntil(() => events.filter((e) => e.type === 'call.ended').length >= leads.length, 60_000);

      // Every write of the ended calls reached the store (PostgreSQL answers with real I/O) before it is read.
      expect(await engine.storeWrites.idle(10_000)).toBe(true);
      const rows = (await h.read.rows('callLogs')).filter((r) => r.campaignId === 'camp-late') as unknown as CallLogRow[];
      expect(rows).toHaveLength(leads.length);
      const byLead = new Map(rows.map((r) => [r.leadId, r]));
      const lates = events.filter((e): e is Extract<DomainEvent, { type: 'call.amd_late' }> => e.type === 'call.amd_late');

      // The short-greeting machine: HUMAN first, bridged to an agent, then the beep: a late MACHINE.
      const short = byLead.get('m-short')!;
      expect(short).toMatchObject({ amdStatus: 'HUMAN', amdTreatedAs: 'HUMAN', disposition: 'MACHINE', voicemailLeft: true });
      expect(short.bridgedAt).not.toBeNull();
      expect(short.amdLateCause).toMatch(/^LATEBEEP-/);
      expect(short.amdLateDecisionMs!).toBeGreaterThan(short.amdDecisionMs!);
      expect(short.amdLateAt!).toBeGreaterThanOrEqual(short.bridgedAt!);
      const shortLate = lates.find((e) => e.callId === short.id)!;
      expect(shortLate.agentId).toBe(short.agentId);
      // The first verdict's trace is kept with the CallLog and replays to it (the late one is the CallLog's columns).
      const kept = await h.recordingCatalog.amdTrace(short.id);
      expect(kept, 'no AMD trace kept').not.toBeNull();
      const replay = replayAmdTrace(kept!);
      if (replay.exact) expect({ status: replay.decision.status, cause: replay.decision.cause, ms: replay.decision.decisionMs }).toEqual({ status: 'HUMAN', cause: short.amdCause, ms: short.amdDecisionMs });
      expect(replay.decision.status).toBe('HUMAN');
      if (!all) return;

      // The machine that paused after its first phrase: pulled back by the monologue.
      const paused = byLead.get('m-paused')!;
      expect(paused).toMatchObject({ amdStatus: 'HUMAN', disposition: 'MACHINE' });
      // Pulled back late either way. Which cue fires first is timing: the talk-on (MONOLOGUE, 3 s of it after the
      // verdict) on a quiet machine, the beep at its end when real-time media runs late under CI load (seen once in a
      // full run: LATEBEEP-1000-480). test/unit/amd/centralita.test.ts holds the MONOLOGUE decision on audio of this shape.
      expect(paused.amdLateCause).toMatch(/^(MONOLOGUE|LATEBEEP)-/);

      // The agents the machines were pulled back from were freed (released, not talking).
      for (const row of [short, paused]) {
        const released = events.some((e) => e.type === 'agent.state' && e.agentId === row.agentId && e.at >= row.amdLateAt! && e.from === 'TALKING');
        expect(released, row.id).toBe(true);
      }

      // The corpus humans: pulled back live only where the offline evaluator, on the same file, pulls it back too
      // (no gap between the live path and the detector), and at most one in 24 (the CI subset has one such file:
      // a TV 11 dB under the voice, whose dialogue the watch takes for a monologue; see engine/amd/README.md).
      const humanRows = rows.filter((r) => r.leadId?.startsWith('h-'));
      expect(humanRows).toHaveLength(humans.length);
      const pulledBack: string[] = [];
      for (const r of humanRows) {
        const file = humans[Number(r.leadId!.slice(2))]!.file;
        if (r.amdLateCause === null) continue;
        pulledBack.push(file);
        const offline = evaluateSamples(parseWav(readFileSync(join(HUMANS_DIR, file))).samples, params).decision;
        expect(offline.late, `${file} pulled back live (${r.amdLateCause}) but not offline`).toBeDefined();
      }
      expect(pulledBack.length, pulledBack.join(', ')).toBeLessThanOrEqual(1);
      expect(humanRows.filter((r) => r.disposition === 'ANSWERED_HUMAN').length).toBeGreaterThanOrEqual(humans.length - 2);
    }, 120_000);
  },
  { prefix: 'ct_amd_late' },
);
