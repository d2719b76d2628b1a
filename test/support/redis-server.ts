/**
 * A private redis-server (Debian's) on a free port, for tests that take Redis away: the shared one on 6379 must
 * not be stopped. `stop()` kills it (SIGKILL: Redis gone as in a crash), `start()` brings it back on the same port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freeTcpPort } from './real-asterisk.js';

export interface PrivateRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const answers = (port: number): Promise<boolean> =>
  new Promise((res) => {
    const c = createConnection({ host: '127.0.0.1', port });
    c.once('connect', () => {
      c.end();
      res(true);
    });
    c.once('error', () => res(false));
  });

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freeTcpPort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await answers(port))) {
      if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGKILL');
    await gone;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start, close: stop };
}
