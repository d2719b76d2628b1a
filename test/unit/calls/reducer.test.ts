import { describe, expect, it } from 'vitest';
import { defaultCallPolicy } from '../../../engine/calls/types.js';
import { CALL, CallDriver, decision, ev } from './helpers.js';

const SNOOP = `${CALL}-snoop`;
const EM = `${CALL}-em`;
const AMD_BRIDGE = `${CALL}-amd`;
const SH = `${CALL}-sh`;
const VM = `${CALL}-vm`;

describe('call reducer: dialing', () => {
  it('originates with our own channel id and the campaign ring timeout', () => {
    const d = new CallDriver({ ringTimeoutSec: 25, callerId: '+15550000000' }).dial();
    expect(d.state.phase).toBe('dialing');
    expect(d.commands()).toEqual([
      { op: 'originate', channelId: CALL, endpoint: 'PJSIP/+15550110001@trunk', timeoutSec: 25, callerId: '+15550000000' },
    ]);
    expect(d.eventTypes()).toEqual(['call.created', 'call.dialing']);
    expect(d.state.ownedChannels).toEqual([CALL]);
  });

  it('ignores a second dial', () => {
    const d = new CallDriver().dial().dial();
    expect(d.commands()).toHaveLength(1);
  });

  it('goes ringing once, on Dial RINGING or ChannelStateChange Ringing', () => {
    const d = new CallDriver().dial().ari(ev.dial(CALL, '')).ari(ev.state(CALL, 'Ringing')).ari(ev.dial(CALL, 'RINGING'));
    expect(d.state.phase).toBe('ringing');
    expect(d.eventTypes().filter((t) => t === 'call.ringing')).toHaveLength(1);
  });

  it('ignores events of other channels, including the Local ;2 half', () => {
    const d = new CallDriver().dial().ari(ev.dial(`${CALL};2`, 'RINGING')).ari(ev.destroyed(`${CALL};2`, 17));
    expect(d.state.phase).toBe('dialing');
  });
});

describe('call reducer: unanswered outcomes (replaying the Asterisk 22 traces)', () => {
  it('Local busy: Dial BUSY then our channel destroyed with cause 0 → BUSY', () => {
    const d = new CallDriver().dial().ari(ev.dial(CALL, '')).ari(ev.dial(CALL, 'BUSY')).ari(ev.hangupRequest(`${CALL};2`, 0)).ari(ev.destroyed(CALL, 0));
    expect(d.ended()).toMatchObject({ disposition: 'BUSY', hangupCause: 0, dialStatus: 'BUSY' });
    expect(d.state.done).toBe(true);
  });

  it('Local congestion → CONGESTION', () => {
    const d = new CallDriver().dial().ari(ev.dial(CALL, '')).ari(ev.dial(CALL, 'CONGESTION')).ari(ev.destroyed(CALL, 0));
    expect(d.ended()?.disposition).toBe('CONGESTION');
  });

  it('Local invalid extension: no Dial event, cause 0 → INVALID_NUMBER', () => {
    const d = new CallDriver().dial().ari(ev.destroyed(`${CALL};2`, 0)).ari(ev.destroyed(CALL, 0));
    expect(d.ended()?.disposition).toBe('INVALID_NUMBER');
  });

  it('ring timeout: cause 19 without Dial NOANSWER → NO_ANSWER', () => {
    const d = new CallDriver().dial().ari(ev.dial(CALL, '')).ari(ev.dial(CALL, 'RINGING')).ari(ev.destroyed(CALL, 19));
    expect(d.ended()).toMatchObject({ disposition: 'NO_ANSWER', hangupCause: 19 });
  });

  it.each([
    [17, 'BUSY'],
    [34, 'CONGESTION'],
    [1, 'INVALID_NUMBER'],
    [21, 'BUSY'],
    [127, 'FAILED'],
  ])('PJSIP trunk cause %i → %s', (cause, disposition) => {
    const d = new CallDriver().dial().ari(ev.dial(CALL, '')).ari(ev.destroyed(CALL, cause));
    expect(d.ended()?.disposition).toBe(disposition);
  });

  it('a failed originate → FAILED, agent released, nothing left', () => {
    const d = new CallDriver().dial();
    const originate = d.commands()[0]!;
    d.fail(originate, 400, 'Allocation failed');
    expect(d.ended()?.disposition).toBe('FAILED');
    expect(d.effects).toContainEqual({ kind: 'agent-release', agentId: 'a1', talked: false });
    expect(d.state.done).toBe(true);
  });

  it('cancel while ringing → hangup, Dial NOANSWER, causes 32/16 → CANCELLED', () => {
    const d = new CallDriver().dial().ari(ev.dial(CALL, 'RINGING')).feed({ type: 'cancel', at: 2000 });
    expect(d.lastCommands()).toEqual([{ op: 'hangup', channelId: CALL, reason: 'normal' }]);
    d.ari(ev.hangupRequest(CALL, 32)).ari(ev.dial(CALL, 'NOANSWER')).ari(ev.destroyed(CALL, 16));
    expect(d.ended()?.disposition).toBe('CANCELLED');
  });

  it('cancel before dialing ends at once without an originate', () => {
    const d = new CallDriver().feed({ type: 'cancel', at: 0 });
    expect(d.ended()?.disposition).toBe('CANCELLED');
    expect(d.commands()).toEqual([]);
    expect(d.state.done).toBe(true);
  });

  it('an answer arriving after a cancel does not start AMD', () => {
    const d = new CallDriver().dial().ari(ev.dial(CALL, 'RINGING')).feed({ type: 'cancel', at: 2000 }).ari(ev.stasisStart(CALL));
    expect(d.effects.some((e) => e.kind === 'amd-start')).toBe(false);
  });
});

