/**
 * CampaignFollower (app/node): a poll asked for while another read runs (a Redis command arriving mid-read) reads
 * the table once more after it, so a command stored after the running read began is applied at once, not at the
 * next period. It also remembers each campaign's name as read, before the engine dials it: the queue_log of `npm start`
 * on PostgreSQL names a call's queue with it (a copy refreshed on its own 2 s clock wrote the first calls of a campaign
 * started a moment after its creation as `campaign-<id>`).
 */
import { describe, expect, it } from 'vitest';
import { CampaignFollower } from '../../../app/node/campaign-follower.js';
import { VirtualClock } from '../../../engine/clock/index.js';
import { silentLogger } from '../../../engine/log/index.js';
import type { CampaignRunState } from '../../../engine/shell/index.js';
import { openStore, type Campaign } from '../../../engine/store/index.js';

function storedCampaign(): Campaign {
  const s = openStore(':memory:');
  try {
    const c = s.campaigns.create(
      'c1',
      { name: 'c1', dialMode: 'predictive', maxConcurrent: 2, dialStringTemplate: 'PJSIP/{e164}@trunk', callingHours: { start: '00:00', end: '24:00' }, weekdays: [1, 2, 3, 4, 5, 6, 7] },
      1,
    );
    return { ...c, state: 'running' };
  } finally {
    s.close();
  }
}

describe('CampaignFollower.poll', () => {
  it('asked during a read, reads again after it (the command stored meanwhile is applied)', async () => {
    const base = storedCampaign();
    let stored: Campaign = base;
    let state: CampaignRunState = 'running';
    const applied: CampaignRunState[] = [];
    let release: () => void = () => {};
    let reads = 0;
    const engine = {
      campaign: () => ({ state, leads: {} }) as never,
      putCampaign: () => undefined as never,
      setCampaignState: async (_id: string, s: CampaignRunState) => {
        state = s;
        applied.push(s);
      },
    };
    const campaigns = {
      // The first read is slow: it returns the table as it was when the read began.
      list: async () => {
        const snapshot = stored;
        reads++;
        if (reads === 1) await new Promise<void>((r) => (release = r));
        return [snapshot];
      },
      markFailed: async () => undefined,
    };
    const f = new CampaignFollower({ engine, campaigns, leadsFor: () => ({}) as never, clock: new VirtualClock(), logger: silentLogger, pollMs: 60_000 });
    const first = f.poll();
    await new Promise((r) => setImmediate(r));
    // The pause is stored and its command arrives while the first read is still running.
    stored = { ...base, state: 'paused', updatedAt: 2 };
    const second = f.poll();
    const third = f.poll();
    release();
    await Promise.all([first, second, third]);
    expect(reads).toBe(2);
    expect(applied).toEqual(['paused']);
    expect(state).toBe('paused');
  });
});

describe('CampaignFollower.name', () => {
  it('knows a campaign by name from the read that hands it to the engine, and follows a rename at the next read', async () => {
    let stored: Campaign = { ...storedCampaign(), name: 'Ventas Otoño' };
    let loaded = false;
    let nameWhenLoaded: string | undefined;
    const engine = {
      campaign: () => (loaded ? ({ state: 'running', leads: {} } as never) : undefined),
      putCampaign: () => {
        loaded = true;
        // What the queue_log would write for the campaign's first call, which can follow this at once.
        nameWhenLoaded = f.name('c1');
        return undefined as never;
      },
      setCampaignState: async () => undefined,
    };
    const campaigns = { list: async () => [stored], markFailed: async () => undefined };
    const f = new CampaignFollower({ engine, campaigns, leadsFor: () => ({}) as never, clock: new VirtualClock(), logger: silentLogger, pollMs: 60_000 });
    expect(f.name('c1')).toBeUndefined();
    await f.poll();
    expect(loaded).toBe(true);
    expect(nameWhenLoaded).toBe('Ventas Otoño');
    stored = { ...stored, name: 'Ventas Invierno', updatedAt: 5 };
    await f.poll();
    expect(f.name('c1')).toBe('Ventas Invierno');
    expect(f.name('other')).toBeUndefined();
  });
});
