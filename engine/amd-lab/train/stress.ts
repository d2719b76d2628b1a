/**
 * Training renders with nobody talking on the line, from the TUNING split only: a tuning file's channel (band,
 * noise, level, codec, packet loss, leading zeros) under dead air, or under on-hold music alone.
 *
 * Why: the corpus has few such files (dead air 4 %, music only 5 % of machines, and of those only some over
 * babble, a TV or music), so the rules' weak spot — dead air over voices in the background heard as an opener and a
 * pause, i.e. HUMAN (tuning channels: 161 of 598 renders, every one over babble, TV or music) — left the second
 * opinion with almost nothing to learn from. These renders give it the cases; the threshold is still chosen on
 * out-of-fold scores with a person lost costing two machines won, so they cannot buy machines with people.
 * Deterministic (each render from its file's seed); babble and TV are voices of the tuning split, as in the corpus.
 */
import { babbleBank, DEFAULT_TTS_CACHE, type ManifestEntry } from '../corpus/corpus-command.js';
import type { CorpusItem } from '../corpus/plan.js';
import { mulberry32 } from '../corpus/random.js';
import { renderItem } from '../corpus/render.js';

export interface StressRender {
  /** `<file>#dead-air` or `<file>#music-only`: the tuning file whose channel it took. */
  name: string;
  samples: Int16Array;
}

/** Every `every`-th tuning file of the manifest (file-name order), rendered as dead air and as music only. */
export async function stressRenders(files: readonly ManifestEntry[], seed: number, every = 3, ttsCache = DEFAULT_TTS_CACHE): Promise<StressRender[]> {
  // Entries without a channel (a hand-made folder, not amd:corpus output) lend nothing.
  const tuning = files.filter((f) => f.split === 'tuning' && f.channel !== undefined && f.steps !== undefined).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const out: StressRender[] = [];
  if (tuning.length === 0) return out;
  const bank = await babbleBank('tuning', seed, ttsCache);
  tuning.forEach((f, i) => {
    if (i % every !== 0) return;
    const rng = mulberry32((f.seed ^ 0x57e55) >>> 0);
    const base: CorpusItem = { ...f, kind: 'machine' };
    const deadAir: CorpusItem = { ...base, structure: 'dead-air', steps: [{ k: 'gap', ms: 6000 + Math.floor(rng() * 3000) }] };
    const music: CorpusItem = {
      ...base,
      structure: 'music-only',
      steps: [
        { k: 'gap', ms: 100 + Math.floor(rng() * 500) },
        { k: 'music', ms: 6000 + Math.floor(rng() * 3000), level: Math.round(f.speechLevel * (0.4 + 0.8 * rng())) },
        { k: 'gap', ms: 1500 },
      ],
    };
    out.push({ name: `${f.file}#dead-air`, samples: renderItem(deadAir, new Map(), bank).samples });
    out.push({ name: `${f.file}#music-only`, samples: renderItem(music, new Map(), bank).samples });
  });
  return out;
}
