/**
 * Worker threads that tests start inside vitest's forks (an in-process product's engine thread, the AMD media
 * workers) load the server build the global setup made, not the sources through tsx: the setup hands the build to
 * every fork by CENTRALITA_SERVER_BUILD (test/support/web-build.global.ts). A thread is started here as the product
 * starts them, and asked which file its module loader takes, and where an error thrown in the build says it was.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';

const loader = new URL('../../bin/source-loader.mjs', import.meta.url).href;
const mediaServe = new URL('../../engine/media/worker/serve.ts', import.meta.url).href;

/** What bin/source-loader.mjs resolves `source` to, asked from a fresh worker thread (its env a copy of ours). */
function resolvedInThread(source: string): Promise<string> {
  const code = `import { parentPort } from 'node:worker_threads'; import { moduleUrl } from ${JSON.stringify(loader)}; parentPort.postMessage(await moduleUrl(${JSON.stringify(source)}));`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  return new Promise((resolve, reject) => {
    worker.once('message', (url: string) => {
      void worker.terminate();
      resolve(url);
    });
    worker.once('error', reject);
  });
}

it("a worker thread started in a test fork loads the global setup's server build", async () => {
  const build = process.env['CENTRALITA_SERVER_BUILD'];
  expect(build, 'CENTRALITA_SERVER_BUILD in the fork').toMatch(/[/\\]dist[/\\]server[/\\]/);
  const url = await resolvedInThread(mediaServe);
  expect(url).not.toBe(mediaServe);
  const file = fileURLToPath(url);
  expect(file.startsWith(build!)).toBe(true);
  expect(existsSync(file)).toBe(true);
});

it('a stack trace from the build names the TypeScript source, in a worker thread too', async () => {
  const amd = new URL('../../engine/amd/index.ts', import.meta.url).href;
  // decodeAmdTrace on text that is not JSON: JSON.parse throws inside it (engine/amd/trace-codec.ts).
  const code =
    `import { parentPort } from 'node:worker_threads'; import { moduleUrl } from ${JSON.stringify(loader)};` +
    `const m = await import(await moduleUrl(${JSON.stringify(amd)}));` +
    `try { m.decodeAmdTrace('not a trace'); } catch (e) { parentPort.postMessage({ stack: e.stack, from: await moduleUrl(${JSON.stringify(amd)}) }); }`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  const { stack, from } = await new Promise<{ stack: string; from: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  expect(from).toMatch(/[/\\]dist[/\\]server[/\\]/);
  expect(stack).toMatch(/at (?:Module\.)?decodeAmdTrace \(.*[/\\]engine[/\\]amd[/\\]trace-codec\.ts:\d+:\d+\)/);
});
