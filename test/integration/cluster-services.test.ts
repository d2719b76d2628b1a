/**
 * `startClusterServices` (engine/cluster, #18), the one call a node wires: on the real Redis and PostgreSQL, two
 * nodes' services — a command one publishes reaches the other's handler, a hang-up asked of n2 is answered by its
 * `onCallHangup`, each one's board is served and shows both nodes, `health()` says what runs, `close()` leaves nothing behind; with no Redis at the URL it refuses to start
 * within its deadline, naming Redis.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connectClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../engine/clock/index.js';
import { callHangupAsker, callHangupChannel, clusterRedisClient, startClusterServices, type CampaignCommand, type ClusterServices, type ClusterView, type NodeBoard } from '../../engine/cluster/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { randomSecret, sha256 } from '../../engine/store/index.js';
import { migratePg, openPgPool, type PgPool } from '../../engine/store/pg/index.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.js';
import { freeTcpPort } from '../support/real-asterisk.js';
import { until as untilValue } from '../support/until.js';

const until = (cond: () => boolean, ms: number) => untilValue(() => (cond() ? true : undefined), ms, 20);
const URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-svc-${process.pid}-${randomBytes(3).toString('hex')}`;
let db: TestDatabase;
let pool: PgPool;

beforeAll(async () => {
  db = await createTestDatabase('clsvc');
  pool = openPgPool(db.url);
  await migratePg(pool);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

const board = (nodeId: string): NodeBoard => ({ nodeId, at: Date.now(), agents: [{ id: `${nodeId}-agent`, status: 'READY' }], calls: [], campaigns: [] });

describe('startClusterServices', () => {
  it('commands, board and health for two nodes; close leaves nothing behind', async () => {
    const https: HttpServer[] = [];
    const services: ClusterServices[] = [];
    const heard: Record<string, CampaignCommand[]> = { n1: [], n2: [] };
    for (const nodeId of ['n1', 'n2']) {
      const http = createServer((_q, r) => r.writeHead(404).end());
      await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
      https.push(http);
      const svc = await startClusterServices({
        nodeId,
        redisUrl: URL,
        pool,
        clock: systemClock,
        logger: silentLogger,
        // n1 serves its board from the start; n2 the way a node whose HTTP server comes after its engine does.
        ...(nodeId === 'n1' ? { httpServer: http, snapshot: () => board(nodeId) } : {}),
        onCampaignCommand: (c) => void heard[nodeId]!.push(c),
        // n2's engine holds call-2: another process's API may ask n2 to hang it up.
        ...(nodeId === 'n2' ? { onCallHangup: (id: string) => id === 'call-2' } : {}),
        prefix,
        board: { publishMs: 200, ttlMs: 1500, recheckMs: 1000 },
      });
      if (nodeId === 'n2') {
        expect(svc.board).toBeNull();
        await svc.serveBoard(http, () => board(nodeId));
        expect(svc.board).not.toBeNull();
        await expect(svc.serveBoard(http)).rejects.toThrow(/already/);
      }
      services.push(svc);
    }
    const [s1, s2] = services as [ClusterServices, ClusterServices];
    try {
      expect(await s1.publishCommand('camp', 'pause')).toBe(2);
      await until(() => heard.n1!.length === 1 && heard.n2!.length === 1, 5000);
      expect(heard.n2![0]).toMatchObject({ campaignId: 'camp', action: 'pause', from: 'n1' });

      await pool.query(`insert into users (id, username, password_hash, role, active, must_change_password, auth_version, created_at, updated_at) values ('s', 's', 'x', 'supervisor', true, false, 0, 0, 0)`);
      const key = randomSecret('ck_');
      await pool.query(`insert into api_keys (id, user_id, name, prefix, key_hash, created_at) values ('k', 's', 'b', 'ck_', $1, 0)`, [sha256(key)]);
      const port = (https[1]!.address() as AddressInfo).port;
      const client = connectClient(`http://127.0.0.1:${port}/board`, { path: '/cluster/socket.io', transports: ['websocket'], reconnection: false, auth: { apiKey: key } });
      let last: ClusterView | null = null;
      client.on('cluster', (v: ClusterView) => (last = v));
      try {
        await until(() => (last as ClusterView | null)?.totals.nodesUp === 2, 10_000);
      } finally {
        client.close();
      }

      await until(() => s1.health().board?.nodesUp === 2, 5000);
      const h = s1.health();
      expect(h.redis.connected).toBe(true);
      expect(h.commands.subscribed).toBe(true);
      expect(h.hangups.subscribed).toBe(false);
      expect(s2.health().hangups.subscribed).toBe(true);
      const asker = await callHangupAsker(s1.redis, { prefix, from: 'n1', logger: silentLogger });
      try {
        expect(await asker.hangup('n2', 'call-2')).toEqual({ outcome: 'hung-up', node: 'n2' });
        expect(await asker.hangup('n2', 'call-1')).toEqual({ outcome: 'not-live', node: 'n2' });
        expect(await asker.hangup('n1', 'call-2')).toMatchObject({ outcome: 'no-answer', node: 'n1' });
      } finally {
        await asker.close();
      }
      expect(h.abandon.state === 'starting' || h.abandon.state === 'ok').toBe(true);
      expect(h.board).toMatchObject({ state: 'ok', nodesUp: 2 });
    } finally {
      for (const s of services) await s.close();
      for (const h of https) await new Promise<void>((r) => h.close(() => r()));
    }
    // Closed on purpose: the boards are gone at once (shown down), the command and hang-up subscriptions too.
    expect(services[0]!.health().redis.connected).toBe(false);
    const probe = clusterRedisClient(URL);
    await probe.connect();
    try {
      expect(await probe.publish(callHangupChannel('n2', prefix), '{}')).toBe(0);
    } finally {
      probe.destroy();
    }
  });

  it('refuses to start without Redis, within its deadline, naming Redis', async () => {
    const closed = await freeTcpPort();
    const t0 = Date.now();
    await expect(
      startClusterServices({ nodeId: 'n', redisUrl: `redis://127.0.0.1:${closed}`, pool, clock: systemClock, logger: silentLogger, connectTimeoutMs: 1500 }),
    ).rejects.toThrow(/Redis/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
