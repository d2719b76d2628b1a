/**
 * The queue_log's names over PostgreSQL (app/pg/queue-log-names.ts): answered synchronously from a copy of the
 * campaigns and agents, the node's own read of a campaign's name first, a miss refreshing at once, the periodic
 * refresh on the clock, and a failed read keeping the last copy (the queue_log never breaks on PostgreSQL).
 */
import { expect, it } from 'vitest';
import { cachedQueueLogNames } from '../../../app/pg/queue-log-names.js';
import { VirtualClock } from '../../../engine/clock/index.js';
import { silentLogger } from '../../../engine/log/index.js';
import type { AgentRow, Campaign } from '../../../engine/store/index.js';

it('names from the copy, the node first, a miss refreshing at once, a failed read keeping the last copy', async () => {
  const clock = new VirtualClock(0);
  let campaigns: Array<Pick<Campaign, 'id' | 'name'>> = [{ id: 'k1', name: 'Spring' }];
  let agents: Array<Pick<AgentRow, 'id' | 'name'>> = [{ id: 'a1', name: 'Ana' }];
  let fail = false;
  let reads = 0;
  const nodeNames = new Map<string, string>([['k9', 'Loaded by the node']]);
  const names = cachedQueueLogNames(
    {
      campaigns: { list: async () => (reads++, fail ? Promise.reject(new Error('connection terminated')) : (campaigns as Campaign[])) },
      agents: { list: async () => (fail ? Promise.reject(new Error('connection terminated')) : (agents as AgentRow[])) },
      campaignName: (id) => nodeNames.get(id),
    },
    clock,
    silentLogger,
    5000,
  );
  await names.refresh();
  expect(names.campaigns.get('k1')).toEqual({ name: 'Spring' });
  expect(names.campaigns.get('k9')).toEqual({ name: 'Loaded by the node' });
  expect(names.agents.get('a1')).toEqual({ name: 'Ana' });

  // A new agent: unknown now (the writer falls back to its id), known once the refresh the miss started lands.
  agents = [...agents, { id: 'a2', name: 'Bea' }];
  const before = reads;
  expect(names.agents.get('a2')).toBeUndefined();
  expect(reads).toBe(before + 1);
  await names.refresh();
  expect(names.agents.get('a2')).toEqual({ name: 'Bea' });

  // The periodic refresh follows the clock: a renamed campaign shows after one period.
  campaigns = [{ id: 'k1', name: 'Summer' }];
  clock.advance(4999);
  await new Promise((r) => setImmediate(r));
  expect(names.campaigns.get('k1')).toEqual({ name: 'Spring' });
  clock.advance(1);
  // The timer's read settles within a turn of the event loop (no wall-clock wait).
  await new Promise((r) => setImmediate(r));
  expect(names.campaigns.get('k1')).toEqual({ name: 'Summer' });

  // PostgreSQL away: the last copy stays, nothing throws.
  fail = true;
  await names.refresh();
  expect(names.campaigns.get('k1')).toEqual({ name: 'Summer' });
  expect(names.agents.get('a2')).toEqual({ name: 'Bea' });
  names.stop();
});
