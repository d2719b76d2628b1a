/**
 * The project's import rules, as a pure check over source texts (the test feeds it the real tree, and a small
 * made-up tree to show that each rule bites). Imports are read with the TypeScript compiler's own pre-processor
 * (`import`, `import type`, `export … from`, dynamic `import()`), so type-only arrows count like any other.
 *
 * - A module is a folder directly under a layer (`engine/calls`, `api/auth`, `app/cli`); the files lying directly
 *   in a layer form that layer's root module (`api/app.ts` … → `api`). Its `index.ts` is its door: another
 *   module imports that file only. Inside a module, files import each other freely.
 * - Layers point one way: app → api → engine, app → engine; `bench/` (measurements, not product) may use the
 *   engine and the test support; the CLI registry (`app/cli`) may load benchmarks. Never engine → api/app,
 *   api → app.
 * - No cycles between modules.
 * - Persistence has one home: only `engine/store` imports the database drivers or runs statements on a
 *   connection (`store.sqlite.prepare(…)`, `store.db.select(…)`, …); benchmarks (`bench/`, `…/bench/`) fill
 *   and inspect their own databases and are exempt.
 *
 * Two modules have a second door, on purpose: the store's PostgreSQL side, `engine/store/pg/index.ts` (SECOND_DOORS), so
 * that the SQLite product, which imports `engine/store/index.ts` only, loads no PostgreSQL code (node-postgres, the
 * pg-core schema); test/unit/architecture/sqlite-product-loads.test.ts holds it to that. And app/ has one, the
 * engine's side of the composition root (`app/engine-parts.ts`), so that an engine node's thread loads no API.
 *
 * One exception, on purpose: the CLI registry (`app/cli/commands.ts`) loads each `*-command.ts` lazily and
 * directly, so a command's dependencies (workers, ffmpeg, the simulator) cost nothing to the others.
 *
 * The worker threads' entry files (`*.mjs`) may import `bin/source-loader.mjs` from any layer: it is the runtime
 * that loads their TypeScript module (from the server build, else through tsx — the package they imported before),
 * not a layer of the product (RUNTIME_FILES).
 */
import path from 'node:path';
import ts from 'typescript';

const P = path.posix;

export type Layer = 'engine' | 'api' | 'app' | 'bench' | 'test';

/** Which layers each layer may import from (itself included). */
export const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  engine: ['engine'],
  api: ['api', 'engine'],
  app: ['app', 'api', 'engine', 'bench'],
  bench: ['bench', 'engine', 'test'],
  test: ['test', 'bench', 'app', 'api', 'engine'],
};

/** Packages that only the store may import: the database drivers and the query builder. */
export const STORE_ONLY_PACKAGES = ['drizzle-orm', 'better-sqlite3', 'pg'] as const;
const STORE_MODULE = 'engine/store';

/** A statement run on a connection: `sqlite.prepare(`, `store.db.select(`, `db.$client` … */
const RAW_QUERY = /\b(?:sqlite|db)\s*\.\s*(?:prepare|exec|select|insert|update|delete|transaction|run|all|get|\$client)\b/;
const isBench = (file: string): boolean => file.startsWith('bench/') || file.includes('/bench/');

const LAZY_COMMAND_LOADER = 'app/cli/commands.ts';

/** Files outside the layers that any layer may import, like a package (see the head of this file). */
export const RUNTIME_FILES: readonly string[] = ['bin/source-loader.mjs'];

/** Doors besides a module's `index.ts`: another module may import these too. */
export const SECOND_DOORS: Readonly<Record<string, readonly string[]>> = {
  'engine/store': ['engine/store/pg/index.ts'],
  // The engine's side of app/ without the product (API, web): what an engine node's thread loads.
  app: ['app/engine-parts.ts'],
};

export interface SourceFile {
  /** Repository-relative, forward slashes: `engine/calls/reducer.ts`. */
  path: string;
  text: string;
}

export interface Violation {
  rule: 'layer' | 'internals' | 'cycle' | 'persistence';
  file: string;
  message: string;
}

export interface ImportEdge {
  from: string;
  /** The specifier as written. */
  spec: string;
  /** Repository-relative target for relative specifiers (`.js` read as the `.ts` source), else null. */
  to: string | null;
}

export function layerOf(file: string): Layer | null {
  const first = file.split('/')[0];
  return first === 'engine' || first === 'api' || first === 'app' || first === 'bench' || first === 'test' ? first : null;
}

/** `engine/calls/reducer.ts` → `engine/calls`; `api/app.ts` → `api`. */
export function moduleOf(file: string): string {
  const parts = file.split('/');
  return parts.length <= 2 ? parts[0]! : `${parts[0]}/${parts[1]}`;
}

export function importsOf(file: SourceFile): ImportEdge[] {
  const info = ts.preProcessFile(file.text, true, true);
  return info.importedFiles.map(({ fileName: spec }) => {
    if (!spec.startsWith('.')) return { from: file.path, spec, to: null };
    const to = P.normalize(P.join(P.dirname(file.path), spec)).replace(/\.js$/, '.ts');
    return { from: file.path, spec, to };
  });
}

