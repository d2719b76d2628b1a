/** The async watch in the call reducer: a HUMAN call handed to an agent, pulled back by a late MACHINE verdict. */
import { describe, expect, it } from 'vitest';
import { CALL, CallDriver, decision, ev } from './helpers.js';

const VM = `${CALL}-vm`;
const amdTeardown = [
  { op: 'hangup', channelId: `${CALL}-snoop` },
  { op: 'hangup', channelId: `${CALL}-em` },
  { op: 'destroyBridge', bridgeId: `${CALL}-amd` },
];
const late = (cause: string, decisionMs = 4200) => ({ type: 'amd-late' as const, late: { status: 'MACHINE' as const, cause, decisionMs }, at: 0 });

function bridgedWithWatch(policy: ConstructorParameters<typeof CallDriver>[0] = {}) {
  const d = new CallDriver({ amdWatchMs: 10_000, ...policy }).inAmd().decide(decision('HUMAN'));
  d.at(50).ari(ev.entered(CALL, 'agb-a1'));
  return d;
}

describe('call reducer: async watch after a HUMAN verdict', () => {
  it('keeps the AMD media path up while the human goes to the agent, bounded by a watch timer', () => {
    const d = new CallDriver({ amdWatchMs: 10_000 }).inAmd().decide(decision('HUMAN'));
    expect(d.state.phase).toBe('agent-wait');
    expect(d.lastCommands()).toContainEqual({ op: 'addChannel', bridgeId: 'agb-a1', channelIds: [CALL] });
    expect(d.last.effects).not.toContainEqual({ kind: 'amd-stop' });
    expect(d.last.effects).toContainEqual({ kind: 'timer-set', timer: 'watch', ms: 12_000 });
    expect(d.state.watching).toBe(true);
  });

  it('without the watch (amdWatchMs 0) the AMD path goes at the verdict, as before', () => {
    const d = new CallDriver().inAmd().decide(decision('HUMAN'));
    expect(d.last.effects).toContainEqual({ kind: 'amd-stop' });
    expect(d.state.watching).toBe(false);
  });

  it('a late MACHINE (monologue), hang-up policy: the agent is told and freed, the callee taken back and hung up; CallLog event keeps both verdicts', () => {
    const d = bridgedWithWatch();
    d.at(3000).feed({ ...late('MONOLOGUE-3000-3000'), at: d.t });
    expect(d.last.events[0]).toEqual({ type: 'call.amd_late', callId: CALL, at: d.t, cause: 'MONOLOGUE-3000-3000', decisionMs: 4200, agentId: 'a1' });
    expect(d.lastCommands()).toEqual([
      { op: 'removeChannel', bridgeId: 'agb-a1', channelIds: [CALL] },
      ...amdTeardown,
      { op: 'hangup', channelId: CALL, reason: 'normal' },
    ]);
    expect(d.last.effects).toContainEqual({ kind: 'agent-release', agentId: 'a1', talked: false });
    expect(d.last.effects).toContainEqual({ kind: 'amd-stop' });
    expect(d.state.phase).toBe('machine');
    d.ari(ev.destroyed(CALL, 16)).settle();
    expect(d.ended()).toMatchObject({ disposition: 'MACHINE', agentId: null });
    expect(d.events.filter((e) => e.type === 'call.amd')).toHaveLength(1); // the first verdict stays on record
    expect(d.state.done).toBe(true);
  });

  it('a late beep, voicemail policy: the message plays at once', () => {
    const d = bridgedWithWatch({ machine: 'voicemail', voicemailMedia: 'sound:vm' });
    d.at(2000).feed({ ...late('LATEBEEP-1000-400'), at: d.t });
    expect(d.lastCommands()).toEqual([
      { op: 'removeChannel', bridgeId: 'agb-a1', channelIds: [CALL] },
      ...amdTeardown,
      { op: 'play', channelId: CALL, playbackId: VM, media: 'sound:vm' },
    ]);
    d.ari(ev.pbFinished(VM, CALL)).ari(ev.destroyed(CALL, 16)).settle();
    expect(d.ended()).toMatchObject({ disposition: 'MACHINE', voicemailLeft: true });
  });

  it('a late monologue, voicemail policy: the session stays up for the beep, the message plays on it', () => {
    const d = bridgedWithWatch({ machine: 'voicemail', voicemailMedia: 'sound:vm', beepWaitMs: 9000 });
    d.at(2000).feed({ ...late('MONOLOGUE-3000-3000'), at: d.t });
    expect(d.last.effects).not.toContainEqual({ kind: 'amd-stop' });
    expect(d.last.effects).toContainEqual({ kind: 'timer-set', timer: 'beep', ms: 9000 });
    expect(d.lastCommands()).toEqual([{ op: 'removeChannel', bridgeId: 'agb-a1', channelIds: [CALL] }]);
    d.at(4000).feed({ type: 'beep', at: d.t });
    expect(d.lastCommands()).toEqual([...amdTeardown, { op: 'play', channelId: CALL, playbackId: VM, media: 'sound:vm' }]);
  });

  it('the watch timer ends the watch: a late verdict after it changes nothing', () => {
    const d = bridgedWithWatch();
    d.at(12_000).timer('watch');
    expect(d.last.effects).toContainEqual({ kind: 'amd-stop' });
    expect(d.lastCommands()).toEqual(amdTeardown);
    d.feed({ ...late('MONOLOGUE-3000-3000'), at: d.t });
    expect(d.last.events).toEqual([]);
    expect(d.state.phase).toBe('bridged');
  });

  it('the callee hanging up during the watch stops the session; the human call ends as ANSWERED_HUMAN', () => {
    const d = bridgedWithWatch();
    d.at(5000).ari(ev.destroyed(CALL, 16));
    expect(d.last.effects).toContainEqual({ kind: 'amd-stop' });
    d.settle();
    expect(d.ended()).toMatchObject({ disposition: 'ANSWERED_HUMAN' });
    expect(d.state.done).toBe(true);
  });
});
