/**
 * Two `centralita node` processes with one NODE_ID on one PostgreSQL (#18, app/node/node-claim.ts). The second is
 * refused while the first heartbeats: exit 3, a message naming the id and where the first runs (host, pid), the
 * first untouched. A first holder frozen (SIGSTOP) while a second waits: its heartbeat ages past the TTL, the second
 * takes the NODE_ID over, and the first, thawed, finds its row another's and exits 1 without marking it stopped. A
 * node killed with -9 and started again at once (its heartbeat still fresh) starts: its process is gone from this host.
 * A holder on another host whose heartbeat stops while a start waits on it: taken once it is older than the TTL.
 */
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePg, openPgPool, type PgPool } from '../../engine/store/pg/index.js';
import { spawnCli, type CliProcess } from '../support/cli-process.js';
import { startNodeProcess, type NodeProcess } from '../support/node-process.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';

const NODE = 'node-log-dup';
const TTL_MS = 2000;
let db: TestDatabase;
let pool: PgPool;
const started: NodeProcess[] = [];
const spawned: CliProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase('ct_node_log_dup');
  pool = openPgPool(db.url, { max: 1 });
  await migratePg(pool);
}, 60_000);

afterAll(async () => {
  for (const n of started) {
    try {
      process.kill(n.pid, 'SIGCONT');
    } catch {
      /* gone */
    }
    await n.kill9().catch(() => undefined);
  }
  for (const p of spawned) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
  await pool?.end();
  await db?.drop();
}, 60_000);

let rtp = 44_600;
const env = () => {
  rtp += 100;
  return {
    DATABASE_URL: db.url,
    NODE_ID: NODE,
    NODE_HEARTBEAT_MS: '250',
    NODE_TTL_MS: String(TTL_MS),
    QUEUE_LOG_FILE: 'off',
    RTP_PORT_MIN: String(rtp),
    RTP_PORT_MAX: String(rtp + 99),
    SHUTDOWN_GRACE_SECONDS: '0',
    LOG_LEVEL: 'info',
  };
};

const start = async () => {
  const n = await startNodeProcess({ env: env() });
  started.push(n);
  return n;
};
type Instance = { id: string; pid: number; host: string; claimWaitedMs: number; previous: { pid: number | null; host: string | null } | null };
const instanceOf = async (n: NodeProcess) => (await n.health()).body['instance'] as Instance;
const row = async () => (await pool.query(`select state, pid, host, instance_id from cluster_nodes where id = $1`, [NODE])).rows[0] as { state: string; pid: number; host: string; instance_id: string };

describe('one NODE_ID, one process', () => {
  it('a second process is refused while the first heartbeats; a frozen first is taken over after the TTL; a kill -9 restarts at once; a heartbeat that stops while a start waits', async () => {
    const a = await start();
    try {
      const mine = await instanceOf(a);
      expect(mine).toMatchObject({ pid: a.pid, host: hostname(), previous: null });

      // A second process with the same NODE_ID: refused, naming the id and where the first runs.
      const askedAt = Date.now();
      const dup = spawnCli('node', { HEALTH_PORT: '0', ...env() });
      // From its database being ready (the process loaded, migrations checked) to its refusal.
      const readyAt = await dup.waitForLine(/(PostgreSQL ready)/, 60_000, 'PostgreSQL ready').then(() => Date.now());
      const exit = await dup.exited;
      const refusedMs = Date.now() - readyAt;
      const spawnedMs = Date.now() - askedAt;
      expect(exit.code).toBe(3);
      const said = dup.lines.join('\n');
      expect(said).toContain(`NODE_ID ${NODE} is already running (${hostname()}, pid ${a.pid}, instance ${mine.id}`);
      expect(said).not.toMatch(/: health http/);
      // The first goes on, its row its own.
      expect((await a.health()).status).toBe(200);
      expect(await row()).toMatchObject({ state: 'up', pid: a.pid, instance_id: mine.id });

      // The first freezes while a second starts: its heartbeat ages past the TTL and the second takes over.
      process.kill(a.pid, 'SIGSTOP');
      const frozenAt = Date.now();
      const b = await start();
      const tookMs = Date.now() - frozenAt;
      const bi = await instanceOf(b);
      expect(bi.previous).toMatchObject({ pid: a.pid, host: hostname() });
      expect(await row()).toMatchObject({ state: 'up', pid: b.pid });
      // Thawed, the first finds its row another's: it exits 1 and leaves the row as the second has it.
      process.kill(a.pid, 'SIGCONT');
      expect((await a.exited).code).toBe(1);
      expect(a.lines.join('\n')).toContain('another process took this NODE_ID over');
      expect(await row()).toMatchObject({ state: 'up', pid: b.pid });
      expect((await b.health()).status).toBe(200);

      // kill -9 and an immediate restart: the heartbeat left is fresh, but its process is gone from this host.
      await b.kill9();
      const c = await start();
      const ci = await instanceOf(c);
      expect(ci.previous).toMatchObject({ pid: b.pid });
      expect(ci.claimWaitedMs).toBeLessThan(TTL_MS);
      expect(await row()).toMatchObject({ state: 'up', pid: c.pid });
      expect((await c.sigterm()).code).toBe(0);
      expect(await row()).toMatchObject({ state: 'stopped', pid: c.pid });

      // A holder on another host whose heartbeat stops while a start waits on it. The test holds the row locked, so
      // the start's claim blocks on it; it then writes a holder that has just beaten and lets go: the start sees a
      // fresh heartbeat that never moves again, waits for it to be older than the TTL, and takes the NODE_ID.
      const lockPool = openPgPool(db.url, { max: 1 });
      const lock = await lockPool.connect();
      const d = spawnCli('node', { HEALTH_PORT: '0', ...env() });
      spawned.push(d);
      try {
        await lock.query('begin');
        await lock.query(`select id from cluster_nodes where id = $1 for update`, [NODE]);
        await d.waitForLine(/(PostgreSQL ready)/, 60_000, 'PostgreSQL ready');
        await new Promise((r) => setTimeout(r, 300));
        await lock.query(`update cluster_nodes set state = 'up', instance_id = 'ghost', host = 'other-host', pid = 1, heartbeat_at = $2 where id = $1`, [NODE, Date.now()]);
        await lock.query('commit');
      } finally {
        lock.release();
        await lockPool.end();
      }
      const dHealth = await d.waitForLine(/: health (http:\/\/\S+)/, 60_000, 'health line');
      const di = ((await (await fetch(dHealth)).json()) as { instance: Instance }).instance;
      expect(di.previous).toMatchObject({ host: 'other-host', pid: 1 });
      expect(di.claimWaitedMs).toBeGreaterThanOrEqual(TTL_MS - 500);
      expect(await row()).toMatchObject({ state: 'up', pid: d.child.pid });
      d.child.kill('SIGTERM');
      expect((await d.exited).code).toBe(0);
      console.log(`node-duplicate-id: duplicate refused ${refusedMs} ms after its database was ready (${spawnedMs} ms after it was spawned; heartbeat 250 ms); frozen holder taken over ${tookMs} ms after SIGSTOP (of which the claim waited ${bi.claimWaitedMs} ms; TTL ${TTL_MS} ms); restart after kill -9 waited ${ci.claimWaitedMs} ms; a holder on another host silent while a start waited: taken after ${di.claimWaitedMs} ms`);
    } catch (err) {
      for (const n of started) console.log(`--- pid ${n.pid} ---\n${n.lines.slice(-20).join('\n')}`);
      throw err;
    }
  }, 120_000);
});