/** Every rule broken by `files` (sources of engine/, api/, app/, bench/; tests are not checked: they may test internals). */
export function checkImports(files: readonly SourceFile[]): Violation[] {
  const out: Violation[] = [];
  const moduleEdges = new Map<string, Map<string, string>>(); // module → module → an example "file → spec"
  for (const f of files) {
    const fromLayer = layerOf(f.path);
    if (!fromLayer || fromLayer === 'test') continue;
    const fromModule = moduleOf(f.path);
    if (fromModule !== STORE_MODULE && !isBench(f.path)) {
      const line = f.text.split('\n').findIndex((l) => RAW_QUERY.test(l));
      if (line >= 0) out.push({ rule: 'persistence', file: f.path, message: `line ${line + 1} runs a query on a connection: move it into an engine/store repository` });
    }
    for (const e of importsOf(f)) {
      if (e.to === null) {
        const pkg = e.spec.startsWith('@') ? e.spec.split('/').slice(0, 2).join('/') : e.spec.split('/')[0]!;
        if ((STORE_ONLY_PACKAGES as readonly string[]).includes(pkg) && fromModule !== STORE_MODULE) {
          out.push({ rule: 'persistence', file: f.path, message: `imports '${e.spec}': queries belong in engine/store (repositories)` });
        }
        continue;
      }
      if (RUNTIME_FILES.includes(e.to)) continue;
      const toLayer = layerOf(e.to);
      const toModule = moduleOf(e.to);
      if (toModule === fromModule) continue;
      if (!toLayer || !MAY_IMPORT[fromLayer].includes(toLayer)) {
        out.push({ rule: 'layer', file: f.path, message: `imports '${e.spec}': ${fromLayer}/ must not depend on ${toLayer ?? e.to}/` });
        continue;
      }
      const edges = moduleEdges.get(fromModule) ?? new Map<string, string>();
      if (!edges.has(toModule)) edges.set(toModule, `${f.path} → '${e.spec}'`);
      moduleEdges.set(fromModule, edges);
      if (toLayer === 'test') continue;
      const door = `${toModule}/index.ts`;
      const lazyCommand = f.path === LAZY_COMMAND_LOADER && e.to.endsWith('-command.ts');
      if (e.to !== door && !lazyCommand && !SECOND_DOORS[toModule]?.includes(e.to)) {
        out.push({ rule: 'internals', file: f.path, message: `imports '${e.spec}': reaches into ${toModule}/ around its index.ts (${door})` });
      }
    }
  }
  for (const cycle of moduleCycles(moduleEdges)) {
    const examples = cycle.map((m, i) => moduleEdges.get(m)?.get(cycle[(i + 1) % cycle.length]!) ?? `${m} → ?`);
    out.push({ rule: 'cycle', file: cycle[0]!, message: `modules import each other: ${[...cycle, cycle[0]].join(' → ')} (${examples.join('; ')})` });
  }
  return out;
}

/** One cycle per strongly connected group of modules (Tarjan), each as the module path around it. */
function moduleCycles(edges: ReadonlyMap<string, ReadonlyMap<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group);
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  // A readable path through each group: follow edges that stay inside it from its first module back to it.
  return groups.map((g) => {
    const inside = new Set(g);
    const start = [...g].sort()[0]!;
    const seen = new Set<string>();
    const walk = (v: string, trail: string[]): string[] | null => {
      for (const w of edges.get(v)?.keys() ?? []) {
        if (!inside.has(w)) continue;
        if (w === start) return trail;
        if (seen.has(w)) continue;
        seen.add(w);
        const found = walk(w, [...trail, w]);
        if (found) return found;
      }
      return null;
    };
    return walk(start, [start]) ?? [...g].sort();
  });
}

/**
 * The imports that load a module when `file` is evaluated: static `import`/`export … from` (side-effect ones and
 * `import { type A }` included: verbatimModuleSyntax keeps them), not `import type`/`export type` (erased) and not
 * dynamic `import()` (loaded only when that code runs). Bare specifiers come back as written (`pg`, `drizzle-orm/pg-core`).
 */
export function loadingImportsOf(file: SourceFile): ImportEdge[] {
  const sf = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, false);
  const out: ImportEdge[] = [];
  for (const st of sf.statements) {
    let spec: string | null = null;
    if (ts.isImportDeclaration(st) && !st.importClause?.isTypeOnly && ts.isStringLiteral(st.moduleSpecifier)) spec = st.moduleSpecifier.text;
    else if (ts.isExportDeclaration(st) && !st.isTypeOnly && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) spec = st.moduleSpecifier.text;
    if (spec === null) continue;
    const to = spec.startsWith('.') ? P.normalize(P.join(P.dirname(file.path), spec)).replace(/\.js$/, '.ts') : null;
    out.push({ from: file.path, spec, to });
  }
  return out;
}

/**
 * Every module `entries` load when evaluated (their static closure over `files`, through loadingImportsOf), each
 * with one import chain that reaches it; bare specifiers (packages) appear as written. A relative import of a file
 * missing from `files` appears by its path.
 */
export function loadedFrom(files: readonly SourceFile[], entries: readonly string[]): Map<string, string[]> {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const chains = new Map<string, string[]>();
  const queue: string[] = [];
  for (const e of entries) {
    if (!chains.has(e)) {
      chains.set(e, [e]);
      queue.push(e);
    }
  }
  while (queue.length > 0) {
    const at = queue.shift()!;
    const file = byPath.get(at);
    if (!file) continue;
    for (const edge of loadingImportsOf(file)) {
      const target = edge.to ?? edge.spec;
      if (chains.has(target)) continue;
      chains.set(target, [...chains.get(at)!, target]);
      if (edge.to !== null) queue.push(edge.to);
    }
  }
  return chains;
}
