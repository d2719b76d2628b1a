/**
 * Agents logging in by dialling into Stasis (dialplan agent-login): the agent's own call becomes the nailed-up
 * leg; hanging it up logs the agent out and is never redialled. Plus the args → agent parsing the engine uses.
 */
import { describe, expect, it } from 'vitest';
import { agentStep, createAgent, isAvailable } from '../../../engine/agents/reducer.js';
import type { AgentConfig, AgentEffect, AgentInput, AgentState } from '../../../engine/agents/types.js';
import type { AriCommand, AriEvent } from '../../../engine/ari/types.js';
import type { DomainEvent } from '../../../engine/events/types.js';
import { endpointName, isDialIn, parseDialIn } from '../../../engine/shell/dial-in.js';

const human = (id = '1001'): AgentConfig => ({ id, kind: 'human', endpoint: `PJSIP/${id}`, maxConcurrent: 1, wrapUpMs: 2000 });
const ch = (id: string) => ({ id, name: `PJSIP/${id}`, state: 'Up' });
const ev = {
  stasisStart: (id: string): AriEvent => ({ type: 'StasisStart', channel: ch(id), args: [] }),
  stasisEnd: (id: string): AriEvent => ({ type: 'StasisEnd', channel: ch(id) }),
  entered: (id: string, b: string): AriEvent => ({ type: 'ChannelEnteredBridge', channel: ch(id), bridge: { id: b, channels: [id] } }),
  destroyed: (id: string): AriEvent => ({ type: 'ChannelDestroyed', channel: ch(id), cause: 16, cause_txt: '' }),
  bridgeDestroyed: (id: string): AriEvent => ({ type: 'BridgeDestroyed', bridge: { id, channels: [] } }),
};
const LEG = '1763900000.42'; // Asterisk's id for the phone's call: not ours by prefix

class Driver {
  s: AgentState;
  effects: AgentEffect[] = [];
  last: AgentEffect[] = [];
  events: DomainEvent[] = [];
  constructor(cfg: AgentConfig = human()) {
    this.s = createAgent(cfg, 'cl-n1-b1-');
  }
  feed(input: AgentInput): this {
    const r = agentStep(this.s, input);
    this.s = r.state;
    this.last = r.effects;
    this.effects.push(...r.effects);
    this.events.push(...r.events);
    return this;
  }
  ari(e: AriEvent): this {
    return this.feed({ type: 'ari', event: e, at: 0 });
  }
  dialIn(id = LEG): this {
    return this.feed({ type: 'dial-in', channelId: id, at: 0 });
  }
  /** Logged in from the phone: leg answered and parked. */
  parked(): this {
    return this.dialIn().ari(ev.entered(LEG, this.s.bridgeId));
  }
  cmds(effects = this.last): AriCommand[] {
    return effects.flatMap((e) => (e.kind === 'ari' ? [e.command] : []));
  }
  statuses(): string[] {
    return this.events.flatMap((e) => (e.type === 'agent.state' ? [e.to] : []));
  }
}

