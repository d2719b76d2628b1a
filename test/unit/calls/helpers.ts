import type { AmdDecision, AmdStatus } from '../../../engine/amd/types.js';
import type { AriCommand, AriEvent } from '../../../engine/ari/types.js';
import { callStep, createCall } from '../../../engine/calls/reducer.js';
import { defaultCallPolicy, type CallEffect, type CallInput, type CallPolicy, type CallState } from '../../../engine/calls/types.js';
import type { DomainEvent } from '../../../engine/events/types.js';

const ch = (id: string, state = 'Up') => ({ id, name: `PJSIP/${id}`, state });

/** ARI events as Asterisk 22 sends them (only the fields the reducers read). */
export const ev = {
  dial: (id: string, dialstatus: string): AriEvent => ({ type: 'Dial', dialstatus, peer: ch(id, 'Down') }),
  state: (id: string, state: string): AriEvent => ({ type: 'ChannelStateChange', channel: ch(id, state) }),
  stasisStart: (id: string): AriEvent => ({ type: 'StasisStart', channel: ch(id), args: [] }),
  stasisEnd: (id: string): AriEvent => ({ type: 'StasisEnd', channel: ch(id) }),
  hangupRequest: (id: string, cause: number): AriEvent => ({ type: 'ChannelHangupRequest', channel: ch(id), cause }),
  destroyed: (id: string, cause: number): AriEvent => ({ type: 'ChannelDestroyed', channel: ch(id), cause, cause_txt: '' }),
  entered: (id: string, bridgeId: string): AriEvent => ({
    type: 'ChannelEnteredBridge',
    channel: ch(id),
    bridge: { id: bridgeId, channels: [id] },
  }),
  bridgeDestroyed: (id: string): AriEvent => ({ type: 'BridgeDestroyed', bridge: { id, channels: [] } }),
  pbStarted: (id: string, target: string): AriEvent => ({
    type: 'PlaybackStarted',
    playback: { id, media_uri: 'sound:x', target_uri: `channel:${target}`, state: 'playing' },
  }),
  pbFinished: (id: string, target: string): AriEvent => ({
    type: 'PlaybackFinished',
    playback: { id, media_uri: 'sound:x', target_uri: `channel:${target}`, state: 'done' },
  }),
};

export function decision(status: AmdStatus, extra: Partial<AmdDecision> = {}): AmdDecision {
  return {
    status,
    cause: `${status}-TEST`,
    decisionMs: 1200,
    trace: { frameEnergy: [], words: [], notes: [], decisionFrame: 60 },
    ...extra,
  };
}

export const CALL = 'cl-n1-c-1';

/** Feeds inputs to one call and keeps every effect and event, so tests read like the trace they replay. */
export class CallDriver {
  state: CallState;
  effects: CallEffect[] = [];
  events: DomainEvent[] = [];
  last: { effects: CallEffect[]; events: DomainEvent[] } = { effects: [], events: [] };
  t = 1000;

  constructor(policy: Partial<CallPolicy> = {}, agent: { agentId: string; bridgeId: string } | null = { agentId: 'a1', bridgeId: 'agb-a1' }) {
    this.state = createCall({
      callId: CALL,
      campaignId: 'camp',
      leadId: 'lead-1',
      phone: '+15550110001',
      endpoint: 'PJSIP/+15550110001@trunk',
      nodeId: 'n1',
      policy: { ...defaultCallPolicy, ...policy },
      agent,
    });
  }

  feed(input: CallInput): this {
    const step = callStep(this.state, input);
    this.state = step.state;
    this.last = { effects: step.effects, events: step.events };
    this.effects.push(...step.effects);
    this.events.push(...step.events);
    return this;
  }

  at(ms: number): this {
    this.t += ms;
    return this;
  }

  dial(): this {
    return this.feed({ type: 'dial', at: this.t });
  }
  ari(e: AriEvent): this {
    return this.feed({ type: 'ari', event: e, at: this.t });
  }
  endpoint(): this {
    return this.feed({ type: 'amd-endpoint', host: '127.0.0.1', port: 40100, at: this.t });
  }
  decide(d: AmdDecision): this {
    return this.feed({ type: 'amd-decision', decision: d, at: this.t });
  }
  timer(timer: 'amd' | 'agent-wait' | 'beep' | 'playback' | 'watch'): this {
    return this.feed({ type: 'timer', timer, at: this.t });
  }
  fail(command: AriCommand, status: number, message: string): this {
    return this.feed({ type: 'command-failed', command, status, message, at: this.t });
  }

  /** Dial, ring and answer: the callee is in Stasis, AMD requested. */
  answer(): this {
    return this.dial().ari(ev.dial(CALL, '')).ari(ev.dial(CALL, 'RINGING')).at(3000).ari(ev.state(CALL, 'Up')).ari(ev.dial(CALL, 'ANSWER')).ari(ev.stasisStart(CALL));
  }

  /** Answer and set up the AMD audio path completely. */
  inAmd(): this {
    return this.answer().endpoint().ari(ev.stasisStart(`${CALL}-snoop`)).ari(ev.stasisStart(`${CALL}-em`));
  }

  commands(effects = this.effects): AriCommand[] {
    return effects.flatMap((e) => (e.kind === 'ari' ? [e.command] : []));
  }
  lastCommands(): AriCommand[] {
    return this.commands(this.last.effects);
  }
  eventTypes(): string[] {
    return this.events.map((e) => e.type);
  }
  ended(): Extract<DomainEvent, { type: 'call.ended' }> | undefined {
    return this.events.find((e): e is Extract<DomainEvent, { type: 'call.ended' }> => e.type === 'call.ended');
  }

  /**
   * Plays Asterisk's part for every teardown command issued so far: hung-up channels are destroyed, destroyed
   * bridges go. Then the call must be `done` (nothing of ours left).
   */
  settle(): this {
    for (let i = 0; i < 5 && !this.state.done; i++) {
      for (const id of [...this.state.ownedChannels]) {
        if (this.commands().some((c) => c.op === 'hangup' && c.channelId === id)) this.ari(ev.destroyed(id, 16));
      }
      for (const id of [...this.state.ownedBridges]) {
        if (this.commands().some((c) => c.op === 'destroyBridge' && c.bridgeId === id)) this.ari(ev.bridgeDestroyed(id));
      }
    }
    return this;
  }
}
