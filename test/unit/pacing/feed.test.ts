import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../../engine/events/types.js';
import { emptyFeed, pacingFeedStep, unresolvedResult, type FedEvent, type PacingFeedState } from '../../../engine/pacing/feed.js';

const created = (callId: string, at: number, leadId: string | null = 'L1', campaignId = 'camp'): DomainEvent => ({
  type: 'call.created',
  callId,
  at,
  campaignId,
  leadId,
  phone: '+15550110001',
  channelId: callId,
  agentId: null,
  nodeId: 'n1',
});
const ended = (callId: string, at: number, disposition: Extract<DomainEvent, { type: 'call.ended' }>['disposition']): DomainEvent => ({
  type: 'call.ended',
  callId,
  at,
  disposition,
  hangupCause: 16,
  dialStatus: null,
  agentId: null,
  safeHarborPlayed: false,
  voicemailLeft: false,
});
const amd = (callId: string, at: number, treatedAs: 'HUMAN' | 'MACHINE'): DomainEvent => ({
  type: 'call.amd',
  callId,
  at,
  status: treatedAs,
  cause: 'x',
  decisionMs: 1200,
  treatedAs,
});

function run(events: DomainEvent[], paced?: Parameters<typeof pacingFeedStep>[2]): { out: FedEvent[]; state: PacingFeedState } {
  let state = emptyFeed();
  const out: FedEvent[] = [];
  for (const e of events) {
    const r = pacingFeedStep(state, e, paced);
    state = r.state;
    out.push(...r.events);
  }
  return { out, state };
}

describe('pacing feed: domain events → PacingEvents', () => {
  it('a connected human: dial-result human at the verdict, human-outcome connected, talk-ended at the end', () => {
    const { out, state } = run([
      created('c1', 1000),
      { type: 'call.ringing', callId: 'c1', at: 1100 },
      { type: 'call.answered', callId: 'c1', at: 5000 },
      amd('c1', 6200, 'HUMAN'),
      { type: 'call.bridged', callId: 'c1', at: 6500, agentId: 'a1', bridgeId: 'b1' },
      ended('c1', 36_500, 'ANSWERED_HUMAN'),
    ]);
    expect(out).toEqual([
      { campaignId: 'camp', event: { type: 'dial-result', placedAtMs: 1000, atMs: 6200, result: 'human', answeredAtMs: 5000 } },
      { campaignId: 'camp', event: { type: 'human-outcome', atMs: 6500, answeredAtMs: 5000, verdictAtMs: 6200, dropped: false } },
      { campaignId: 'camp', event: { type: 'talk-ended', atMs: 36_500, talkMs: 30_000, answeredAtMs: 5000, verdictAtMs: 6200 } },
    ]);
    expect(state.calls).toEqual({});
  });

  it('a dropped human: human-outcome dropped, and nothing more at the end', () => {
    const { out, state } = run([
      created('c2', 0),
      { type: 'call.answered', callId: 'c2', at: 3000 },
      amd('c2', 4200, 'HUMAN'),
      { type: 'call.dropped', callId: 'c2', at: 5000, reason: 'no-agent' },
      ended('c2', 9000, 'DROPPED'),
    ]);
    expect(out.map((f) => f.event)).toEqual([
      { type: 'dial-result', placedAtMs: 0, atMs: 4200, result: 'human', answeredAtMs: 3000 },
      { type: 'human-outcome', atMs: 5000, answeredAtMs: 3000, verdictAtMs: 4200, dropped: true },
    ]);
    expect(state.calls).toEqual({});
  });

  it('a machine is a dial result at the verdict; its end adds nothing', () => {
    const { out } = run([created('c3', 0), { type: 'call.answered', callId: 'c3', at: 2000 }, amd('c3', 4500, 'MACHINE'), ended('c3', 4600, 'MACHINE')]);
    expect(out.map((f) => f.event)).toEqual([{ type: 'dial-result', placedAtMs: 0, atMs: 4500, result: 'machine', answeredAtMs: 2000 }]);
  });

  it('unanswered outcomes come from the disposition at the end; cancelled is not a result', () => {
    const { out } = run([
      created('b', 0),
      ended('b', 3000, 'BUSY'),
      created('n', 0),
      ended('n', 25_000, 'NO_ANSWER'),
      created('f', 0),
      ended('f', 100, 'CONGESTION'),
      created('x', 0),
      ended('x', 10, 'CANCELLED'),
      created('h', 0),
      { type: 'call.answered', callId: 'h', at: 4000 },
      ended('h', 5000, 'HUNG_UP_DURING_AMD'),
    ]);
    expect(out.map((f) => [f.event.type, 'result' in f.event ? f.event.result : null, f.event.atMs])).toEqual([
      ['dial-result', 'busy', 3000],
      ['dial-result', 'no-answer', 25_000],
      ['dial-result', 'failed', 100],
      ['dial-result', 'failed', 5000],
    ]);
    // The answered one says it was answered (predictive counts answers).
    expect(out[3]!.event).toMatchObject({ answeredAtMs: 4000 });
    expect(unresolvedResult('INVALID_NUMBER')).toBe('failed');
  });

  it('test calls (no lead) and calls never seen created feed nothing; campaigns are kept apart', () => {
    const { out } = run([
      created('t', 0, null),
      ended('t', 3000, 'BUSY'),
      ended('ghost', 3000, 'BUSY'),
      created('a', 0, 'L1', 'A'),
      created('b', 0, 'L2', 'B'),
      ended('b', 1000, 'BUSY'),
      ended('a', 2000, 'NO_ANSWER'),
    ]);
    expect(out.map((f) => [f.campaignId, f.event.atMs])).toEqual([
      ['B', 1000],
      ['A', 2000],
    ]);
  });

  it('the caller decides what counts as paced', () => {
    const { out } = run([created('c', 0), ended('c', 3000, 'BUSY')], () => false);
    expect(out).toEqual([]);
  });
});