describe('call reducer: AMD hand-off', () => {
  it('on StasisStart of the callee: answered, AMD session requested, AMD timer set', () => {
    const d = new CallDriver({ amdTimeoutMs: 5000 }).answer();
    expect(d.state.phase).toBe('answered');
    expect(d.state.answeredAt).toBe(4000);
    expect(d.last.effects).toEqual([{ kind: 'amd-start' }, { kind: 'timer-set', timer: 'amd', ms: 5000 }]);
    expect(d.eventTypes()).toContain('call.answered');
  });

  it('creates the AMD bridge, a snoop (spy=in) on the callee and an externalMedia channel (ulaw) at the session', () => {
    const d = new CallDriver().answer().endpoint();
    expect(d.state.phase).toBe('amd');
    expect(d.lastCommands()).toEqual([
      { op: 'createBridge', bridgeId: AMD_BRIDGE, type: 'mixing' },
      { op: 'snoop', channelId: CALL, snoopId: SNOOP, spy: 'in' },
      { op: 'externalMedia', channelId: EM, host: '127.0.0.1', port: 40100, format: 'ulaw' },
    ]);
  });

  it('bridges snoop and externalMedia once both are in Stasis, in either order, once', () => {
    const d = new CallDriver().answer().endpoint().ari(ev.stasisStart(EM));
    expect(d.lastCommands()).toEqual([]);
    d.ari(ev.stasisStart(SNOOP));
    expect(d.lastCommands()).toEqual([{ op: 'addChannel', bridgeId: AMD_BRIDGE, channelIds: [SNOOP, EM] }]);
    d.ari(ev.stasisStart(SNOOP));
    expect(d.lastCommands()).toEqual([]);
  });

  it('a decision tears the AMD path down at once', () => {
    const d = new CallDriver().inAmd().decide(decision('HUMAN'));
    expect(d.last.effects).toEqual(
      expect.arrayContaining([
        { kind: 'timer-clear', timer: 'amd' },
        { kind: 'amd-stop' },
        { kind: 'ari', command: { op: 'hangup', channelId: SNOOP } },
        { kind: 'ari', command: { op: 'hangup', channelId: EM } },
        { kind: 'ari', command: { op: 'destroyBridge', bridgeId: AMD_BRIDGE } },
      ]),
    );
  });

  it('a decision before the endpoint arrives: no AMD resources are created later', () => {
    const d = new CallDriver().answer().decide(decision('MACHINE')).endpoint();
    expect(d.commands().some((c) => c.op === 'snoop' || c.op === 'externalMedia' || c.op === 'createBridge')).toBe(false);
  });
});

