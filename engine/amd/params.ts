/**
 * AMD parameters per campaign: app_amd's names and units (ms), validated with zod. Partial input is
 * completed with the defaults of its mode, so a campaign can override just `greeting` and keep the rest.
 */
import { z } from 'zod';
import type { AmdMode, AmdParams } from './types.js';

/** app_amd's compiled-in defaults (Asterisk apps/app_amd.c, dflt* variables). */
const APP_AMD_DEFAULTS: Omit<AmdParams, 'mode'> = {
  initialSilence: 2500,
  greeting: 1500,
  afterGreetingSilence: 800,
  totalAnalysisTime: 5000,
  minimumWordLength: 100,
  betweenWordsSilence: 50,
  maximumNumberOfWords: 2,
  silenceThreshold: 256,
  maximumWordLength: 5000,
};

/**
 * Centralita mode reads the same names with the same meaning where it can (see centralita.ts):
 * - silenceThreshold / 4 is the least energy that can be voice; above it the threshold adapts to the line's
 *   noise floor (3× the floor), so noise above 256 is not taken for talk;
 * - greeting is the longest talk (first voice to last, short pauses included) a human opener may have;
 * - afterGreetingSilence is the pause after a short opener that means HUMAN (humans wait for the caller);
 *   it grows after long openers;
 * - initialSilence, totalAnalysisTime, minimumWordLength, betweenWordsSilence and maximumWordLength keep
 *   app_amd's meaning; maximumNumberOfWords is not used: counting words is what makes app_amd call a
 *   full-sentence "Yes, hello, this is Maria speaking" a machine.
 * The greeting is longer than app_amd's because a full sentence takes about 1.5–2.5 s, up to ~2.8 s spoken
 * slowly; machines talk for 3–20 s. The pause that means HUMAN is shorter than app_amd's 800 ms because it
 * is measured against an adaptive floor (a noisy line's pause is still a pause), and it grows after long
 * openers, where a recording's breath between sentences could otherwise pass for a person waiting.
 */
const CENTRALITA_DEFAULTS: Omit<AmdParams, 'mode'> = {
  ...APP_AMD_DEFAULTS,
  initialSilence: 3500,
  greeting: 5000,
  afterGreetingSilence: 450,
  totalAnalysisTime: 7000,
  beepListenMs: 20000,
  // 10 s of talk rules, then beeps only up to 20 s (centralita.ts talkWatchMs): some greetings' beeps come 11–20 s
  // after a HUMAN verdict taken at their first pause.
  lateWatchMs: 20000,
};

export function defaultAmdParams(mode: AmdMode = 'centralita'): AmdParams {
  return { mode, ...(mode === 'app_amd' ? APP_AMD_DEFAULTS : CENTRALITA_DEFAULTS) };
}

const ms = (max: number) => z.coerce.number().int().min(0).max(max);
const positiveMs = (max: number) => z.coerce.number().int().min(1).max(max);

const fullSchema = z
  .object({
    mode: z.enum(['app_amd', 'centralita']),
    initialSilence: positiveMs(60_000),
    greeting: positiveMs(60_000),
    afterGreetingSilence: positiveMs(60_000),
    totalAnalysisTime: positiveMs(120_000),
    minimumWordLength: positiveMs(60_000),
    betweenWordsSilence: ms(60_000),
    maximumNumberOfWords: z.coerce.number().int().min(1).max(1000),
    silenceThreshold: z.coerce.number().int().min(1).max(32767),
    maximumWordLength: positiveMs(120_000),
    beepListenMs: ms(120_000).optional(),
    lateWatchMs: ms(60_000).optional(),
  })
  .strict();

/**
 * Validates per-campaign AMD parameters. Input may be partial (any subset, numbers or numeric strings);
 * missing fields take the defaults of `mode` (itself defaulting to "centralita").
 */
export const amdParamsSchema = z.preprocess((input) => {
  if (input === undefined || input === null) return defaultAmdParams('centralita');
  if (typeof input !== 'object' || Array.isArray(input)) return input;
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== ''));
  const mode = given['mode'] ?? 'centralita';
  const defaults = mode === 'app_amd' || mode === 'centralita' ? defaultAmdParams(mode) : {};
  return { ...defaults, ...given, mode };
}, fullSchema) as unknown as z.ZodType<AmdParams, Partial<AmdParams> | undefined>;
