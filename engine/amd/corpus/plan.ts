/**
 * The corpus plan: which file says what, in which voice, speed, level and noise. Pure and seeded, so the
 * same arguments always give the same corpus. Humans and machines alternate languages, and human openers
 * alternate short and multi-word ones, so that any prefix of the plan (a test's small subset) is balanced.
 */
import { GREETING_COUNT, HUMAN_OPENERS, machineGreeting, NAME_COUNT, type Lang } from './phrases.js';
import { intIn, mulberry32, pick, uniform, type Rng } from './random.js';

export type NoiseKind = 'white' | 'brown';

export interface CorpusItem {
  file: string;
  kind: 'human' | 'machine';
  lang: Lang;
  /** espeak-ng voice, e.g. "es-419+f2". */
  voice: string;
  speedWpm: number;
  pitch: number;
  text: string;
  multiWord: boolean;
  /** Mean |sample| the active speech is scaled to. */
  speechLevel: number;
  /** Silence after answer before the first word. */
  leadMs: number;
  /** Human: the wait after the opener (the human expects the caller to talk). Machine: silence after all. */
  tailMs: number;
  /** Human only: after `tailMs` the human says this again ("Hello?"), as people do when nobody answers. */
  repeatText?: string;
  /** Line noise starts this late: before it, digital silence, as Asterisk sends while media sets up. */
  noise: { kind: NoiseKind; level: number; startMs: number };
  beep?: { freqHz: number; durationMs: number; gapMs: number; level: number };
  seed: number;
}

const VOICES: Record<Lang, string[]> = { en: ['en', 'en-us'], es: ['es', 'es-419'] };
const VARIANTS = ['', '+m1', '+m3', '+m7', '+f2', '+f3', '+f4'];
const BEEP_HZ = [425, 440, 800, 850, 1000, 1400, 1800, 1950];

function noiseFor(rng: Rng, speechLevel: number): CorpusItem['noise'] {
  const r = rng();
  // Mostly quiet lines, some noisy ones; the loudest are above app_amd's fixed threshold of 256. The
  // signal-to-noise ratio stays ≥ 12 dB (mean |x| ratio ≥ 4): below that a person asks to be called back.
  const level = r < 0.35 ? uniform(rng, 0, 5) : r < 0.6 ? uniform(rng, 10, 40) : r < 0.8 ? uniform(rng, 50, 120) : uniform(rng, 140, 320);
  const kind: NoiseKind = rng() < 0.6 ? 'white' : 'brown';
  const startMs = rng() < 0.3 ? intIn(rng, 100, 600) : 0;
  return { kind, level: Math.round(Math.min(level, speechLevel / 4)), startMs };
}

function voiceFor(rng: Rng, lang: Lang): string {
  return pick(rng, VOICES[lang]) + pick(rng, VARIANTS);
}

export interface PlanOptions {
  humans: number;
  machines: number;
  seed: number;
}

export function planCorpus({ humans, machines, seed }: PlanOptions): CorpusItem[] {
  // Humans and machines draw from separate streams, so a small corpus (a test's) is exactly the first
  // files of the full one.
  let rng = mulberry32(seed);
  const items: CorpusItem[] = [];
  const pad = (n: number) => String(n).padStart(3, '0');

  for (let i = 0; i < humans; i++) {
    const lang: Lang = i % 2 === 0 ? 'en' : 'es';
    const list = HUMAN_OPENERS[lang];
    const half = list.length / 2; // the lists hold short openers first, then multi-word ones
    const k = Math.floor(i / 2);
    const idx = ((k % 2) * half + Math.floor(k / 2)) % list.length;
    const opener = list[idx]!;
    const repeat = !opener.multiWord && rng() < 0.3;
    const speechLevel = Math.round(500 * Math.pow(6, rng()));
    items.push({
      file: `human-${lang}-${pad(i)}-${opener.multiWord ? 'multi' : 'short'}.wav`,
      kind: 'human',
      lang,
      voice: voiceFor(rng, lang),
      speedWpm: intIn(rng, 160, 230),
      pitch: intIn(rng, 30, 75),
      text: opener.text,
      multiWord: opener.multiWord,
      speechLevel,
      leadMs: intIn(rng, 150, 900),
      tailMs: intIn(rng, 2000, 4000),
      ...(repeat ? { repeatText: lang === 'en' ? 'Hello?' : '¿Aló?' } : {}),
      noise: noiseFor(rng, speechLevel),
      seed: Math.floor(rng() * 2 ** 31),
    });
  }

  rng = mulberry32((seed ^ 0x9e3779b9) >>> 0);
  for (let i = 0; i < machines; i++) {
    const lang: Lang = i % 2 === 0 ? 'en' : 'es';
    const k = Math.floor(i / 2);
    const withBeep = rng() < 0.85;
    const speechLevel = Math.round(500 * Math.pow(6, rng()));
    items.push({
      file: `machine-${lang}-${pad(i)}-${withBeep ? 'beep' : 'nobeep'}.wav`,
      kind: 'machine',
      lang,
      voice: voiceFor(rng, lang),
      speedWpm: intIn(rng, 130, 190),
      pitch: intIn(rng, 30, 75),
      text: machineGreeting(lang, k % GREETING_COUNT, (k * 3 + (k >> 3)) % NAME_COUNT),
      multiWord: true,
      speechLevel,
      leadMs: intIn(rng, 100, 1200),
      tailMs: intIn(rng, 600, 1500),
      noise: noiseFor(rng, speechLevel),
      ...(withBeep
        ? {
            beep: {
              freqHz: pick(rng, BEEP_HZ),
              durationMs: intIn(rng, 200, 700),
              gapMs: intIn(rng, 200, 800),
              level: Math.round(speechLevel * uniform(rng, 0.8, 2.5)),
            },
          }
        : {}),
      seed: Math.floor(rng() * 2 ** 31),
    });
  }
  return items;
}
