/**
 * Callee scripts: what the far end of a dialed PJSIP endpoint does. A script is a pure function of a seeded
 * RNG that returns a plan (when it rings, answers or fails, what audio it sends, when it hangs up); the PBX
 * core executes plans on the clock. Audio comes from ./audio so that other teams can reuse the generators.
 */
import { deriveSeed, mulberry32, uniform, type Rng } from './audio/rng.js';
import { sequence, silence, type AudioSource } from './audio/source.js';
import { noiseFloor, speech } from './audio/speech.js';
import { beep } from './audio/tone.js';
import { wavSource } from './audio/wav-source.js';

export type FailStatus = 'BUSY' | 'CONGESTION' | 'CHANUNAVAIL';

export type CalleeOutcome =
  /** Answers `atMs` after the dial starts; `audio` starts at answer; hangs up by itself after `hangupAfterMs`. */
  | { kind: 'answer'; atMs: number; audio: () => AudioSource; hangupAfterMs?: number }
  /** Refuses the call: Dial event with `dialstatus`, channel destroyed with `cause`. */
  | { kind: 'fail'; atMs: number; dialstatus: FailStatus; cause: number }
  /** Rings until the originate timeout (cause 19). */
  | { kind: 'noanswer' };

export interface CalleePlan {
  script: string;
  /** 180 Ringing after this many ms (none when null: the call is answered or refused before ringing). */
  ringAtMs: number | null;
  /** 183 Session Progress with early media (e.g. a carrier's voicemail greeting) after this many ms. */
  earlyMedia?: { atMs: number; audio: () => AudioSource };
  outcome: CalleeOutcome;
}

export interface ScriptContext {
  rng: Rng;
  seed: number;
  endpoint: string;
}

export type Script = (ctx: ScriptContext) => CalleePlan;

const ms = (rng: Rng, lo: number, hi: number): number => Math.round(uniform(rng, lo, hi));

/** A line that is open: low noise forever. */
const openLine = (seed: number, rng: Rng): AudioSource => noiseFloor(seed, uniform(rng, 10, 60));

/** Human: rings 1–8 s, "Hello?" (0.4–1.2 s) after a short breath, waits, then talks with the agent and hangs up. */
export const human: Script = ({ rng, seed }) => {
  const pre = ms(rng, 150, 600);
  const opener = ms(rng, 400, 1200);
  const wait = ms(rng, 2500, 4500);
  const talkMs = ms(rng, 20_000, 120_000);
  const aSeed = deriveSeed(seed, 'audio');
  return {
    script: 'human',
    ringAtMs: ms(rng, 40, 120),
    outcome: {
      kind: 'answer',
      atMs: ms(rng, 1000, 8000),
      hangupAfterMs: pre + opener + wait + talkMs,
      audio: () => {
        const r = mulberry32(aSeed);
        const talk: AudioSource[] = [];
        // The conversation: turns of speech with listening pauses in between.
        for (let t = 0, k = 0; t < talkMs; k++) {
          const turn = ms(r, 800, 4000);
          const listen = ms(r, 1000, 5000);
          talk.push(speech({ ms: turn, seed: deriveSeed(aSeed, `turn${k}`) }), silence(listen));
          t += turn + listen;
        }
        return sequence([
          silence(pre),
          speech({ ms: opener, seed: deriveSeed(aSeed, 'hello') }),
          silence(wait),
          ...talk,
          openLine(aSeed, r),
        ]);
      },
    },
  };
};

/**
 * A brief human (fault tests: many short calls): rings 1 s, answers, "Hello?" (0.7 s) after 0.3 s, then an open
 * line, and hangs up 5 s after answering — the test dialplan's +1555010xxxx on the real Asterisk does the same.
 */
export const briefHuman: Script = ({ seed }) => {
  const aSeed = deriveSeed(seed, 'audio');
  return {
    script: 'brief-human',
    ringAtMs: 50,
    outcome: {
      kind: 'answer',
      atMs: 1000,
      hangupAfterMs: 300 + 700 + 4000,
      audio: () => sequence([silence(300), speech({ ms: 700, seed: deriveSeed(aSeed, 'hello') }), openLine(aSeed, mulberry32(aSeed))]),
    },
  };
};

/** Answering machine: rings, answers, greets for 5–20 s, beeps (1 kHz, 0.5 s), then silence. */
export const machine: Script = ({ rng, seed }) => {
  const greeting = ms(rng, 5000, 20_000);
  const aSeed = deriveSeed(seed, 'audio');
  return {
    script: 'machine',
    ringAtMs: ms(rng, 40, 120),
    outcome: {
      kind: 'answer',
      atMs: ms(rng, 2000, 12_000),
      hangupAfterMs: 200 + greeting + 500 + 60_000,
      audio: () =>
        sequence([silence(200), speech({ ms: greeting, seed: aSeed }), beep(500), openLine(aSeed, mulberry32(aSeed))]),
    },
  };
};

/** No answer: rings until the originate timeout → cause 19 (no Dial NOANSWER, as in the ring-timeout trace). */
export const noAnswer: Script = ({ rng }) => ({ script: 'no-answer', ringAtMs: ms(rng, 40, 120), outcome: { kind: 'noanswer' } });

