/**
 * Teardown after every path: whatever the call went through, once Asterisk has done what we asked, nothing
 * we created is left (`done`), every AMD session is stopped, and the agent is given back exactly once.
 */
import { describe, expect, it } from 'vitest';
import { CALL, CallDriver, decision, ev } from './helpers.js';

type Path = (d: CallDriver) => void;

const bot = { agentId: 'ai', bridgeId: `${CALL}-ab`, dial: 'PJSIP/bot@ai' };

/** `vanished`: resources Asterisk no longer had (closed by reconciliation), nothing to tear down. */
const VM = { machine: 'voicemail', voicemailMedia: 'sound:vm' } as const;

const PATHS: Record<string, { path: Path; agent?: typeof bot | null; policy?: typeof VM; disposition: string; vanished?: string[] }> = {
  'human bridged': {
    path: (d) => d.inAmd().decide(decision('HUMAN')).ari(ev.entered(CALL, 'agb-a1')).ari(ev.destroyed(CALL, 16)),
    disposition: 'ANSWERED_HUMAN',
  },
  'human dropped': {
    path: (d) => d.inAmd().decide(decision('HUMAN')).timer('agent-wait').ari(ev.pbFinished(`${CALL}-sh`, CALL)).ari(ev.destroyed(CALL, 16)),
    disposition: 'DROPPED',
  },
  'machine hung up': { path: (d) => d.inAmd().decide(decision('MACHINE')).ari(ev.destroyed(CALL, 16)), disposition: 'MACHINE' },
  'machine voicemail': {
    path: (d) => d.inAmd().decide(decision('MACHINE', { beepAtMs: 100 })).ari(ev.pbFinished(`${CALL}-vm`, CALL)).ari(ev.destroyed(CALL, 16)),
    disposition: 'MACHINE',
  },
  'machine, beep heard after the decision (AMD media kept up until then)': {
    policy: VM,
    path: (d) => d.inAmd().decide(decision('MACHINE')).feed({ type: 'beep', at: 0 }).ari(ev.pbFinished(`${CALL}-vm`, CALL)).ari(ev.destroyed(CALL, 16)),
    disposition: 'MACHINE',
  },
  'machine hangs up while we listen for the beep': {
    policy: VM,
    path: (d) => d.inAmd().decide(decision('MACHINE')).ari(ev.destroyed(CALL, 16)),
    disposition: 'MACHINE',
  },
  'notsure as human': {
    path: (d) => d.inAmd().decide(decision('NOTSURE')).ari(ev.entered(CALL, 'agb-a1')).ari(ev.destroyed(CALL, 16)),
    disposition: 'ANSWERED_HUMAN',
  },
  'amd timeout': { path: (d) => d.inAmd().timer('amd').timer('agent-wait').timer('playback').ari(ev.destroyed(CALL, 16)), disposition: 'DROPPED' },
  'hang-up during amd': { path: (d) => d.inAmd().ari(ev.destroyed(CALL, 16)), disposition: 'HUNG_UP_DURING_AMD' },
  'HANGUP decision': { path: (d) => d.inAmd().decide(decision('HANGUP')).ari(ev.destroyed(CALL, 16)), disposition: 'HUNG_UP_DURING_AMD' },
  'cancel during amd': { path: (d) => d.inAmd().feed({ type: 'cancel', at: 0 }).ari(ev.destroyed(CALL, 16)), disposition: 'CANCELLED' },
  'busy': { path: (d) => d.dial().ari(ev.dial(CALL, 'BUSY')).ari(ev.destroyed(CALL, 0)), disposition: 'BUSY' },
  'vanished during amd (reconcile)': {
    path: (d) =>
      d.inAmd().feed({ type: 'reconcile', channels: new Map([[`${CALL}-em`, 'Up']]), bridges: new Map(), lost: { cause: 'ari_lost', at: 0 }, at: 0 }),
    disposition: 'INTERRUPTED',
    vanished: [`${CALL}-snoop`, `${CALL}-amd`],
  },
  'bot bridged': {
    agent: bot,
    path: (d) => d.inAmd().decide(decision('HUMAN')).ari(ev.stasisStart(`${CALL}-bot`)).ari(ev.entered(`${CALL}-bot`, `${CALL}-ab`)).ari(ev.destroyed(CALL, 16)),
    disposition: 'ANSWERED_HUMAN',
  },
  'bot, callee hangs up before the bot answers': {
    agent: bot,
    path: (d) => d.inAmd().decide(decision('HUMAN')).ari(ev.destroyed(CALL, 16)),
    disposition: 'DROPPED',
  },
};

describe('teardown after each path', () => {
  it.each(Object.entries(PATHS))('%s', (_name, { path, agent, policy = {}, disposition, vanished = [] }) => {
    const d = agent === undefined ? new CallDriver(policy) : new CallDriver(policy, agent);
    path(d);
    d.settle();
    expect(d.ended()?.disposition).toBe(disposition);
    expect(d.state).toMatchObject({ phase: 'ended', ownedChannels: [], ownedBridges: [], timers: [], done: true });
    // Everything we created was asked to go (or went by itself).
    const created = d.commands().flatMap((c) =>
      c.op === 'snoop' ? [c.snoopId] : c.op === 'externalMedia' ? [c.channelId] : c.op === 'createBridge' ? [c.bridgeId] : [],
    );
    for (const id of created.filter((c) => !vanished.includes(c))) {
      const torn = d.commands().some((c) => (c.op === 'hangup' && c.channelId === id) || (c.op === 'destroyBridge' && c.bridgeId === id));
      expect({ id, torn }).toEqual({ id, torn: true });
    }
    // AMD stopped whenever it was started; the agent released exactly once.
    if (d.effects.some((e) => e.kind === 'amd-start')) expect(d.effects.some((e) => e.kind === 'amd-stop')).toBe(true);
    expect(d.effects.filter((e) => e.kind === 'agent-release')).toHaveLength(1);
  });
});
