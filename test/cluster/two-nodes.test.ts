/**
 * Issue #18's "what must show", on real parts: two `centralita node` processes, each on its own embedded PBX, one
 * fresh PostgreSQL database, one Redis (a key prefix of this run's own), one predictive campaign of 20,000 leads
 * with agents split across the nodes.
 *
 * Through Redis: a Socket.IO client on node A's cluster board (a supervisor's API key stored in PostgreSQL) sees the
 * agents of both nodes; each node's abandon governor is fed the other node's counts (its /health says what it read);
 * a pause and a start given with `centralita campaign:command` are followed by both nodes well before their next
 * read of the campaigns table (CAMPAIGN_POLL_MS is 10 s here, so only the Redis command can explain a quick follow);
 * after the kill the board shows node B down once its board expires.
 *
 * While both run: both dial, no lead is ever in two calls at once (no overlapping CallLogs of one lead, sampled
 * live and checked over the whole history), no lead has more CallLogs than the campaign allows, and the campaign's
 * abandon rate over both nodes stays ≤ 3 %, on a sample that means something: each node's embedded PBX plays a
 * dense pacing scenario (SIM_SCENARIO: 65 % people answering within 2 s and talking ~2 s, no unanswered rings),
 * each node has 12 agents, both must be seen pacing predictively (not the progressive warm-up) and dialling
 * more calls than their agents, and the campaign runs until at least 150 people answered across both nodes. The
 * rate is counted from the CallLogs in PostgreSQL (dropped / people answered), not from the nodes' own figures.
 * (In so short a run the pacer drops few or none: see docs/scale-out.md, "Measured".) Then `kill -9` of one node
 * mid-call: the other reaps it within the TTL (cluster_nodes says down, its /health says down), its open CallLogs end
 * as engine_lost, its leases are released (well within the lease time), and the survivor goes on dialling. The
 * campaign's size is 20,000 leads; it runs only as long as it takes to show these properties (real time: the PBX has
 * no faster clock across processes).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connectBoard, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterRedisClient, type ClusterView } from '../../engine/cluster/index.js';
import { pacingPhone } from '../../engine/sim/index.js';
import { openStore, randomSecret, sha256 } from '../../engine/store/index.js';
import { copySqliteToPg, migratePg, openPgPool, type PgPool } from '../../engine/store/pg/index.js';
import { startNodeProcess, type NodeProcess } from '../support/node-process.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';

const LEADS = 20_000;
const AGENTS_PER_NODE = 12;
/** People answered (across both nodes, from the CallLogs) before node B is killed: the abandon rate's sample. */
const MIN_HUMANS = 150;
/**
 * The callees both embedded PBXs play (SIM_SCENARIO, a pacing scenario by name: engine/pacing/scenarios/
 * two-nodes-dense.json): short and dense so a minute holds hundreds of calls — 65 % people answering within 0.5–2 s
 * and talking ~2 s after AMD's opener, 10 % machines (a long greeting AMD must recognise), 25 % busy lines resolved in
 * 0.5 s, nobody letting it ring out. `npm run simulate -- --scenario two-nodes-dense --agents 12` shows what the
 * pacer makes of that list.
 */
const SCENARIO = 'two-nodes-dense';
const TTL_MS = 3000;
const LEASE_MS = 20_000;
const CAMPAIGN = 'c-two-nodes';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** This run's own keys and channels on the shared Redis (deleted after). */
const PREFIX = `test-two-nodes-${process.pid}-${randomBytes(3).toString('hex')}`;
/** Long on purpose: a campaign command followed well within it came through Redis, not the table's polling. */
const POLL_MS = 10_000;
/** A supervisor's API key for the board, stored hashed in PostgreSQL like the product stores it. */
const BOARD_KEY = randomSecret('ck_');

