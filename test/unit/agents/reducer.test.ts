import { describe, expect, it } from 'vitest';
import { agentStep, createAgent, isAvailable, pickAgent } from '../../../engine/agents/reducer.js';
import { type AgentConfig, type AgentEffect, type AgentInput, type AgentState, LEG_RETRY_MS } from '../../../engine/agents/types.js';
import type { AriCommand, AriEvent } from '../../../engine/ari/types.js';
import type { DomainEvent } from '../../../engine/events/types.js';

const human = (id = '1001', wrapUpMs = 5000): AgentConfig => ({ id, kind: 'human', endpoint: `PJSIP/${id}`, maxConcurrent: 1, wrapUpMs });
const bot = (cap = 2): AgentConfig => ({ id: 'ai', kind: 'bot', endpoint: 'PJSIP/assistant@voice-ai', maxConcurrent: cap, wrapUpMs: 0 });

const ch = (id: string) => ({ id, name: id, state: 'Up' });
const ev = {
  stasisStart: (id: string): AriEvent => ({ type: 'StasisStart', channel: ch(id), args: [] }),
  entered: (id: string, b: string): AriEvent => ({ type: 'ChannelEnteredBridge', channel: ch(id), bridge: { id: b, channels: [id] } }),
  destroyed: (id: string): AriEvent => ({ type: 'ChannelDestroyed', channel: ch(id), cause: 16, cause_txt: '' }),
  bridgeDestroyed: (id: string): AriEvent => ({ type: 'BridgeDestroyed', bridge: { id, channels: [] } }),
};