describe('call reducer: humans', () => {
  it('HUMAN with a reserved agent → callee added to the agent bridge → bridged → ANSWERED_HUMAN, everything torn down', () => {
    const d = new CallDriver({ agentWaitMs: 2000 }).inAmd().decide(decision('HUMAN'));
    expect(d.state.phase).toBe('agent-wait');
    expect(d.lastCommands()).toContainEqual({ op: 'addChannel', bridgeId: 'agb-a1', channelIds: [CALL] });
    expect(d.last.effects).toContainEqual({ kind: 'timer-set', timer: 'agent-wait', ms: 2000 });
    d.at(50).ari(ev.entered(CALL, 'agb-a1'));
    expect(d.state.phase).toBe('bridged');
    expect(d.last.events).toEqual([{ type: 'call.bridged', callId: CALL, at: d.t, agentId: 'a1', bridgeId: 'agb-a1' }]);
    expect(d.last.effects).toContainEqual({ kind: 'timer-clear', timer: 'agent-wait' });
    d.at(60_000).ari(ev.hangupRequest(CALL, 16)).ari(ev.destroyed(CALL, 16));
    expect(d.ended()).toMatchObject({ disposition: 'ANSWERED_HUMAN', agentId: 'a1', hangupCause: 16 });
    expect(d.effects).toContainEqual({ kind: 'agent-release', agentId: 'a1', talked: true });
    d.settle();
    expect(d.state.done).toBe(true);
  });

  it('the call.amd event says how the decision was treated', () => {
    const d = new CallDriver().inAmd().decide(decision('HUMAN', { cause: 'HUMAN-300-800', decisionMs: 900 }));
    expect(d.last.events).toEqual([
      { type: 'call.amd', callId: CALL, at: d.t, status: 'HUMAN', cause: 'HUMAN-300-800', decisionMs: 900, treatedAs: 'HUMAN' },
    ]);
  });

  it('HUMAN without an agent → agent request; an agent assigned in time → bridged', () => {
    const d = new CallDriver({}, null).inAmd().decide(decision('HUMAN'));
    expect(d.last.effects).toContainEqual({ kind: 'agent-request' });
    d.feed({ type: 'agent-assigned', agent: { agentId: 'a2', bridgeId: 'agb-a2' }, at: d.t });
    expect(d.lastCommands()).toEqual([{ op: 'addChannel', bridgeId: 'agb-a2', channelIds: [CALL] }]);
    d.ari(ev.entered(CALL, 'agb-a2'));
    expect(d.state.phase).toBe('bridged');
  });

  it('no agent within the wait → DROPPED: safe-harbor message, then hang up', () => {
    const d = new CallDriver({ safeHarborMedia: 'sound:sh' }, null).inAmd().decide(decision('HUMAN')).at(2000).timer('agent-wait');
    expect(d.state.phase).toBe('dropping');
    expect(d.lastCommands()).toEqual([{ op: 'play', channelId: CALL, playbackId: SH, media: 'sound:sh' }]);
    expect(d.last.events).toContainEqual({ type: 'call.dropped', callId: CALL, at: d.t, reason: 'no-agent' });
    d.ari(ev.pbStarted(SH, CALL));
    expect(d.state.safeHarborPlayed).toBe(false); // started is not played: Asterisk says started for missing files too
    d.at(3000).ari(ev.pbFinished(SH, CALL));
    expect(d.state.safeHarborPlayed).toBe(true);
    expect(d.lastCommands()).toEqual([{ op: 'hangup', channelId: CALL, reason: 'normal' }]);
    d.ari(ev.destroyed(CALL, 16)).settle();
    expect(d.ended()).toMatchObject({ disposition: 'DROPPED', safeHarborPlayed: true });
    expect(d.state.done).toBe(true);
  });

  it('a safe-harbor message Asterisk does not have (PlaybackFinished "failed") is not recorded as played, and says so', () => {
    const d = new CallDriver({ safeHarborMedia: 'sound:centralita/safe-harbor' }, null).inAmd().decide(decision('HUMAN')).at(2000).timer('agent-wait');
    d.ari(ev.pbStarted(SH, CALL)).ari(ev.pbFinished(SH, CALL, 'failed', 'sound:centralita/safe-harbor'));
    expect(d.last.events).toEqual([
      { type: 'call.playback-failed', callId: CALL, at: d.t, media: 'sound:centralita/safe-harbor', purpose: 'safe-harbor' },
    ]);
    expect(d.lastCommands()).toEqual([{ op: 'hangup', channelId: CALL, reason: 'normal' }]);
    d.ari(ev.destroyed(CALL, 16)).settle();
    expect(d.ended()).toMatchObject({ disposition: 'DROPPED', safeHarborPlayed: false });
  });

  it('a callee hanging up under the message: not played, and no media warning (the file was fine)', () => {
    const d = new CallDriver({}, null).inAmd().decide(decision('HUMAN')).at(2000).timer('agent-wait');
    d.ari(ev.pbStarted(SH, CALL)).ari(ev.hangupRequest(CALL, 16)).ari(ev.pbFinished(SH, CALL, 'failed')).ari(ev.destroyed(CALL, 16)).settle();
    expect(d.eventTypes()).not.toContain('call.playback-failed');
    expect(d.ended()).toMatchObject({ disposition: 'DROPPED', safeHarborPlayed: false });
  });

  it('a play request refused by Asterisk (HTTP error) says the media failed', () => {
    const d = new CallDriver({ safeHarborMedia: 'sound:sh' }, null).inAmd().decide(decision('HUMAN')).at(2000).timer('agent-wait');
    d.fail({ op: 'play', channelId: CALL, playbackId: SH, media: 'sound:sh' }, 400, 'Invalid media');
    expect(d.last.events).toContainEqual({ type: 'call.playback-failed', callId: CALL, at: d.t, media: 'sound:sh', purpose: 'safe-harbor' });
    expect(d.lastCommands()).toEqual([{ op: 'hangup', channelId: CALL, reason: 'normal' }]);
  });

  it('dropping after the addChannel was sent takes the callee back out of the agent bridge first', () => {
    const d = new CallDriver().inAmd().decide(decision('HUMAN')).timer('agent-wait');
    expect(d.lastCommands()).toEqual([
      { op: 'removeChannel', bridgeId: 'agb-a1', channelIds: [CALL] },
      { op: 'play', channelId: CALL, playbackId: SH, media: defaultCallPolicy.safeHarborMedia },
    ]);
    // A late ChannelEnteredBridge does not resurrect the call as bridged.
    d.ari(ev.entered(CALL, 'agb-a1'));
    expect(d.state.phase).toBe('dropping');
  });

  it('the reserved agent is released (not talked) when the call is dropped', () => {
    const d = new CallDriver().inAmd().decide(decision('HUMAN')).timer('agent-wait');
    expect(d.effects).toContainEqual({ kind: 'agent-release', agentId: 'a1', talked: false });
    expect(d.ended()).toBeUndefined();
  });

  it('an agent assigned after the drop is given straight back', () => {
    const d = new CallDriver({}, null).inAmd().decide(decision('HUMAN')).timer('agent-wait');
    d.feed({ type: 'agent-assigned', agent: { agentId: 'a2', bridgeId: 'agb-a2' }, at: d.t });
    expect(d.last.effects).toEqual([{ kind: 'agent-release', agentId: 'a2', talked: false }]);
  });

  it('agent bridge gone (404) → safe harbor', () => {
    const d = new CallDriver().inAmd().decide(decision('HUMAN'));
    d.fail({ op: 'addChannel', bridgeId: 'agb-a1', channelIds: [CALL] }, 404, 'Bridge not found');
    expect(d.state.phase).toBe('dropping');
    expect(d.last.events).toContainEqual({ type: 'call.dropped', callId: CALL, at: d.t, reason: 'agent-bridge-failed' });
  });

  it('customer gone when added (400 Channel not found) → hang up, closed by ChannelDestroyed', () => {
    const d = new CallDriver().inAmd().decide(decision('HUMAN'));
    d.fail({ op: 'addChannel', bridgeId: 'agb-a1', channelIds: [CALL] }, 400, 'Channel not found');
    expect(d.lastCommands()).toEqual([{ op: 'hangup', channelId: CALL, reason: 'normal' }]);
    d.ari(ev.destroyed(CALL, 16));
    expect(d.ended()?.disposition).toBe('DROPPED');
  });

  it('a human hanging up while waiting for an agent is DROPPED (abandoned), without safe harbor', () => {
    const d = new CallDriver({}, null).inAmd().decide(decision('HUMAN')).ari(ev.destroyed(CALL, 16)).settle();
    expect(d.ended()).toMatchObject({ disposition: 'DROPPED', safeHarborPlayed: false });
    expect(d.state.done).toBe(true);
  });

  it('play failure or a lost PlaybackFinished still hangs up', () => {
    const a = new CallDriver().inAmd().decide(decision('HUMAN')).timer('agent-wait');
    a.fail({ op: 'play', channelId: CALL, playbackId: SH, media: 'x' }, 404, 'Channel not found');
    expect(a.lastCommands()).toEqual([{ op: 'hangup', channelId: CALL, reason: 'normal' }]);
    const b = new CallDriver().inAmd().decide(decision('HUMAN')).timer('agent-wait').timer('playback');
    expect(b.lastCommands()).toEqual([{ op: 'hangup', channelId: CALL, reason: 'normal' }]);
  });
});