let db: TestDatabase;
let pool: PgPool;
let dir: string;
const nodes: NodeProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase('ct_twonodes');
  pool = openPgPool(db.url, { max: 3 });
  await migratePg(pool);
  dir = mkdtempSync(join(tmpdir(), 'centralita-two-nodes-'));
  // The campaign, its leads and the agents through the store's own repositories (validated settings), then
  // `db:copy`'s function moves them to PostgreSQL: the path a center takes from one node to several.
  const at = Date.now();
  const s = openStore(join(dir, 'seed.db'));
  s.campaigns.create(
    CAMPAIGN,
    {
      name: 'Two nodes',
      dialMode: 'predictive',
      // Per node; well above what 12 agents need, so the pacer and not this cap decides.
      maxConcurrent: 30,
      dialStringTemplate: 'PJSIP/{e164}@trunk',
      callingHours: { start: '00:00', end: '24:00' },
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      wrapUpS: 1,
      maxAttempts: 3,
    },
    at,
  );
  // +1777nnnnnnn: lead n plays its fate drawn from SCENARIO by the node's embedded PBX (SIM_SCENARIO).
  const leads = Array.from({ length: LEADS }, (_, i) => {
    const phone = pacingPhone(i);
    return { campaignId: CAMPAIGN, phoneE164: phone, phoneRaw: phone, timeZone: 'America/New_York', synthetic: true };
  });
  s.transaction(() => s.leads.insertMany(leads, at));
  for (const node of ['node-a', 'node-b']) {
    for (let i = 1; i <= AGENTS_PER_NODE; i++) {
      const ext = String(1000 + i);
      // Each node has its own PBX, so both may have a PJSIP/1001; the agent rows are distinct.
      s.agents.upsert({ id: `${node}-${ext}`, kind: 'human', name: `${node} ${ext}`, endpoint: `PJSIP/${ext}`, nodeId: node, createdAt: at });
    }
  }
  s.campaigns.command(CAMPAIGN, 'start', at);
  s.close();
  await copySqliteToPg({ from: join(dir, 'seed.db'), to: db.url });
  await pool.query(
    `insert into users (id, username, password_hash, role, active, must_change_password, auth_version, created_at, updated_at)
     values ('sup', 'sup', 'x', 'supervisor', true, false, 0, $1, $1)`,
    [at],
  );
  await pool.query(`insert into api_keys (id, user_id, name, prefix, key_hash, created_at) values ('board', 'sup', 'board', 'ck_', $1, $2)`, [sha256(BOARD_KEY), at]);
}, 90_000);

afterAll(async () => {
  for (const n of nodes) await n.kill9().catch(() => undefined);
  await pool?.end();
  await db?.drop();
  // This run's Redis keys (abandon counts keep for days, the board's seen-hash for ever).
  const redis = clusterRedisClient(REDIS_URL);
  try {
    await redis.connect();
    const keys: string[] = [];
    for await (const batch of redis.scanIterator({ MATCH: `${PREFIX}:*`, COUNT: 500 })) keys.push(...(Array.isArray(batch) ? batch : [batch]));
    if (keys.length > 0) await redis.del(keys);
  } finally {
    await redis.close().catch(() => undefined);
  }
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** A password in the nodes' DATABASE_URL (the test server trusts local connections and ignores it): it must never be printed. */
const DB_PASSWORD = 'n0t-For-Logs-18';
const withPassword = (url: string): string => {
  const u = new URL(url);
  u.password = DB_PASSWORD;
  return u.toString();
};

const env = (nodeId: string, rtp: number, seed: number): Record<string, string> => ({
  DATABASE_URL: withPassword(db.url),
  NODE_ID: nodeId,
  RTP_PORT_MIN: String(rtp),
  RTP_PORT_MAX: String(rtp + 499),
  SIM_SEED: String(seed),
  SIM_SCENARIO: SCENARIO,
  NODE_TTL_MS: String(TTL_MS),
  NODE_HEARTBEAT_MS: '500',
  CAMPAIGN_POLL_MS: String(POLL_MS),
  REDIS_URL,
  CLUSTER_PREFIX: PREFIX,
  LEAD_LEASE_MS: String(LEASE_MS),
  SHUTDOWN_GRACE_SECONDS: '0',
  LOG_LEVEL: 'info',
});

async function q<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await pool.query(sql, params)).rows as T[];
}

/** Leads with two CallLogs whose lifetimes overlap (an open one counts as lasting until now). */
async function overlappingLeads(): Promise<string[]> {
  const rows = await q<{ lead_id: string }>(
    `select distinct a.lead_id from call_logs a join call_logs b on a.lead_id = b.lead_id and a.id < b.id
      where a.created_at < coalesce(b.ended_at, 9e15) and b.created_at < coalesce(a.ended_at, 9e15)`,
  );
  return rows.map((r) => r.lead_id);
}

