/**
 * Builds the web app when `web/dist` is missing or was built from other sources: a sha256 over every source file
 * (paths and contents, so a fresh clone's checkout times do not matter) is kept in `dist/.source-hash`. Used by
 * `npm start` (before the server starts), `npm test` (vitest global setup, before the browser tests) and
 * `npm run build:web` (always builds).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The browser app's workspace (web/, beside app/). */
export const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));
export const WEB_DIST = join(WEB_DIR, 'dist');
const HASH_FILE = '.source-hash';
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'];

function walk(path: string, out: string[]): void {
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) walk(join(path, name), out);
  } else out.push(path);
}

/** Hash of everything the build reads from web/ (the lock file's exact versions included). */
export function webSourceHash(): string {
  const files: string[] = [];
  for (const s of SOURCES) walk(join(WEB_DIR, s), files);
  const h = createHash('sha256');
  for (const f of files) {
    h.update(relative(WEB_DIR, f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  const lock = join(WEB_DIR, '..', 'package-lock.json');
  if (existsSync(lock)) h.update(readFileSync(lock));
  return h.digest('hex');
}

export function webBuildIsFresh(hash = webSourceHash()): boolean {
  try {
    return existsSync(join(WEB_DIST, 'index.html')) && readFileSync(join(WEB_DIST, HASH_FILE), 'utf8').trim() === hash;
  } catch {
    return false;
  }
}

function viteBin(): string {
  const req = createRequire(join(WEB_DIR, 'package.json'));
  const pkgPath = req.resolve('vite/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { bin: Record<string, string> | string };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.vite!;
  return join(dirname(pkgPath), bin);
}

/** Runs `vite build` into a temporary folder and swaps it in, so a server reading dist never sees half a build. */
export async function buildWeb(o: { quiet?: boolean } = {}): Promise<{ ms: number }> {
  const started = Date.now();
  const hash = webSourceHash();
  const tmp = join(WEB_DIR, `.dist-tmp-${process.pid}`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [viteBin(), 'build', '--outDir', tmp, '--emptyOutDir', '--logLevel', o.quiet ? 'error' : 'warn'], {
      cwd: WEB_DIR,
      stdio: ['ignore', o.quiet ? 'ignore' : 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}`))));
  });
  writeFileSync(join(tmp, HASH_FILE), `${hash}\n`);
  rmSync(WEB_DIST, { recursive: true, force: true });
  renameSync(tmp, WEB_DIST);
  return { ms: Date.now() - started };
}

/** Builds only when needed; `say` gets one line before a build starts and one when it ends. */
export async function ensureWebBuilt(say: (line: string) => void = () => {}): Promise<{ built: boolean; ms: number }> {
  if (webBuildIsFresh()) return { built: false, ms: 0 };
  say('Building the web app (web/dist is missing or older than its sources)…');
  const { ms } = await buildWeb({ quiet: true });
  say(`Web app built in ${(ms / 1000).toFixed(1)} s.`);
  return { built: true, ms };
}
