/**
 * The engine's own queue_log: domain events of a campaign → queue_log lines → a real file → read back by the
 * parser, with the figures worked out by hand. The file writer keeps lines while the disk refuses and writes
 * them, in order, once it accepts again.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CampaignQueueLog,
  QueueLogAnalysis,
  QueueLogFile,
  formatQueueLogLine,
  readQueueLogFile,
  type QueueCall,
} from '../../../engine/analytics/index.js';
import type { DomainEvent } from '../../../engine/events/index.js';

const T = 1_767_261_600_000; // ms
const s = (x: number) => T + x * 1000;
const names = { campaign: (id: string) => (id === 'c1' ? 'Ventas Q1' : `campaign-${id}`), agent: (id: string) => ({ a1: 'Ana Mora', a2: 'Beto' })[id] ?? id };

const created = (callId: string, at: number, phone: string): DomainEvent => ({
  type: 'call.created', callId, at: s(at), campaignId: 'c1', leadId: `l-${callId}`, phone, channelId: `ch-${callId}`, agentId: null, nodeId: 'node-1',
});
const ended = (callId: string, at: number, disposition: 'ANSWERED_HUMAN' | 'NO_ANSWER' | 'DROPPED' | 'MACHINE'): DomainEvent => ({
  type: 'call.ended', callId, at: s(at), disposition, hangupCause: 16, dialStatus: null, agentId: null, safeHarborPlayed: false, voicemailLeft: false,
});
const human = (callId: string, at: number): DomainEvent => ({ type: 'call.amd', callId, at: s(at), status: 'HUMAN', cause: 'HUMAN-1-1', decisionMs: 2000, treatedAs: 'HUMAN' });
const agentState = (agentId: string, at: number, from: string, to: string, reason: string | null = null): DomainEvent =>
  ({ type: 'agent.state', agentId, kind: 'human', from, to, reason, callId: null, at: s(at) }) as DomainEvent;

const EVENTS: DomainEvent[] = [
  agentState('a1', 0, 'LOGGED_OUT', 'READY'),
  agentState('a2', 0, 'LOGGED_OUT', 'READY'),
  // 1: a person, bridged to Ana 2 s after the HUMAN decision, 60 s of talk.
  created('k1', 0, '+50688881111'),
  { type: 'call.answered', callId: 'k1', at: s(10) },
  human('k1', 12),
  { type: 'call.bridged', callId: 'k1', at: s(14), agentId: 'a1', bridgeId: 'br-1' },
  ended('k1', 74, 'ANSWERED_HUMAN'),
  // 2: a person dropped for lack of an agent after 2 s.
  created('k2', 15, '+50688882222'),
  { type: 'call.answered', callId: 'k2', at: s(18) },
  human('k2', 20),
  { type: 'call.dropped', callId: 'k2', at: s(22), reason: 'no-agent' },
  ended('k2', 23, 'DROPPED'),
  // 3: no answer.
  created('k3', 25, '+50688883333'),
  ended('k3', 55, 'NO_ANSWER'),
  // 4: no AMD: answered at 40, bridged to Beto at 43, 57 s of talk.
  created('k4', 30, '+50688884444'),
  { type: 'call.answered', callId: 'k4', at: s(40) },
  { type: 'call.bridged', callId: 'k4', at: s(43), agentId: 'a2', bridgeId: 'br-4' },
  ended('k4', 100, 'ANSWERED_HUMAN'),
  // 5: HUMAN, then a beep before any agent: a machine after all.
  created('k5', 110, '+50688885555'),
  { type: 'call.answered', callId: 'k5', at: s(115) },
  human('k5', 117),
  { type: 'call.amd_late', callId: 'k5', at: s(121), cause: 'beep', decisionMs: 6000, agentId: null },
  ended('k5', 122, 'MACHINE'),
  agentState('a1', 200, 'READY', 'PAUSED', 'break'),
  agentState('a1', 260, 'PAUSED', 'READY'),
  agentState('a1', 300, 'READY', 'LOGGED_OUT'),
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cql-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the engine's own queue_log", () => {
  it('writes the lines queue tools expect, one queue per campaign, agents by name', () => {
    const lines: string[] = [];
    const log = new CampaignQueueLog(names, (l) => lines.push(l));
    for (const e of EVENTS) log.handle(e);
    const t = T / 1000;
    expect(lines).toEqual([
      `${t}|NONE|NONE|Ana Mora|AGENTLOGIN|Centralita/a1`,
      `${t}|NONE|NONE|Beto|AGENTLOGIN|Centralita/a2`,
      `${t + 12}|k1|Ventas Q1|NONE|ENTERQUEUE||+50688881111|1`,
      `${t + 14}|k1|Ventas Q1|Ana Mora|CONNECT|2|br-1|0`,
      `${t + 74}|k1|Ventas Q1|Ana Mora|COMPLETECALLER|2|60|1`,
      `${t + 20}|k2|Ventas Q1|NONE|ENTERQUEUE||+50688882222|1`,
      `${t + 22}|k2|Ventas Q1|NONE|ABANDON|1|1|2`,
      `${t + 55}|k3|Ventas Q1|NONE|OUTCALL|NO_ANSWER|0|+50688883333`,
      `${t + 40}|k4|Ventas Q1|NONE|ENTERQUEUE||+50688884444|1`,
      `${t + 43}|k4|Ventas Q1|Beto|CONNECT|3|br-4|0`,
      `${t + 100}|k4|Ventas Q1|Beto|COMPLETECALLER|3|57|1`,
      `${t + 117}|k5|Ventas Q1|NONE|ENTERQUEUE||+50688885555|1`,
      `${t + 121}|k5|Ventas Q1|NONE|WITHDRAW|1|1|4|machine`,
      `${t + 200}|NONE|NONE|Ana Mora|PAUSEALL|break`,
      `${t + 260}|NONE|NONE|Ana Mora|UNPAUSEALL|`,
      `${t + 300}|NONE|NONE|Ana Mora|AGENTLOGOFF|Centralita/a1|300`,
    ]);
  });

  it('round trip: written to its file and read back by the parser, with the figures worked out by hand', async () => {
    const file = path.join(dir, 'data', 'queue_log');
    const out = new QueueLogFile(file);
    const log = new CampaignQueueLog(names, (l) => out.append(l));
    for (const e of EVENTS) log.handle(e);
    await out.flush();
    expect(out.status()).toMatchObject({ ok: true, written: 16, pending: 0, dropped: 0 });
    const calls: QueueCall[] = [];
    const a = new QueueLogAnalysis({ serviceLevel: () => 20, timeZone: 'UTC', onCall: (c) => calls.push({ ...c }) });
    await readQueueLogFile(a, file);
    const r = a.result();
    expect({ lines: r.lines, kept: r.kept, malformed: r.malformed }).toEqual({ lines: 16, kept: 16, malformed: 0 });
    expect(r.metrics.queues['Ventas Q1']).toMatchObject({
      offered: 4, answered: 2, abandoned: 1, withdraw: 1, asa_s: 2.5, max_wait_answered_s: 3, total_talk_s: 117, avg_talk_s: 58.5,
      answered_within_sl: 2, sl_pct_of_answered: 100, sl_pct_of_answered_plus_abandoned: 66.67,
    });
    expect(r.metrics.agents['Ana Mora']).toMatchObject({ calls_answered: 1, talk_s: 60, logged_in_s: 300, pause_s_by_reason: { break: 60 } });
    expect(r.metrics.agents.Beto).toMatchObject({ calls_answered: 1, talk_s: 57 });
    expect(r.metrics.events.OUTCALL).toBe(1);
    expect(calls.map((c) => `${c.callid}:${c.outcome}`)).toEqual(['k1:COMPLETECALLER', 'k2:ABANDON', 'k4:COMPLETECALLER', 'k5:WITHDRAW']);
  });

  it('keeps fields from breaking the line', () => {
    expect(formatQueueLogLine(1, 'id', 'Ventas | Norte', 'Ana\nMora', 'ENTERQUEUE', ['', '+506|1', 1])).toBe('1|id|Ventas _ Norte|Ana_Mora|ENTERQUEUE||+506_1|1');
  });

  it('keeps lines while the disk refuses, says so, and writes them in order once it accepts', async () => {
    const blocker = path.join(dir, 'blocker');
    writeFileSync(blocker, 'a file where the folder should be');
    const out = new QueueLogFile(path.join(blocker, 'queue_log'), 3);
    for (const l of ['1|a|q|NONE|ENTERQUEUE||1|1', '2|a|q|NONE|ABANDON|1|1|1']) out.append(l);
    await out.flush();
    expect(out.status()).toMatchObject({ ok: false, written: 0, pending: 2, dropped: 0 });
    out.append('3|b|q|NONE|ENTERQUEUE||2|1');
    out.append('4|b|q|NONE|ABANDON|1|1|1');
    await out.flush();
    expect(out.status()).toMatchObject({ ok: false, pending: 3, dropped: 1 }); // at most 3 wait; the oldest went
    rmSync(blocker);
    out.append('5|c|q|NONE|ENTERQUEUE||3|1');
    await out.flush();
    // 3 waiting + 1 new: the oldest of the 4 went too.
    expect(out.status()).toMatchObject({ ok: true, written: 3, pending: 0, dropped: 2, lastError: null });
    expect(readFileSync(path.join(blocker, 'queue_log'), 'utf8')).toBe('3|b|q|NONE|ENTERQUEUE||2|1\n4|b|q|NONE|ABANDON|1|1|1\n5|c|q|NONE|ENTERQUEUE||3|1\n');
  });

  it('a file whose last line was torn (killed mid-write): the next start writes on a fresh line, the torn one left as it was', async () => {
    const file = path.join(dir, 'torn_queue_log');
    writeFileSync(file, '1|a|q|NONE|ENTERQUEUE||1|1\n2|a|q|Ana|CONN');
    const out = new QueueLogFile(file);
    out.append('3|b|q|NONE|ENTERQUEUE||2|1');
    await out.flush();
    out.append('4|b|q|NONE|ABANDON|1|1|1');
    await out.flush();
    expect(readFileSync(file, 'utf8')).toBe('1|a|q|NONE|ENTERQUEUE||1|1\n2|a|q|Ana|CONN\n3|b|q|NONE|ENTERQUEUE||2|1\n4|b|q|NONE|ABANDON|1|1|1\n');
    // A whole last line, or an empty file: nothing added.
    const whole = path.join(dir, 'whole_queue_log');
    writeFileSync(whole, '1|a|q|NONE|ENTERQUEUE||1|1\n');
    const empty = path.join(dir, 'empty_queue_log');
    writeFileSync(empty, '');
    for (const f of [whole, empty]) {
      const w = new QueueLogFile(f);
      w.append('5|c|q|NONE|ENTERQUEUE||3|1');
      await w.flush();
    }
    expect(readFileSync(whole, 'utf8')).toBe('1|a|q|NONE|ENTERQUEUE||1|1\n5|c|q|NONE|ENTERQUEUE||3|1\n');
    expect(readFileSync(empty, 'utf8')).toBe('5|c|q|NONE|ENTERQUEUE||3|1\n');
  });
});

describe('wiring (app/queue-log.ts)', () => {
  it('puts the file beside the database unless QUEUE_LOG_FILE says otherwise or "off"', async () => {
    const { queueLogPath } = await import('../../../app/queue-log.js');
    expect(queueLogPath({ DB_PATH: '/var/lib/centralita/c.db' })).toBe('/var/lib/centralita/queue_log');
    expect(queueLogPath({ DB_PATH: 'x.db', QUEUE_LOG_FILE: '/var/log/centralita/queue_log' })).toBe('/var/log/centralita/queue_log');
    expect(queueLogPath({ DB_PATH: 'x.db', QUEUE_LOG_FILE: 'off' })).toBeNull();
  });

  it('subscribes to the domain events and names campaigns and agents from the store', async () => {
    const { attachQueueLog } = await import('../../../app/queue-log.js');
    const { DomainEvents } = await import('../../../engine/events/index.js');
    const events = new DomainEvents();
    const store = {
      campaigns: { get: (id: string) => (id === 'c1' ? { name: 'Ventas Q1' } : undefined) },
      agents: { get: (id: string) => (id === 'a1' ? { name: 'Ana Mora' } : undefined) },
    } as unknown as Parameters<typeof attachQueueLog>[1];
    const file = path.join(dir, 'queue_log');
    const ql = attachQueueLog(events, store, file);
    for (const e of EVENTS.slice(0, 7)) events.emit(e);
    await ql.close();
    events.emit(EVENTS[7]!); // after close: not written
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(5);
    expect(readFileSync(file, 'utf8')).toContain('|k1|Ventas Q1|Ana Mora|COMPLETECALLER|2|60|1\n');
    expect(ql.status()).toMatchObject({ ok: true, written: 5 });
  });
});