/** `centralita campaign:command` in its own process, as an operator runs it; its --json outcome. */
async function campaignCommand(action: 'start' | 'pause' | 'stop'): Promise<{ at: number; publishedAt: number; receivers: number | null; to: string }> {
  const child = spawn(process.execPath, ['bin/centralita.mjs', 'campaign:command', CAMPAIGN, action, '--json'], {
    cwd: join(import.meta.dirname, '../..'),
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', DATABASE_URL: withPassword(db.url), REDIS_URL, CLUSTER_PREFIX: PREFIX },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  expect({ code, err }).toEqual({ code: 0, err: '' });
  expect(out).not.toContain(DB_PASSWORD);
  return JSON.parse(out.trim().split('\n').at(-1)!) as { at: number; publishedAt: number; receivers: number | null; to: string };
}

type Health = { campaigns: Array<{ id: string; state: string; pacing: string | null }>; redis: { configured: boolean; connected?: boolean }; abandon: { state: string; others: Record<string, { hour: { answers: number; drops: number } }> } | null };
const campaignState = async (n: NodeProcess): Promise<string | undefined> => ((await n.health()).body as unknown as Health).campaigns.find((c) => c.id === CAMPAIGN)?.state;

/** Polls both nodes until each shows the campaign in `state`; wall ms from `from` to when the later one did. */
async function bothFollow(ns: NodeProcess[], state: string, from: number): Promise<number> {
  const when = await Promise.all(ns.map((n) => until(async () => ((await campaignState(n)) === state ? Date.now() : undefined), 20_000, 25)));
  return Math.max(...when) - from;
}

/** The campaign's people answered and dropped per node, from the CallLogs (the US rule: dropped / answered). */
async function humansPerNode(): Promise<Record<string, { humans: number; dropped: number }>> {
  const rows = await q<{ node_id: string; humans: number; dropped: number }>(
    `select node_id,
            count(*) filter (where disposition in ('ANSWERED_HUMAN', 'DROPPED'))::int as humans,
            count(*) filter (where disposition = 'DROPPED')::int as dropped
       from call_logs where campaign_id = $1 group by node_id`,
    [CAMPAIGN],
  );
  return Object.fromEntries(rows.map((r) => [r.node_id, { humans: r.humans, dropped: r.dropped }]));
}

/** Per node, the most CallLogs open at one instant (an open one lasts until now), from PostgreSQL. */
async function mostCallsAtOnce(): Promise<Record<string, number>> {
  const rows = await q<{ node_id: string; n: number }>(
    `select a.node_id, max((select count(*) from call_logs b
                             where b.node_id = a.node_id and b.created_at <= a.created_at and coalesce(b.ended_at, 9e15) > a.created_at))::int as n
       from call_logs a group by a.node_id`,
  );
  return Object.fromEntries(rows.map((r) => [r.node_id, r.n]));
}

const pct = (num: number, den: number): string => (den > 0 ? ((num / den) * 100).toFixed(2) : '0.00');

const perNode = async (): Promise<Record<string, number>> =>
  Object.fromEntries((await q<{ node_id: string; n: number }>(`select node_id, count(*)::int as n from call_logs group by node_id`)).map((r) => [r.node_id, r.n]));

describe('two engine nodes on one PostgreSQL', () => {
  it('share one predictive campaign, never dial a lead twice at once, and survive kill -9 of one node', async () => {
    const t0 = Date.now();
    const [a, b] = await Promise.all([startNodeProcess({ env: env('node-a', 42000, 7) }), startNodeProcess({ env: env('node-b', 42500, 8) })]);
    nodes.push(a, b);

    // Both dial, while no lead is ever in two calls at once (sampled live).
    let board: Socket | undefined;
    let lastView: ClusterView | null = null;
    const overlapsSeen = new Set<string>();
    const sampler = setInterval(() => {
      void overlappingLeads().then((ls) => ls.forEach((l) => overlapsSeen.add(l)), () => undefined);
    }, 500);
    // The pacing rule each node says it dials by (its /health), sampled.
    const modesSeen = new Map<string, Set<string>>([['node-a', new Set()], ['node-b', new Set()]]);
    const healthSampler = setInterval(() => {
      for (const n of [a, b]) {
        void n.health().then(
          (h) => {
            const mode = (h.body as unknown as Health).campaigns.find((c) => c.id === CAMPAIGN)?.pacing;
            if (mode) modesSeen.get(n.nodeId)!.add(mode);
          },
          () => undefined,
        );
      }
    }, 200);
    try {
      await until(async () => {
        const n = await perNode();
        return (n['node-a'] ?? 0) >= 10 && (n['node-b'] ?? 0) >= 10 ? n : undefined;
      }, 60_000, 250);

      // The cluster board on node A's HTTP server shows the agents of both nodes (node B's come through Redis).
      const boardUrl = new URL(a.healthUrl);
      board = connectBoard(`http://${boardUrl.host}/board`, { path: '/cluster/socket.io', transports: ['websocket'], auth: { apiKey: BOARD_KEY } });
      board.on('cluster', (v: ClusterView) => (lastView = v));
      const agentsOn = (v: ClusterView | null, id: string) => v?.nodes.find((n) => n.nodeId === id && n.state === 'up')?.agents.length ?? 0;
      const bothOnBoard = await until(() => (agentsOn(lastView, 'node-a') === AGENTS_PER_NODE && agentsOn(lastView, 'node-b') === AGENTS_PER_NODE ? lastView! : undefined), 20_000, 50);
      expect(bothOnBoard.totals).toMatchObject({ nodesUp: 2, nodesDown: 0, agents: 2 * AGENTS_PER_NODE });

      // Each node's governor is fed the other's counts: its /health shows the other node's live answers of the hour.
      const fed = await until(async () => {
        const hs = await Promise.all([a, b].map(async (n) => ((await n.health()).body as unknown as Health).abandon?.others[CAMPAIGN]?.hour));
        return hs.every((h) => (h?.answers ?? 0) > 0) ? hs : undefined;
      }, 30_000, 250);
      for (const n of [a, b]) expect(((await n.health()).body as unknown as Health).redis).toMatchObject({ configured: true, connected: true });

      // An operator pauses the campaign with the CLI: stored in PostgreSQL, published over Redis, followed by both
      // nodes well before their next read of the table (POLL_MS); then started again the same way.
      const paused = await campaignCommand('pause');
      expect(paused).toMatchObject({ to: 'paused', receivers: 2 });
      // Measured from the moment Redis took the command (the CLI's own start-up and database write come before it;
      // `at` is when the row was written): both nodes followed by then or within a fraction of POLL_MS after it.
      const pausedBoth = await bothFollow([a, b], 'paused', paused.publishedAt);
      const pauseMs = Math.max(0, pausedBoth);
      const started = await campaignCommand('start');
      const startMs = Math.max(0, await bothFollow([a, b], 'running', started.publishedAt));
      console.log(
        `two-nodes: campaign:command pause → both nodes paused ${pauseMs} ms after the publish (${pausedBoth + paused.publishedAt - paused.at} ms after the write), ` +
          `start → both running ${startMs} ms after the publish (CAMPAIGN_POLL_MS ${POLL_MS})`,
      );
      expect(pauseMs).toBeLessThan(POLL_MS / 2);
      expect(startMs).toBeLessThan(POLL_MS / 2);
      // The abandon rate's sample: people answered across both nodes, from the CallLogs. Both nodes must have left
      // the progressive warm-up (little data) and paced predictively, dialling more calls than they have agents:
      // calls that can find no agent, so the governor, fed the campaign's counts, has something to hold.
      const sampleFrom = Date.now();
      await until(async () => {
        const h = await humansPerNode();
        return (h['node-a']?.humans ?? 0) + (h['node-b']?.humans ?? 0) >= MIN_HUMANS ? h : undefined;
      }, 180_000, 500);
      const sampleS = Math.round((Date.now() - sampleFrom) / 1000);
      await until(() => ([...modesSeen.values()].every((m) => m.has('predictive')) ? true : undefined), 60_000, 100);
      const modesBeforeKill = Object.fromEntries([...modesSeen].map(([id, m]) => [id, [...m].sort()]));
      // Progressive never has more calls than agents (one per ready agent, less the calls not yet bridged): more
      // calls at once than a node has agents is over-dialling, and only the predictive pacer did it here.
      const maxCallsBeforeKill = await mostCallsAtOnce();
      for (const id of ['node-a', 'node-b']) expect(maxCallsBeforeKill[id] ?? 0, `${id}'s most calls at once`).toBeGreaterThan(AGENTS_PER_NODE);

      // node-b is killed in the middle of a call: wait until it has open CallLogs.
      await until(async () => ((await q(`select 1 from call_logs where node_id = 'node-b' and ended_at is null limit 1`)).length > 0 ? true : undefined), 40_000, 50);
      const before = await perNode();
      const openOfB = (await q<{ id: string }>(`select id from call_logs where node_id = 'node-b' and ended_at is null`)).map((r) => r.id);
      const killedAt = Date.now();
      await b.kill9();
      const leasedByB = (await q<{ n: number }>(`select count(*)::int as n from leads where lease_owner = 'node-b'`))[0]!.n;

      // Reaped by node-a: marked down, its calls closed, its leases released — within the TTL plus a beat or two.
      await until(async () => ((await q<{ state: string }>(`select state from cluster_nodes where id = 'node-b'`))[0]?.state === 'down' ? true : undefined), 20_000, 50);
      const reapMs = Date.now() - killedAt;
      expect(reapMs).toBeLessThan(LEASE_MS);
      expect(await q(`select id from call_logs where node_id = 'node-b' and ended_at is null`)).toEqual([]);
      const closed = await q<{ id: string; interruption: string | null; disposition: string }>(`select id, interruption, disposition from call_logs where id = any($1::text[])`, [openOfB]);
      // Each was open at the kill; one may have ended by itself in the instant before it.
      expect(closed.filter((c) => c.interruption === 'engine_lost').length).toBeGreaterThan(0);
      expect(closed.every((c) => c.interruption === 'engine_lost' || c.interruption === null)).toBe(true);
      expect((await q<{ n: number }>(`select count(*)::int as n from leads where lease_owner = 'node-b'`))[0]!.n).toBe(0);
      expect((await q<{ reaped_by: string }>(`select reaped_by from cluster_nodes where id = 'node-b'`))[0]!.reaped_by).toBe('node-a');

      // The board shows node B down once its board expired in Redis (5 s), without its agents.
      await until(() => (lastView?.nodes.find((n) => n.nodeId === 'node-b')?.state === 'down' ? true : undefined), 20_000, 25);
      const boardDownMs = Date.now() - killedAt;
      expect(lastView!.nodes.find((n) => n.nodeId === 'node-b')!.agents).toEqual([]);
      expect(agentsOn(lastView, 'node-a')).toBe(AGENTS_PER_NODE);

      // The survivor's /health sees it down, and the survivor goes on dialling.
      const seen = await until(async () => {
        const h = await a.health();
        const nodesSeen = (h.body['cluster'] as { nodes: Array<{ id: string; state: string; calls: number; agents: number }> }).nodes;
        return nodesSeen.find((n) => n.id === 'node-b')?.state === 'down' ? h : undefined;
      }, 10_000, 200);
      expect(seen.body).toMatchObject({ nodeId: 'node-a', status: 'ok', db: { ok: true, writable: true } });
      expect(JSON.stringify(seen.body)).not.toContain(DB_PASSWORD);
      expect(JSON.stringify(seen.body)).toContain('***');
      const aAtKill = before['node-a'] ?? 0;
      await until(async () => ((await perNode())['node-a']! >= aAtKill + 3 ? true : undefined), 40_000, 250);
      const newAfterKill = (await q<{ n: number }>(`select count(*)::int as n from call_logs where node_id = 'node-a' and created_at > $1`, [killedAt]))[0]!.n;
      expect(newAfterKill).toBeGreaterThan(0);

      // The whole history: no overlapping CallLogs of one lead, no lead over its attempts, the abandon rate.
      clearInterval(sampler);
      clearInterval(healthSampler);
      expect([...overlapsSeen]).toEqual([]);
      expect(await overlappingLeads()).toEqual([]);
      expect(await q(`select lead_id from call_logs where lead_id is not null group by lead_id having count(*) > 3`)).toEqual([]);
      const [fig] = await q<{ placed: number; humans: number; dropped: number }>(
        `select count(*)::int as placed,
                count(*) filter (where disposition in ('ANSWERED_HUMAN', 'DROPPED'))::int as humans,
                count(*) filter (where disposition = 'DROPPED')::int as dropped
           from call_logs where campaign_id = $1`,
        [CAMPAIGN],
      );
      const abandonPct = fig!.humans > 0 ? (fig!.dropped / fig!.humans) * 100 : 0;
      const calls = await perNode();
      const h = await humansPerNode();
      // Each drop's AMD verdict, ms after the answer: a verdict under 2 s means no agent was free in time (pacing);
      // a later one, a person AMD took longer to recognise than the 2 s rule allows (no pacing avoids that drop).
      const dropVerdicts = (await q<{ node_id: string; v: number | null }>(
        `select node_id, amd_at - answered_at as v from call_logs where campaign_id = $1 and disposition = 'DROPPED' order by created_at`,
        [CAMPAIGN],
      )).map((r) => `${r.node_id.slice(-1)}:${r.v ?? '?'}`);
      // A node's ARI requests that got no answer (the gateway then resyncs: dialing paused, waiting people dropped).
      const resyncs = (n: NodeProcess) => n.lines.filter((l) => l.includes('ARI request got no answer')).length;
      const nodeFig = (id: string) => {
        const f = h[id] ?? { humans: 0, dropped: 0 };
        return `${id}: ${calls[id] ?? 0} calls, ${f.humans} answers, ${f.dropped} drops (${pct(f.dropped, f.humans)} %), most live calls ${maxCallsBeforeKill[id]}`;
      };
      console.log(
        `two-nodes: campaign abandon ${pct(fig!.dropped, fig!.humans)} % (${fig!.dropped} drops / ${fig!.humans} answers, CallLogs over both nodes; ` +
          `${MIN_HUMANS} answers reached ${sampleS} s after the start of the sample) · ${nodeFig('node-a')} · ${nodeFig('node-b')} · ` +
          `drops' verdicts after answer (ms) [${dropVerdicts.join(' ')}] · ARI resyncs a=${resyncs(a)} b=${resyncs(b)} · pacing seen ${JSON.stringify(modesBeforeKill)} · placed=${fig!.placed} · governors fed the other's hour (a←b ${fed[0]!.answers} answers, b←a ${fed[1]!.answers}) · ` +
          `pause followed by both in ${pauseMs} ms · kill -9 node-b with ${openOfB.length} open calls, ${leasedByB} leased leads → reaped (down, calls closed, leases released) in ${reapMs} ms, ` +
          `board down in ${boardDownMs} ms (TTL ${TTL_MS} ms, lease ${LEASE_MS} ms) · node-a placed ${newAfterKill} calls after the kill · ${Math.round((Date.now() - t0) / 1000)} s`,
      );
      expect(calls['node-a']).toBeGreaterThan(0);
      expect(calls['node-b']).toBeGreaterThan(0);
      expect(abandonPct).toBeLessThanOrEqual(3);

      board.close();
      // A graceful stop of the survivor gives its leases back and marks it stopped.
      const exit = await a.sigterm(30_000);
      expect(exit.code).toBe(0);
      expect((await q<{ n: number }>(`select count(*)::int as n from leads where lease_owner is not null`))[0]!.n).toBe(0);
      expect((await q<{ state: string }>(`select state from cluster_nodes where id = 'node-a'`))[0]!.state).toBe('stopped');
      // Nothing either node wrote shows the database password.
      expect([...a.lines, ...b.lines].filter((l) => l.includes(DB_PASSWORD))).toEqual([]);
    } catch (err) {
      // What the nodes said, for whoever reads a failure.
      const calls = await perNode().catch(() => ({}));
      for (const n of [a, b]) console.log(`--- ${n.nodeId} (last lines) ---\n${n.lines.slice(-25).join('\n')}`);
      console.log(`calls per node: ${JSON.stringify(calls)}`);
      throw err;
    } finally {
      clearInterval(sampler);
      clearInterval(healthSampler);
      board?.close();
    }
  }, 360_000);
});
