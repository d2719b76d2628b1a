/**
 * What the call reducer makes of what a real Asterisk 22.10.1 sent: the recorded traces of
 * test/fixtures/asterisk22 fed straight into `callStep` (test/support/call-replay.ts), no simulator.
 */
import { describe, expect, it } from 'vitest';
import { callIds, defaultCallPolicy, type CallPolicy, type NewCall } from '../../../engine/calls/index.js';
import type { DomainEvent } from '../../../engine/events/index.js';
import { replayCall } from '../../support/call-replay.js';

const C = 'cl-r1-c-1';
const ID = callIds(C);

function call(policy: Partial<CallPolicy> = {}, agent: NewCall['agent'] = null): NewCall {
  return { callId: C, campaignId: 'camp', leadId: 'lead-1', phone: '+15550110001', endpoint: 'Local/x@amd-sim', nodeId: 'r1', policy: { ...defaultCallPolicy, ...policy }, agent };
}

const ended = (events: DomainEvent[]) => events.filter((e): e is Extract<DomainEvent, { type: 'call.ended' }> => e.type === 'call.ended');
const leadOutcomes = (r: ReturnType<typeof replayCall>) => r.effects.filter((e) => e.kind === 'lead-outcome');

describe('recorded Asterisk 22 traces → callStep', () => {
  it('ring-timeout: Dial RINGING, then ChannelDestroyed 19 with no Dial NOANSWER → NO_ANSWER', () => {
    const r = replayCall({ trace: 'ring-timeout', call: call({ ringTimeoutSec: 3 }), ids: { 'na-1': C }, inputs: [{ t: 41, input: { type: 'dial' } }] });
    expect(r.phases).toEqual(['dialing', 'ringing', 'ended']);
    expect(r.commands).toEqual([{ op: 'originate', channelId: C, endpoint: 'Local/x@amd-sim', timeoutSec: 3 }]);
    expect(ended(r.events)).toEqual([expect.objectContaining({ disposition: 'NO_ANSWER', hangupCause: 19, dialStatus: null, at: 3122 })]);
    expect(leadOutcomes(r)).toEqual([{ kind: 'lead-outcome', leadId: 'lead-1', disposition: 'NO_ANSWER', at: 3122 }]);
    expect(r.state.placedAt).toBe(41);
    expect(r.state.done).toBe(true);
  });

  it('congestion: Dial CONGESTION, our channel destroyed with cause 0 (the ;2 half says 34) → CONGESTION', () => {
    const r = replayCall({ trace: 'congestion-invalid-early-bridge', to: 1000, call: call(), ids: { 'cg-1': C }, inputs: [{ t: 48, input: { type: 'dial' } }] });
    expect(ended(r.events)).toEqual([expect.objectContaining({ disposition: 'CONGESTION', hangupCause: 0, dialStatus: 'CONGESTION' })]);
    expect(r.state.done).toBe(true);
  });

  it('an extension that does not exist: both halves destroyed with cause 0, no Dial event → INVALID_NUMBER', () => {
    const r = replayCall({ trace: 'congestion-invalid-early-bridge', from: 1500, to: 3000, call: call(), ids: { 'bad-1': C }, inputs: [{ t: 1553, input: { type: 'dial' } }] });
    expect(r.phases).toEqual(['dialing', 'ended']);
    expect(ended(r.events)).toEqual([expect.objectContaining({ disposition: 'INVALID_NUMBER', hangupCause: 0 })]);
  });

  it("a pacer's cancel while it rings: our hang-up, Dial NOANSWER, causes 32/16 → CANCELLED; the lead hears NO_ANSWER", () => {
    const r = replayCall({
      trace: 'congestion-invalid-early-bridge',
      from: 3000,
      call: call(),
      ids: { 'early-1': C },
      inputs: [
        { t: 3058, input: { type: 'dial' } },
        { t: 3363, input: { type: 'cancel', by: 'pacer' } },
      ],
    });
    expect(r.phases).toEqual(['dialing', 'ringing', 'ended']);
    expect(r.commands.map((c) => c.op)).toEqual(['originate', 'hangup']);
    expect(ended(r.events)).toEqual([expect.objectContaining({ disposition: 'CANCELLED', hangupCause: 16, dialStatus: 'NOANSWER' })]);
    expect(leadOutcomes(r).map((e) => e.disposition)).toEqual(['NO_ANSWER']);
    expect(r.state.done).toBe(true);
  });

  it('busy on a Local channel: Dial BUSY, cause 0 on ours (17 on the ;2 half) → BUSY', () => {
    const r = replayCall({ trace: 'agent-bridge-record-busy-machine', from: 3546, to: 4000, call: call(), ids: { 'bz-1': C }, inputs: [{ t: 3547, input: { type: 'dial' } }] });
    expect(ended(r.events)).toEqual([expect.objectContaining({ disposition: 'BUSY', hangupCause: 0, dialStatus: 'BUSY' })]);
  });

  it('a human handed to the reserved agent, who talks until the far end hangs up → ANSWERED_HUMAN, the agent to wrap-up', () => {
    const agent = { agentId: 'a1', bridgeId: 'agb-a1' };
    const r = replayCall({
      trace: 'agent-bridge-record-busy-machine',
      from: 63,
      to: 3540,
      call: call({}, agent),
      ids: { 'cu-2': C, 'ab-1': 'agb-a1' },
      inputs: [
        { t: 64, input: { type: 'dial' } },
        // AMD says HUMAN just before the recording joins the callee to the agent's bridge.
        { t: 567, input: { type: 'amd-decision', decision: { status: 'HUMAN', cause: 'HUMAN-500-450', decisionMs: 500, trace: { frameEnergy: [], words: [], notes: [], decisionFrame: 24 } } } },
      ],
    });
    expect(r.phases).toEqual(['dialing', 'answered', 'agent-wait', 'bridged', 'ended']);
    expect(r.commands).toContainEqual({ op: 'addChannel', bridgeId: 'agb-a1', channelIds: [C] });
    expect(r.events.filter((e) => e.type === 'call.bridged')).toEqual([expect.objectContaining({ at: 568, agentId: 'a1', bridgeId: 'agb-a1' })]);
    expect(ended(r.events)).toEqual([expect.objectContaining({ disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: 3035, agentId: 'a1' })]);
    expect(r.effects).toContainEqual({ kind: 'agent-release', agentId: 'a1', talked: true });
    expect(r.state.answeredAt).toBe(65);
    expect(r.state.done).toBe(true);
  });

  it('a machine under the hang-up policy: our DELETE, HangupRequest 32, destroyed 16 → MACHINE (the Dial event came before the originate reply)', () => {
    const r = replayCall({
      trace: 'agent-bridge-record-busy-machine',
      from: 4300,
      call: call({ machine: 'hangup' }),
      ids: { 'mc-1': C },
      inputs: [
        { t: 4350, input: { type: 'dial' } },
        { t: 5354, input: { type: 'amd-decision', decision: { status: 'MACHINE', cause: 'LONGGREETING-1500-1500', decisionMs: 1000, trace: { frameEnergy: [], words: [], notes: [], decisionFrame: 49 } } } },
      ],
    });
    expect(r.phases).toEqual(['dialing', 'answered', 'machine', 'ended']);
    expect(r.commands.at(-1)).toEqual({ op: 'hangup', channelId: C, reason: 'normal' });
    expect(ended(r.events)).toEqual([expect.objectContaining({ disposition: 'MACHINE', hangupCause: 16, at: 5355 })]);
    expect(r.state.done).toBe(true);
  });

  it('the AMD audio path on a real Asterisk: snoop + externalMedia + mixing bridge, torn down on HUMAN; the snoop’s end is never reported', () => {
    const agent = { agentId: 'a1', bridgeId: 'agb-a1' };
    const r = replayCall({
      trace: 'answer-snoop-externalmedia-bridge',
      call: call({}, agent),
      ids: { 'cust-1': C, 'snoop-1': ID.snoop, 'em-1': ID.externalMedia, 'amd-1': ID.amdBridge, 'agent-b': 'agb-a1' },
      inputs: [
        { t: 51, input: { type: 'dial' } },
        { t: 5055, input: { type: 'amd-endpoint', host: '127.0.0.1', port: 40123 } },
        { t: 6869, input: { type: 'amd-decision', decision: { status: 'HUMAN', cause: 'HUMAN-800-450', decisionMs: 1800, trace: { frameEnergy: [], words: [], notes: [], decisionFrame: 89 } } } },
        // The recording's addChannel into the agent's bridge came back 400 "Channel not found".
        { t: 7679, input: { type: 'command-failed', command: { op: 'addChannel', bridgeId: 'agb-a1', channelIds: [C] }, status: 400, message: 'Channel not found' } },
      ],
    });
    expect(r.phases).toEqual(['dialing', 'ringing', 'answered', 'amd', 'agent-wait', 'ended']);
    // Both AMD legs up (StasisStart) → one addChannel into the AMD bridge; on HUMAN everything of AMD goes.
    const ops = r.commands.map((c) => `${c.op}:${'channelId' in c ? c.channelId : 'bridgeId' in c ? c.bridgeId : ''}`);
    expect(ops).toEqual([
      `originate:${C}`,
      `createBridge:${ID.amdBridge}`,
      `snoop:${C}`,
      `externalMedia:${ID.externalMedia}`,
      `addChannel:${ID.amdBridge}`,
      `hangup:${ID.snoop}`,
      `hangup:${ID.externalMedia}`,
      `destroyBridge:${ID.amdBridge}`,
      'addChannel:agb-a1',
      `hangup:${C}`,
      // At the end the snoop is still listed as ours (below), so its hang-up is sent again.
      `hangup:${ID.snoop}`,
    ]);
    expect(r.effects.filter((e) => e.kind === 'amd-start' || e.kind === 'amd-stop').map((e) => e.kind)).toEqual(['amd-start', 'amd-stop']);
    // "Channel not found" on the bridge: the callee is taken for gone and hung up; it was still there, so it
    // ends as a human who never reached the agent (DROPPED).
    expect(ended(r.events)).toEqual([expect.objectContaining({ disposition: 'DROPPED', hangupCause: 16, at: 8682 })]);
    // Asterisk sent StasisEnd for the snoop but never its ChannelDestroyed (the app is unsubscribed from a
    // channel that leaves Stasis, as engine/agents notes for dial-in legs): the reducer still lists it, so the
    // call is not `done`. The hang-up it sent again at the end gets Asterisk's 404 for a channel that is gone
    // (recorded in this trace: DELETE /channels/agent-1 → 404), and that lets the call go.
    expect(r.state.ownedChannels).toEqual([ID.snoop]);
    expect(r.state.done).toBe(false);
    const after = r.feed({ type: 'command-failed', command: { op: 'hangup', channelId: ID.snoop }, status: 404, message: 'Channel not found', at: 8683 });
    expect(after.events).toEqual([]);
    expect(r.state.done).toBe(true);
  });
});
