/**
 * The import rules of test/support/import-graph.ts, on the real tree (engine/, api/, app/, bench/), and on a
 * made-up tree that breaks each rule once, so a rule that stopped biting would show here.
 */
import { describe, expect, it } from 'vitest';
import { checkImports, type SourceFile } from '../../support/import-graph.js';
import { readSources } from '../../support/source-tree.js';

const report = (vs: ReturnType<typeof checkImports>) => vs.map((v) => `[${v.rule}] ${v.file}: ${v.message}`).join('\n');

describe('import graph', () => {
  it('the tree keeps the rules: doors, layers, no cycles, persistence in the store', () => {
    const files = readSources('engine', 'api', 'app', 'bench');
    expect(files.length).toBeGreaterThan(200);
    const violations = checkImports(files);
    expect(report(violations), 'import rules broken').toBe('');
  });

  it('each rule bites on a tree that breaks it', () => {
    const tree: SourceFile[] = [
      { path: 'engine/calls/index.ts', text: "export * from './reducer.js';" },
      { path: 'engine/calls/reducer.ts', text: "import { x } from '../pacing/index.js';\nexport const y = x;" },
      { path: 'engine/pacing/index.ts', text: "export * from './ratio.js';" },
      // pacing → calls internals (around the door) and back: a cycle.
      { path: 'engine/pacing/ratio.ts', text: "import type { Y } from '../calls/reducer.js';\nexport const x = 1;" },
      // engine → api.
      { path: 'engine/shell/engine.ts', text: "import { createApiApp } from '../../api/index.js';" },
      { path: 'api/index.ts', text: "export { go } from '../app/index.js';\nimport { sql } from 'drizzle-orm';" },
      { path: 'app/index.ts', text: "export const go = 1;" },
      // Raw SQL outside the store; a benchmark may fill its own database.
      { path: 'app/health.ts', text: "export const ok = () => store.sqlite.prepare('select 1').get();" },
      { path: 'api/bench/fill.ts', text: "export const fill = () => store.sqlite.prepare('insert …').run();" },
      // The CLI registry may load a command file lazily; another file may not.
      { path: 'app/cli/commands.ts', text: "const load = () => import('../../engine/sim/sim-command.js');" },
      { path: 'app/cli/main.ts', text: "const load = () => import('../../engine/sim/sim-command.js');" },
      // The store's second door (its PostgreSQL side) is a door; a file behind it is not.
      { path: 'engine/store/index.ts', text: "export const openStore = 1;" },
      { path: 'engine/store/pg/index.ts', text: "export * from './connect.js';" },
      { path: 'engine/store/pg/connect.ts', text: "import pg from 'pg';\nexport const openPgPool = pg;" },
      { path: 'app/pg-door.ts', text: "import { openPgPool } from '../engine/store/pg/index.js';" },
      { path: 'app/pg-inside.ts', text: "import { openPgPool } from '../engine/store/pg/connect.js';" },
      // Tests may reach into anything.
      { path: 'test/unit/x.test.ts', text: "import { y } from '../../engine/calls/reducer.js';" },
    ];
    const found = checkImports(tree).map((v) => `${v.rule} ${v.file}`);
    expect(found.sort()).toEqual(
      [
        'internals engine/pacing/ratio.ts',
        'layer engine/shell/engine.ts',
        'layer api/index.ts',
        'persistence api/index.ts',
        'persistence app/health.ts',
        'internals app/cli/main.ts',
        'internals app/pg-inside.ts',
        'cycle engine/calls',
      ].sort(),
    );
  });
});
