/**
 * A `centralita node`'s queue_log lines that never reached PostgreSQL's `queue_log` table get there from the node's
 * own file at its next start (#18, app/queue-log-catch-up.ts). Real processes, a real PostgreSQL reached through a
 * TCP proxy the test cuts (test/support/tcp-proxy.ts), the node's embedded PBX placing short calls for its agents:
 *
 * 1. PostgreSQL cut while calls go on: their lines reach the file, not the table; the node is killed with -9 and
 *    started again → the table holds the file's lines, seq 1…n in the file's order, the same text.
 * 2. A clean stop with PostgreSQL away: the agents' log-off lines wait, the stop gives them a bounded time and exits
 *    (well within 15 s); the next start puts them in the table.
 * 3. Read again at that start and stopped cleanly with PostgreSQL there: the table equals the file, line for line,
 *    nothing twice.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueLogLineOf, type QueueLogCatchUpStatus } from '../../app/index.js';
import { pacingPhone } from '../../engine/sim/index.js';
import { openStore } from '../../engine/store/index.js';
import { copySqliteToPg, migratePg, openPgPool, PgCampaigns, PgQueueLog, type PgPool } from '../../engine/store/pg/index.js';
import { startNodeProcess, type NodeProcess } from '../support/node-process.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { until } from '../support/until.js';

const NODE = 'node-log-ql';
const CAMPAIGN = 'c-node-log';
let db: TestDatabase;
let pool: PgPool;
let proxy: TcpProxy;
let dir: string;
let file: string;
const started: NodeProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase('ct_node_log_ql');
  pool = openPgPool(db.url, { max: 2 });
  await migratePg(pool);
  dir = mkdtempSync(join(tmpdir(), 'node-log-ql-'));
  file = join(dir, 'queue_log');
  const at = Date.now();
  const s = openStore(join(dir, 'seed.db'));
  s.campaigns.create(
    CAMPAIGN,
    { name: 'Catch-up', dialMode: 'progressive', dialStringTemplate: 'PJSIP/{e164}@trunk', callingHours: { start: '00:00', end: '24:00' }, weekdays: [1, 2, 3, 4, 5, 6, 7], wrapUpS: 0, maxAttempts: 1 },
    at,
  );
  s.transaction(() => s.leads.insertMany(Array.from({ length: 300 }, (_, i) => ({ campaignId: CAMPAIGN, phoneE164: pacingPhone(i), phoneRaw: pacingPhone(i), timeZone: 'America/New_York', synthetic: true })), at));
  for (let i = 1; i <= 3; i++) s.agents.upsert({ id: `ag-${i}`, kind: 'human', name: `Agent ${i}`, endpoint: `PJSIP/100${i}`, nodeId: NODE, createdAt: at });
  s.campaigns.command(CAMPAIGN, 'start', at);
  s.close();
  await copySqliteToPg({ from: join(dir, 'seed.db'), to: db.url });
  const u = new URL(db.url);
  proxy = await startTcpProxy({ host: u.hostname, port: Number(u.port || 5432) });
}, 90_000);

afterAll(async () => {
  for (const n of started) await n.kill9().catch(() => undefined);
  await proxy?.close();
  await pool?.end();
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

const viaProxy = () => {
  const u = new URL(db.url);
  u.host = `127.0.0.1:${proxy.port}`;
  return u.toString();
};

const start = async () => {
  const n = await startNodeProcess({
    env: {
      DATABASE_URL: viaProxy(),
      NODE_ID: NODE,
      SIM_SCENARIO: 'two-nodes-dense',
      QUEUE_LOG_FILE: file,
      CAMPAIGN_POLL_MS: '200',
      RTP_PORT_MIN: '44900',
      RTP_PORT_MAX: '44999',
      LOG_LEVEL: 'info',
    },
  });
  started.push(n);
  return n;
};

const fileLines = (): string[] => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
};
/** The node's table rows in seq order, as [seq, line]. */
const tableLines = async (): Promise<Array<[number, string]>> =>
  (await new PgQueueLog(pool).readAfter({}, 1_000_000)).filter((r) => r.nodeId === NODE).sort((a, b) => a.seq - b.seq).map((r) => [r.seq, queueLogLineOf(r)]);
