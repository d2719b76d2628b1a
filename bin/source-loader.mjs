// What a worker thread's entry file (*.mjs beside its module) uses to load its TypeScript module: the precompiled
// bundle of it when the process runs from the server build (bin/server-build.mjs), else the source through tsx —
// registered in this thread on first need (a worker thread has its own module loader). bin/centralita.mjs tells
// the threads which build it runs from by CENTRALITA_SERVER_BUILD (worker threads get a copy of process.env); with
// no such variable (vitest, a script importing the sources) everything runs from the sources, as before.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT_URL = new URL('..', import.meta.url);

let entries;
/** Bundles of the build in use, by the source file's URL (empty without a build). */
function builtEntries() {
  if (entries) return entries;
  entries = new Map();
  const dir = process.env['CENTRALITA_SERVER_BUILD'];
  if (!dir) return entries;
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    for (const [source, out] of Object.entries(manifest.entries)) entries.set(new URL(source, ROOT_URL).href, pathToFileURL(join(dir, out)).href);
    // Stack traces (logs, crash reports) name the TypeScript sources, not the bundle's chunks: the build writes source
    // maps, and each thread turns their use on for itself (a worker does not inherit the main thread's switch).
    process.setSourceMapsEnabled(true);
  } catch {
    // The build named is gone: the sources it was made from are still here.
  }
  return entries;
}

let tsx;
function useTsx() {
  tsx ??= import('tsx/esm/api').then((m) => {
    m.register();
  });
  return tsx;
}

/**
 * The URL to import for a module given by URL: its bundle when built, else itself (tsx then registered when it is
 * TypeScript). For module URLs passed around at run time (the AMD detector a media worker loads).
 */
export async function moduleUrl(url) {
  const href = String(url);
  const built = builtEntries().get(href);
  if (built) return built;
  if (/\.[cm]?tsx?$/.test(new URL(href).pathname)) await useTsx();
  return href;
}

/** Imports a module given by URL (a source file's), from its bundle when built. */
export async function importSource(url) {
  return import(await moduleUrl(url));
}
