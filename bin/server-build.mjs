// The server's precompiled build: the TypeScript sources of the CLI and of every worker thread's module bundled by
// esbuild into dist/server/<key>/, so a start loads a few dozen files instead of ~1,400 modules through tsx's
// loader (a hooks thread per thread, a transform per file): ~2 CPU-s to the banner instead of ~7 through tsx
// (`npm run bench:start`). Built by `npm test`'s pretest, and by bin/centralita.mjs itself when missing or stale.
//
// Stale means: any input the build read (each source file, scripts and this file included) now differs in size or
// mtime, or is gone. The check stats every input (~500 files, a few ms). A build is never rewritten in place: each
// is a folder named by its inputs' key, written under a temporary name and renamed, and dist/server/current.json
// (replaced by rename too) names the one to use — so processes building at once do not tear each other's files, and
// a process still running an older build keeps its files (the oldest are pruned, see prune()).
//
// Inside a bundle `import.meta.url` is the bundle's own URL; every source's `import.meta.url` is rewritten to its
// source file's URL (relative to the bundle), so the paths the code builds from it (migrations, web/dist,
// package.json, worker entries) are the ones it builds under tsx. Most packages stay outside the bundles (see
// BUNDLED); a bundled package counts as an input by its package.json (npm rewrites it with the package).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Bumped when what a build contains changes in a way its inputs do not show. */
const FORMAT = 1;

/**
 * Every module a thread starts from, by its output name. Worker entries (*.mjs) import these through
 * bin/source-loader.mjs; a source not listed here still runs, through tsx.
 */
export const ENTRIES = {
  cli: 'app/cli/main.ts',
  'engine-worker': 'app/engine-worker.ts',
  'node-worker': 'app/pg/node-worker.ts',
  'media-serve': 'engine/media/worker/serve.ts',
  amd: 'engine/amd/index.ts',
  'imports-worker': 'engine/imports/worker.ts',
};

/** Files whose change makes every build stale though no bundle reads them. */
const BUILDER_FILES = ['bin/server-build.mjs', 'package.json', 'tsconfig.json'];

const posix = (p) => p.split(sep).join('/');

function fingerprint(root, rel) {
  try {
    const s = statSync(join(root, rel));
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'gone';
  }
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Builds under way in this process (they share esbuild's service process). */
let building = 0;
/** Makes this process' temporary names unique (two builds may start in the same millisecond). */
let named = 0;

/** Where a tree's builds are (tests build a small tree of their own). */
const buildDir = (root) => join(root, 'dist', 'server');

/**
 * The build to run from, when there is one and it is up to date: `{ dir, key, entry(source) }`, `entry` giving the
 * file URL of a source's bundle (undefined for a source not built). Null when missing or stale.
 */
export function currentBuild({ root = ROOT } = {}) {
  const current = readJson(join(buildDir(root), 'current.json'));
  if (!current || typeof current.key !== 'string') return null;
  const dir = join(buildDir(root), current.key);
  const manifest = readJson(join(dir, 'manifest.json'));
  if (!manifest || manifest.format !== FORMAT || manifest.root !== root) return null;
  for (const [rel, print] of Object.entries(manifest.inputs)) if (fingerprint(root, rel) !== print) return null;
  return describe(dir, current.key, manifest);
}

function describe(dir, key, manifest) {
  return {
    dir,
    key,
    entry: (source) => (manifest.entries[source] ? pathToFileURL(join(dir, manifest.entries[source])).href : undefined),
  };
}

/**
 * Packages bundled with our sources: pure JavaScript that each thread loads as hundreds of small ESM files (zod
 * alone 95, in each of the 4 threads of a start) and that reads no file of its own at run time. Together, so no
 * package is loaded twice (zod by both our code and @hono/zod-openapi; hono by @hono/node-server). Every other
 * package stays outside, loaded by Node from node_modules as under tsx: native code (better-sqlite3), packages
 * that start threads from their own files (pino's transports, piscina) or read their own data files (pdfkit,
 * exceljs). Bundling these four groups took ~0.4 of the ~2.9 CPU-s left per start (bench:start).
 */
const BUNDLED = new Set(['zod', 'hono', '@hono/zod-openapi', '@hono/node-server', '@asteasolutions/zod-to-openapi', 'openapi3-ts', 'drizzle-orm', 'libphonenumber-js']);

function packagesOutside() {
  return {
    name: 'packages-outside',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.split('/').slice(0, args.path.startsWith('@') ? 2 : 1).join('/');
        return BUNDLED.has(name) ? undefined : { external: true };
      });
    },
  };
}