describe('call reducer: machines', () => {
  it('MACHINE, hang-up policy → hang up, agent released, MACHINE; never bridged', () => {
    const d = new CallDriver({ machine: 'hangup' }).inAmd().decide(decision('MACHINE'));
    expect(d.state.phase).toBe('machine');
    expect(d.lastCommands()).toContainEqual({ op: 'hangup', channelId: CALL, reason: 'normal' });
    expect(d.last.effects).toContainEqual({ kind: 'agent-release', agentId: 'a1', talked: false });
    d.ari(ev.destroyed(CALL, 16)).settle();
    expect(d.ended()).toMatchObject({ disposition: 'MACHINE', voicemailLeft: false });
    expect(d.commands().some((c) => c.op === 'addChannel' && c.bridgeId === 'agb-a1')).toBe(false);
    expect(d.state.done).toBe(true);
  });

  it('MACHINE with the beep already heard, voicemail policy → message now, then hang up', () => {
    const d = new CallDriver({ machine: 'voicemail', voicemailMedia: 'sound:vm' }).inAmd().decide(decision('MACHINE', { beepAtMs: 4000 }));
    expect(d.lastCommands()).toContainEqual({ op: 'play', channelId: CALL, playbackId: VM, media: 'sound:vm' });
    expect(d.last.events.map((e) => e.type)).toContain('call.voicemail');
    d.ari(ev.pbFinished(VM, CALL));
    expect(d.lastCommands()).toEqual([{ op: 'hangup', channelId: CALL, reason: 'normal' }]);
    d.ari(ev.destroyed(CALL, 16)).settle();
    expect(d.ended()).toMatchObject({ disposition: 'MACHINE', voicemailLeft: true });
  });

  it('a voicemail message that failed to play is not "left", and says so', () => {
    const d = new CallDriver({ machine: 'voicemail', voicemailMedia: 'sound:vm' }).inAmd().decide(decision('MACHINE', { beepAtMs: 4000 }));
    d.ari(ev.pbStarted(VM, CALL)).ari(ev.pbFinished(VM, CALL, 'failed', 'sound:vm'));
    expect(d.last.events).toContainEqual({ type: 'call.playback-failed', callId: CALL, at: d.t, media: 'sound:vm', purpose: 'voicemail' });
    d.ari(ev.destroyed(CALL, 16)).settle();
    expect(d.ended()).toMatchObject({ disposition: 'MACHINE', voicemailLeft: false });
  });

  // The AMD media path (snoop, externalMedia, AMD bridge) that must go once the beep watch ends.
  const amdTeardown = [
    { op: 'hangup', channelId: `${CALL}-snoop` },
    { op: 'hangup', channelId: `${CALL}-em` },
    { op: 'destroyBridge', bridgeId: `${CALL}-amd` },
  ];

  it('MACHINE without a beep yet → keeps the AMD media up to hear it, plays on the beep, then tears AMD down', () => {
    const d = new CallDriver({ machine: 'voicemail', voicemailMedia: 'sound:vm', beepWaitMs: 7000 }).inAmd().decide(decision('MACHINE'));
    expect(d.last.effects).toContainEqual({ kind: 'timer-set', timer: 'beep', ms: 7000 });
    expect(d.last.effects).not.toContainEqual({ kind: 'amd-stop' });
    expect(d.lastCommands().some((c) => c.op === 'play' || c.op === 'hangup' || c.op === 'destroyBridge')).toBe(false);
    d.feed({ type: 'beep', at: d.t });
    expect(d.last.effects).toContainEqual({ kind: 'amd-stop' });
    expect(d.lastCommands()).toEqual([...amdTeardown, { op: 'play', channelId: CALL, playbackId: VM, media: 'sound:vm' }]);
    d.feed({ type: 'beep', at: d.t });
    expect(d.lastCommands()).toEqual([]);
  });

  it('MACHINE and no beep within the wait → stops listening, leaves the message anyway', () => {
    const d = new CallDriver({ machine: 'voicemail', voicemailMedia: 'sound:vm' }).inAmd().decide(decision('MACHINE')).timer('beep');
    expect(d.last.effects).toContainEqual({ kind: 'amd-stop' });
    expect(d.lastCommands()).toEqual([...amdTeardown, { op: 'play', channelId: CALL, playbackId: VM, media: 'sound:vm' }]);
  });

  it('MACHINE hangs up while we listen for the beep → AMD stopped and torn down, MACHINE', () => {
    const d = new CallDriver({ machine: 'voicemail', voicemailMedia: 'sound:vm' }).inAmd().decide(decision('MACHINE'));
    d.ari(ev.destroyed(CALL, 16));
    expect(d.last.effects).toContainEqual({ kind: 'amd-stop' });
    expect(d.lastCommands()).toEqual(amdTeardown);
    expect(d.ended()).toMatchObject({ disposition: 'MACHINE', voicemailLeft: false });
  });

  it('MACHINE decided before the media path was up → nothing to listen with, waits on the timer only', () => {
    const d = new CallDriver({ machine: 'voicemail', voicemailMedia: 'sound:vm' }).answer().decide(decision('MACHINE'));
    expect(d.last.effects).toContainEqual({ kind: 'amd-stop' });
    expect(d.state.listeningForBeep).toBe(false);
  });

  it('voicemail policy without a message configured hangs up', () => {
    const d = new CallDriver({ machine: 'voicemail', voicemailMedia: null }).inAmd().decide(decision('MACHINE'));
    expect(d.lastCommands()).toContainEqual({ op: 'hangup', channelId: CALL, reason: 'normal' });
  });
});

