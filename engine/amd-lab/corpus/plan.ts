/**
 * The corpus plan: which file says what, in which voice, rate and pitch, in which call structure, over which
 * telephone channel. Pure and seeded: the same arguments always give the same plan, and a smaller corpus is
 * the first files of a larger one with the same seed (humans and machines interleave), so a test can take a
 * prefix as a stratified subset.
 */
import {
  BUSINESS_OPENER,
  BUSINESSES,
  CARRIER_PROMPTS,
  fill,
  GREETING_SENTENCES,
  HOUSEHOLD_OPENER,
  INTERCEPTS,
  IVR_PROMPTS,
  NAMES,
  ONE_WORD,
  PAUSED_OPENING,
  REPLIES,
  SECOND_WORD,
  SHORT_PHRASE,
  VERY_SHORT_GREETING,
  type Lang,
} from './phrases.js';
import { intIn, logUniform, mulberry32, pick, uniform, weighted, type Rng } from './random.js';
import { phraseHalf, splitOf, type Split } from './split.js';
import { VOICE_FAMILIES, type Generator, type VoiceFamily } from './voices.js';

export type HumanStructure = 'one-word' | 'short-phrase' | 'business' | 'household' | 'yes-hello' | 'hello-hello' | 'late-answer' | 'background-tv';
export type MachineStructure =
  | 'very-short'
  | 'paused-opening'
  | 'greeting'
  | 'long-greeting'
  | 'carrier'
  | 'ivr'
  | 'jingle'
  | 'sit'
  | 'fax'
  | 'dead-air'
  | 'music-only';
export type Structure = HumanStructure | MachineStructure;

export type NoiseKind = 'clean' | 'hiss' | 'pink' | 'brown' | 'hum' | 'babble' | 'music' | 'tv' | 'cellular' | 'hot';

/** One step of a file's timeline, in order. Speech durations are known only once synthesised. */
export type Step =
  | { k: 'gap'; ms: number }
  /** `role`: opener / second word / reply (humans), greeting (machines). `clipMs`: the first ms are cut. */
  | { k: 'say'; text: string; role: 'opener' | 'second' | 'reply' | 'greeting'; clipMs?: number }
  | { k: 'beep'; tones: Array<{ hz: number; ms: number; gapMs: number }>; level: number }
  | { k: 'sit'; level: number }
  | { k: 'fax'; ms: number; level: number }
  | { k: 'jingle'; ms: number; level: number }
  | { k: 'music'; ms: number; level: number };

export interface Channel {
  noise: NoiseKind;
  /** Speech (mean |x| of active frames) over noise (mean |x|), dB. */
  snrDb: number;
  /** G.711 µ-law round trip at the end, as every PSTN call has. */
  ulaw: boolean;
  /** Share of 20 ms frames lost (zeroed), in bursts of 1–3 frames. */
  lossPct: number;
  /** Exact zeros before everything: the digital silence Asterisk sends while the media path opens. */
  leadingZerosMs: number;
  bandLowHz: number;
  bandHighHz: number;
}

export interface CorpusItem {
  file: string;
  kind: 'human' | 'machine';
  structure: Structure;
  lang: Lang;
  generator: Generator;
  family: string;
  /** The synthesiser's voice with its variant, e.g. "en-us+f2", "slt", "kal_diphone". */
  voice: string;
  variant: string;
  /** Speaking-rate factor (> 1 slower) and pitch (espeak 0–99; others: sox pitch shift in cents). */
  stretch: number;
  pitch: number;
  split: Split;
  speechLevel: number;
  steps: Step[];
  channel: Channel;
  seed: number;
}

export interface PlanOptions {
  humans: number;
  machines: number;
  seed: number;
}

