/**
 * An engine node on PostgreSQL writes its agents' state changes to PostgreSQL's `agent_events` (#18), the log the
 * supervisors' figures read (PgCallMetrics: wrap-up, occupancy, pause time, AHT). Real parts: `runNode` in this
 * process on a fresh migrated database, its embedded PBX playing a short-call scenario, one agent of the node and a
 * progressive campaign. The agent goes READY, is reserved for a call, talks, wraps up and is READY again: those rows
 * land in `agent_events`, in order, with the call's id — and the metrics route built over PostgreSQL
 * (`pgCallMetrics`) shows the agent's wrap-up time. Without the node's writer the table stays empty and the
 * route's WRAP_UP figure is absent (what the product answered before).
 *
 * The same node writes the engine's own queue_log of its calls (issue #16) to its own disk (QUEUE_LOG_FILE), as
 * the SQLite product does: the agent's log-in and the bridged call's ENTERQUEUE / CONNECT / COMPLETE… lines, the
 * queue named after the campaign and the agent by name, in the format `queuelog:report` reads. A standalone
 * `centralita node` wrote none before.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_SERVICE_LEVEL_S, QueueLogAnalysis, readQueueLogFile } from '../../engine/analytics/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { pacingPhone } from '../../engine/sim/index.js';
import { openStore } from '../../engine/store/index.js';
import { pgAgentDirectory, pgCallHistory, pgCallMetrics, copySqliteToPg, PgQueueLog } from '../../engine/store/pg/index.js';
import { queueLogLineOf } from '../../app/index.js';
import { loadNodeConfig } from '../../app/node/node-config.js';
import { runNode, type RunningNode } from '../../app/node/run-node.js';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';
import { harness, type Harness } from '../unit/api/harness.js';

const CAMPAIGN = 'c-agent-events';
let db: MigratedTestDatabase;
let dir: string;
let node: RunningNode | undefined;
let h: Harness | undefined;

beforeAll(async () => {
  db = await openMigratedTestDatabase('node_writes_agent_events');
  dir = mkdtempSync(join(tmpdir(), 'node-agent-events-'));
  const at = Date.now();
  const s = openStore(join(dir, 'seed.db'));
  s.campaigns.create(
    CAMPAIGN,
    {
      name: 'Agent events',
      dialMode: 'progressive',
      dialStringTemplate: 'PJSIP/{e164}@trunk',
      callingHours: { start: '00:00', end: '24:00' },
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      wrapUpS: 2,
      maxAttempts: 1,
    },
    at,
  );
  // +1777nnnnnnn: each lead plays its fate from the PBX's scenario (short calls, most answered by people).
  s.transaction(() => s.leads.insertMany(Array.from({ length: 40 }, (_, i) => ({ campaignId: CAMPAIGN, phoneE164: pacingPhone(i), phoneRaw: pacingPhone(i), timeZone: 'America/New_York', synthetic: true })), at));
  s.agents.upsert({ id: 'ag-1', kind: 'human', name: 'Ana', endpoint: 'PJSIP/1001', nodeId: 'node-ev', createdAt: at });
  s.campaigns.command(CAMPAIGN, 'start', at);
  s.close();
  await copySqliteToPg({ from: join(dir, 'seed.db'), to: db.url });
}, 90_000);

afterAll(async () => {
  h?.close();
  await node?.stop(1000);
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

it('READY → RESERVED → TALKING → WRAP_UP → READY lands in agent_events, and the metrics over PostgreSQL show the wrap-up', async () => {
  const cfg = loadNodeConfig({
    DATABASE_URL: db.url,
    NODE_ID: 'node-ev',
    SIM_SCENARIO: 'two-nodes-dense',
    RTP_PORT_MIN: '46500',
    RTP_PORT_MAX: '46599',
    CAMPAIGN_POLL_MS: '200',
    LOG_LEVEL: 'warn',
    QUEUE_LOG_FILE: join(dir, 'node-ev', 'queue_log'),
  });
  node = await runNode(cfg, silentLogger, undefined, undefined, { pool: db.pool, healthServer: false });

  // A whole call of the agent: the wrap-up ended (WRAP_UP → READY) after a call that was bridged.
  type Ev = { agent_id: string; from_state: string; to_state: string; call_id: string | null; at: string | number };
  const events = await until(async () => {
    const rows = (await db.pool.query(`select agent_id, from_state, to_state, call_id, at from agent_events order by at, id`)).rows as Ev[];
    return rows.some((r) => r.from_state === 'WRAP_UP' && r.to_state === 'READY') ? rows : undefined;
  }, 90_000, 250);
  expect(new Set(events.map((e) => e.agent_id))).toEqual(new Set(['ag-1']));
  // The first: the node readied the agent it follows.
  expect(events[0]).toMatchObject({ from_state: 'LOGGED_OUT', to_state: 'READY' });
  // Each row starts where the previous one ended: nothing lost or reordered on the way.
  for (let i = 1; i < events.length; i++) expect(events[i]!.from_state).toBe(events[i - 1]!.to_state);
  const wrapStart = events.findIndex((e) => e.to_state === 'WRAP_UP');
  expect(events.slice(wrapStart - 2, wrapStart + 2).map((e) => e.to_state)).toEqual(['RESERVED', 'TALKING', 'WRAP_UP', 'READY']);
  // The wrap-up names the call it follows, a CallLog of this node in PostgreSQL.
  const callId = events[wrapStart]!.call_id;
  expect(callId).toBeTruthy();
  expect((await db.pool.query(`select node_id, agent_id from call_logs where id = $1`, [callId])).rows).toEqual([{ node_id: 'node-ev', agent_id: 'ag-1' }]);
  const wrapMs = Number(events[wrapStart + 1]!.at) - Number(events[wrapStart]!.at);
  expect(wrapMs).toBeGreaterThanOrEqual(1900);

  // The supervisors' figures built over PostgreSQL (what `npm start` on PostgreSQL serves) read those rows.
  h = harness({ callMetrics: pgCallMetrics(db.pool), agentDirectory: pgAgentDirectory(db.pool), callHistory: pgCallHistory(db.pool) });
  h.clock.advanceTo(Date.now() + 1000);
  const ana = h.addUser('ana', 'agent');
  await db.pool.query(`update agents set user_id = $1 where id = 'ag-1'`, [ana]);
  const token = await h.login('ana');
  const res = await h.json('GET', `/api/metrics/me?from=${new Date(Number(events[0]!.at) - 60_000).toISOString()}`, undefined, h.bearer(token));
  expect(res.status).toBe(200);
  const body = (await res.json()) as { calls_success: number; time_in_state: Record<string, number> };
  expect(body.calls_success).toBeGreaterThanOrEqual(1);
  expect(body.time_in_state['WRAP_UP']).toBeGreaterThanOrEqual(2);

  // /health's database fields: every write went through.
  expect(node.report().db).toMatchObject({ writable: true });

  // The node's own queue_log: that call's lines, queue = the campaign's name, agent = the agent's name.
  const file = join(dir, 'node-ev', 'queue_log');
  const lines = await until(() => {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    const mine = text.split('\n').filter((l) => l.split('|')[1] === callId);
    return mine.some((l) => /\|COMPLETE(AGENT|CALLER)\|/.test(l)) ? { all: text.split('\n').filter(Boolean), mine } : undefined;
  }, 10_000, 100);
  expect(lines.all.some((l) => l.endsWith('|NONE|NONE|Ana|AGENTLOGIN|Centralita/ag-1'))).toBe(true);
  expect(lines.mine.map((l) => l.split('|').slice(2, 5).join('|'))).toEqual(['Agent events|NONE|ENTERQUEUE', 'Agent events|Ana|CONNECT', expect.stringMatching(/^Agent events\|Ana\|COMPLETE(AGENT|CALLER)$/)]);
  expect(node.report().queueLog).toMatchObject({ file, ok: true, dropped: 0 });
  // What `queuelog:report` reads: no malformed line, the bridged call answered in the campaign's queue.
  const analysis = new QueueLogAnalysis({ serviceLevel: () => DEFAULT_SERVICE_LEVEL_S, timeZone: 'UTC' });
  expect(await readQueueLogFile(analysis, file)).toBe(true);
  const result = analysis.result();
  expect(result.malformedLines).toEqual([]);
  expect(result.metrics.queues['Agent events']!.answered).toBeGreaterThanOrEqual(1);

  // The same lines, in the same order, in PostgreSQL's queue_log table under this node (what /api/queues on
  // PostgreSQL follows): its stream numbered 1, 2, 3…
  const rows = await until(async () => {
    const r = await new PgQueueLog(db.pool).readAfter({}, 10_000);
    return r.length >= lines.all.length ? r : undefined;
  }, 10_000, 100);
  expect(rows.slice(0, lines.all.length).map((r) => queueLogLineOf(r))).toEqual(lines.all);
  expect(rows.map((r) => [r.nodeId, r.seq])).toEqual(rows.map((_, i) => ['node-ev', i + 1]));
  expect(node.report().queueLogTable).toMatchObject({ nodeId: 'node-ev' });
}, 150_000);