describe('call reducer: NOTSURE, timeouts and hang-ups during AMD', () => {
  it('NOTSURE treated as human by policy → agent', () => {
    const d = new CallDriver({ notSure: 'human' }).inAmd().decide(decision('NOTSURE'));
    expect(d.state.phase).toBe('agent-wait');
    expect(d.state.treatedAs).toBe('HUMAN');
  });

  it('NOTSURE treated as machine by policy → machine path', () => {
    const d = new CallDriver({ notSure: 'machine' }).inAmd().decide(decision('NOTSURE'));
    expect(d.state.phase).toBe('machine');
    expect(d.last.events).toContainEqual(expect.objectContaining({ type: 'call.amd', status: 'NOTSURE', treatedAs: 'MACHINE' }));
  });

  it('no decision in time → NOTSURE/TIMEOUT under the policy', () => {
    const d = new CallDriver({ notSure: 'machine' }).inAmd().at(6000).timer('amd');
    expect(d.state.amd).toMatchObject({ status: 'NOTSURE', cause: 'TIMEOUT', decisionMs: 6000 });
    expect(d.state.phase).toBe('machine');
  });

  it('a late decision after the timeout is ignored', () => {
    const d = new CallDriver().inAmd().timer('amd').decide(decision('MACHINE'));
    expect(d.last.effects).toEqual([]);
    expect(d.state.amd?.status).toBe('NOTSURE');
  });

  it('the callee hangs up during AMD → HUNG_UP_DURING_AMD, AMD stopped, snoop/externalMedia/bridge torn down', () => {
    const d = new CallDriver().inAmd().ari(ev.hangupRequest(CALL, 16)).ari(ev.destroyed(CALL, 16));
    expect(d.ended()).toMatchObject({ disposition: 'HUNG_UP_DURING_AMD', hangupCause: 16, amd: { status: 'HANGUP' } });
    expect(d.ended()?.amd?.cause).toMatch(/^HANGUP-\d+$/);
    expect(d.last.effects).toEqual(
      expect.arrayContaining([
        { kind: 'timer-clear', timer: 'amd' },
        { kind: 'amd-stop' },
        { kind: 'ari', command: { op: 'hangup', channelId: SNOOP } },
        { kind: 'ari', command: { op: 'hangup', channelId: EM } },
        { kind: 'ari', command: { op: 'destroyBridge', bridgeId: AMD_BRIDGE } },
        { kind: 'agent-release', agentId: 'a1', talked: false },
      ]),
    );
    expect(d.state.done).toBe(false); // our snoop/externalMedia/bridge are still there
    d.settle();
    expect(d.state.done).toBe(true);
  });

  it('hang-up right after answer, before the AMD endpoint → HUNG_UP_DURING_AMD, and a late endpoint creates nothing', () => {
    const d = new CallDriver().answer().ari(ev.destroyed(CALL, 16)).endpoint();
    expect(d.ended()?.disposition).toBe('HUNG_UP_DURING_AMD');
    expect(d.commands().filter((c) => c.op !== 'originate')).toEqual([]);
    expect(d.state.done).toBe(true);
  });

  it('HANGUP decision → make sure the callee is gone → HUNG_UP_DURING_AMD', () => {
    const d = new CallDriver().inAmd().decide(decision('HANGUP'));
    expect(d.lastCommands()).toContainEqual({ op: 'hangup', channelId: CALL, reason: 'normal' });
    d.ari(ev.destroyed(CALL, 16)).settle();
    expect(d.ended()?.disposition).toBe('HUNG_UP_DURING_AMD');
    // The detector's own HANGUP verdict is what the CallLog keeps.
    expect(d.ended()?.amd).toEqual({ status: 'HANGUP', cause: decision('HANGUP').cause, decisionMs: decision('HANGUP').decisionMs });
    expect(d.state.done).toBe(true);
  });

  it('cancel during AMD → CANCELLED', () => {
    const d = new CallDriver().inAmd().feed({ type: 'cancel', at: 0 }).ari(ev.destroyed(CALL, 16)).settle();
    expect(d.ended()?.disposition).toBe('CANCELLED');
    expect(d.state.done).toBe(true);
  });

  it.each(['snoop', 'externalMedia', 'createBridge'] as const)('%s failing → NOTSURE/AMD-SETUP-FAILED at once', (op) => {
    const d = new CallDriver({ notSure: 'machine' }).answer().endpoint();
    const cmd = d.commands().find((c) => c.op === op)!;
    d.fail(cmd, 500, 'Internal Server Error');
    expect(d.state.amd?.cause).toBe('AMD-SETUP-FAILED');
    expect(d.state.phase).toBe('machine');
    d.ari(ev.destroyed(CALL, 16)).settle();
    expect(d.state.done).toBe(true);
  });

  it('the AMD bridge refusing the channels → NOTSURE/AMD-SETUP-FAILED', () => {
    const d = new CallDriver().inAmd().fail({ op: 'addChannel', bridgeId: AMD_BRIDGE, channelIds: [SNOOP, EM] }, 422, 'x');
    expect(d.state.amd?.cause).toBe('AMD-SETUP-FAILED');
  });
});

