import { mkdtempSync, rmSync } from 'node:fs';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openStore, type Store } from '../../engine/store/index.js';

let dir: string;
let store: Store;
const T0 = Date.UTC(2026, 2, 2, 15, 0, 0);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'centralita-store-'));
  store = openStore(join(dir, 'nested', 'db', 'centralita.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('openStore', () => {
  it('creates the directory, runs migrations on a fresh file and uses WAL', () => {
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = store.sqlite
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
      .all()
      .map((r) => (r as { name: string }).name);
    expect(tables).toEqual(
      expect.arrayContaining(['agent_events', 'agents', 'call_logs', 'campaigns', 'dnc', 'import_jobs', 'leads', '__drizzle_migrations']),
    );
    const indices = store.sqlite.prepare("select name from sqlite_master where type = 'index'").all().map((r) => (r as { name: string }).name);
    expect(indices).toEqual(expect.arrayContaining(['call_logs_campaign_created_idx', 'leads_hopper_idx']));
  });

  it('reopening an up-to-date file applies nothing twice and keeps data', () => {
    store.callLogs.create({ id: 'c1', campaignId: 'k', leadId: null, phone: '+50688887777', nodeId: 'n1', at: T0 });
    const path = store.path;
    store.close();
    store = openStore(path);
    const n = store.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
    expect(n.n).toBe(readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR }).length);
    expect(store.callLogs.get('c1')?.phone).toBe('+50688887777');
  });
});