const HUMAN_WEIGHTS: Record<HumanStructure, number> = {
  'one-word': 20,
  'short-phrase': 15,
  business: 15,
  household: 10,
  'yes-hello': 10,
  'hello-hello': 10,
  'late-answer': 10,
  'background-tv': 10,
};
const MACHINE_WEIGHTS: Record<MachineStructure, number> = {
  'very-short': 14,
  'paused-opening': 14,
  greeting: 20,
  'long-greeting': 8,
  carrier: 12,
  ivr: 8,
  jingle: 6,
  sit: 5,
  fax: 4,
  'dead-air': 4,
  'music-only': 5,
};
const NOISE_WEIGHTS: Record<Exclude<NoiseKind, 'tv'>, number> = {
  clean: 20,
  hiss: 14,
  pink: 10,
  brown: 5,
  hum: 5,
  babble: 16,
  music: 10,
  cellular: 12,
  hot: 8,
};
const GENERATOR_WEIGHT: Record<Generator, Record<Lang, number>> = {
  espeak: { en: 1, es: 1 },
  flite: { en: 1.2, es: 0 },
  festival: { en: 1.5, es: 2.5 },
};

function familyFor(rng: Rng, lang: Lang): VoiceFamily {
  const eligible = VOICE_FAMILIES.filter((f) => f.lang === lang);
  const weights = Object.fromEntries(eligible.map((f) => [f.id, GENERATOR_WEIGHT[f.generator][lang]]));
  const id = weighted(rng, weights);
  return eligible.find((f) => f.id === id)!;
}

/** Digital silence before the first audio: mostly short, up to a second. */
function leadingZeros(rng: Rng): number {
  const r = rng();
  return 20 * Math.round((r < 0.6 ? uniform(rng, 0, 250) : r < 0.9 ? uniform(rng, 250, 600) : uniform(rng, 600, 1000)) / 20);
}

function channelFor(rng: Rng, noise: NoiseKind): Channel {
  const snrDb =
    noise === 'clean' ? uniform(rng, 40, 55) : noise === 'babble' || noise === 'tv' || noise === 'music' ? uniform(rng, 10, 24) : uniform(rng, 12, 32);
  return {
    noise,
    snrDb: Math.round(snrDb * 10) / 10,
    ulaw: noise === 'cellular' || rng() < 0.85,
    lossPct: noise === 'cellular' ? Math.round(uniform(rng, 1, 6) * 10) / 10 : rng() < 0.25 ? Math.round(uniform(rng, 0.2, 1.5) * 10) / 10 : 0,
    leadingZerosMs: leadingZeros(rng),
    bandLowHz: intIn(rng, 250, 350),
    bandHighHz: intIn(rng, 3200, 3500),
  };
}

function beepStep(rng: Rng, speechLevel: number): Step {
  const count = rng() < 0.85 ? 1 : intIn(rng, 2, 3);
  const hz = intIn(rng, 400, 2050);
  const tones = Array.from({ length: count }, (_, i) => ({
    // Multi-beeps: same or rising pitch, short.
    hz: i === 0 || rng() < 0.5 ? hz : Math.min(2050, hz + intIn(rng, 100, 400)),
    ms: count === 1 ? intIn(rng, 100, 1200) : intIn(rng, 80, 250),
    gapMs: i === count - 1 ? 0 : intIn(rng, 60, 200),
  }));
  return { k: 'beep', tones, level: Math.round(speechLevel * uniform(rng, 0.5, 2.5)) };
}

/** Sentences joined by breaths until about `targetMs` (at ~70 ms per character of text, a rough guess). */
function sentencesFor(rng: Rng, pool: readonly string[], targetMs: number, values: { name: string; biz: string; digits: string }, breath: [number, number]): Step[] {
  const steps: Step[] = [];
  let est = 0;
  let start = intIn(rng, 0, pool.length - 1);
  while (est < targetMs || steps.length === 0) {
    if (steps.length > 0) {
      const ms = intIn(rng, breath[0], breath[1]);
      steps.push({ k: 'gap', ms });
      est += ms;
    }
    const text = fill(pool[start++ % pool.length]!, values);
    steps.push({ k: 'say', text, role: 'greeting' });
    est += text.length * 65;
  }
  return steps;
}

function digitsFor(rng: Rng): string {
  return Array.from({ length: 7 }, () => String(intIn(rng, 0, 9))).join('');
}