class Driver {
  s: AgentState;
  effects: AgentEffect[] = [];
  events: DomainEvent[] = [];
  last: AgentEffect[] = [];
  t = 0;
  constructor(cfg: AgentConfig) {
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
  in(type: 'ready' | 'logout'): this {
    return this.feed({ type, at: this.t });
  }
  ari(e: AriEvent): this {
    return this.feed({ type: 'ari', event: e, at: this.t });
  }
  at(ms: number): this {
    this.t = ms;
    return this;
  }
  cmds(effects = this.effects): AriCommand[] {
    return effects.flatMap((e) => (e.kind === 'ari' ? [e.command] : []));
  }
  /** READY with the nailed-up leg answered and parked. */
  online(): this {
    this.in('ready');
    const leg = this.s.legId!;
    return this.ari(ev.stasisStart(leg)).ari(ev.entered(leg, this.s.bridgeId));
  }
  statuses(): string[] {
    return this.events.flatMap((e) => (e.type === 'agent.state' ? [e.to] : []));
  }
}

describe('agent reducer: nailed-up legs', () => {
  it('going READY creates the agent bridge and dials the endpoint once', () => {
    const d = new Driver(human()).in('ready');
    expect(d.s.status).toBe('READY');
    expect(d.cmds()).toEqual([
      { op: 'createBridge', bridgeId: 'cl-n1-b1-agb-1001', type: 'mixing', name: 'agent-1001' },
      { op: 'originate', channelId: 'cl-n1-b1-ag-1001-1', endpoint: 'PJSIP/1001', timeoutSec: 30 },
    ]);
    expect(isAvailable(d.s)).toBe(false); // not until the leg is parked
  });

  it('parks the answered leg in the bridge; available once it entered', () => {
    const d = new Driver(human()).in('ready').ari(ev.stasisStart('cl-n1-b1-ag-1001-1'));
    expect(d.cmds(d.last)).toEqual([{ op: 'addChannel', bridgeId: 'cl-n1-b1-agb-1001', channelIds: ['cl-n1-b1-ag-1001-1'] }]);
    d.ari(ev.entered('cl-n1-b1-ag-1001-1', 'cl-n1-b1-agb-1001'));
    expect(d.s.legUp).toBe(true);
    expect(isAvailable(d.s)).toBe(true);
  });

  it('keeps the leg through pause and ready again (no second dial)', () => {
    const d = new Driver(human()).online().feed({ type: 'pause', reason: 'break', at: 1 }).in('ready');
    expect(d.cmds().filter((c) => c.op === 'originate')).toHaveLength(1);
    expect(d.statuses()).toEqual(['READY', 'PAUSED', 'READY']);
  });

  it('a lost leg is re-dialled after a pause and cancels calls it carried', () => {
    const d = new Driver(human()).online().feed({ type: 'reserve', callId: 'c1', at: 1 }).ari(ev.destroyed('cl-n1-b1-ag-1001-1'));
    expect(d.last).toEqual([
      { kind: 'calls-lost', callIds: ['c1'] },
      { kind: 'timer-set', timer: 'leg-retry', ms: LEG_RETRY_MS },
    ]);
    d.feed({ type: 'timer', timer: 'leg-retry', at: 3000 });
    expect(d.cmds(d.last)).toEqual([{ op: 'originate', channelId: 'cl-n1-b1-ag-1001-2', endpoint: 'PJSIP/1001', timeoutSec: 30 }]);
  });

  it('a failed leg originate retries later', () => {
    const d = new Driver(human()).in('ready');
    const originate = d.cmds().find((c) => c.op === 'originate')!;
    d.feed({ type: 'command-failed', command: originate, status: 400, message: 'x', at: 1 });
    expect(d.s.legId).toBeNull();
    expect(d.last).toContainEqual({ kind: 'timer-set', timer: 'leg-retry', ms: LEG_RETRY_MS });
  });

  it('logout hangs up the leg and destroys the bridge', () => {
    const d = new Driver(human()).online().in('logout');
    expect(d.s.status).toBe('LOGGED_OUT');
    expect(d.cmds(d.last)).toEqual([
      { op: 'hangup', channelId: 'cl-n1-b1-ag-1001-1', reason: 'normal' },
      { op: 'destroyBridge', bridgeId: 'cl-n1-b1-agb-1001' },
    ]);
    d.ari(ev.destroyed('cl-n1-b1-ag-1001-1'));
    expect(d.last).toEqual([]); // no re-dial after logout
  });

  it('logout while the leg still rings: nothing is left to wait for once the ringing leg is gone', () => {
    // The app is not subscribed to a bridge no channel of it ever entered: its destruction sends no event.
    const d = new Driver(human()).in('ready').in('logout');
    expect(d.cmds(d.last)).toEqual([
      { op: 'hangup', channelId: 'cl-n1-b1-ag-1001-1', reason: 'normal' },
      { op: 'destroyBridge', bridgeId: 'cl-n1-b1-agb-1001' },
    ]);
    expect(d.s.bridgeRequested).toBe(false);
    d.ari(ev.destroyed('cl-n1-b1-ag-1001-1'));
    expect(d.s.legId).toBeNull();
    expect(d.last).toEqual([]);
    // Logging in again builds a fresh bridge and leg.
    d.in('ready');
    expect(d.cmds(d.last).map((c) => c.op)).toEqual(['createBridge', 'originate']);
  });

  it('a destroyed agent bridge is rebuilt: the orphaned leg is hung up, a fresh leg follows', () => {
    const d = new Driver(human()).online().ari(ev.bridgeDestroyed('cl-n1-b1-agb-1001'));
    expect(d.cmds(d.last)).toEqual([{ op: 'hangup', channelId: 'cl-n1-b1-ag-1001-1', reason: 'normal' }]);
    d.ari(ev.destroyed('cl-n1-b1-ag-1001-1')).feed({ type: 'timer', timer: 'leg-retry', at: 5 });
    expect(d.cmds(d.last).map((c) => c.op)).toEqual(['createBridge', 'originate']);
  });

  it('reconcile: leg and bridge gone while away → rebuilt', () => {
    const d = new Driver(human()).online();
    d.feed({ type: 'reconcile', channels: new Map(), bridges: new Map(), at: 10 });
    expect(d.cmds(d.last).map((c) => c.op)).toEqual(['createBridge', 'originate']);
    expect(d.s.legUp).toBe(false);
  });

  it('reconcile: all present → nothing to do', () => {
    const d = new Driver(human()).online();
    const leg = d.s.legId!;
    d.feed({ type: 'reconcile', channels: new Map([[leg, 'Up']]), bridges: new Map([[d.s.bridgeId, [leg]]]), at: 10 });
    expect(d.last).toEqual([]);
    expect(isAvailable(d.s)).toBe(true);
  });
});

describe('agent reducer: states', () => {
  it('READY → RESERVED → TALKING → WRAP_UP (timed) → READY', () => {
    const d = new Driver(human('1001', 5000)).online();
    d.feed({ type: 'reserve', callId: 'c1', at: 10 });
    expect(d.s.status).toBe('RESERVED');
    expect(isAvailable(d.s)).toBe(false);
    d.feed({ type: 'connect', callId: 'c1', at: 20 });
    expect(d.s.status).toBe('TALKING');
    d.feed({ type: 'release', callId: 'c1', talked: true, at: 30 });
    expect(d.s.status).toBe('WRAP_UP');
    expect(d.last).toEqual([{ kind: 'timer-set', timer: 'wrap-up', ms: 5000 }]);
    d.feed({ type: 'timer', timer: 'wrap-up', at: 5030 });
    expect(d.s.status).toBe('READY');
    expect(d.s.readySince).toBe(5030);
    expect(d.events.at(-1)).toMatchObject({ type: 'agent.state', agentId: '1001', from: 'WRAP_UP', to: 'READY' });
  });

  it('zero wrap-up goes straight back to READY', () => {
    const d = new Driver(human('1001', 0)).online();
    d.feed({ type: 'reserve', callId: 'c1', at: 1 }).feed({ type: 'connect', callId: 'c1', at: 2 }).feed({ type: 'release', callId: 'c1', talked: true, at: 3 });
    expect(d.s.status).toBe('READY');
  });

  it('a reservation released without talking returns to READY keeping the idle position', () => {
    const d = new Driver(human()).at(100).online();
    const since = d.s.readySince;
    d.feed({ type: 'reserve', callId: 'c1', at: 500 }).feed({ type: 'release', callId: 'c1', talked: false, at: 900 });
    expect(d.s.status).toBe('READY');
    expect(d.s.readySince).toBe(since);
  });

  it('pause while talking is applied after the call (after wrap-up)', () => {
    const d = new Driver(human('1001', 1000)).online();
    d.feed({ type: 'reserve', callId: 'c1', at: 1 }).feed({ type: 'connect', callId: 'c1', at: 2 });
    d.feed({ type: 'pause', reason: 'lunch', at: 3 });
    expect(d.s.status).toBe('TALKING');
    d.feed({ type: 'release', callId: 'c1', talked: true, at: 4 });
    expect(d.s.status).toBe('WRAP_UP');
    d.feed({ type: 'timer', timer: 'wrap-up', at: 1004 });
    expect(d.s).toMatchObject({ status: 'PAUSED', pauseReason: 'lunch' });
  });

  it('pause during wrap-up pauses at once; logout while reserved waits for the call', () => {
    const d = new Driver(human('1001', 1000)).online();
    d.feed({ type: 'reserve', callId: 'c1', at: 1 }).feed({ type: 'connect', callId: 'c1', at: 2 }).feed({ type: 'release', callId: 'c1', talked: true, at: 3 });
    d.feed({ type: 'pause', reason: 'coach', at: 4 });
    expect(d.s).toMatchObject({ status: 'PAUSED', pauseReason: 'coach' });
    expect(d.last).toContainEqual({ kind: 'timer-clear', timer: 'wrap-up' });
    const e = new Driver(human()).online().feed({ type: 'reserve', callId: 'c9', at: 1 }).in('logout');
    expect(e.s.status).toBe('RESERVED');
    e.feed({ type: 'release', callId: 'c9', talked: false, at: 2 });
    expect(e.s.status).toBe('LOGGED_OUT');
  });

  it('a paused or logged-out agent is not reserved', () => {
    const d = new Driver(human()).online().feed({ type: 'pause', reason: 'x', at: 1 }).feed({ type: 'reserve', callId: 'c1', at: 2 });
    expect(d.s.calls).toEqual([]);
  });

  it('bots take calls up to their concurrency cap and stay READY', () => {
    const d = new Driver(bot(2)).in('ready');
    expect(d.cmds()).toEqual([]); // no nailed leg for bots
    expect(isAvailable(d.s)).toBe(true);
    d.feed({ type: 'reserve', callId: 'c1', at: 1 }).feed({ type: 'reserve', callId: 'c2', at: 2 });
    expect(d.s.status).toBe('READY');
    expect(isAvailable(d.s)).toBe(false);
    d.feed({ type: 'reserve', callId: 'c3', at: 3 });
    expect(d.s.calls).toEqual(['c1', 'c2']);
    d.feed({ type: 'release', callId: 'c1', talked: true, at: 4 });
    expect(isAvailable(d.s)).toBe(true);
  });
});

describe('routing', () => {
  const online = (id: string, at: number) => new Driver(human(id)).at(at).online().s;

  it('serves the longest-idle ready agent first', () => {
    const a = online('a', 300);
    const b = online('b', 100);
    const c = online('c', 200);
    expect(pickAgent([a, b, c])?.config.id).toBe('b');
  });

  it('skips busy, paused and leg-less agents; null when nobody is free', () => {
    const busy = agentStep(online('a', 1), { type: 'reserve', callId: 'x', at: 2 }).state;
    const paused = agentStep(online('b', 1), { type: 'pause', reason: 'p', at: 2 }).state;
    const legless = agentStep(createAgent(human('c'), 'p-'), { type: 'ready', at: 0 }).state;
    expect(pickAgent([busy, paused, legless])).toBeNull();
    const free = online('d', 50);
    expect(pickAgent([busy, paused, legless, free])?.config.id).toBe('d');
  });

  it('breaks ties by id', () => {
    expect(pickAgent([online('z', 5), online('m', 5)])?.config.id).toBe('m');
  });
});