describe('CallLog transitions', () => {
  it('writes each transition and derives durations at the end', () => {
    const id = 'call-1';
    store.callLogs.create({ id, campaignId: 'camp', leadId: 'lead', phone: '+50688887777', nodeId: 'n1', channelId: 'ch-1', at: T0 });
    expect(store.callLogs.get(id)?.stage).toBe('created');
    expect(store.callLogs.markRinging(id, T0 + 1_000)).toBe(true);
    store.callLogs.markRinging(id, T0 + 1_500); // a second ringing report keeps the first time
    expect(store.callLogs.get(id)?.ringingAt).toBe(T0 + 1_000);
    store.callLogs.markAnswered(id, T0 + 9_000);
    store.callLogs.markAmd(id, { status: 'HUMAN', cause: 'HUMAN-1-1', decisionMs: 1_200, at: T0 + 10_200 });
    store.callLogs.markBridged(id, { agentId: 'a1', bridgeId: 'b1', agentChannelId: 'ach', at: T0 + 10_300 });
    const mid = store.callLogs.get(id)!;
    expect(mid.stage).toBe('bridged');
    expect(mid.endedAt).toBeNull();
    expect(store.callLogs.listOpenCallLogs().map((r) => r.id)).toEqual([id]);

    expect(store.callLogs.end(id, { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: T0 + 70_300 })).toBe(true);
    const row = store.callLogs.get(id)!;
    expect(row).toMatchObject({
      stage: 'ended',
      disposition: 'ANSWERED_HUMAN',
      hangupCause: 16,
      amdStatus: 'HUMAN',
      amdCause: 'HUMAN-1-1',
      amdDecisionMs: 1_200,
      amdTreatedAs: 'HUMAN',
      agentId: 'a1',
      bridgeId: 'b1',
      ringMs: 8_000,
      talkMs: 60_000,
      totalMs: 70_300,
    });
    expect(store.callLogs.listOpenCallLogs()).toEqual([]);
    // Late events after the end do not rewrite the row.
    expect(store.callLogs.markAnswered(id, T0 + 99_000)).toBe(false);
    expect(store.callLogs.end(id, { disposition: 'FAILED', hangupCause: 0, at: T0 + 99_000 })).toBe(false);
    expect(store.callLogs.get(id)?.disposition).toBe('ANSWERED_HUMAN');
    // A recording is finalised after hang-up and may still be attached.
    expect(store.callLogs.setRecording(id, 'rec/call-1.wav')).toBe(true);
  });

  it('a never-answered call has ring time to the end and no talk', () => {
    store.callLogs.create({ id: 'na', campaignId: 'camp', leadId: null, phone: '+50688887777', nodeId: 'n1', at: T0 });
    store.callLogs.markRinging('na', T0 + 2_000);
    store.callLogs.end('na', { disposition: 'NO_ANSWER', hangupCause: 19, at: T0 + 27_000 });
    expect(store.callLogs.get('na')).toMatchObject({ ringMs: 25_000, talkMs: 0, totalMs: 27_000 });
  });

  it('a crash leaves open rows that reconciliation closes, per node', () => {
    store.callLogs.create({ id: 'x1', campaignId: 'camp', leadId: null, phone: '+1', nodeId: 'n1', at: T0 });
    store.callLogs.markAnswered('x1', T0 + 5_000);
    store.callLogs.create({ id: 'x2', campaignId: 'camp', leadId: null, phone: '+2', nodeId: 'n2', at: T0 + 1 });
    const path = store.path;
    store.close(); // "crash"
    store = openStore(path);
    expect(store.callLogs.listOpenCallLogs().map((r) => r.id)).toEqual(['x1', 'x2']);
    const mine = store.callLogs.listOpenCallLogs('n1');
    expect(mine.map((r) => [r.id, r.stage])).toEqual([['x1', 'answered']]);
    expect(store.callLogs.closeCallLog('x1', 'FAILED', null, T0 + 60_000)).toBe(true);
    expect(store.callLogs.get('x1')).toMatchObject({ disposition: 'FAILED', hangupCause: null, totalMs: 60_000, talkMs: 0 });
    expect(store.callLogs.listOpenCallLogs().map((r) => r.id)).toEqual(['x2']);
  });

  it('stamps open rows of a node as alive (one statement), and closes an interrupted row with its cause', () => {
    store.callLogs.create({ id: 'al1', campaignId: 'camp', leadId: null, phone: '+1', nodeId: 'n1', at: T0 });
    store.callLogs.markBridged('al1', { agentId: 'a1', at: T0 + 10_000 });
    store.callLogs.create({ id: 'al2', campaignId: 'camp', leadId: null, phone: '+2', nodeId: 'n2', at: T0 });
    store.callLogs.create({ id: 'al3', campaignId: 'camp', leadId: null, phone: '+3', nodeId: 'n1', at: T0 });
    store.callLogs.end('al3', { disposition: 'BUSY', hangupCause: 17, at: T0 + 1_000 });
    expect(store.callLogs.markAlive('n1', T0 + 70_000)).toBe(1);
    expect(store.callLogs.get('al1')?.aliveAt).toBe(T0 + 70_000);
    expect(store.callLogs.get('al2')?.aliveAt).toBeNull();
    expect(store.callLogs.get('al3')?.aliveAt).toBeNull();
    store.callLogs.closeCallLog('al1', 'INTERRUPTED', null, T0 + 70_000, 'engine_lost');
    expect(store.callLogs.get('al1')).toMatchObject({ disposition: 'INTERRUPTED', interruption: 'engine_lost', talkMs: 60_000, endedAt: T0 + 70_000 });
  });

  it('lists and counts by campaign and disposition', () => {
    const d = ['MACHINE', 'MACHINE', 'DROPPED', 'ANSWERED_HUMAN'] as const;
    d.forEach((disp, i) => {
      store.callLogs.create({ id: `l${i}`, campaignId: 'camp', leadId: null, phone: `+${i}`, nodeId: 'n1', at: T0 + i });
      store.callLogs.end(`l${i}`, { disposition: disp, hangupCause: 16, at: T0 + 1000 + i });
    });
    expect(store.callLogs.countByDisposition('camp')).toEqual({ MACHINE: 2, DROPPED: 1, ANSWERED_HUMAN: 1 });
    expect(store.callLogs.list({ campaignId: 'camp', disposition: 'MACHINE', order: 'asc' }).map((r) => r.id)).toEqual(['l0', 'l1']);
    expect(store.callLogs.list({ campaignId: 'camp', from: T0 + 2 }).map((r) => r.id)).toEqual(['l3', 'l2']);
  });
});