function humanSteps(rng: Rng, structure: HumanStructure, lang: Lang, split: Split): Step[] {
  const half = <T>(l: Record<Lang, readonly T[]>) => phraseHalf(l[lang], split);
  const openerPool =
    structure === 'short-phrase'
      ? half(SHORT_PHRASE)
      : structure === 'business'
        ? half(BUSINESS_OPENER)
        : structure === 'household'
          ? half(HOUSEHOLD_OPENER)
          : structure === 'one-word' || structure === 'yes-hello' || structure === 'hello-hello'
            ? half(ONE_WORD)
            : rng() < 0.5
              ? half(ONE_WORD)
              : half(pick(rng, [SHORT_PHRASE, BUSINESS_OPENER, HOUSEHOLD_OPENER]));
  const opener = pick(rng, openerPool);
  const lead = structure === 'late-answer' ? intIn(rng, 1200, 2400) : intIn(rng, 150, 900);
  const steps: Step[] = [{ k: 'gap', ms: lead }, { k: 'say', text: opener, role: 'opener' }];
  if (structure === 'yes-hello') steps.push({ k: 'gap', ms: intIn(rng, 1000, 2200) }, { k: 'say', text: pick(rng, half(SECOND_WORD)), role: 'second' });
  if (structure === 'hello-hello') steps.push({ k: 'gap', ms: intIn(rng, 1600, 3000) }, { k: 'say', text: opener, role: 'second' });
  // Then the caller talks, and the person answers now and then.
  const replies = half(REPLIES);
  const turns = intIn(rng, 1, 3);
  for (let i = 0; i < turns; i++) steps.push({ k: 'gap', ms: intIn(rng, 1300, 3200) }, { k: 'say', text: pick(rng, replies), role: 'reply' });
  steps.push({ k: 'gap', ms: intIn(rng, 600, 2000) });
  return steps;
}

function machineSteps(rng: Rng, structure: MachineStructure, lang: Lang, split: Split, speechLevel: number): Step[] {
  const half = <T>(l: Record<Lang, readonly T[]>) => phraseHalf(l[lang], split);
  const values = { name: pick(rng, half(NAMES)), biz: pick(rng, half(BUSINESSES)), digits: digitsFor(rng) };
  const lead = { k: 'gap' as const, ms: intIn(rng, 100, 900) };
  const beepOr = (p: number): Step[] => (rng() < p ? [{ k: 'gap', ms: intIn(rng, 200, 1500) }, beepStep(rng, speechLevel)] : []);
  const tail: Step = { k: 'gap', ms: intIn(rng, 1000, 3000) };
  switch (structure) {
    case 'very-short':
      return [lead, { k: 'say', text: fill(pick(rng, half(VERY_SHORT_GREETING)), values), role: 'greeting' }, ...beepOr(0.9), tail];
    case 'paused-opening': {
      const [first, rest] = pick(rng, half(PAUSED_OPENING));
      const more = rng() < 0.3 ? sentencesFor(rng, half(GREETING_SENTENCES), 1500, values, [200, 700]) : [];
      return [
        lead,
        { k: 'say', text: fill(first, values), role: 'greeting' },
        { k: 'gap', ms: intIn(rng, 450, 1500) },
        { k: 'say', text: fill(rest, values), role: 'greeting' },
        ...(more.length ? [{ k: 'gap' as const, ms: intIn(rng, 200, 700) }, ...more] : []),
        ...beepOr(0.85),
        tail,
      ];
    }
    case 'greeting':
      return [lead, ...sentencesFor(rng, half(GREETING_SENTENCES), logUniform(rng, 1800, 10000), values, [120, 750]), ...beepOr(0.8), tail];
    case 'long-greeting':
      return [lead, ...sentencesFor(rng, half(GREETING_SENTENCES), uniform(rng, 10000, 28000), values, [150, 900]), ...beepOr(0.8), tail];
    case 'carrier': {
      const parts = pick(rng, half(CARRIER_PROMPTS));
      const steps: Step[] = [lead];
      parts.forEach((p, i) => {
        if (i > 0) steps.push({ k: 'gap', ms: intIn(rng, 60, 550) });
        if (p !== '.') steps.push({ k: 'say', text: fill(p, values), role: 'greeting' });
      });
      return [...steps, ...beepOr(0.9), tail];
    }
    case 'ivr': {
      const parts = pick(rng, half(IVR_PROMPTS));
      const steps: Step[] = [lead];
      if (rng() < 0.4) steps.push({ k: 'music', ms: intIn(rng, 800, 2500), level: Math.round(speechLevel * uniform(rng, 0.4, 1)) });
      parts.forEach((p, i) => {
        if (i > 0) steps.push({ k: 'gap', ms: intIn(rng, 350, 1200) });
        steps.push({ k: 'say', text: fill(p, values), role: 'greeting' });
      });
      return [...steps, tail];
    }
    case 'jingle':
      return [
        lead,
        { k: 'jingle', ms: intIn(rng, 900, 3000), level: Math.round(speechLevel * uniform(rng, 0.5, 1.5)) },
        { k: 'gap', ms: intIn(rng, 0, 500) },
        ...sentencesFor(rng, half(GREETING_SENTENCES), uniform(rng, 2500, 8000), values, [150, 700]),
        ...beepOr(0.8),
        tail,
      ];
    case 'sit':
      return [
        { k: 'gap', ms: intIn(rng, 50, 400) },
        { k: 'sit', level: Math.round(speechLevel * uniform(rng, 0.5, 1.5)) },
        { k: 'gap', ms: intIn(rng, 50, 300) },
        { k: 'say', text: pick(rng, half(INTERCEPTS)), role: 'greeting' },
        tail,
      ];
    case 'fax':
      return [{ k: 'gap', ms: intIn(rng, 100, 1500) }, { k: 'fax', ms: intIn(rng, 5000, 8000), level: Math.round(speechLevel * uniform(rng, 0.5, 1.5)) }, tail];
    case 'dead-air':
      return [{ k: 'gap', ms: intIn(rng, 6000, 9000) }];
    case 'music-only':
      return [{ k: 'gap', ms: intIn(rng, 100, 600) }, { k: 'music', ms: intIn(rng, 6000, 9000), level: Math.round(speechLevel * uniform(rng, 0.4, 1.2)) }, tail];
  }
}

