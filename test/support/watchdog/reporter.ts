/**
 * A watchdog for test files that never end. Vitest's test and hook timeouts run inside the fork, so a fork whose
 * event loop is blocked (a synchronous wait that never returns) stops the whole run with no word of which file it
 * was: CI then ends at its own limit with nothing to read. This reporter, in the main process, notes when each
 * file starts; past `TEST_WATCHDOG_WARN_MIN` (default 8) it prints the file, its running test and the process
 * tree (with each process's kernel wait channel); past `TEST_WATCHDOG_KILL_MIN` (default 15) it prints the fork's
 * native stack (gdb, where installed), then kills the fork and its children. Vitest then reports that file as failed and goes on,
 * so the run ends with its summary. The slowest file takes about 2 minutes on an idle 2-core machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { watchdogDir } from './paths.js';

const minutes = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

interface Running {
  startedAt: number;
  test: string | null;
  warned: boolean;
  killed: boolean;
}

export default class WatchdogReporter implements Reporter {
  private readonly dir = watchdogDir(process.pid);
  private readonly warnMs = minutes('TEST_WATCHDOG_WARN_MIN', 8) * 60_000;
  private readonly killMs = minutes('TEST_WATCHDOG_KILL_MIN', 15) * 60_000;
  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | null = null;
  /** What the watchdog stopped, said again at the very end, where CI shows the last lines of a run. */
  private readonly stopped: string[] = [];

  onInit(): void {
    mkdirSync(this.dir, { recursive: true });
    this.timer = setInterval(() => this.check(), Math.min(10_000, this.warnMs / 3));
    this.timer.unref();
  }

  onTestModuleStart(mod: TestModule): void {
    this.running.set(mod.moduleId, { startedAt: Date.now(), test: null, warned: false, killed: false });
  }

  onTestCaseReady(test: TestCase): void {
    const r = this.running.get(test.module.moduleId);
    if (r) r.test = test.fullName;
  }

  onTestModuleEnd(mod: TestModule): void {
    this.running.delete(mod.moduleId);
  }

  onTestRunEnd(): void {
    if (this.timer) clearInterval(this.timer);
    rmSync(this.dir, { recursive: true, force: true });
    if (this.stopped.length > 0) this.say(`stopped ${this.stopped.length} file(s) that never ended (details above):\n  ${this.stopped.join('\n  ')}`);
  }

  private check(): void {
    const now = Date.now();
    for (const [file, r] of this.running) {
      const ms = now - r.startedAt;
      if (!r.warned && ms >= this.warnMs) {
        r.warned = true;
        this.say(`${file} has run for ${duration(ms)}; running test: ${r.test ?? UNREPORTED}`);
        this.say(processTree());
      }
      if (!r.killed && ms >= this.killMs) {
        r.killed = true;
        const pid = this.forkOf(file);
        this.stopped.push(`${file} after ${duration(ms)}, in test: ${r.test ?? UNREPORTED}`);
        this.say(`${file} has run for ${duration(ms)}: stopping its fork (pid ${pid ?? 'unknown'}); running test: ${r.test ?? UNREPORTED}`);
        if (pid !== null) {
          this.say(this.nativeStack(pid));
          for (const p of [...descendants(pid), pid]) {
            try {
              process.kill(p, 'SIGKILL');
            } catch {
              // Already gone.
            }
          }
        }
      }
    }
  }

  private forkOf(file: string): number | null {
    let best: number | null = null;
    for (const name of safeReaddir(this.dir)) {
      if (!name.endsWith('.file')) continue;
      const pid = Number(name.slice(0, -'.file'.length));
      if (readFileSync(join(this.dir, name), 'utf8') === file && alive(pid)) best = pid;
    }
    return best;
  }

  /** The fork's native stack (what it is blocked in: a child it waits for, a lock, Atomics.wait), where gdb is installed. */
  private nativeStack(pid: number): string {
    try {
      const out = execFileSync('gdb', ['-p', String(pid), '-batch', '-ex', 'bt 40'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
      return `native stack of pid ${pid}:\n${out.split('\n').filter((l) => l.startsWith('#')).join('\n')}`;
    } catch (err) {
      return `(no native stack of pid ${pid}: ${(err as Error).message.split('\n')[0]})`;
    }
  }

  private say(text: string): void {
    process.stderr.write(`\n[test watchdog] ${text}\n`);
  }
}

// A fork reports its test's start in batches; one blocked since before the batch left has reported nothing.
const UNREPORTED = '(not reported: the fork blocked before saying)';

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

function safeReaddir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function processTree(): string {
  try {
    return execFileSync('ps', ['-eo', 'pid,ppid,etimes,stat,wchan:28,args', '--forest'], { encoding: 'utf8', timeout: 5000 })
      .split('\n')
      // Kernel threads ([kworker/…]) say nothing about the run.
      .filter((l) => !/^\s*\d+\s+2\s/.test(l) && !/ \[kthreadd\]$/.test(l))
      .map((l) => l.slice(0, 220))
      .join('\n');
  } catch (err) {
    return `(ps failed: ${String(err)})`;
  }
}

function descendants(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-eo', 'pid,ppid'], { encoding: 'utf8', timeout: 5000 });
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of out.trim().split('\n').slice(1)) {
    const [p, pp] = line.trim().split(/\s+/).map(Number) as [number, number];
    children.set(pp, [...(children.get(pp) ?? []), p]);
  }
  const found: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      found.push(c);
      walk(c);
    }
  };
  walk(pid);
  return found;
}
