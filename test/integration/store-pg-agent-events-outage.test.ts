/**
 * A node's agent state events (`PgAgentEvents`, #18) when PostgreSQL goes away: written as the engine writes them,
 * through its write queue behind a CallLog, over a TCP proxy that resets every connection and then refuses new ones
 * (a server restart, a network cut). The append's rejection must never reach the caller: the queue degrades
 * (`writable: false`, the error kept, the count of waiting writes — what /health shows as `db`), keeps the events in
 * order, and when the server answers again writes them all, in the order they happened, none twice.
 */
import { expect, it } from 'vitest';
import { systemClock } from '../../engine/clock/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { StoreWriteQueue, attachAgentEventWriter } from '../../engine/shell/index.js';
import { DomainEvents } from '../../engine/events/index.js';
import { PgAgentEvents, PgCallLogs } from '../../engine/store/pg/index.js';
import { useProxiedTestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';

const env = useProxiedTestDatabase('node_writes_ev_outage');


it('holds agent events in order while PostgreSQL is unreachable and writes each once when it is back', async () => {
  const q = new StoreWriteQueue({ clock: systemClock, logger: silentLogger, retryMs: 200, probe: () => env.viaProxy.query('select 1') });
  const events = new DomainEvents();
  attachAgentEventWriter(events, new PgAgentEvents(env.viaProxy), q);
  const logs = new PgCallLogs(env.viaProxy);
  const T = 1_800_000_000_000;
  const state = (from: string, to: string, at: number, callId: string | null = null) =>
    events.emit({ type: 'agent.state', agentId: 'ag-1', from, to, reason: null, callId, at } as never);

  state('LOGGED_OUT', 'READY', T);
  q.run('create', () => logs.create({ id: 'k1', campaignId: null, leadId: null, phone: '+15550100001', nodeId: 'n1', at: T + 10 }));
  state('READY', 'RESERVED', T + 20, 'k1');
  expect(await q.idle(5000)).toBe(true);

  await env.proxy.setMode('reset');
  state('RESERVED', 'TALKING', T + 2000, 'k1');
  await until(() => (q.writable ? undefined : true), 10_000, 20);
  await env.proxy.setMode('refuse');
  state('TALKING', 'WRAP_UP', T + 9000, 'k1');
  state('WRAP_UP', 'READY', T + 19_000);
  const degraded = q.status();
  expect(degraded).toMatchObject({ writable: false, droppedWrites: 0 });
  expect(degraded.pendingWrites).toBe(3);
  expect(degraded.lastError).toBeTruthy();
  expect((await env.direct.query(`select count(*)::int as n from agent_events`)).rows).toEqual([{ n: 2 }]);

  await env.proxy.setMode('forward');
  await until(() => (q.writable && q.pendingWrites === 0 ? true : undefined), 15_000, 50);
  const rows = (await env.direct.query(`select from_state, to_state, call_id, at from agent_events order by id`)).rows;
  expect(rows).toEqual([
    { from_state: 'LOGGED_OUT', to_state: 'READY', call_id: null, at: T },
    { from_state: 'READY', to_state: 'RESERVED', call_id: 'k1', at: T + 20 },
    { from_state: 'RESERVED', to_state: 'TALKING', call_id: 'k1', at: T + 2000 },
    { from_state: 'TALKING', to_state: 'WRAP_UP', call_id: 'k1', at: T + 9000 },
    { from_state: 'WRAP_UP', to_state: 'READY', call_id: null, at: T + 19_000 },
  ]);
  q.close();
}, 60_000);
