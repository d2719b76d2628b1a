/**
 * Test file order: known-long files first, longest first; then vitest's own order for the rest, the unit project's
 * files (one shared fork each side: vitest.config.ts) last and together.
 *
 * Why: with 2 forks the run ends when the last file ends. On a clean clone (CI: no vitest cache) vitest orders
 * by file size, so the two fault-suite files (a few lines each that import a 2-minute suite) start last and
 * one fork runs them alone at the end. Longest-first (LPT) scheduling keeps both forks busy until the end.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { KNOWN_DURATIONS_MS } from './durations.js';

/**
 * Orders `files`: the ones in `known` first by descending ms, the others after in their `rest` order — those that
 * `shared` says run in a shared fork (a project with isolate: false) last, all together.
 */
export function longFirst<T>(files: readonly T[], keyOf: (f: T) => string, known: Readonly<Record<string, number>>, shared: (f: T) => boolean = () => false): T[] {
  const ms = (f: T): number | undefined => known[keyOf(f)];
  const head = files.filter((f) => ms(f) !== undefined).sort((a, b) => ms(b)! - ms(a)!);
  const tail = files.filter((f) => ms(f) === undefined);
  return [...head, ...tail.filter((f) => !shared(f)), ...tail.filter(shared)];
}

export class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const root = this.ctx.config.root;
    // Vitest hands a fork that keeps its modules (the unit project, isolate: false) the next file only when that
    // file is next in the queue and of the same project: together, the unit files share two forks instead of
    // taking a fresh one each; and short files at the end keep both forks busy until the end.
    return longFirst(base, (f) => relative(root, f.moduleId).split('\\').join('/'), KNOWN_DURATIONS_MS, (f) => f.project.config.isolate === false);
  }
}
