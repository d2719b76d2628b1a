/**
 * Callees drawn from a pacing scenario's distributions (engine/pacing/simulate): each dialled number carries the
 * index of its lead, and the PBX plays that lead's fate — the same fate the what-if simulator draws for the
 * same index and seed (common random numbers), so the PBX and the simulator dial the same list:
 *
 * - human: rings `ringMs`, answers, and hangs up `hangupAfterMs` after the answer (AMD time + lognormal talk),
 *   unless the engine hangs up first (safe harbor);
 * - machine: rings `ringMs`, answers, greets and stays on the line for a minute (the engine hangs up);
 * - busy: refused with BUSY (17) after `busyAfterMs`;
 * - no-answer: rings until the originate timeout.
 *
 * Audio is a quiet open line by default: the comparison decides AMD from the fate (scripted AMD double), not from
 * audio. `voiced` gives each fate audio a real AMD judges as that fate (a node or the product on its embedded PBX
 * with SIM_SCENARIO): a person says a short "Hello?" and then listens, a machine plays a long greeting and a beep.
 */
import { sequence, silence } from './audio/source.js';
import { noiseFloor, speech } from './audio/speech.js';
import { beep } from './audio/tone.js';
import type { CalleePlan, Script } from './scripts.js';
import type { ScenarioRule } from './scenarios.js';

export type CalleeTruth = 'human' | 'machine' | 'busy' | 'no-answer';

export interface CalleeFate {
  truth: CalleeTruth;
  /** Answer delay after the dial (human, machine). */
  ringMs: number;
  /** Human: how long after answering the callee hangs up by itself. */
  hangupAfterMs: number;
}

/** Phone numbers of the comparison: +1 777 nnnnnnn, n = lead index (up to 10 million leads). */
export const PACING_PREFIX = '1777';

export function pacingPhone(index: number): string {
  return `+${PACING_PREFIX}${String(index).padStart(7, '0')}`;
}

/** The lead index of a comparison number (digits or E.164), or null. */
export function pacingIndex(phoneOrDigits: string): number | null {
  const digits = phoneOrDigits.replace(/[^0-9]/g, '');
  if (!digits.startsWith(PACING_PREFIX) || digits.length !== PACING_PREFIX.length + 7) return null;
  return Number(digits.slice(PACING_PREFIX.length));
}

export interface FatePlanOptions {
  /** Audio a real AMD can judge (see the file's comment); default: a quiet open line for every fate. */
  voiced?: boolean;
}

export function fatePlan(f: CalleeFate, busyAfterMs: number, seed: number, opts: FatePlanOptions = {}): CalleePlan {
  const line = () => noiseFloor(seed, 20);
  // A short opener then silence: the pattern AMD decides HUMAN on soonest (~1.2 s after answer), like brief-human's.
  const hello = () => sequence([silence(200), speech({ ms: 500, seed }), noiseFloor(seed, 20)]);
  // A greeting far longer than any person's opener, then the beep: AMD decides MACHINE.
  const greeting = () => sequence([silence(200), speech({ ms: 8000, seed }), beep(500), noiseFloor(seed, 20)]);
  switch (f.truth) {
    case 'human':
      return { script: 'pacing-human', ringAtMs: 50, outcome: { kind: 'answer', atMs: f.ringMs, hangupAfterMs: f.hangupAfterMs, audio: opts.voiced ? hello : line } };
    case 'machine':
      return { script: 'pacing-machine', ringAtMs: 50, outcome: { kind: 'answer', atMs: f.ringMs, hangupAfterMs: 60_000, audio: opts.voiced ? greeting : line } };
    case 'busy':
      return { script: 'pacing-busy', ringAtMs: null, outcome: { kind: 'fail', atMs: busyAfterMs, dialstatus: 'BUSY', cause: 17 } };
    case 'no-answer':
      return { script: 'pacing-no-answer', ringAtMs: 50, outcome: { kind: 'noanswer' } };
  }
}

/** A scenario rule for the simulator: comparison numbers play their lead's fate. */
export function pacingCalleeRule(fateOf: (index: number) => CalleeFate, busyAfterMs: number, opts: FatePlanOptions = {}): ScenarioRule {
  const script: Script = ({ endpoint, seed }) => {
    const index = pacingIndex(endpoint.split('/').pop()?.split('@')[0] ?? '');
    if (index === null) return { script: 'pacing-unknown', ringAtMs: null, outcome: { kind: 'fail', atMs: 10, dialstatus: 'CHANUNAVAIL', cause: 1 } };
    return fatePlan(fateOf(index), busyAfterMs, seed, opts);
  };
  return { match: (_endpoint, digits) => pacingIndex(digits) !== null, script };
}