describe('metrics', () => {
  it('derives per-user metrics from CallLogs and agent events', () => {
    store.agents.upsert({ id: 'a1', kind: 'human', name: 'Ana', endpoint: 'PJSIP/101', userId: 'u1', createdAt: T0 });
    // Agent a1: READY at T0, TALKING 10 s later for 60 s, WRAP_UP 10 s, READY again.
    const ev = (from: string, to: string, at: number) => store.agentEvents.append({ agentId: 'a1', from, to, at });
    ev('LOGGED_OUT', 'READY', T0);
    ev('READY', 'TALKING', T0 + 10_000);
    ev('TALKING', 'WRAP_UP', T0 + 70_000);
    ev('WRAP_UP', 'READY', T0 + 80_000);
    ev('READY', 'TALKING', T0 + 90_000);
    ev('TALKING', 'WRAP_UP', T0 + 120_000);
    ev('WRAP_UP', 'READY', T0 + 130_000);

    // Two dialer calls bridged to a1 (60 s and 30 s talk), one dialer drop (no agent).
    const dial = (cid: string, bridged: number | null, end: number, disp: 'ANSWERED_HUMAN' | 'DROPPED') => {
      store.callLogs.create({ id: cid, campaignId: 'camp', leadId: null, phone: '+50688887777', nodeId: 'n1', at: T0 });
      if (bridged !== null) store.callLogs.markBridged(cid, { agentId: 'a1', at: bridged });
      store.callLogs.end(cid, { disposition: disp, hangupCause: 16, at: end });
    };
    dial('d1', T0 + 10_000, T0 + 70_000, 'ANSWERED_HUMAN');
    dial('d2', T0 + 90_000, T0 + 120_000, 'ANSWERED_HUMAN');
    dial('d3', null, T0 + 95_000, 'DROPPED');
    expect(store.callLogs.get('d1')?.userId).toBe('u1');

    // A manual call by u1 that failed: counts as made and failed, no talk time.
    store.manualCalls.startManualCall({ id: 'm1', userId: 'u1', phone: '+50670001111', nodeId: 'n1', at: T0 + 140_000 });
    const res = store.manualCalls.endManualCall({ id: 'm1', success: false, at: T0 + 150_000 });
    expect(res.duration_seconds).toBe(10);

    const m = store.metrics.userMetrics('u1', { from: T0, to: T0 + 140_000 + 0 });
    expect(m.calls_made).toBe(2);
    const all = store.metrics.userMetrics('u1', { from: T0, to: T0 + 200_000 });
    expect(all).toMatchObject({
      calls_made: 3,
      calls_success: 2,
      calls_failed: 1,
      total_talk_time: 90,
      avg_call_duration: 45,
      aht: 55, // (90 s talk + 20 s wrap) / 2
      success_pct: 66.67,
    });
    expect(all.time_in_state).toEqual({ READY: 10 + 10 + 70, TALKING: 90, WRAP_UP: 20 });
    expect(res).toMatchObject({ calls_made: 3, calls_success: 2, total_talk_time: 90, new_average: 45 });
  });

  it('manual start/end produce a CallLog of kind manual and reject a second end', () => {
    const started = store.manualCalls.startManualCall({ id: 'm2', userId: 'u9', phone: '+50670001111', nodeId: 'n1', at: T0 });
    expect(started).toMatchObject({ kind: 'manual', stage: 'bridged', userId: 'u9' });
    const res = store.manualCalls.endManualCall({ id: 'm2', success: true, at: T0 + 125_400, notes: 'interested' });
    expect(res).toMatchObject({ duration_seconds: 125, calls_made: 1, calls_success: 1, total_talk_time: 125.4, new_average: 125.4 });
    expect(res.call).toMatchObject({ disposition: 'ANSWERED_HUMAN', talkMs: 125_400, notes: 'interested', stage: 'ended' });
    expect(() => store.manualCalls.endManualCall({ id: 'm2', at: T0 + 200_000 })).toThrow(/already ended/);
    expect(() => store.manualCalls.endManualCall({ id: 'nope', at: T0 })).toThrow(/not found/);
  });
});
