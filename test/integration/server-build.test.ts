/**
 * The server's precompiled build (bin/server-build.mjs) never runs stale code: bin/centralita.mjs runs a tree's
 * build only while every input is as the build read it, and builds again otherwise; its worker threads follow
 * (bin/source-loader.mjs). Played on a small tree of its own (the real bin/ files, stub modules at the entries'
 * paths), so editing a source here does not touch the build the other tests' products run from.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, currentBuild, ENTRIES } from '../../bin/server-build.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);
/** The tree's engine thread: says what the CLI says. */
const WORKER =
  "import { parentPort } from 'node:worker_threads';\nimport { origin } from './origin.js';\nimport { value } from './value.js';\nparentPort!.postMessage(`${value} ${origin()}`);\n";

describe('the server build', () => {
  let root: string;
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  /**
   * An edit finished before a build in this process starts. A file written in the millisecond a build starts in
   * counts as changed during that build (bin/server-build.mjs: such a build is never fresh), so two builds started
   * just before and just after a millisecond's end would rightly differ: CI once saw the racing builds below get two
   * keys. Dated a second back, the edit is unambiguously older than both builds.
   */
  const editBefore = (rel: string, text: string) => {
    write(rel, text);
    const past = new Date(Date.now() - 1000);
    utimesSync(join(root, rel), past, past);
  };
  /** The tree's CLI: what it and its worker thread say about themselves (value, where the code came from). */
  const cli = async (env: Record<string, string> = {}) => {
    const { stdout } = await run(process.execPath, ['bin/centralita.mjs'], { cwd: root, env: { PATH: process.env['PATH'] ?? '', ...env } });
    return JSON.parse(stdout) as { main: string; worker: string };
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'centralita-server-build-'));
    cpSync(join(REPO, 'bin'), join(root, 'bin'), { recursive: true });
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
    write('package.json', '{ "type": "module" }\n');
    write('tsconfig.json', '{}\n');
    for (const source of Object.values(ENTRIES)) write(source, 'export {};\n');
    // Where code runs from, told by the file V8 runs it from: a bundle of dist/server or the source file. Read from the
    // raw call sites: a formatted stack names the source either way once the build's source maps are on, and the build
    // keeps each module's own import.meta.url.
    write(
      'app/origin.ts',
      [
        'export const origin = (): string => {',
        '  const format = Error.prepareStackTrace;',
        '  Error.prepareStackTrace = (_e, sites) => sites;',
        '  const sites = new Error().stack as unknown as NodeJS.CallSite[];',
        '  Error.prepareStackTrace = format;',
        "  return sites[0]?.getFileName()?.includes('/dist/server/') ? 'build' : 'source';",
        '};',
      ].join('\n'),
    );
    write('app/value.ts', 'export const value: number = 1;\n');
    write(
      'app/cli/main.ts',
      [
        "import { Worker } from 'node:worker_threads';",
        "import { origin } from '../origin.js';",
        "import { value } from '../value.js';",
        'export async function main(): Promise<number> {',
        "  const worker = new Worker(new URL('../engine-worker-entry.mjs', import.meta.url));",
        "  const said = await new Promise((r) => worker.once('message', r));",
        '  await worker.terminate();',
        '  process.stdout.write(JSON.stringify({ main: `${value} ${origin()}`, worker: said }));',
        '  return 0;',
        '}',
      ].join('\n'),
    );
    write('app/engine-worker-entry.mjs', "import { importSource } from '../bin/source-loader.mjs';\nawait importSource(new URL('./engine-worker.ts', import.meta.url));\n");
    write('app/engine-worker.ts', WORKER);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('runs the CLI and its worker thread from the build; an edited source is built again before it runs, never run stale; tsx on request', async () => {
    expect(await cli()).toEqual({ main: '1 build', worker: '1 build' });
    const first = currentBuild({ root });
    expect(first).not.toBeNull();

    write('app/value.ts', 'export const value: number = 2;\n');
    expect(currentBuild({ root }), 'an edited input makes the build stale').toBeNull();
    expect(await cli()).toEqual({ main: '2 build', worker: '2 build' });
    const second = currentBuild({ root });
    expect(second?.key).not.toBe(first!.key);
    // The older build is left whole for a process still running from it.
    expect(readdirSync(join(root, 'dist/server'))).toEqual(expect.arrayContaining([first!.key, second!.key]));

    expect(await cli({ CENTRALITA_FROM_SOURCE: '1' })).toEqual({ main: '2 source', worker: '2 source' });
  });

  it('a removed input makes the build stale; builds racing each other agree on one whole build', async () => {
    editBefore('app/gone.ts', 'export {};\n');
    editBefore('app/engine-worker.ts', `import './gone.js';\n${WORKER}`);
    await buildServer({ root });
    expect(currentBuild({ root })).not.toBeNull();
    rmSync(join(root, 'app/gone.ts'));
    expect(currentBuild({ root })).toBeNull();

    editBefore('app/engine-worker.ts', WORKER);
    const [a, b] = await Promise.all([buildServer({ root, force: true }), buildServer({ root, force: true })]);
    expect(a.key).toBe(b.key);
    expect(currentBuild({ root })?.key).toBe(a.key);
    expect(await cli()).toEqual({ main: '2 build', worker: '2 build' });
  });
});