const numbered = (ls: string[]) => ls.map((l, i): [number, string] => [i + 1, l]);
const catchUpOf = async (n: NodeProcess) => (await n.health()).body['queueLogCatchUp'] as QueueLogCatchUpStatus;

describe('a node\'s queue_log table catches up from its file', () => {
  it('kill -9 with PostgreSQL cut, then a clean stop with PostgreSQL away: each next start puts the file\'s missing lines in the table', async () => {
    try {
      // 1. Calls on, PostgreSQL cut: the lines of the calls still live go to the file only; then kill -9.
      const first = await start();
      expect(await catchUpOf(first)).toMatchObject({ outcome: 'no-file', inserted: 0 });
      await until(async () => ((await tableLines()).filter(([, l]) => /\|CONNECT\|/.test(l)).length >= 2 ? true : undefined), 60_000, 200);
      await proxy.setMode('reset');
      const tableAtCut = (await tableLines()).length;
      // The calls live at the cut end on the embedded PBX (no new one is placed): their lines, one or more.
      await until(() => (fileLines().length > tableAtCut ? true : undefined), 30_000, 100);
      await new Promise((r) => setTimeout(r, 1000));
      await first.kill9();
      const atKill = fileLines();
      const tableAtKill = (await tableLines()).length;
      expect(tableAtKill).toBeLessThan(atKill.length);

      // Restarted (the campaign paused meanwhile, so that only the agents' lines follow): the table catches up.
      await proxy.setMode('forward');
      await new PgCampaigns(pool).command(CAMPAIGN, 'pause', Date.now());
      const second = await start();
      expect(await catchUpOf(second)).toMatchObject({ outcome: 'anchored', tableSeq: tableAtKill, inserted: atKill.length - tableAtKill, fromSeq: tableAtKill + 1, toSeq: atKill.length, malformed: 0 });
      expect((await tableLines()).slice(0, atKill.length)).toEqual(numbered(atKill));

      // 2. Everything in, PostgreSQL away, SIGTERM: the log-off lines wait for it a bounded time, then it exits.
      await until(async () => {
        const t = await tableLines();
        return t.length === fileLines().length && t.length > atKill.length ? true : undefined;
      }, 20_000, 100);
      const tableBeforeStop = (await tableLines()).length;
      await proxy.setMode('refuse');
      const stopAt = Date.now();
      const exit = await second.sigterm(30_000);
      const stopMs = Date.now() - stopAt;
      expect(exit.code).toBe(0);
      expect(stopMs).toBeLessThan(15_000);
      const atStop = fileLines();
      expect((await tableLines()).length).toBe(tableBeforeStop);
      expect(atStop.length).toBeGreaterThan(tableBeforeStop);
      expect(second.lines.join('\n')).toContain('the next start of this node puts them in the table');

      // 3. The next start puts them in; stopped with PostgreSQL there, the table equals the file, nothing twice.
      await proxy.setMode('forward');
      const third = await start();
      expect(await catchUpOf(third)).toMatchObject({ outcome: 'anchored', tableSeq: tableBeforeStop, inserted: atStop.length - tableBeforeStop, toSeq: atStop.length });
      expect((await third.sigterm(30_000)).code).toBe(0);
      const all = fileLines();
      expect(all.length).toBeGreaterThan(atStop.length);
      expect(await tableLines()).toEqual(numbered(all));
      console.log(
        `node-queue-log-catch-up: kill -9 left ${atKill.length - tableAtKill} of ${atKill.length} lines out of the table, caught up at the next start; ` +
          `a stop with PostgreSQL away left ${atStop.length - tableBeforeStop} (exit 0 after ${stopMs} ms), caught up too; the table equals the file (${all.length} lines)`,
      );
    } catch (err) {
      for (const n of started) console.log(`--- pid ${n.pid} ---\n${n.lines.slice(-25).join('\n')}`);
      throw err;
    }
  }, 240_000);
});
