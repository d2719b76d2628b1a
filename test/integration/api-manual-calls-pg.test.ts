/**
 * Agents' manual calls over PostgreSQL (#18): an API app built with `manualCalls: pgManualCallLog(pool)` and the
 * PostgreSQL `callMetrics` and `callHistory` starts a manual call as a CallLog in the `call_logs` the nodes write,
 * ends it there, answers the caller's figures counted in PostgreSQL, and the compatibility log shows it. The SQLite
 * file holds other calls of the same user on purpose (every figure below differs if a route reads it). Another agent's
 * call is a 404, an ended one a 409, bad input a 422 naming the field. Without the port these routes write SQLite.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiApp } from '../../api/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { pgCallHistory, pgCallMetrics, pgManualCallLog, PgCallLogs } from '../../engine/store/pg/index.js';
import type { PgPool } from '../../engine/store/pg/index.js';
import { emptyTables, openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';
import { ADMIN_PASSWORD, harness, healthReport, type Harness } from '../unit/api/harness.js';

type ErrorBody = { error: { code: string; details?: Array<{ field: string; problem: string }> } };

let db: MigratedTestDatabase;
let pool: PgPool;
let h: Harness;
let ana = '';
let tokens: Record<'ana' | 'bob' | 'sup', Record<string, string>>;

beforeAll(async () => {
  ({ pool } = db = await openMigratedTestDatabase('pg_config_manual_api'));
}, 60_000);
afterAll(() => db?.close());

beforeEach(async () => {
  await emptyTables(pool);
  h = harness({ manualCalls: pgManualCallLog(pool), callMetrics: pgCallMetrics(pool), callHistory: pgCallHistory(pool) });
  ana = h.addUser('ana', 'agent', 'north');
  h.addUser('bob', 'agent', 'north');
  h.addUser('sup', 'supervisor');
  tokens = { ana: h.bearer(await h.login('ana')), bob: h.bearer(await h.login('bob')), sup: h.bearer(await h.login('sup')) };
  // SQLite: two ended manual calls of Ana's (one answered, 100 s) and one still open.
  const at = h.clock.now() - 3_600_000;
  for (const id of ['lite-1', 'lite-2', 'lite-open']) h.store.manualCalls.startManualCall({ id, userId: ana, phone: '+34600000009', nodeId: 'node-test', at });
  h.store.manualCalls.endManualCall({ id: 'lite-1', at: at + 100_000, disposition: 'ANSWERED_HUMAN' });
  h.store.manualCalls.endManualCall({ id: 'lite-2', at: at + 5_000, disposition: 'NO_ANSWER' });
});
afterEach(() => h.close());

const send = (method: string, path: string, who: keyof typeof tokens, body?: unknown) => h.json(method, path, body, tokens[who]);
async function error(res: Response, status: number, code: string): Promise<ErrorBody> {
  const body = (await res.json()) as ErrorBody;
  expect({ status: res.status, code: body.error.code }).toEqual({ status, code });
  return body;
}
const sqliteCalls = () => (h.store.sqlite.prepare('select count(*) as n from call_logs').get() as { n: number }).n;

describe('manual calls over PostgreSQL', () => {
  it('start and end write PostgreSQL’s call_logs; the figures and the log are PostgreSQL’s', async () => {
    const started = await send('POST', '/api/calls/start', 'ana', { contact_id: 7, contact_phone: '+34 600 111 222' });
    expect(started.status).toBe(201);
    const { call_id } = (await started.json()) as { call_id: string };
    expect(await new PgCallLogs(pool).get(call_id)).toMatchObject({ kind: 'manual', userId: ana, leadId: '7', phone: '+34 600 111 222', stage: 'bridged', nodeId: 'node-test', endedAt: null });
    expect(sqliteCalls()).toBe(3);

    h.clock.advance(42_000);
    const ended = await send('POST', '/api/calls/end', 'ana', { call_id, status: 'COMPLETED', notes: 'will buy' });
    expect(ended.status).toBe(200);
    // One call of 42 s in PostgreSQL: SQLite's three calls (100 s talk) are not counted.
    expect(await ended.json()).toEqual({ message: 'Call ended', call_id, duration_seconds: 42, new_average: 42, calls_made: 1, calls_success: 1, total_talk_time: 42 });
    expect(await new PgCallLogs(pool).get(call_id)).toMatchObject({ stage: 'ended', disposition: 'ANSWERED_HUMAN', talkMs: 42_000, notes: 'will buy' });
    expect(sqliteCalls()).toBe(3);

    const log = (await (await send('GET', '/api/calls/log', 'ana')).json()) as { calls: Array<{ call_id: string; status: string; duration_seconds: number }>; count: number };
    expect(log.calls.map((c) => [c.call_id, c.status, c.duration_seconds])).toEqual([[call_id, 'COMPLETED', 42]]);
  });

  it('another agent’s call is a 404, an ended call a 409, a call only in the SQLite file a 404; bad input names the field', async () => {
    const { call_id } = (await (await send('POST', '/api/calls/start', 'ana', { contact_id: 'c-1', contact_phone: '600111222' })).json()) as { call_id: string };
    await error(await send('POST', '/api/calls/end', 'bob', { call_id, status: 'COMPLETED' }), 404, 'not_found');
    expect(await new PgCallLogs(pool).get(call_id)).toMatchObject({ endedAt: null });
    // A supervisor may end anyone's.
    expect((await send('POST', '/api/calls/end', 'sup', { call_id, status: 'NO_ANSWER' })).status).toBe(200);
    await error(await send('POST', '/api/calls/end', 'ana', { call_id, status: 'COMPLETED' }), 409, 'conflict');
    await error(await send('POST', '/api/calls/end', 'ana', { call_id: 'lite-open', status: 'COMPLETED' }), 404, 'not_found');
    expect(h.store.callLogs.get('lite-open')).toMatchObject({ endedAt: null });

    const bad = await error(await send('POST', '/api/calls/start', 'ana', { contact_id: 1, contact_phone: 'call me' }), 422, 'validation_failed');
    expect(bad.error.details?.map((d) => d.field)).toEqual(['contact_phone']);
    const badEnd = await error(await send('POST', '/api/calls/end', 'ana', { call_id, status: 'DONE' }), 422, 'validation_failed');
    expect(badEnd.error.details?.map((d) => d.field)).toEqual(['status']);
    expect((await h.json('POST', '/api/calls/start', { contact_id: 1, contact_phone: '600111222' })).status).toBe(401);
  });

  it('refuses to start with PostgreSQL manual calls and SQLite figures', () => {
    expect(() =>
      createApiApp({ health: async () => healthReport(), store: h.store, clock: h.clock, logger: silentLogger, config: { NODE_ID: 'n', JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD }, manualCalls: pgManualCallLog(pool) }),
    ).toThrow('manualCalls (postgres) needs a callMetrics on the same database (got sqlite)');
  });
});