describe('call reducer: teardown bookkeeping', () => {
  it('a 404 on hanging up something already gone counts as gone', () => {
    const d = new CallDriver().inAmd().ari(ev.destroyed(CALL, 16));
    d.fail({ op: 'hangup', channelId: SNOOP }, 404, 'Channel not found');
    d.fail({ op: 'hangup', channelId: EM }, 404, 'Channel not found');
    d.fail({ op: 'destroyBridge', bridgeId: AMD_BRIDGE }, 404, 'Bridge not found');
    expect(d.state.done).toBe(true);
  });

  it('a 404 hanging up the callee closes a call whose ChannelDestroyed was lost', () => {
    const d = new CallDriver({ machine: 'hangup' }).inAmd().decide(decision('MACHINE'));
    d.fail({ op: 'hangup', channelId: CALL, reason: 'normal' }, 404, 'Channel not found');
    expect(d.ended()?.disposition).toBe('MACHINE');
  });

  it('events after the end change nothing', () => {
    const d = new CallDriver().dial().ari(ev.destroyed(CALL, 17));
    const before = d.events.length;
    d.ari(ev.stasisStart(CALL)).ari(ev.destroyed(CALL, 16)).decide(decision('HUMAN'));
    expect(d.events.length).toBe(before);
    expect(d.state.done).toBe(true);
  });
});

describe('call reducer: reconciliation after a reconnect', () => {
  const nothing = new Map<string, readonly string[]>();
  /** Sight of Asterisk lost 4 s before the reconcile, its WebSocket only (same boot). */
  const ariLost = (d: CallDriver) => ({ cause: 'ari_lost' as const, at: d.t - 4000 });
  const restart = (d: CallDriver) => ({ cause: 'asterisk_restart' as const, at: d.t - 4000 });

  it('callee vanished while ringing → INTERRUPTED (answer unknown, never NO_ANSWER), ended when last known alive', () => {
    const d = new CallDriver().dial().ari(ev.dial(CALL, 'RINGING')).at(6000);
    d.feed({ type: 'reconcile', channels: new Map(), bridges: nothing, lost: restart(d), at: d.t });
    expect(d.ended()).toMatchObject({ disposition: 'INTERRUPTED', interruption: 'asterisk_restart', hangupCause: null, at: d.t - 4000 });
    expect(d.state.done).toBe(true);
  });

  it('callee vanished during AMD → INTERRUPTED, our leftovers hung up', () => {
    const d = new CallDriver().inAmd().at(5000);
    d.feed({ type: 'reconcile', channels: new Map([[EM, 'Up']]), bridges: new Map([[AMD_BRIDGE, [EM]]]), lost: ariLost(d), at: d.t });
    expect(d.ended()).toMatchObject({ disposition: 'INTERRUPTED', interruption: 'ari_lost' });
    expect(d.state.ownedChannels).toEqual([EM]);
    expect(d.lastCommands()).toEqual(
      expect.arrayContaining([
        { op: 'hangup', channelId: EM },
        { op: 'destroyBridge', bridgeId: AMD_BRIDGE },
      ]),
    );
    d.settle();
    expect(d.state.done).toBe(true);
  });

  it('a bridged call cut by an Asterisk restart → INTERRUPTED at the last moment known alive (talk time not inflated)', () => {
    const d = new CallDriver().inAmd().decide(decision('HUMAN')).ari(ev.entered(CALL, 'agb-a1')).at(60_000);
    d.feed({ type: 'reconcile', channels: new Map(), bridges: nothing, lost: restart(d), at: d.t });
    expect(d.ended()).toMatchObject({ disposition: 'INTERRUPTED', interruption: 'asterisk_restart', at: d.t - 4000, agentId: 'a1' });
    expect(d.last.effects).toContainEqual({ kind: 'agent-release', agentId: 'a1', talked: true });
  });

  it('a bridged call gone after only ARI was lost → ANSWERED_HUMAN (Asterisk kept it; it ended unseen)', () => {
    const d = new CallDriver().inAmd().decide(decision('HUMAN')).ari(ev.entered(CALL, 'agb-a1')).at(60_000);
    d.feed({ type: 'reconcile', channels: new Map(), bridges: nothing, lost: ariLost(d), at: d.t });
    expect(d.ended()).toMatchObject({ disposition: 'ANSWERED_HUMAN', interruption: 'ari_lost', at: d.t - 4000 });
  });

  it('a human waiting for an agent → DROPPED (the abandon rule counts it); a machine stays MACHINE', () => {
    const human = new CallDriver({}, null).inAmd().decide(decision('HUMAN')).at(500);
    human.feed({ type: 'reconcile', channels: new Map(), bridges: nothing, lost: restart(human), at: human.t });
    expect(human.ended()).toMatchObject({ disposition: 'DROPPED', interruption: 'asterisk_restart' });
    const machine = new CallDriver({ machine: 'voicemail', voicemailMedia: 'sound:vm' }).inAmd().decide(decision('MACHINE')).at(500);
    machine.feed({ type: 'reconcile', channels: new Map(), bridges: nothing, lost: restart(machine), at: machine.t });
    expect(machine.ended()).toMatchObject({ disposition: 'MACHINE', interruption: 'asterisk_restart' });
  });

  it('callee vanished while dialing (before any ringing) → INTERRUPTED', () => {
    const d = new CallDriver().dial();
    d.feed({ type: 'reconcile', channels: new Map(), bridges: nothing, lost: ariLost(d), at: d.t });
    expect(d.ended()).toMatchObject({ disposition: 'INTERRUPTED', hangupCause: null });
  });

  it('answered while we were away (missed StasisStart) → AMD starts', () => {
    const d = new CallDriver().dial().ari(ev.dial(CALL, 'RINGING'));
    d.feed({ type: 'reconcile', channels: new Map([[CALL, 'Up']]), bridges: nothing, lost: ariLost(d), at: d.t });
    expect(d.state.phase).toBe('answered');
    expect(d.last.effects).toContainEqual({ kind: 'amd-start' });
  });

  it('missed StasisStarts of snoop/externalMedia → bridged now', () => {
    const d = new CallDriver().answer().endpoint();
    d.feed({ type: 'reconcile', channels: new Map([[CALL, 'Up'], [SNOOP, 'Up'], [EM, 'Up']]), bridges: new Map([[AMD_BRIDGE, []]]), lost: ariLost(d), at: d.t });
    expect(d.lastCommands()).toEqual([{ op: 'addChannel', bridgeId: AMD_BRIDGE, channelIds: [SNOOP, EM] }]);
  });

  it('entered the agent bridge while we were away → bridged', () => {
    const d = new CallDriver().inAmd().decide(decision('HUMAN'));
    d.feed({ type: 'reconcile', channels: new Map([[CALL, 'Up']]), bridges: new Map([['agb-a1', ['ag-leg', CALL]]]), lost: ariLost(d), at: d.t });
    expect(d.state.phase).toBe('bridged');
  });

  it('a hang-up lost with the connection is sent again when the callee is still there', () => {
    const d = new CallDriver().inAmd().decide(decision('MACHINE'));
    expect(d.lastCommands()).toContainEqual({ op: 'hangup', channelId: CALL, reason: 'normal' });
    d.fail({ op: 'hangup', channelId: CALL, reason: 'normal' }, 0, 'ARI events connection lost');
    d.feed({ type: 'reconcile', channels: new Map([[CALL, 'Up']]), bridges: nothing, lost: ariLost(d), at: d.t });
    expect(d.lastCommands()).toEqual([{ op: 'hangup', channelId: CALL, reason: 'normal' }]);
    d.ari(ev.destroyed(CALL, 16)).settle();
    expect(d.ended()).toMatchObject({ disposition: 'MACHINE' });
  });

  it('an ended call with leftovers still listed hangs them up again', () => {
    const d = new CallDriver().inAmd().ari(ev.destroyed(CALL, 16));
    d.feed({ type: 'reconcile', channels: new Map([[SNOOP, 'Up']]), bridges: nothing, lost: ariLost(d), at: d.t });
    expect(d.state.ownedChannels).toEqual([SNOOP]);
    expect(d.state.ownedBridges).toEqual([]);
    expect(d.lastCommands()).toEqual([{ op: 'hangup', channelId: SNOOP }]);
  });
});

