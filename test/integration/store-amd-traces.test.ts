/**
 * The AMD trace kept with the CallLog: the detector's decision, stored compactly through the node's CallLog port
 * (SQLite's repository, or PostgreSQL's as `centralita node` writes it), read back as the recordings' detail reads
 * it and replayed through the detector, gives the same verdict (engine/amd trace-codec.ts, replay.ts). One body on
 * both dialects (test/support/store-dialects.ts).
 */
import { expect, it } from 'vitest';
import { createDetector, decodeAmdTrace, defaultAmdParams, encodeAmdTrace, replayAmdTrace, type AmdDecision, type AmdParams } from '../../engine/amd/index.js';
import { beep, noiseFloor, render, sequence, silence, speech, type AudioSource } from '../../engine/sim/audio/index.js';
import { describeDialects } from '../support/store-dialects.js';

/** Runs the detector over the audio, 20 ms frames, as a media worker does; the first decision. */
function detect(audio: AudioSource, params: AmdParams): AmdDecision {
  const samples = render(audio, 30_000);
  const det = createDetector(params);
  for (let i = 0; i + 160 <= samples.length; i += 160) {
    const d = det.pushFrame(samples.subarray(i, i + 160));
    if (d) return structuredClone(d); // what the worker posts: a copy taken at the decision
  }
  return structuredClone(det.finish('hangup'));
}

const withNoise = (parts: AudioSource[], seed: number) => sequence([noiseFloor(seed, 40, 200), ...parts]);
const CALLS: Array<{ name: string; audio: AudioSource; expect: RegExp }> = [
  { name: 'a person: "hello?" then waits', audio: withNoise([speech({ ms: 700, seed: 11 }), noiseFloor(12, 40, 3000)], 10), expect: /^HUMAN-/ },
  { name: 'a machine: a long greeting', audio: withNoise([speech({ ms: 6000, seed: 21 }), beep(400), silence(1000)], 20), expect: /^(LONGGREETING|STILLTALKING|MAXWORDLENGTH)-/ },
  { name: 'dead air', audio: noiseFloor(31, 30, 9000), expect: /^INITIALSILENCE-/ },
  { name: 'gone mid-greeting', audio: withNoise([speech({ ms: 900, seed: 41 })], 40), expect: /^(HANGUP|HUMAN)-/ },
];

// The decisions do not depend on the dialect: made once per file, stored once per dialect.
const decisions = new Map<string, AmdDecision>();
function decided(mode: 'centralita' | 'app_amd', i: number): { params: AmdParams; decision: AmdDecision } {
  const params = { ...defaultAmdParams(mode), ...(mode === 'centralita' ? { afterGreetingSilence: 600 } : {}) };
  const key = `${mode}-${i}`;
  if (!decisions.has(key)) decisions.set(key, detect(CALLS[i]!.audio, params));
  return { params, decision: decisions.get(key)! };
}

describeDialects(
  'AMD trace: stored with the CallLog, replayed through the detector',
  (h) => {
    it('every call of both modes: the stored trace replays to the stored verdict, and is stored compact', async () => {
      for (const mode of ['centralita', 'app_amd'] as const) {
        for (const [i, c] of CALLS.entries()) {
          const { params, decision } = decided(mode, i);
          if (mode === 'centralita') expect(decision.cause, c.name).toMatch(c.expect);
          const callId = `cl-t-${mode}-${i}`;
          await h.callLogs.create({ id: callId, campaignId: 'camp', leadId: null, phone: '+15550100000', nodeId: 't', at: 1000 });
          await h.callLogs.markAmd(callId, { status: decision.status, cause: decision.cause, decisionMs: decision.decisionMs, at: 2000 });
          expect(await h.callLogs.saveAmdTrace(callId, decision.trace, 2000)).toBe(true);
          // Later — another process, another day: what the CallLog and its trace say (the recordings' detail reads it).
          const row = (await h.callLogs.get(callId))!;
          const trace = (await h.recordingCatalog.amdTrace(callId))!;
          expect(trace, c.name).toEqual(decision.trace);
          expect(trace.params).toEqual(params);
          const replay = replayAmdTrace(trace, { end: row.amdStatus === 'HANGUP' ? 'hangup' : 'timeout' });
          expect(replay.exact, `${mode}: ${c.name}`).toBe(true);
          expect({ status: replay.decision.status, cause: replay.decision.cause, ms: replay.decision.decisionMs }).toEqual({
            status: row.amdStatus,
            cause: row.amdCause,
            ms: row.amdDecisionMs,
          });
        }
      }
      // Compact: each stored text well under the plain JSON of the same trace.
      const stored = await h.read.rows('callAmdTraces');
      expect(stored).toHaveLength(2 * CALLS.length);
      for (const r of stored) {
        const [, , mode, i] = String(r.callId).split('-') as [string, string, 'centralita' | 'app_amd', string];
        expect(String(r.trace).length).toBeLessThan(JSON.stringify(decided(mode, Number(i)).decision.trace).length);
      }
    });

    it('a second trace for the same call is not kept over the first; no CallLog, no trace', async () => {
      const { decision } = decided('centralita', 0);
      const callId = 'cl-t-twice';
      await h.callLogs.create({ id: callId, campaignId: 'camp', leadId: null, phone: '+1', nodeId: 't', at: 1 });
      expect(await h.callLogs.saveAmdTrace(callId, decision.trace, 2)).toBe(true);
      expect(await h.callLogs.saveAmdTrace(callId, { ...decision.trace, notes: ['other'] }, 3)).toBe(false);
      expect((await h.recordingCatalog.amdTrace(callId))?.notes).toEqual(decision.trace.notes);
      // It goes with its CallLog.
      await expect(h.callLogs.saveAmdTrace('cl-t-none', decision.trace, 4)).rejects.toThrow(/foreign key/i);
      expect(await h.recordingCatalog.amdTrace('cl-t-none')).toBeNull();
    });
  },
  { prefix: 'ct_pg_suite_amd' },
);

it('a tone heard before the decision is flagged: the energies alone cannot replay it exactly', () => {
  const decision = detect(sequence([noiseFloor(51, 40, 300), beep(400), silence(2000)]), defaultAmdParams('centralita'));
  expect(decision.cause).toMatch(/^BEEP-/);
  expect(decision.trace.toneFrames?.length).toBeGreaterThan(0);
  const replay = replayAmdTrace(decodeAmdTrace(encodeAmdTrace(decision.trace)));
  expect(replay.exact).toBe(false);
  expect(replay.decision.cause).not.toBe(decision.cause);
});

it('damaged rows are refused, not guessed', () => {
  expect(() => decodeAmdTrace('{"v":1,"e":"AAAA","w":[],"n":[],"d":0}')).toThrow(/odd length/);
  expect(() => decodeAmdTrace('{"v":2}')).toThrow();
});
