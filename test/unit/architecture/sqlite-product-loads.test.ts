/**
 * The SQLite product (`npm start` without DATABASE_URL) loads no PostgreSQL code in either of its threads: no
 * node-postgres, no drizzle's pg-core/node-postgres, nothing of engine/store/pg or engine/store/schema-pg, nothing of
 * app/pg. Loading it cost ~1.1–1.4 CPU-s per thread per start (and every test that starts the product paid it). The
 * PostgreSQL side is behind its own door (engine/store/pg/index.ts), loaded by `start-command` only when DATABASE_URL
 * is set. Read on the static import graph (what evaluating the entry points loads: no `import type`, no `import()`).
 */
import { describe, expect, it } from 'vitest';
import { loadedFrom, type SourceFile } from '../../support/import-graph.js';
import { readSources } from '../../support/source-tree.js';

/** A module of the PostgreSQL side: the driver, drizzle's PostgreSQL parts, the store's pg/ and schema-pg/, app/pg. */
const isPostgresModule = (m: string): boolean =>
  m === 'pg' ||
  m.startsWith('pg/') ||
  m.startsWith('pg-') ||
  m.startsWith('drizzle-orm/pg-core') ||
  m.startsWith('drizzle-orm/node-postgres') ||
  m.startsWith('engine/store/pg/') ||
  m.startsWith('engine/store/schema-pg/') ||
  m.startsWith('app/pg/');

/** The SQLite product's threads, by what they evaluate first. */
const THREADS = {
  // bin/centralita.mjs → the CLI, which loads `start` (and only it) lazily; tests start app/product.ts directly.
  main: ['app/cli/main.ts', 'app/cli/start-command.ts', 'app/product.ts'],
  // new Worker(app/engine-worker-entry.mjs), which loads app/engine-worker.ts (its bundle, or the source through tsx) → …
  engine: ['app/engine-worker-entry.mjs', 'app/engine-worker.ts'],
} as const;

const pgChains = (loaded: Map<string, string[]>): string[] =>
  [...loaded.entries()].filter(([m]) => isPostgresModule(m)).map(([, chain]) => chain.join(' → '));

describe('the SQLite product loads no PostgreSQL code', () => {
  const files = readSources('engine', 'api', 'app', 'bench');

  for (const [thread, entries] of Object.entries(THREADS)) {
    it(`${thread} thread: ${entries.join(', ')}`, () => {
      const loaded = loadedFrom(files, entries);
      // The graph is really followed: the SQLite store and its driver are there.
      expect(loaded.has('engine/store/index.ts')).toBe(true);
      expect(loaded.has('better-sqlite3')).toBe(true);
      expect(pgChains(loaded), 'PostgreSQL modules loaded by the SQLite product (import chains)').toEqual([]);
    });
  }

  it('the check bites: the PostgreSQL product (app/pg) and the PostgreSQL door do load it', () => {
    expect(pgChains(loadedFrom(files, ['app/pg/index.ts']))).toContain('app/pg/index.ts');
    const viaDoor = loadedFrom(files, ['engine/store/pg/index.ts']);
    expect(viaDoor.has('pg')).toBe(true);
    expect([...viaDoor.keys()].some((m) => m.startsWith('engine/store/schema-pg/'))).toBe(true);
  });

  it('follows static imports and re-exports; not `import type`, `export type` or import()', () => {
    const tree: SourceFile[] = [
      { path: 'app/a.ts', text: "import type { P } from './types.js';\nexport type { Q } from './types2.js';\nimport { b, type B } from './b.js';\nconst lazy = () => import('./lazy.js');" },
      { path: 'app/b.ts', text: "export * from './c.js';\nimport {} from './side.js';\nimport { type T } from './typed-specifier.js';" },
      { path: 'app/c.ts', text: "import pg from 'pg';" },
      { path: 'app/side.ts', text: '' },
      { path: 'app/typed-specifier.ts', text: '' },
      { path: 'app/lazy.ts', text: "import 'drizzle-orm/pg-core';" },
    ];
    const loaded = loadedFrom(tree, ['app/a.ts']);
    // `import { type T }` stays an import under verbatimModuleSyntax: the module is loaded.
    expect([...loaded.keys()].sort()).toEqual(['app/a.ts', 'app/b.ts', 'app/c.ts', 'app/side.ts', 'app/typed-specifier.ts', 'pg'].sort());
    expect(loaded.get('pg')).toEqual(['app/a.ts', 'app/b.ts', 'app/c.ts', 'pg']);
  });
});
