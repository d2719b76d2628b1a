/**
 * Builds one corpus file from its plan entry and its synthesised speech: the call's timeline (speech,
 * pauses, beeps, tones, music), the background (line noise, babble, music, TV), then the telephone channel
 * (band-pass, saturation, packet loss, µ-law round trip) and the leading digital silence. Pure and seeded.
 * Also says where things are in the file, for the manifest (the evaluator's categories, never the detector).
 */
import type { CorpusItem, Step } from './plan.js';
import { gaussian, intIn, mulberry32, uniform, type Rng } from './random.js';
import { addAtLevel, addFax, addMusic, addTone, bandPass, dropFrames, lineNoise, msToSamples, RATE, sitLengthMs, toInt16, ulawRoundTrip } from './signals.js';

/** Drops a synthesiser's leading/trailing near-silence so that the planned pauses are what the file has. */
export function trimSilence(x: Int16Array, threshold = 60): Int16Array {
  let a = 0;
  let b = x.length;
  while (a < b && Math.abs(x[a]!) < threshold) a++;
  while (b > a && Math.abs(x[b - 1]!) < threshold) b--;
  return x.subarray(a, b);
}

/** Mean |x| over the speech's active 20 ms frames (those above a tenth of the loudest). */
export function activeLevel(x: ArrayLike<number>): number {
  const energies: number[] = [];
  for (let i = 0; i + 160 <= x.length; i += 160) {
    let s = 0;
    for (let j = i; j < i + 160; j++) s += Math.abs(x[j]!);
    energies.push(s / 160);
  }
  const peak = Math.max(1, ...energies);
  const active = energies.filter((e) => e > peak * 0.1);
  return active.reduce((a, b) => a + b, 0) / Math.max(1, active.length);
}

export interface RenderTimes {
  durationMs: number;
  /** First speech (0 when there is none). */
  speechStartMs: number | null;
  /** End of the first phrase (a human's opener; a machine's first sentence). */
  firstPhraseEndMs: number | null;
  /** End of the last speech of the greeting (machines) or the opener and second word (humans). */
  greetingEndMs: number | null;
  /** Humans: opener length; machines: first greeting speech to last. */
  greetingMs: number;
  beepStartMs?: number;
  beepEndMs?: number;
  lostFrames: number;
}

export interface Rendered {
  samples: Int16Array;
  times: RenderTimes;
}

const ms = (samples: number) => Math.round((samples * 1000) / RATE);

function background(item: CorpusItem, n: number, babbleBank: readonly Int16Array[], rng: Rng): Float64Array {
  const { noise, snrDb } = item.channel;
  const level = item.speechLevel / Math.pow(10, snrDb / 20);
  const out = new Float64Array(n);
  const babble = (voices: number, lvl: number) => {
    const mix = new Float64Array(n);
    for (let v = 0; v < voices && babbleBank.length; v++) {
      const src = babbleBank[intIn(rng, 0, babbleBank.length - 1)]!;
      if (src.length === 0) continue;
      let at = intIn(rng, 0, src.length - 1);
      const g = uniform(rng, 0.5, 1);
      for (let i = 0; i < n; i++) {
        mix[i]! += src[at]! * g;
        if (++at >= src.length) at = 0;
      }
    }
    addAtLevel(out, 0, mix, lvl);
  };
  switch (noise) {
    case 'clean':
    case 'hiss':
    case 'cellular':
    case 'hot':
      addAtLevel(out, 0, lineNoise('white', n, 1, rng), level);
      break;
    case 'pink':
    case 'brown':
    case 'hum':
      addAtLevel(out, 0, lineNoise(noise, n, 1, rng), level);
      break;
    case 'babble':
      babble(intIn(rng, 4, 7), level);
      addAtLevel(out, 0, lineNoise('white', n, 1, rng), level / 20);
      break;
    case 'music': {
      const m = new Float64Array(n);
      addMusic(m, 0, n, 1, rng, true);
      addAtLevel(out, 0, m, level);
      break;
    }
    case 'tv': {
      // A television in the room: two people talking over music.
      babble(2, level * 0.7);
      const m = new Float64Array(n);
      addMusic(m, 0, n, 1, rng, true);
      addAtLevel(out, 0, m, level * 0.4);
      break;
    }
  }
  return out;
}

/**
 * `speech[i]` is the synthesised audio of `item.steps[i]` for every `say` step. `babbleBank` holds other
 * utterances (voices of the same split) for babble and TV backgrounds.
 */