/** The rewrite of `import.meta.url` in our sources (see the head of this file). */
function sourceUrls(outDir) {
  return {
    name: 'source-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        let contents = readFileSync(args.path, 'utf8');
        if (contents.includes('import.meta.url')) {
          const rel = JSON.stringify(posix(relative(outDir, args.path)));
          contents = contents.replaceAll('import.meta.url', `new URL(${rel}, import.meta.url).href`);
        }
        return { contents, loader: 'ts' };
      });
    },
  };
}

/**
 * Builds the server when the current build is missing or stale and returns it (as currentBuild()); `force` builds
 * anyway. Throws what esbuild reports when a source does not compile.
 */
export async function buildServer({ force = false, root = ROOT, entries = ENTRIES, builderFiles = BUILDER_FILES } = {}) {
  if (!force) {
    const fresh = currentBuild({ root });
    if (fresh) return { ...fresh, built: false };
  }
  // esbuild comes with tsx (a dependency): resolved from it, so this works whatever npm hoisted.
  const esbuild = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'))('esbuild');
  const builds = buildDir(root);
  mkdirSync(builds, { recursive: true });
  const tmp = join(builds, `.tmp-${process.pid}-${Date.now()}-${++named}`);
  const startedAt = Date.now();
  let result;
  building++;
  try {
    result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: entries,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      plugins: [sourceUrls(tmp), packagesOutside()],
      outdir: tmp,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunk-[hash]',
      sourcemap: 'linked',
      metafile: true,
      logLevel: 'silent',
    });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    // esbuild's service process would otherwise live as long as the product that built at its start; it is shared
    // by this process' builds, so stopped by the last one to finish.
    if (--building === 0) await esbuild.stop();
  }
  const inputs = {};
  const read = Object.keys(result.metafile.inputs).map((rel) => rel.replace(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+\/).*$/, '$1package.json'));
  for (const rel of new Set([...builderFiles, ...read])) {
    const print = fingerprint(root, rel);
    // Written since the build started: it may have changed under esbuild, so this build must never count as fresh.
    const mtimeMs = print === 'gone' ? 0 : statSync(join(root, rel)).mtimeMs;
    inputs[rel] = mtimeMs >= startedAt ? 'changed-during-build' : print;
  }
  const bundles = {};
  for (const [out, meta] of Object.entries(result.metafile.outputs)) {
    if (meta.entryPoint) bundles[posix(meta.entryPoint)] = posix(relative(tmp, join(root, out)));
  }
  const key = createHash('sha256').update(JSON.stringify({ FORMAT, root, inputs })).digest('hex').slice(0, 16);
  const manifest = { format: FORMAT, root, builtAt: new Date(startedAt).toISOString(), entries: bundles, inputs };
  writeFileSync(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  const dir = join(builds, key);
  try {
    renameSync(tmp, dir);
  } catch (err) {
    // Another process built the same inputs first: its folder is the same build.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(dir, 'manifest.json'))) throw err;
  }
  const current = join(builds, 'current.json');
  const pointer = `${current}.${process.pid}-${Date.now()}-${++named}`;
  writeFileSync(pointer, JSON.stringify({ key }));
  renameSync(pointer, current);
  prune(builds, key);
  return { ...describe(dir, key, manifest), built: true };
}

/**
 * Removes old builds: all but the newest few, and only those over a day old (a process started from one may still
 * start worker threads from it). Leftover temporary folders of builds that died go after a day too.
 */
function prune(builds, keep) {
  const DAY = 24 * 3600 * 1000;
  const KEEP = 3;
  let names;
  try {
    names = readdirSync(builds, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== keep);
  } catch {
    return;
  }
  const aged = names
    .map((d) => ({ name: d.name, mtimeMs: statSync(join(builds, d.name)).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  aged.forEach((d, i) => {
    if ((i >= KEEP - 1 || d.name.startsWith('.tmp-')) && Date.now() - d.mtimeMs > DAY) rmSync(join(builds, d.name), { recursive: true, force: true });
  });
}
