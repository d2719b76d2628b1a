/**
 * The tuning / held-out split. Held-out files come from voices no tuning file uses: one whole synthesiser
 * (flite), some espeak-ng families (two English accents, Latin-American Spanish and Portuguese-accented
 * Spanish) and two festival voices (one English, one reading Spanish). They also say the other half of
 * every phrase list (phrases.ts). Detectors are tuned — and the model trained — on `tuning` only; the
 * figure to trust is `heldout`. Only the corpus generator and the evaluator read this.
 */
import type { VoiceFamily } from './voices.js';

export type Split = 'tuning' | 'heldout';

export const HELDOUT_GENERATORS: ReadonlySet<string> = new Set(['flite']);
export const HELDOUT_FAMILIES: ReadonlySet<string> = new Set([
  'espeak:en-gb-scotland',
  'espeak:en-029',
  'espeak:es-419',
  'espeak:pt-br-reads-es',
  'festival:ked',
  'festival:ona-reads-es',
]);

export function splitOf(family: Pick<VoiceFamily, 'generator' | 'id'>): Split {
  return HELDOUT_GENERATORS.has(family.generator) || HELDOUT_FAMILIES.has(family.id) ? 'heldout' : 'tuning';
}

/** The half of a phrase list a split may use: even positions for tuning, odd ones for held-out. */
export function phraseHalf<T>(list: readonly T[], split: Split): T[] {
  return list.filter((_, i) => (i % 2 === 0) === (split === 'tuning'));
}
