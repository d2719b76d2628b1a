/**
 * `node bin/centralita.mjs <command>` in a child process, with every line it writes (stdout and stderr) kept and a
 * wait for the line that says it is up. The product (`start`) and cluster nodes (`node`) are spawned through it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type ProcessExit = { code: number | null; signal: NodeJS.Signals | null };

export interface CliProcess {
  child: ChildProcess;
  /** Every line written, oldest first. */
  readonly lines: readonly string[];
  readonly exited: Promise<ProcessExit>;
  /**
   * The first capture group of the first line matching `pattern` (lines already written included); rejects after
   * `timeoutMs`, or when the process exits first, with its last lines.
   */
  waitForLine(pattern: RegExp, timeoutMs: number, what: string): Promise<string>;
}

/** Spawns the CLI with only PATH and HOME from this process' environment, plus `env`. */
export function spawnCli(command: string, env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, ['bin/centralita.mjs', command], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const listeners = new Set<(l: string) => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    let buf = '';
    stream.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        for (const l of listeners) l(line);
      }
    });
  }
  const exited = new Promise<ProcessExit>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const waitForLine = (pattern: RegExp, timeoutMs: number, what: string) =>
    new Promise<string>((res, rej) => {
      const tail = () => lines.slice(-30).join('\n');
      const timer = setTimeout(() => {
        listeners.delete(check);
        rej(new Error(`no ${what} within ${timeoutMs} ms:\n${tail()}`));
      }, timeoutMs);
      function check(l: string): void {
        const m = pattern.exec(l);
        if (!m) return;
        clearTimeout(timer);
        listeners.delete(check);
        res(m[1]!);
      }
      for (const l of lines) check(l);
      listeners.add(check);
      void exited.then((e) => {
        clearTimeout(timer);
        listeners.delete(check);
        rej(new Error(`${command} exited (${e.code ?? e.signal}) before it was up:\n${tail()}`));
      });
    });
  return { child, lines, exited, waitForLine };
}