const pad = (n: number) => String(n).padStart(4, '0');

export function planCorpus({ humans, machines, seed }: PlanOptions): CorpusItem[] {
  // Humans and machines are drawn from their own streams, so adding machines never changes a human file.
  const draw = (kind: 'human' | 'machine', i: number): CorpusItem => {
    const rng = mulberry32(((seed * 0x9e3779b1) ^ (kind === 'human' ? 0x1234567 : 0x7654321) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0);
    const lang: Lang = i % 2 === 0 ? 'en' : 'es';
    const family = familyFor(rng, lang);
    const split = splitOf(family);
    const variant = pick(rng, family.variants);
    const speechLevel = Math.round(logUniform(rng, 250, 3500));
    const structure: Structure = kind === 'human' ? weighted(rng, HUMAN_WEIGHTS) : weighted(rng, MACHINE_WEIGHTS);
    const noise: NoiseKind = structure === 'background-tv' ? 'tv' : weighted(rng, NOISE_WEIGHTS);
    const steps = kind === 'human' ? humanSteps(rng, structure as HumanStructure, lang, split) : machineSteps(rng, structure as MachineStructure, lang, split, speechLevel);
    const channel = channelFor(rng, noise);
    // A clipped start: the callee was already talking when the media path opened.
    const firstSay = steps.findIndex((s) => s.k === 'say');
    if (firstSay > 0 && rng() < 0.12) {
      steps[firstSay - 1] = { k: 'gap', ms: 0 };
      (steps[firstSay] as Extract<Step, { k: 'say' }>).clipMs = intIn(rng, 60, 250);
    }
    const stretch = Math.round(uniform(rng, 0.8, 1.3) * 100) / 100;
    const pitch = family.generator === 'espeak' ? intIn(rng, 20, 80) : intIn(rng, -300, 300);
    return {
      file: `${kind}-${lang}-${pad(i)}-${structure}.wav`,
      kind,
      structure,
      lang,
      generator: family.generator,
      family: family.id,
      voice: family.voice + variant,
      variant,
      stretch,
      pitch,
      split,
      speechLevel,
      steps,
      channel,
      seed: Math.floor(rng() * 2 ** 31),
    };
  };
  const items: CorpusItem[] = [];
  for (let i = 0; i < Math.max(humans, machines); i++) {
    if (i < humans) items.push(draw('human', i));
    if (i < machines) items.push(draw('machine', i));
  }
  return items;
}
