/**
 * An engine node's thread loads no API: `npm start` on PostgreSQL runs its engine node in a worker thread of its own
 * (app/pg/node-worker-entry.mjs), and `centralita node` runs one headless (app/node/node-command.ts). Neither runs the
 * API, the live feed or the web app there; loading them through app/index.ts (app/product.ts) cost seconds of module
 * loading per start (measured 4.5 s → 12.5 s for an in-process PostgreSQL product on a busy machine). They go
 * through app/'s second door, app/engine-parts.ts. Read on the static import graph, as sqlite-product-loads.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { loadedFrom } from '../../support/import-graph.js';
import { readSources } from '../../support/source-tree.js';

const isProductModule = (m: string): boolean => m.startsWith('api/') || m === 'app/product.ts' || m === 'app/index.ts' || m === 'hono' || m.startsWith('@hono/') || m === 'exceljs' || m === 'pdfkit';

describe('an engine node’s thread loads no API', () => {
  const files = readSources('engine', 'api', 'app', 'bench');
  const entries = {
    'npm start on PostgreSQL, its engine node thread': ['app/pg/node-worker-entry.mjs', 'app/pg/node-worker.ts'],
    'centralita node': ['app/node/node-command.ts'],
  };
  for (const [name, from] of Object.entries(entries)) {
    it(name, () => {
      const loaded = loadedFrom(files, from);
      // The graph is really followed: the engine, the PostgreSQL store and the ARI client are there.
      expect(loaded.has('engine/shell/index.ts')).toBe(true);
      expect(loaded.has('engine/store/pg/index.ts')).toBe(true);
      const chains = [...loaded.entries()].filter(([m]) => isProductModule(m)).map(([, chain]) => chain.join(' → '));
      expect(chains, 'API modules loaded by an engine node (import chains)').toEqual([]);
    });
  }

  it('the check bites: the product itself loads them', () => {
    const loaded = loadedFrom(files, ['app/pg/start-pg-product.ts']);
    expect([...loaded.keys()].filter(isProductModule)).toContain('api/index.ts');
  });
});