describe('call reducer: Asterisk shutting down under a call (core stop / core restart)', () => {
  /** What Asterisk 22.10.1 sends on `core stop now` (recorded): a soft hang-up with AST_SOFTHANGUP_SHUTDOWN, then the end. */
  const shutdown = (d: CallDriver) =>
    d.ari({ type: 'ChannelHangupRequest', channel: { id: CALL, name: 'Local/x', state: 'Up' }, cause: 4, soft: true }).ari(ev.destroyed(CALL, 16));

  it('a bridged call cut by the shutdown → INTERRUPTED (asterisk_restart), not ANSWERED_HUMAN', () => {
    const d = new CallDriver().inAmd().decide(decision('HUMAN')).ari(ev.entered(CALL, 'agb-a1')).at(20_000);
    shutdown(d);
    expect(d.ended()).toMatchObject({ disposition: 'INTERRUPTED', interruption: 'asterisk_restart', hangupCause: 16, at: d.t });
  });

  it('a ringing call cut by the shutdown → INTERRUPTED, never NO_ANSWER', () => {
    const d = new CallDriver().dial().ari(ev.dial(CALL, 'RINGING'));
    shutdown(d);
    expect(d.ended()).toMatchObject({ disposition: 'INTERRUPTED', interruption: 'asterisk_restart' });
  });

  it('a callee hanging up (hard hang-up request) is an ordinary end', () => {
    const d = new CallDriver().inAmd().decide(decision('HUMAN')).ari(ev.entered(CALL, 'agb-a1'));
    d.ari(ev.hangupRequest(CALL, 16)).ari(ev.destroyed(CALL, 16));
    expect(d.ended()).toMatchObject({ disposition: 'ANSWERED_HUMAN' });
    expect(d.ended()?.interruption).toBeUndefined();
  });
});

