/**
 * The SQLite store file (created with its directory, WAL, migrations applied once) and the SQLite CallLog repository's
 * own reads; then, on both dialects, what the API and the recorder write on an ended CallLog and a user's metrics.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openStore, type Store } from '../../engine/store/index.js';
import { describeDialects } from '../support/store-dialects.js';

let dir: string;
let store: Store;
const T0 = Date.UTC(2026, 2, 2, 15, 0, 0);

// The SQLite file itself (its directory, WAL, migrations): what only the SQLite store has. A fresh file per test.
function useSqliteStore(): void {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'centralita-store-'));
    store = openStore(join(dir, 'nested', 'db', 'centralita.db'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

describe('openStore', () => {
  useSqliteStore();
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

// The CallLog transitions (create, one UPDATE per stage, end, alive, reconciliation) run on SQLite and PostgreSQL
// from one body: store-dialect-call-logs.test.ts. Here the SQLite repository's own list and count (the load bench's
// reads, app/load-bench; PostgreSQL has no twin of them).
describe('CallLogRepo list and count (SQLite)', () => {
  useSqliteStore();
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

// What the API and the recorder write on an ended CallLog, and a user's metrics over dialer and manual calls: one
// body on both dialects (the ports the PostgreSQL product builds: app/pg pgApiPorts, the node's recorder store).
describeDialects(
  'CallLog after its end, and per-user metrics',
  (h) => {
    it('a recording, an outcome and notes may still be attached after the end; the end itself is not rewritten', async () => {
      await h.callLogs.create({ id: 'r1', campaignId: 'camp', leadId: null, phone: '+1', nodeId: 'n1', at: T0 });
      await h.callLogs.end('r1', { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: T0 + 10_000 });
      expect(await h.recorderStore.setCallRecording('r1', 'rec/r1.wav')).toBe(true);
      expect(await h.callHistory.setOutcome('r1', 'sale', 'wants the blue one')).toBe(true);
      expect(await h.callHistory.setHangupBy('r1', 'agent')).toBe(true);
      expect(await h.callLogs.markAnswered('r1', T0 + 20_000)).toBe(false);
      expect(await h.callLogs.get('r1')).toMatchObject({ recordingRef: 'rec/r1.wav', outcome: 'sale', notes: 'wants the blue one', hangupBy: 'agent', totalMs: 10_000 });
      expect(await h.recorderStore.setCallRecording('nope', 'x')).toBe(false);
    });

    it('derives per-user metrics from CallLogs and agent events', async () => {
      await h.seed.agent({ id: 'a1', kind: 'human', name: 'Ana', endpoint: 'PJSIP/101', userId: 'u1', createdAt: T0 });
      // Agent a1: READY at T0, TALKING 10 s later for 60 s, WRAP_UP 10 s, READY again.
      const ev = (fromState: string, toState: string, at: number) => h.seed.agentEvent({ agentId: 'a1', fromState, toState, at });
      await ev('LOGGED_OUT', 'READY', T0);
      await ev('READY', 'TALKING', T0 + 10_000);
      await ev('TALKING', 'WRAP_UP', T0 + 70_000);
      await ev('WRAP_UP', 'READY', T0 + 80_000);
      await ev('READY', 'TALKING', T0 + 90_000);
      await ev('TALKING', 'WRAP_UP', T0 + 120_000);
      await ev('WRAP_UP', 'READY', T0 + 130_000);

      // Two dialer calls bridged to a1 (60 s and 30 s talk), one dialer drop (no agent).
      const dial = async (cid: string, bridged: number | null, end: number, disp: 'ANSWERED_HUMAN' | 'DROPPED') => {
        await h.callLogs.create({ id: cid, campaignId: 'camp', leadId: null, phone: '+50688887777', nodeId: 'n1', at: T0 });
        if (bridged !== null) await h.callLogs.markBridged(cid, { agentId: 'a1', at: bridged });
        await h.callLogs.end(cid, { disposition: disp, hangupCause: 16, at: end });
      };
      await dial('d1', T0 + 10_000, T0 + 70_000, 'ANSWERED_HUMAN');
      await dial('d2', T0 + 90_000, T0 + 120_000, 'ANSWERED_HUMAN');
      await dial('d3', null, T0 + 95_000, 'DROPPED');
      expect((await h.callLogs.get('d1'))?.userId).toBe('u1');

      // A manual call by u1 that failed: counts as made and failed, no talk time.
      await h.manualCalls.start({ id: 'm1', userId: 'u1', phone: '+50670001111', nodeId: 'n1', at: T0 + 140_000 });
      expect(await h.manualCalls.end({ id: 'm1', disposition: 'NO_ANSWER', notes: null, at: T0 + 150_000 })).toMatchObject({ totalMs: 10_000, talkMs: 0 });

      const m = await h.callMetrics.userMetrics('u1', { from: T0, to: T0 + 140_000 + 0 });
      expect(m.calls_made).toBe(2);
      const all = await h.callMetrics.userMetrics('u1', { from: T0, to: T0 + 200_000 });
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
    });
  },
  { prefix: 'ct_pg_suite_call_logs' },
);
