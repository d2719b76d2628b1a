import { describe, expect, it } from 'vitest';
import { amdParamsSchema, createDetector, defaultAmdParams, type AmdDecision, type AmdParams } from '../../../engine/amd/index.js';
import { frames, S, V } from './frames.js';

function run(seq: Int16Array[], overrides: Partial<AmdParams> = {}): AmdDecision | null {
  const det = createDetector({ ...defaultAmdParams('app_amd'), ...overrides });
  for (const f of seq) {
    const d = det.pushFrame(f);
    if (d) return d;
  }
  return null;
}

describe('app_amd mode: defaults', () => {
  it('has app_amd compiled-in defaults', () => {
    expect(defaultAmdParams('app_amd')).toEqual({
      mode: 'app_amd',
      initialSilence: 2500,
      greeting: 1500,
      afterGreetingSilence: 800,
      totalAnalysisTime: 5000,
      minimumWordLength: 100,
      betweenWordsSilence: 50,
      maximumNumberOfWords: 2,
      silenceThreshold: 256,
      maximumWordLength: 5000,
    });
  });
});

describe('app_amd mode: every branch of the state machine', () => {
  it('INITIALSILENCE: nothing heard for initialSilence → MACHINE', () => {
    const d = run(frames([S, 3000]));
    expect(d).toMatchObject({ status: 'MACHINE', cause: 'INITIALSILENCE-2500-2500', decisionMs: 2500 });
    expect(d!.trace.decisionFrame).toBe(124);
  });

  it('INITIALSILENCE: a click shorter than minimumWordLength does not end the initial silence but restarts the count', () => {
    const d = run(frames([S, 1000], [V, 80], [S, 3000]));
    expect(d).toMatchObject({ status: 'MACHINE', cause: 'INITIALSILENCE-2500-2500', decisionMs: 3580 });
  });

  it('HUMAN: short greeting then afterGreetingSilence', () => {
    const d = run(frames([S, 200], [V, 400], [S, 2000]));
    expect(d).toMatchObject({ status: 'HUMAN', cause: 'HUMAN-800-800', decisionMs: 1400 });
    expect(d!.trace.words).toEqual([{ startMs: 200, endMs: 600 }]);
  });

  it('HUMAN: a click during the after-greeting silence restarts the silence count', () => {
    const d = run(frames([S, 200], [V, 400], [S, 600], [V, 20], [S, 2000]));
    expect(d).toMatchObject({ status: 'HUMAN', cause: 'HUMAN-800-800', decisionMs: 200 + 400 + 600 + 20 + 800 });
  });

  it('MAXWORDS: the third word after silence → MACHINE (iWordsCount > maximumNumberOfWords)', () => {
    const d = run(frames([S, 100], [V, 200], [S, 100], [V, 200], [S, 100], [V, 200], [S, 2000]));
    // Word 3 is counted 100 ms into the third voiced segment: 100+200+100+200+100+100.
    expect(d).toMatchObject({ status: 'MACHINE', cause: 'MAXWORDS-3-2', decisionMs: 800 });
    expect(d!.trace.words).toHaveLength(3);
  });

  it('MAXWORDS honours maximumNumberOfWords', () => {
    const seq = frames([S, 100], [V, 200], [S, 100], [V, 200], [S, 100], [V, 200], [S, 100], [V, 200], [S, 2000]);
    expect(run(seq)).toMatchObject({ cause: 'MAXWORDS-3-2' });
    expect(run(seq, { maximumNumberOfWords: 3, greeting: 5000 })).toMatchObject({ status: 'MACHINE', cause: 'MAXWORDS-4-3' });
  });

  it('the first word counts only after ≥ betweenWordsSilence of silence (state starts IN_WORD)', () => {
    // 40 ms of leading silence (< 50) leaves the state IN_WORD: the first voiced segment is not a word.
    const short = run(frames([S, 40], [V, 200], [S, 100], [V, 200], [S, 100], [V, 200], [S, 2000]));
    expect(short).toMatchObject({ status: 'HUMAN', cause: 'HUMAN-800-800' });
    expect(short!.trace.words).toHaveLength(2);
    // Talk from the very first frame: same thing.
    const none = run(frames([V, 200], [S, 100], [V, 200], [S, 100], [V, 200], [S, 2000]));
    expect(none).toMatchObject({ status: 'HUMAN', cause: 'HUMAN-800-800' });
    // 60 ms (≥ 50) of leading silence: all three count.
    const long = run(frames([S, 60], [V, 200], [S, 100], [V, 200], [S, 100], [V, 200], [S, 2000]));
    expect(long).toMatchObject({ status: 'MACHINE', cause: 'MAXWORDS-3-2', decisionMs: 60 + 200 + 100 + 200 + 100 + 100 });
  });

  it('a pause shorter than betweenWordsSilence does not split a word', () => {
    const d = run(frames([S, 100], [V, 200], [S, 40], [V, 200], [S, 40], [V, 200], [S, 2000]));
    expect(d).toMatchObject({ status: 'HUMAN', cause: 'HUMAN-800-800' });
    expect(d!.trace.words).toHaveLength(1);
  });

  it('LONGGREETING: voice in the greeting reaches greeting → MACHINE', () => {
    const d = run(frames([S, 100], [V, 3000]));
    expect(d).toMatchObject({ status: 'MACHINE', cause: 'LONGGREETING-1500-1500', decisionMs: 1600 });
  });

  it('LONGGREETING adds up voice across words with pauses shorter than afterGreetingSilence', () => {
    // Two words (≤ maximumNumberOfWords) of 800 ms each → 1600 ≥ 1500 during the second.
    const d = run(frames([S, 100], [V, 800], [S, 500], [V, 800], [S, 2000]));
    expect(d).toMatchObject({ status: 'MACHINE', cause: 'LONGGREETING-1500-1500', decisionMs: 100 + 800 + 500 + 700 });
  });

  it('MAXWORDLENGTH: a single word reaching maximumWordLength → MACHINE, checked before LONGGREETING', () => {
    const d = run(frames([V, 3000]), { maximumWordLength: 1000, greeting: 1000 });
    expect(d).toMatchObject({ status: 'MACHINE', cause: 'MAXWORDLENGTH-1000', decisionMs: 1000 });
  });

  it('MAXWORDS is checked before LONGGREETING', () => {
    const d = run(frames([S, 100], [V, 600], [S, 100], [V, 600], [S, 100], [V, 600]), { greeting: 1300 });
    // At word 3 (counted at 100 ms into it) voiceDuration = 1300 too; MAXWORDS wins.
    expect(d).toMatchObject({ status: 'MACHINE', cause: 'MAXWORDS-3-2' });
  });

  it('TOOLONG: no decision within totalAnalysisTime → NOTSURE', () => {
    // Bursts shorter than minimumWordLength never make a word nor end the initial silence.
    const seq: Int16Array[] = [];
    for (let i = 0; i < 40; i++) seq.push(...frames([V, 80], [S, 100]));
    const d = run(seq);
    expect(d).toMatchObject({ status: 'NOTSURE', cause: 'TOOLONG-5000', decisionMs: 5000 });
    expect(d!.trace.decisionFrame).toBe(249);
  });

  it('TOOLONG is checked before anything else on the frame that reaches totalAnalysisTime', () => {
    const d = run(frames([S, 3000]), { initialSilence: 3000, totalAnalysisTime: 3000 });
    expect(d).toMatchObject({ status: 'NOTSURE', cause: 'TOOLONG-3000' });
  });

  it('energy is the truncated mean |sample| compared with silenceThreshold (equal means voice)', () => {
    expect(run(frames([S, 100], [256, 400], [S, 1000]))).toMatchObject({ status: 'HUMAN' });
    expect(run(frames([S, 100], [255, 400], [S, 3000]))).toMatchObject({ status: 'MACHINE', cause: 'INITIALSILENCE-2500-2500' });
    const almost = new Int16Array(160).fill(256);
    almost[0] = 255; // mean 255.99 → truncated to 255 → silence
    const det = createDetector(defaultAmdParams('app_amd'));
    for (let i = 0; i < 125; i++) det.pushFrame(almost);
    expect(det.finish('timeout').cause).toBe('INITIALSILENCE-2500-2500');
  });

  it('the decision is sticky and finish() returns it', () => {
    const det = createDetector(defaultAmdParams('app_amd'));
    let d: AmdDecision | null = null;
    for (const f of frames([S, 2600])) d = det.pushFrame(f) ?? d;
    expect(d?.cause).toBe('INITIALSILENCE-2500-2500');
    expect(det.pushFrame(frames([V, 20])[0]!)).toBe(d);
    expect(det.finish('hangup')).toBe(d);
    expect(det.wantsAudio).toBe(false);
  });

  it('finish(): hangup → HANGUP with an empty cause, timeout → NOTSURE TOOLONG', () => {
    const a = createDetector(defaultAmdParams('app_amd'));
    for (const f of frames([S, 200], [V, 300])) a.pushFrame(f);
    expect(a.finish('hangup')).toMatchObject({ status: 'HANGUP', cause: '', decisionMs: 500 });
    const b = createDetector(defaultAmdParams('app_amd'));
    for (const f of frames([S, 200], [V, 300])) b.pushFrame(f);
    expect(b.finish('timeout')).toMatchObject({ status: 'NOTSURE', cause: 'TOOLONG-500' });
  });

  it('records the energy timeline in the trace', () => {
    const d = run(frames([S, 40], [300, 200], [S, 900]));
    expect(d!.trace.frameEnergy.slice(0, 4)).toEqual([0, 0, 300, 300]);
    expect(d!.trace.frameEnergy).toHaveLength(d!.trace.decisionFrame + 1);
    expect(d!.trace.notes.at(-1)).toMatch(/afterGreetingSilence 800/);
  });
});

describe('amdParamsSchema', () => {
  it('fills the defaults of the mode from partial input', () => {
    expect(amdParamsSchema.parse({ mode: 'app_amd', greeting: 2000 })).toEqual({ ...defaultAmdParams('app_amd'), greeting: 2000 });
    expect(amdParamsSchema.parse({})).toEqual(defaultAmdParams('centralita'));
    expect(amdParamsSchema.parse(undefined)).toEqual(defaultAmdParams('centralita'));
    expect(amdParamsSchema.parse({ mode: 'app_amd', silenceThreshold: '300' }).silenceThreshold).toBe(300);
  });

  it('rejects invalid values and unknown names', () => {
    expect(amdParamsSchema.safeParse({ mode: 'other' }).success).toBe(false);
    expect(amdParamsSchema.safeParse({ greeting: -1 }).success).toBe(false);
    expect(amdParamsSchema.safeParse({ greeting: 1.5 }).success).toBe(false);
    expect(amdParamsSchema.safeParse({ silenceThreshold: 0 }).success).toBe(false);
    expect(amdParamsSchema.safeParse({ maxWords: 3 }).success).toBe(false);
  });
});
