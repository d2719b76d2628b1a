/**
 * `amd:eval --tuning JSON` (and `--params JSON`, centralita's campaign parameters): a tuning experiment (engine/amd/README.md lists the ones tried) is reproduced by a
 * command, not by a scratch script. The numbers go over DEFAULT_TUNING for that run only; a misspelt or
 * non-numeric field is refused rather than silently left at its default.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../../engine/audio/index.js';
import { DEFAULT_TUNING } from '../../../engine/amd/index.js';
import { evaluateFolder, parseCentralitaParams, parseTuning, run } from '../../../engine/amd-lab/eval/eval-command.js';
import { captureRun } from '../../support/capture-run.js';

/** 4 s of a quiet line (hiss ~40) with "Hello?" (syllables, 480 ms) at 400 ms. */
function hello(): Int16Array {
  let s = 5;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const out = new Int16Array(8000 * 4);
  for (let i = 0; i < out.length; i++) {
    const ms = i / 8;
    const voice = ms >= 400 && ms < 880 && (ms - 400) % 240 < 180 ? r() * 4000 : 0;
    out[i] = Math.round(r() * 80 + voice);
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'amd-tuning-'));
writeFileSync(join(dir, 'human-hello.wav'), encodeWav(hello()));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('amd:eval --tuning', () => {
  it('runs centralita with the given numbers over the defaults', async () => {
    const plain = (await evaluateFolder(dir, { modes: ['centralita'] })).results.get('centralita')![0]!;
    expect(plain.status).toBe('HUMAN');
    // An opener needs 5 s of voice: "Hello?" no longer opens one, so no HUMAN verdict.
    const tuned = (await evaluateFolder(dir, { modes: ['centralita'], tuning: { minOpenerVoiceMs: 5000 } })).results.get('centralita')![0]!;
    expect(tuned.status).not.toBe('HUMAN');
    // The defaults themselves are untouched by a run with an override.
    expect(DEFAULT_TUNING.minOpenerVoiceMs).toBe(80);
  });

  it('accepts numeric tuning and beep fields only', () => {
    expect(parseTuning('{"monologueDensity":0.25,"beep":{"minDurationMs":130}}')).toEqual({ monologueDensity: 0.25, beep: { minDurationMs: 130 } });
    expect(() => parseTuning('{"monologueDensty":0.25}')).toThrow(/monologueDensty is not a numeric tuning field/);
    expect(() => parseTuning('{"model":null}')).toThrow(/model is not a numeric tuning field/);
    expect(() => parseTuning('{"resumeMs":"700"}')).toThrow(/resumeMs must be a number/);
    expect(() => parseTuning('{"beep":{"purity":0.5}}')).toThrow(/beep\.purity is not a numeric tuning field/);
    expect(() => parseTuning('[1]')).toThrow(/JSON object/);
  });

  it('the command reports the override in its last JSON line and refuses a bad one', async () => {
    const ok = await captureRun(() => run(['--dir', dir, '--mode', 'centralita', '--tuning', '{"minOpenerVoiceMs":5000}']));
    expect(ok.code).toBe(0);
    const last = JSON.parse(ok.out.trimEnd().split('\n').at(-1)!);
    expect(last).toMatchObject({ mode: 'centralita', tuning: { minOpenerVoiceMs: 5000 }, human: { n: 1, correct: 0 } });
    const bad = await captureRun(() => run(['--dir', dir, '--tuning', '{"nope":1}']));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/nope is not a numeric tuning field/);
    expect((await captureRun(() => run(['--dir', dir, '--tuning', '{"resumeMs":1}', '--live']))).code).toBe(2);
  });

  it('--params gives centralita campaign parameters over its defaults, validated as a campaign\'s are', async () => {
    expect(parseCentralitaParams('{"lateWatchMs":15000}')).toEqual({ lateWatchMs: 15000 });
    expect(() => parseCentralitaParams('{"lateWatchMs":-1}')).toThrow(/lateWatchMs/);
    expect(() => parseCentralitaParams('{"nope":1}')).toThrow(/--params/);
    expect(() => parseCentralitaParams('{"mode":"app_amd"}')).toThrow(/--mode/);
    const r = (await evaluateFolder(dir, { modes: ['centralita'], params: { centralita: { greeting: 300 } } })).results.get('centralita')![0]!;
    expect(r.status).toBe('MACHINE');
    // A "greeting" of 300 ms: the 480 ms "Hello?" is already talk too long for a person: MACHINE, not HUMAN.
    const ok = await captureRun(() => run(['--dir', dir, '--mode', 'centralita', '--params', '{"greeting":300}']));
    expect(ok.code).toBe(0);
    const last = JSON.parse(ok.out.trimEnd().split('\n').at(-1)!);
    expect(last).toMatchObject({ params: { greeting: 300 }, human: { n: 1, correct: 0 } });
    expect((await captureRun(() => run(['--dir', dir, '--params', '{"greeting":"x"}']))).code).toBe(2);
  });
});
