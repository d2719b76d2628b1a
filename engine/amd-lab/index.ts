/**
 * The AMD lab: how the detectors in engine/amd are made and measured, apart from the product. It generates the
 * labelled corpus (corpus/: three synthesisers through a telephone channel, split into tuning and held-out by
 * generator and voice family) and evaluates a detector over it offline and live (eval/: the embedded PBX and
 * the media plane). It sits beside engine/amd rather than inside it because the live evaluation drives the
 * media plane, which itself runs the detectors. Only this module reads the corpus labels.
 */
export { DEFAULT_CORPUS_DIR, DEFAULT_TTS_CACHE, MANIFEST, generateCorpus, type Manifest, type ManifestEntry } from './corpus/corpus-command.js';
export { splitOf, type Split } from './corpus/split.js';
export { evaluateSamples } from './eval/evaluate.js';
export { finalVerdict, summarize, type LabelledResult, type ModeSummary } from './eval/summary.js';
