/**
 * The hand-written fixture test/fixtures/queuelog/queue_log (every event app_queue writes, seven malformed
 * lines, a blind transfer re-offered to another queue under the same callid) against figures computed by hand
 * (see the comments: each number is worked out from the fixture's lines).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  QUEUE_LOG_EVENTS,
  QueueLogAnalysis,
  parseQueuesConf,
  reportJson,
  serviceLevelResolver,
  type AgentInterval,
  type QueueCall,
} from '../../../engine/analytics/index.js';

const DIR = fileURLToPath(new URL('../../fixtures/queuelog/', import.meta.url));
const bytes = readFileSync(`${DIR}queue_log`);
const conf = parseQueuesConf(readFileSync(`${DIR}queues.conf`, 'utf8'));
const serviceLevel = serviceLevelResolver({}, conf.serviceLevels, {}, 20);

function analyse(chunkSize = bytes.length) {
  const calls: QueueCall[] = [];
  const intervals: AgentInterval[] = [];
  const a = new QueueLogAnalysis({
    serviceLevel,
    timeZone: 'America/Costa_Rica',
    onCall: (c) => calls.push(c),
    onAgentInterval: (i) => intervals.push(i),
  });
  for (let i = 0; i < bytes.length; i += chunkSize) a.push(bytes.subarray(i, i + chunkSize));
  a.end();
  return { r: a.result(), calls, intervals };
}

describe('queue_log fixture', () => {
  it('reads servicelevel from queues.conf with templates (sales 20, support 30 inherited, billing 0)', () => {
    expect(conf.serviceLevels).toEqual({ sales: 20, support: 30, billing: 0 });
  });

  it('reports each malformed line with its number and reason and keeps every good line', () => {
    const { r } = analyse();
    expect(r.lines).toBe(58);
    expect(r.kept).toBe(51);
    expect(r.malformedLines).toEqual([
      { line: 10, reason: 'empty line' },
      { line: 13, reason: 'exact duplicate of line 12' },
      { line: 15, reason: 'too few fields (3, need at least 5)' },
      { line: 18, reason: 'non-numeric epoch "17672617x0"' },
      { line: 21, reason: 'invalid UTF-8' },
      { line: 25, reason: 'CRLF line ending' },
      { line: 28, reason: 'NUL byte' },
    ]);
    expect(r.unknownEvents).toEqual({ AGENTCALLBACKLOGIN: 1 });
  });

  it('gives the same result whatever the chunking (lines split across chunks, 1 byte at a time)', () => {
    const whole = analyse().r;
    for (const size of [1, 7, 64]) expect(analyse(size).r).toEqual(whole);
  });

  it('sees every event app_queue and the logger write', () => {
    const { r } = analyse();
    for (const e of QUEUE_LOG_EVENTS) expect(r.metrics.events[e], e).toBeGreaterThan(0);
  });

  it('computes the per-queue figures by hand', () => {
    const { r } = analyse();
    expect(reportJson(r).queues).toEqual({
      sales: {
        // c1…c8 entered sales; c1, c2, c8 answered (waits 12, 25, 10); c3 abandoned after 8 s.
        offered: 8,
        answered: 3,
        abandoned: 1,
        timeout: 1,
        exitwithkey: 1,
        exitempty: 1,
        withdraw: 1,
        asa_s: 15.67, // (12 + 25 + 10) / 3
        max_wait_answered_s: 25,
        avg_talk_s: 70, // (60 + 120 + 30) / 3
        total_talk_s: 210,
        answered_within_sl: 2, // 12 and 10 ≤ 20
        sl_pct_of_answered: 66.67, // 2 / 3
        sl_pct_of_answered_plus_abandoned: 50, // 2 / (3 + 1)
        ringnoanswer: 1, // the duplicate line is not counted
      },
      support: {
        // c8 (transferred from sales), c9 (SYSCOMPAT), c10 (dumped, abandoned after 3 s), c12 (still waiting).
        offered: 4,
        answered: 1,
        abandoned: 1,
        timeout: 0,
        exitwithkey: 0,
        exitempty: 0,
        withdraw: 0,
        asa_s: 9,
        max_wait_answered_s: 9,
        avg_talk_s: 60,
        total_talk_s: 60,
        answered_within_sl: 1,
        sl_pct_of_answered: 100,
        sl_pct_of_answered_plus_abandoned: 50,
        ringnoanswer: 0,
      },
    });
  });

  it("computes app_queue's own SL and SL2, labelled apart", () => {
    const { r } = analyse();
    // sales: completed c1 (hold 12), c2 (25), c8 blind transfer (10) → 2 of 3 within 20 s.
    // record_abandoned(): c3 ABANDON 8 s (in SL), c4 timeout 60, c6 EXITEMPTY 1 (in SL), c7 WITHDRAW 30; not EXITWITHKEY.
    expect(r.metrics.queues.sales!.app_queue).toEqual({ sl_pct: 66.67, sl2_pct: 57.14, completed: 3, completed_in_sl: 2, abandoned: 4, abandoned_in_sl: 2 });
    // support: c8 attended transfer (hold 9) completed in SL; c9 SYSCOMPAT and c10 ABANDON (3 s, in SL) abandoned.
    expect(r.metrics.queues.support!.app_queue).toEqual({ sl_pct: 100, sl2_pct: 66.67, completed: 1, completed_in_sl: 1, abandoned: 2, abandoned_in_sl: 1 });
    expect(r.metrics.queues.sales!.abandon_rate_pct).toBe(12.5);
    expect(r.metrics.queues.sales!.servicelevel_s).toBe(20);
    expect(r.metrics.queues.support!.servicelevel_s).toBe(30);
  });

  it('buckets by hour and day in the center time zone (10:00 UTC is 04:00 in Costa Rica)', () => {
    const { r } = analyse();
    const support = r.metrics.queues.support!;
    expect(support.by_hour[4]).toMatchObject({ hour: 4, offered: 3, answered: 1, abandoned: 1, answered_within_sl: 1, talk_s: 60 });
    expect(support.by_hour[5]).toMatchObject({ hour: 5, offered: 1 }); // c12 at 05:01:40 local
    expect(support.by_day).toEqual([{ day: '2026-01-01', offered: 4, answered: 1, abandoned: 1, answered_within_sl: 1, talk_s: 60 }]);
    expect(r.metrics.queues.sales!.by_hour.reduce((s, b) => s + b.offered, 0)).toBe(8);
  });

  it('computes per-agent figures: answered, talk, ring-no-answer, pauses by reason, occupancy', () => {
    const { r } = analyse();
    expect(reportJson(r).agents).toEqual({
      'Agent/1003': { calls_answered: 0, talk_s: 0, ringnoanswer: 0 },
      Ana: { calls_answered: 2, talk_s: 90, ringnoanswer: 0 },
      Beto: { calls_answered: 1, talk_s: 120, ringnoanswer: 1 },
      Carla: { calls_answered: 1, talk_s: 60, ringnoanswer: 0 },
    });
    const ana = r.metrics.agents.Ana!;
    expect(ana.pause_s_by_reason).toEqual({ Lunch: 600 });
    expect(ana.logged_in_s).toBe(3595); // member from T+5 to T+3600
    expect(ana.occupancy_pct).toBe(3.01); // 90 / (3595 - 600)
    expect(ana.dumps).toBe(1);
    expect(ana.ringcanceled).toBe(1);
    const beto = r.metrics.agents.Beto!;
    expect(beto.pause_s_by_reason).toEqual({ '': 4 }); // added PAUSED at T+6, unpaused at T+10
    expect(beto.logged_in_s).toBe(2994);
    expect(beto.occupancy_pct).toBe(4.01); // 120 / 2990
    expect(beto.ringnoanswer_ms).toBe(15000);
    expect(beto.outcalls).toBe(1);
    expect(beto.outcall_talk_s).toBe(45);
    expect(r.metrics.agents['Agent/1003']!.logged_in_s).toBe(2092);
    expect(r.metrics.agents.Carla!.occupancy_pct).toBeNull(); // a static member: no login seen
    expect(r.metrics.agents['PJSIP/1002']).toBeUndefined(); // PENALTY/RINGINUSE name the interface
  });

  it('groups by callid into queue calls; the blind-transferred caller is offered again under the same callid', () => {
    const { calls, r } = analyse();
    const c8 = calls.filter((c) => c.callid === 'c8');
    expect(c8).toEqual([
      expect.objectContaining({ queue: 'sales', agent: 'Ana', waitS: 10, ringS: 4, talkS: 30, outcome: 'BLINDTRANSFER', transferredFrom: null }),
      expect.objectContaining({ queue: 'support', agent: 'Carla', waitS: 9, talkS: 60, outcome: 'ATTENDEDTRANSFER', transferredFrom: 'sales' }),
    ]);
    expect(calls.map((c) => `${c.callid}:${c.outcome}`)).toEqual([
      'c1:COMPLETECALLER', 'c2:COMPLETEAGENT', 'c3:ABANDON', 'c4:EXITWITHTIMEOUT', 'c5:EXITWITHKEY', 'c6:EXITEMPTY',
      'c7:WITHDRAW', 'c8:BLINDTRANSFER', 'c8:ATTENDEDTRANSFER', 'c9:SYSCOMPAT', 'c10:ABANDON',
    ]);
    expect(calls[0]).toMatchObject({ callerId: '50688881111', position: 1, ringNoAnswer: 1, enteredAt: 1767261700, endedAt: 1767261772 });
    expect(r.metrics.open_calls).toBe(1); // c12
  });

  it('emits agent sessions: memberships and pauses with their reasons', () => {
    const { intervals } = analyse();
    expect(intervals.filter((i) => i.kind === 'pause')).toEqual([
      { kind: 'pause', agent: 'Beto', reason: '', from: 1767261606, to: 1767261610 },
      { kind: 'pause', agent: 'Ana', reason: 'Lunch', from: 1767262900, to: 1767263500 },
    ]);
    expect(intervals.filter((i) => i.kind === 'membership').map((i) => `${i.agent}@${i.queue} ${i.to - i.from}`)).toEqual([
      'Beto@sales 2994',
      'Ana@sales 3595',
      'Ana@support 3595',
    ]);
  });
});