describe('call reducer: commands that got no answer, and the engine stopping', () => {
  const nothing = new Map<string, readonly string[]>();
  const originate = { op: 'originate' as const, channelId: CALL, endpoint: 'PJSIP/+15550110001@trunk', timeoutSec: 30 };

  it('an originate that got no answer (timeout) waits for reconciliation: channel there → the call goes on', () => {
    const d = new CallDriver().dial();
    d.feed({ type: 'command-failed', command: originate, status: 0, message: 'no answer within 5000 ms', kind: 'timeout', at: d.t });
    expect(d.state.phase).toBe('dialing');
    expect(d.ended()).toBeUndefined();
    d.feed({ type: 'reconcile', channels: new Map([[CALL, 'Up']]), bridges: nothing, lost: { cause: 'ari_lost', at: d.t }, at: d.t });
    expect(d.state.phase).toBe('answered');
  });

  it('an originate that got no answer and left no channel → INTERRUPTED (ari_lost)', () => {
    const d = new CallDriver().dial();
    d.feed({ type: 'command-failed', command: originate, status: 0, message: 'ECONNRESET', kind: 'reset', at: d.t });
    d.feed({ type: 'reconcile', channels: new Map(), bridges: nothing, lost: { cause: 'ari_lost', at: d.t }, at: d.t });
    expect(d.ended()).toMatchObject({ disposition: 'INTERRUPTED', interruption: 'ari_lost' });
  });

  it('an originate that never reached Asterisk → CANCELLED (no attempt: the lead is due again), saying why', () => {
    const d = new CallDriver().dial();
    d.feed({ type: 'command-failed', command: originate, status: 0, message: 'not connected to ARI events', kind: 'disconnected', at: d.t });
    expect(d.ended()).toMatchObject({ disposition: 'CANCELLED', interruption: 'ari_lost' });
    expect(d.state.done).toBe(true);
  });

  it('an originate Asterisk refused (HTTP 4xx/5xx) → FAILED as before', () => {
    const d = new CallDriver().dial();
    d.feed({ type: 'command-failed', command: originate, status: 500, message: 'Allocation failed', kind: 'http', at: d.t });
    expect(d.ended()).toMatchObject({ disposition: 'FAILED' });
    expect(d.ended()?.interruption).toBeUndefined();
  });

  it('interrupt (engine stopping past its grace): the record closes at once, nothing more is awaited', () => {
    const d = new CallDriver().inAmd().decide(decision('HUMAN')).ari(ev.entered(CALL, 'agb-a1')).at(30_000);
    d.feed({ type: 'interrupt', cause: 'engine_stopped', at: d.t });
    expect(d.ended()).toMatchObject({ disposition: 'INTERRUPTED', interruption: 'engine_stopped', at: d.t });
    expect(d.state.done).toBe(true);
  });
});

describe('call reducer: bot agents (voice-AI endpoint dialled per call)', () => {
  const BOT = `${CALL}-bot`;
  const AB = `${CALL}-ab`;
  const botSlot = { agentId: 'ai', bridgeId: AB, dial: 'PJSIP/assistant@voice-ai' };

  it('HUMAN → own bridge with the callee, bot dialled and joined → bridged; all torn down at the end', () => {
    const d = new CallDriver({}, botSlot).inAmd().decide(decision('HUMAN'));
    expect(d.lastCommands().filter((c) => c.op !== 'hangup' && c.op !== 'destroyBridge')).toEqual([
      { op: 'createBridge', bridgeId: AB, type: 'mixing' },
      { op: 'addChannel', bridgeId: AB, channelIds: [CALL] },
      { op: 'originate', channelId: BOT, endpoint: 'PJSIP/assistant@voice-ai', timeoutSec: 5 },
    ]);
    d.ari(ev.entered(CALL, AB));
    expect(d.state.phase).toBe('agent-wait'); // the callee alone in the bridge is not connected yet
    d.ari(ev.stasisStart(BOT));
    expect(d.lastCommands()).toEqual([{ op: 'addChannel', bridgeId: AB, channelIds: [BOT] }]);
    d.ari(ev.entered(BOT, AB));
    expect(d.state.phase).toBe('bridged');
    d.ari(ev.destroyed(CALL, 16));
    expect(d.ended()).toMatchObject({ disposition: 'ANSWERED_HUMAN', agentId: 'ai' });
    expect(d.lastCommands()).toEqual(
      expect.arrayContaining([
        { op: 'hangup', channelId: BOT, reason: 'normal' },
        { op: 'destroyBridge', bridgeId: AB },
      ]),
    );
    d.settle();
    expect(d.state.done).toBe(true);
  });

  it('the bot hanging up after the conversation ends the call', () => {
    const d = new CallDriver({}, botSlot).inAmd().decide(decision('HUMAN')).ari(ev.stasisStart(BOT)).ari(ev.entered(BOT, AB));
    d.ari(ev.destroyed(BOT, 16));
    expect(d.lastCommands()).toEqual([{ op: 'hangup', channelId: CALL, reason: 'normal' }]);
  });

  it('a bot that cannot be dialled → safe harbor, its bridge destroyed', () => {
    const d = new CallDriver({}, botSlot).inAmd().decide(decision('HUMAN'));
    d.fail({ op: 'originate', channelId: BOT, endpoint: 'x', timeoutSec: 5 }, 500, 'Allocation failed');
    expect(d.state.phase).toBe('dropping');
    expect(d.lastCommands()).toEqual(
      expect.arrayContaining([{ op: 'destroyBridge', bridgeId: AB }, expect.objectContaining({ op: 'play', playbackId: SH })]),
    );
    d.ari(ev.pbFinished(SH, CALL)).ari(ev.destroyed(CALL, 16)).settle();
    expect(d.ended()?.disposition).toBe('DROPPED');
    expect(d.state.done).toBe(true);
  });

  it('a machine never dials the bot', () => {
    const d = new CallDriver({}, botSlot).inAmd().decide(decision('MACHINE'));
    expect(d.commands().some((c) => c.op === 'originate' && c.channelId === BOT)).toBe(false);
  });
});