const failing =
  (script: string, dialstatus: FailStatus, cause: number, ringFirst: boolean, within: [number, number] = [100, 1500]): Script =>
  ({ rng }) => {
    const ringAtMs = ringFirst ? ms(rng, 40, 120) : null;
    return { script, ringAtMs, outcome: { kind: 'fail', atMs: (ringAtMs ?? 0) + ms(rng, within[0], within[1]), dialstatus, cause } };
  };

export const busy = failing('busy', 'BUSY', 17, false);
export const congestion = failing('congestion', 'CONGESTION', 34, false);
export const unallocated = failing('unallocated', 'CHANUNAVAIL', 1, false);
export const rejected = failing('rejected', 'CHANUNAVAIL', 21, true);
export const unreachable = failing('unreachable', 'CHANUNAVAIL', 20, false);

/**
 * Answers, talks to the dead air ("Hello? hello? who is this?") and hangs up 1–2 s after answer — while AMD
 * is still listening. The talk runs up to the hang-up with no longer pause than speech's own between-word
 * gaps: a word followed by a real pause would be a complete human opener that any AMD (app_amd after 800 ms
 * of silence, centralita after 550) decides HUMAN within ~1.3 s, before this callee hangs up.
 */
export const hangupDuringAmd: Script = ({ rng, seed }) => {
  const aSeed = deriveSeed(seed, 'audio');
  // Drawn in the order the fields always were, so seeded runs keep their timings.
  const ringAtMs = ms(rng, 40, 120);
  const atMs = ms(rng, 1000, 5000);
  const hangupAfterMs = ms(rng, 1000, 2000);
  return {
    script: 'hangup-during-amd',
    ringAtMs,
    outcome: {
      kind: 'answer',
      atMs,
      hangupAfterMs,
      // Audio starts at answer at the earliest, so talk as long as the call covers all of it.
      audio: () => sequence([silence(200), speech({ ms: hangupAfterMs, seed: aSeed }), silence(Infinity)]),
    },
  };
};

/** Answers and never says anything (dead air, low noise), hangs up after a minute. */
export const silent: Script = ({ rng, seed }) => ({
  script: 'silence',
  ringAtMs: ms(rng, 40, 120),
  outcome: { kind: 'answer', atMs: ms(rng, 1000, 6000), hangupAfterMs: 60_000, audio: () => openLine(seed, mulberry32(seed)) },
});

/** A carrier voicemail: greeting in early media (183) while "ringing", then answers into the beep and silence. */
export const voicemailEarlyMedia: Script = ({ rng, seed }) => {
  const greeting = ms(rng, 4000, 10_000);
  const aSeed = deriveSeed(seed, 'audio');
  const earlyAt = ms(rng, 200, 800);
  return {
    script: 'voicemail-early-media',
    ringAtMs: ms(rng, 40, 120),
    earlyMedia: { atMs: earlyAt, audio: () => speech({ ms: greeting, seed: aSeed }) },
    outcome: {
      kind: 'answer',
      atMs: earlyAt + greeting,
      hangupAfterMs: 500 + 60_000,
      audio: () => sequence([beep(500), openLine(aSeed, mulberry32(aSeed))]),
    },
  };
};

/** Agent phone: rings 0.2–1 s, answers, stays up until hung up (or after `hangupAfterMs` when given). */
export const agent =
  (opts: { hangupAfterMs?: number } = {}): Script =>
  ({ rng, seed }) => ({
    script: 'agent',
    ringAtMs: ms(rng, 20, 80),
    outcome: {
      kind: 'answer',
      atMs: ms(rng, 200, 1000),
      ...(opts.hangupAfterMs !== undefined ? { hangupAfterMs: opts.hangupAfterMs } : {}),
      audio: () => openLine(seed, mulberry32(seed)),
    },
  });

/** A busy agent phone (486) and an unreachable one (no contact registered): both answer the dial at once. */
export const agentBusy = failing('agent-busy', 'BUSY', 17, false, [50, 300]);
export const agentUnreachable = failing('agent-unreachable', 'CHANUNAVAIL', 20, false, [0, 50]);

/** AI voice provider endpoint: answers at once, no ringing. */
export const bot: Script = ({ seed }) => ({
  script: 'bot',
  ringAtMs: null,
  outcome: { kind: 'answer', atMs: 0, audio: () => openLine(seed, mulberry32(seed)) },
});

/** Plays a WAV file (8 kHz mono) after answer, then silence; hangs up after `hangupAfterMs` (default none). */
export const wav =
  (path: string, opts: { answerAtMs?: number; hangupAfterMs?: number } = {}): Script =>
  () => ({
    script: `wav:${path}`,
    ringAtMs: 50,
    outcome: {
      kind: 'answer',
      atMs: opts.answerAtMs ?? 2000,
      ...(opts.hangupAfterMs !== undefined ? { hangupAfterMs: opts.hangupAfterMs } : {}),
      audio: () => sequence([wavSource(path), silence(Infinity)]),
    },
  });

/** Scripts by name, for scenario tables written as data (CLI flags, config). */
export const SCRIPTS = {
  human,
  'brief-human': briefHuman,
  machine,
  'no-answer': noAnswer,
  busy,
  congestion,
  unallocated,
  rejected,
  unreachable,
  'hangup-during-amd': hangupDuringAmd,
  silence: silent,
  'voicemail-early-media': voicemailEarlyMedia,
  agent: agent(),
  'agent-busy': agentBusy,
  'agent-unreachable': agentUnreachable,
  bot,
} satisfies Record<string, Script>;

export type ScriptName = keyof typeof SCRIPTS;