export function renderItem(item: CorpusItem, speech: ReadonlyMap<number, Int16Array>, babbleBank: readonly Int16Array[]): Rendered {
  const rng = mulberry32(item.seed);
  // Lay out the timeline first (lengths), then write into one buffer.
  interface Placed {
    step: Step;
    at: number;
    len: number;
    audio?: Int16Array;
  }
  const placed: Placed[] = [];
  let at = 0;
  item.steps.forEach((step, i) => {
    let len = 0;
    let audio: Int16Array | undefined;
    if (step.k === 'gap') len = msToSamples(step.ms);
    else if (step.k === 'say') {
      audio = trimSilence(speech.get(i) ?? new Int16Array(0));
      if (step.clipMs) audio = audio.subarray(Math.min(audio.length, msToSamples(step.clipMs)));
      len = audio.length;
    } else if (step.k === 'beep') len = step.tones.reduce((a, t) => a + msToSamples(t.ms + t.gapMs), 0);
    else if (step.k === 'sit') len = msToSamples(1100);
    else len = msToSamples(step.ms);
    placed.push({ step, at, len, ...(audio ? { audio } : {}) });
    at += len;
  });
  const n = Math.ceil(at / 160) * 160;
  const out = background(item, n, babbleBank, rng);
  const times: RenderTimes = { durationMs: 0, speechStartMs: null, firstPhraseEndMs: null, greetingEndMs: null, greetingMs: 0, lostFrames: 0 };
  const firstSay = placed.find((p) => p.step.k === 'say');
  for (const p of placed) {
    const s = p.step;
    if (s.k === 'say' && p.audio) {
      // Each phrase at the file's level, ± 2 dB: a person's or a recording's loudness varies a little.
      const level = item.speechLevel * Math.pow(10, uniform(rng, -2, 2) / 20);
      const g = level / Math.max(1, activeLevel(p.audio));
      for (let i = 0; i < p.audio.length; i++) out[p.at + i]! += p.audio[i]! * g;
      times.speechStartMs ??= ms(p.at);
      if (p === firstSay) times.firstPhraseEndMs = ms(p.at + p.len);
      if (s.role !== 'reply') times.greetingEndMs = ms(p.at + p.len);
    } else if (s.k === 'beep') {
      let t = p.at;
      times.beepStartMs ??= ms(t);
      for (const tone of s.tones) {
        addTone(out, t, msToSamples(tone.ms), tone.hz, s.level);
        t += msToSamples(tone.ms + tone.gapMs);
      }
      times.beepEndMs = ms(t);
    } else if (s.k === 'sit') {
      const [a, b, c] = sitLengthMs(rng);
      let t = p.at;
      for (const [hz, len] of [[913.8, a], [1370.6, b], [1776.7, c]] as const) {
        addTone(out, t, msToSamples(len), hz, s.level, 2);
        t += msToSamples(len);
      }
    } else if (s.k === 'fax') addFax(out, p.at, p.len, s.level, rng);
    else if (s.k === 'jingle') addMusic(out, p.at, p.len, s.level, rng, false);
    else if (s.k === 'music') addMusic(out, p.at, p.len, s.level, rng, true);
  }
  if (item.kind === 'human') times.greetingMs = firstSay ? Math.round((firstSay.len * 1000) / RATE) : 0;
  else if (times.speechStartMs !== null && times.greetingEndMs !== null) times.greetingMs = times.greetingEndMs - times.speechStartMs;

  const ch = item.channel;
  bandPass(out, ch.bandLowHz, ch.bandHighHz);
  const hot = ch.noise === 'hot';
  if (hot) {
    const g = uniform(rng, 2.5, 5) * Math.max(1, 2500 / item.speechLevel);
    for (let i = 0; i < n; i++) out[i]! *= g;
  }
  // A little dither so that no file has exact zeros but the leading digital silence.
  for (let i = 0; i < n; i++) out[i]! += gaussian(rng) * 0.7;
  const samples16 = toInt16(out, hot);
  times.lostFrames = dropFrames(samples16, ch.lossPct, rng);
  if (ch.ulaw) ulawRoundTrip(samples16);
  const zeros = msToSamples(ch.leadingZerosMs);
  const samples = new Int16Array(zeros + samples16.length);
  samples.set(samples16, zeros);
  const shift = (v: number | null) => (v === null ? null : v + ch.leadingZerosMs);
  times.speechStartMs = shift(times.speechStartMs);
  times.firstPhraseEndMs = shift(times.firstPhraseEndMs);
  times.greetingEndMs = shift(times.greetingEndMs);
  if (times.beepStartMs !== undefined) times.beepStartMs += ch.leadingZerosMs;
  if (times.beepEndMs !== undefined) times.beepEndMs += ch.leadingZerosMs;
  times.durationMs = ms(samples.length);
  return { samples, times };
}
