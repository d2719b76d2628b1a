/**
 * `amd:eval --leading-zeros MS`: the offline evaluator puts the live condition (digital silence from Asterisk
 * before the callee's first audio) in front of every file, so it is part of the evaluation. A person saying
 * "Hello?" over babble must stay HUMAN with 200 ms of zeros before it (the live failure: the zeros
 * threw the noise floor and such humans became LONGGREETING machines), and only the decision time moves.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../../engine/audio/index.js';
import { evaluateFolder, run, withLeadingZeros } from '../../../engine/amd-lab/eval/eval-command.js';
import { captureRun } from '../../support/capture-run.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

/** 4 s: babble-like noise (level swinging 150–450) from the first sample, "Hello?" (500 ms of syllables) at 500 ms. */
function noisyHello(): Int16Array {
  const r = lcg(9);
  const out = new Int16Array(8000 * 4);
  for (let i = 0; i < out.length; i++) {
    const frame = Math.floor(i / 160);
    const babble = r() * 2 * (300 + 150 * Math.sin(frame / 3));
    const ms = i / 8;
    const voice = ms >= 500 && ms < 1000 && (ms - 500) % 240 < 180 ? r() * 5000 : 0;
    out[i] = Math.round(babble + voice);
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'amd-lead-'));
writeFileSync(join(dir, 'human-babble-hello.wav'), encodeWav(noisyHello()));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('amd:eval --leading-zeros', () => {
  it('puts exact zeros before the samples', () => {
    const x = Int16Array.from([5, -5, 7]);
    expect([...withLeadingZeros(x, 1)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 5, -5, 7]);
    expect(withLeadingZeros(x, 0)).toBe(x);
  });

  it('a person over babble stays HUMAN after 200 ms of digital silence; the decision moves by exactly 200 ms', async () => {
    const plain = await evaluateFolder(dir, { modes: ['centralita'] });
    const zeros = await evaluateFolder(dir, { modes: ['centralita'], leadingZerosMs: 200 });
    const a = plain.results.get('centralita')![0]!;
    const b = zeros.results.get('centralita')![0]!;
    expect(a.status).toBe('HUMAN');
    expect(b.status).toBe('HUMAN');
    expect(b.decisionMs - a.decisionMs).toBe(200);
  });

  it('the command reports the zeros in its last JSON line and refuses values that are not whole frames', async () => {
    const ok = await captureRun(() => run(['--dir', dir, '--mode', 'centralita', '--leading-zeros', '200']));
    expect(ok.code).toBe(0);
    const last = JSON.parse(ok.out.trim().split('\n').at(-1)!);
    expect(last.leadingZerosMs).toBe(200);
    expect(last.human).toMatchObject({ n: 1, correct: 1, correctWithLate: 1 });
    expect((await captureRun(() => run(['--dir', dir, '--leading-zeros', '30']))).code).toBe(2);
    expect((await captureRun(() => run(['--dir', dir, '--leading-zeros=-20']))).code).toBe(2);
  });
});
