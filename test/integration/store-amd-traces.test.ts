/**
 * The AMD trace kept with the CallLog: the detector's decision, stored compactly in the real SQLite file, read
 * back and replayed through the detector, gives the same verdict (engine/amd trace-codec.ts, replay.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDetector, decodeAmdTrace, defaultAmdParams, encodeAmdTrace, replayAmdTrace, type AmdDecision, type AmdParams } from '../../engine/amd/index.js';
import { beep, noiseFloor, render, sequence, silence, speech, type AudioSource } from '../../engine/sim/audio/index.js';
import { openStore } from '../../engine/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'centralita-amd-traces-'));
const store = openStore(join(dir, 'c.db'));
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

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

describe('AMD trace: stored with the CallLog, replayed through the detector', () => {
  for (const mode of ['centralita', 'app_amd'] as const) {
    for (const [i, c] of CALLS.entries()) {
      it(`${mode}: ${c.name} → the stored trace replays to the same verdict`, () => {
        const params = { ...defaultAmdParams(mode), ...(mode === 'centralita' ? { afterGreetingSilence: 600 } : {}) };
        const decided = detect(c.audio, params);
        if (mode === 'centralita') expect(decided.cause).toMatch(c.expect);
        const callId = `cl-t-${mode}-${i}`;
        store.callLogs.create({ id: callId, campaignId: 'camp', leadId: null, phone: '+15550100000', nodeId: 't', at: 1000 });
        store.callLogs.markAmd(callId, { status: decided.status, cause: decided.cause, decisionMs: decided.decisionMs, at: 2000 });
        expect(store.callLogs.saveAmdTrace(callId, decided.trace, 2000)).toBe(true);
        // Later — another process, another day: what the CallLog and its trace say.
        const row = store.callLogs.get(callId)!;
        const trace = store.callLogs.amdTraces.get(callId)!;
        expect(trace).toEqual(decided.trace);
        expect(trace.params).toEqual(params);
        const replay = replayAmdTrace(trace, { end: row.amdStatus === 'HANGUP' ? 'hangup' : 'timeout' });
        expect(replay.exact).toBe(true);
        expect({ status: replay.decision.status, cause: replay.decision.cause, ms: replay.decision.decisionMs }).toEqual({
          status: row.amdStatus,
          cause: row.amdCause,
          ms: row.amdDecisionMs,
        });
        // Compact: well under the plain JSON of the same trace.
        const raw = store.callLogs.amdTraces.raw(callId)!;
        expect(raw.length).toBeLessThan(JSON.stringify(decided.trace).length);
      });
    }
  }

  it('a tone heard before the decision is flagged: the energies alone cannot replay it exactly', () => {
    const params = defaultAmdParams('centralita');
    const decided = detect(sequence([noiseFloor(51, 40, 300), beep(400), silence(2000)]), params);
    expect(decided.cause).toMatch(/^BEEP-/);
    expect(decided.trace.toneFrames?.length).toBeGreaterThan(0);
    const replay = replayAmdTrace(decodeAmdTrace(encodeAmdTrace(decided.trace)));
    expect(replay.exact).toBe(false);
    expect(replay.decision.cause).not.toBe(decided.cause);
  });

  it('a second trace for the same call is not kept over the first; damaged rows are refused, not guessed', () => {
    const decided = detect(CALLS[0]!.audio, defaultAmdParams('centralita'));
    const callId = 'cl-t-twice';
    store.callLogs.create({ id: callId, campaignId: 'camp', leadId: null, phone: '+1', nodeId: 't', at: 1 });
    expect(store.callLogs.saveAmdTrace(callId, decided.trace, 2)).toBe(true);
    expect(store.callLogs.saveAmdTrace(callId, { ...decided.trace, notes: ['other'] }, 3)).toBe(false);
    expect(store.callLogs.amdTraces.get(callId)?.notes).toEqual(decided.trace.notes);
    // No CallLog, no trace (it goes with its CallLog).
    expect(() => store.callLogs.saveAmdTrace('cl-t-none', decided.trace, 4)).toThrow(/FOREIGN KEY/);
    expect(() => decodeAmdTrace('{"v":1,"e":"AAAA","w":[],"n":[],"d":0}')).toThrow(/odd length/);
    expect(() => decodeAmdTrace('{"v":2}')).toThrow();
  });
});