describe('agent reducer: dial-in login', () => {
  it('answers the phone call, parks it in a fresh bridge and goes READY; no originate', () => {
    const d = new Driver().dialIn();
    expect(d.s.status).toBe('READY');
    expect(d.s.legId).toBe(LEG);
    expect(d.s.legDialIn).toBe(true);
    expect(d.cmds()).toEqual([
      { op: 'answer', channelId: LEG },
      { op: 'createBridge', bridgeId: 'cl-n1-b1-agb-1001', type: 'mixing', name: 'agent-1001' },
      { op: 'addChannel', bridgeId: 'cl-n1-b1-agb-1001', channelIds: [LEG] },
    ]);
    expect(isAvailable(d.s)).toBe(false); // not until the leg is in the bridge
    d.ari(ev.entered(LEG, d.s.bridgeId));
    expect(isAvailable(d.s)).toBe(true);
  });

  it('replaces a leg we were dialling (hung up), with no retry timer left', () => {
    const d = new Driver().feed({ type: 'ready', at: 0 });
    const ours = d.s.legId!;
    d.dialIn();
    expect(d.cmds()).toContainEqual({ op: 'hangup', channelId: ours, reason: 'normal' });
    expect(d.cmds().filter((c) => c.op === 'createBridge')).toEqual([]); // the bridge was already requested
    expect(d.s.legId).toBe(LEG);
    // The old leg's end no longer belongs to the agent's leg: nothing happens to the new one.
    expect(d.s.timers).toEqual([]);
  });

  it('refuses a login while a call is reserved (the leg would cut the customer)', () => {
    const d = new Driver().parked().feed({ type: 'reserve', callId: 'c1', at: 0 });
    d.dialIn('1763900000.99');
    expect(d.last).toEqual([{ kind: 'dial-in-refused', channelId: '1763900000.99', reason: 'agent is busy on a call' }]);
    expect(d.s.legId).toBe(LEG);
  });

  it('refuses bots', () => {
    const d = new Driver({ id: 'ai', kind: 'bot', endpoint: 'PJSIP/ai@voice', maxConcurrent: 2, wrapUpMs: 0 }).dialIn();
    expect(d.last).toEqual([{ kind: 'dial-in-refused', channelId: LEG, reason: 'bots do not dial in' }]);
    expect(d.s.status).toBe('LOGGED_OUT');
  });

  it('the agent hanging up (StasisEnd) logs them out: bridge destroyed, no redial, no retry timer', () => {
    const d = new Driver().parked();
    d.ari(ev.stasisEnd(LEG));
    expect(d.s.status).toBe('LOGGED_OUT');
    expect(d.s.legId).toBeNull();
    expect(d.cmds()).toEqual([{ op: 'destroyBridge', bridgeId: d.s.bridgeId }]);
    expect(d.last.some((e) => e.kind === 'timer-set')).toBe(false);
    // A late ChannelDestroyed (only subscribeAll apps see it) changes nothing.
    d.ari(ev.destroyed(LEG));
    expect(d.last).toEqual([]);
  });

  it('hanging up mid-call cancels the call; its release does not bring the agent back to WRAP_UP', () => {
    const d = new Driver().parked().feed({ type: 'reserve', callId: 'c1', at: 0 }).feed({ type: 'connect', callId: 'c1', at: 0 });
    d.ari(ev.stasisEnd(LEG));
    expect(d.last).toContainEqual({ kind: 'calls-lost', callIds: ['c1'] });
    d.feed({ type: 'release', callId: 'c1', talked: true, at: 1 });
    expect(d.s.status).toBe('LOGGED_OUT');
    expect(d.statuses()).toEqual(['READY', 'RESERVED', 'TALKING', 'LOGGED_OUT']);
  });

  it('pause from the phone keeps the leg; logout hangs the dial-in leg up', () => {
    const d = new Driver().parked().feed({ type: 'pause', reason: 'phone', at: 0 });
    expect(d.s).toMatchObject({ status: 'PAUSED', pauseReason: 'phone', legId: LEG, legUp: true });
    d.feed({ type: 'ready', at: 0 });
    expect(d.cmds().filter((c) => c.op === 'originate')).toEqual([]);
    d.feed({ type: 'logout', at: 0 });
    expect(d.cmds()).toContainEqual({ op: 'hangup', channelId: LEG, reason: 'normal' });
    d.ari(ev.stasisEnd(LEG));
    expect(d.s.legId).toBeNull();
    expect(d.s.status).toBe('LOGGED_OUT');
  });

  it('reconcile keeps a dial-in leg that is still there; one that vanished logs the agent out', () => {
    const d = new Driver().parked();
    const bridges = new Map([[d.s.bridgeId, [LEG]]]);
    d.feed({ type: 'reconcile', channels: new Map([[LEG, 'Up']]), bridges, at: 0 });
    expect(d.last).toEqual([]);
    expect(d.s.legId).toBe(LEG);
    d.feed({ type: 'reconcile', channels: new Map(), bridges, at: 0 });
    expect(d.s.status).toBe('LOGGED_OUT');
    expect(d.cmds().filter((c) => c.op === 'originate')).toEqual([]);
  });

  it('a lost bridge is rebuilt around the dial-in leg instead of hanging the agent up', () => {
    const d = new Driver().parked();
    d.ari(ev.bridgeDestroyed(d.s.bridgeId));
    expect(d.cmds()).toEqual([
      { op: 'createBridge', bridgeId: d.s.bridgeId, type: 'mixing', name: 'agent-1001' },
      { op: 'addChannel', bridgeId: d.s.bridgeId, channelIds: [LEG] },
    ]);
    const r = new Driver().parked();
    r.feed({ type: 'reconcile', channels: new Map([[LEG, 'Up']]), bridges: new Map(), at: 0 });
    expect(r.cmds().map((c) => c.op)).toEqual(['createBridge', 'addChannel']);
  });

  it('a failed answer (the phone already hung up) is the same as hanging up', () => {
    const d = new Driver().dialIn();
    d.feed({ type: 'command-failed', command: { op: 'answer', channelId: LEG }, status: 404, message: 'Channel not found', at: 0 });
    expect(d.s.status).toBe('LOGGED_OUT');
    expect(d.s.legId).toBeNull();
  });
});

describe('dial-in args → agent', () => {
  const agents = [createAgent(human('1001'), 'p-'), createAgent({ id: 'ai', kind: 'bot', endpoint: 'PJSIP/1009@voice', maxConcurrent: 1, wrapUpMs: 0 }, 'p-')];
  it('maps ${CHANNEL(endpoint)} to the human agent with that PJSIP endpoint', () => {
    expect(parseDialIn(['agent-login', '1001'], agents)).toEqual({ kind: 'login', agentId: '1001' });
    expect(parseDialIn(['agent-pause', 'PJSIP/1001'], agents)).toEqual({ kind: 'pause', agentId: '1001' });
    expect(parseDialIn(['agent-ready', '1001'], agents)).toEqual({ kind: 'ready', agentId: '1001' });
    expect(parseDialIn(['agent-logout', '1001'], agents)).toEqual({ kind: 'logout', agentId: '1001' });
  });
  it('unknown endpoints, bots and missing args are refused', () => {
    expect(parseDialIn(['agent-login', '2002'], agents).kind).toBe('unknown');
    expect(parseDialIn(['agent-login', '1009'], agents).kind).toBe('unknown');
    expect(parseDialIn(['agent-login'], agents).kind).toBe('unknown');
  });
  it('recognises only agent dial-ins', () => {
    expect(isDialIn(['agent-login', '1001'])).toBe(true);
    expect(isDialIn(['inbound', '5551234'])).toBe(false);
    expect(isDialIn([])).toBe(false);
    expect(endpointName('PJSIP/1001@pbx')).toBe('1001');
  });
});
