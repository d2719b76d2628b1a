/**
 * `node bin/centralita.mjs node` in a child process (#18: one engine node of a cluster on PostgreSQL), so a test
 * can run several, `kill -9` one and watch the others. Resolves once the node prints its /health URL.
 */
import { spawnCli } from './cli-process.js';

export interface NodeProcess {
  pid: number;
  nodeId: string;
  healthUrl: string;
  readonly lines: readonly string[];
  health(): Promise<{ status: number; body: Record<string, unknown> }>;
  kill9(): Promise<void>;
  sigterm(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startNodeProcess(o: { env: Record<string, string>; timeoutMs?: number }): Promise<NodeProcess> {
  const { child, lines, exited, waitForLine } = spawnCli('node', { HEALTH_PORT: '0', ...o.env });
  const healthUrl = await waitForLine(/: health (http:\/\/\S+)/, o.timeoutMs ?? 60_000, 'health line');
  return {
    pid: child.pid!,
    nodeId: o.env['NODE_ID'] ?? '',
    healthUrl,
    lines,
    exited,
    async health() {
      const r = await fetch(healthUrl);
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async sigterm(ms = 30_000) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), ms);
      const e = await exited;
      clearTimeout(t);
      return e;
    },
  };
}
