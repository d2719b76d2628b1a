/**
 * The product as an operator runs it: `node bin/centralita.mjs start` in a child process, so a test can do what
 * a call center's ops do to it — SIGTERM, `kill -9`, start it again on the same database — and time it.
 */
import { spawnCli } from './cli-process.js';

export interface ProductProcess {
  pid: number;
  /** http://127.0.0.1:PORT of the API (from the banner line). */
  url: string;
  /** Every line it wrote (stdout and stderr), oldest first. */
  readonly lines: readonly string[];
  /** GET /health: HTTP status and body. */
  health(): Promise<{ status: number; body: Record<string, unknown> }>;
  /** One API request as `admin` (ADMIN_PASSWORD from the env given at start); status and parsed body. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** SIGTERM, then waits for the exit (up to `timeoutMs`, then SIGKILL); how long it took and how it ended. */
  sigterm(timeoutMs?: number): Promise<{ ms: number; code: number | null; signal: NodeJS.Signals | null }>;
  /** `kill -9`: no clean-up of any kind. */
  kill9(): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartProductOptions {
  env: Record<string, string>;
  /** Max wait for the banner line (default 60 s). */
  timeoutMs?: number;
}

/** Spawns the product and resolves once its banner says the API is up. */
export async function startProductProcess(o: StartProductOptions): Promise<ProductProcess> {
  const { child, lines, exited, waitForLine } = spawnCli('start', { HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', ...o.env });
  const url = await waitForLine(/Health: (http:\/\/[^/\s]+)\/health/, o.timeoutMs ?? 60_000, 'banner');
  let token: string | null = null;
  const request = async (method: string, path: string, body?: unknown, auth = true) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(auth && token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(5000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed };
  };
  return {
    pid: child.pid!,
    url,
    lines,
    exited,
    async api(method, path, body) {
      if (!token) {
        const login = await request('POST', '/api/auth/login', { username: 'admin', password: o.env['ADMIN_PASSWORD'] }, false);
        if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
        token = (login.body as { access_token: string }).access_token;
      }
      return request(method, path, body);
    },
    async health() {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async sigterm(timeoutMs = 30_000) {
      const started = Date.now();
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const end = await exited;
      clearTimeout(killer);
      return { ms: Date.now() - started, ...end };
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
