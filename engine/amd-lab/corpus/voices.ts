/**
 * The voices the corpus speaks with: three Debian synthesisers, each voice family with its own variants.
 * A voice family is what a listener would call one voice (a language/accent of espeak-ng with its
 * variants, one flite voice, one festival voice); the held-out split never shares one with the tuning split.
 *
 * MBROLA voices are not used: Debian ships them in contrib/non-free, which this project's machines cannot
 * reach. Festival has no Spanish voice in Debian main; its Catalan (upc_ca_ona_hts) and Italian
 * (lp_diphone) voices read the Spanish text, i.e. Spanish with a foreign accent, as espeak-ng's Portuguese,
 * Italian and Catalan voices do. flite has only English voices.
 */
import type { Lang } from './phrases.js';

export type Generator = 'espeak' | 'flite' | 'festival';

export interface VoiceFamily {
  generator: Generator;
  /** Unique id, "<generator>:<name>", e.g. "espeak:en-us", "festival:kal". */
  id: string;
  /** The language of the text it reads. */
  lang: Lang;
  /** espeak-ng voice name, flite -voice name, festival voice_<name> function. */
  voice: string;
  /** espeak-ng variants ("" = the default one). */
  variants: readonly string[];
  /** Festival: how the text file must be encoded for this voice (diphone voices only read ASCII). */
  textEncoding?: 'latin1' | 'ascii';
}

const EN_VARIANTS = ['', '+m1', '+m2', '+m3', '+m4', '+m6', '+m7', '+f1', '+f2', '+f3', '+f4', '+f5', '+klatt', '+klatt4', '+Andy', '+Annie', '+belinda', '+david', '+linda', '+steph', '+robert', '+grandma', '+john', '+max'];
const ES_VARIANTS = ['', '+m1', '+m3', '+m5', '+m7', '+f1', '+f2', '+f3', '+f4', '+klatt2', '+klatt3', '+Diogo', '+miguel', '+pablo', '+antonio', '+shelby', '+Alicia', '+marcelo', '+anika', '+aunty'];

const espeak = (voice: string, lang: Lang, name = voice): VoiceFamily => ({
  generator: 'espeak',
  id: `espeak:${name}`,
  lang,
  voice,
  variants: lang === 'en' ? EN_VARIANTS : ES_VARIANTS,
});

export const VOICE_FAMILIES: readonly VoiceFamily[] = [
  espeak('en-us', 'en'),
  espeak('en-gb', 'en'),
  espeak('en-gb-x-rp', 'en'),
  espeak('en-us-nyc', 'en'),
  espeak('en-gb-scotland', 'en'),
  espeak('en-029', 'en'),
  espeak('en-gb-x-gbclan', 'en'),
  espeak('fr-fr', 'en', 'fr-fr-reads-en'),
  espeak('de', 'en', 'de-reads-en'),
  espeak('es', 'es'),
  espeak('es-419', 'es'),
  espeak('pt-br', 'es', 'pt-br-reads-es'),
  espeak('it', 'es', 'it-reads-es'),
  espeak('ca', 'es', 'ca-reads-es'),
  ...['kal', 'kal16', 'awb', 'rms', 'slt'].map((v): VoiceFamily => ({ generator: 'flite', id: `flite:${v}`, lang: 'en', voice: v, variants: [''] })),
  { generator: 'festival', id: 'festival:kal', lang: 'en', voice: 'kal_diphone', variants: [''], textEncoding: 'ascii' },
  { generator: 'festival', id: 'festival:ked', lang: 'en', voice: 'ked_diphone', variants: [''], textEncoding: 'ascii' },
  { generator: 'festival', id: 'festival:slt-hts', lang: 'en', voice: 'cmu_us_slt_arctic_hts', variants: [''], textEncoding: 'latin1' },
  { generator: 'festival', id: 'festival:ona-reads-es', lang: 'es', voice: 'upc_ca_ona_hts', variants: [''], textEncoding: 'latin1' },
  { generator: 'festival', id: 'festival:lp-reads-es', lang: 'es', voice: 'lp_diphone', variants: [''], textEncoding: 'ascii' },
];

export function familyById(id: string): VoiceFamily {
  const f = VOICE_FAMILIES.find((v) => v.id === id);
  if (!f) throw new Error(`unknown voice family ${id}`);
  return f;
}
