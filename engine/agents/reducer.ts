/**
 * The agent state machine, pure: LOGGED_OUT, READY, RESERVED, TALKING, WRAP_UP (timed), PAUSED (with reason).
 *
 * Nailed-up legs (human agents): on the first READY the agent's endpoint is dialled once and the answered leg
 * is parked in the agent's own mixing bridge; customers are added to that bridge, so a human reaches the agent
 * in one ARI request. The leg stays up through pauses and wrap-ups and is hung up on logout.
 * Bot agents have no nailed leg: they take up to `maxConcurrent` calls at once (a voice-AI provider's cap).
 * A human can also log in by dialling into Stasis (`dial-in`): that call becomes the leg; it is never
 * redialled, and its end logs the agent out.
 */
import type { AriCommand, AriEvent } from '../ari/index.js';
import { StepScratch } from '../step/index.js';
import {
  LEG_RETRY_MS,
  LEG_RING_SEC,
  type AgentConfig,
  type AgentEffect,
  type AgentInput,
  type AgentState,
  type AgentStatus,
  type AgentStep,
  type AgentTimer,
} from './types.js';

export function createAgent(config: AgentConfig, idPrefix: string): AgentState {
  return {
    config,
    status: 'LOGGED_OUT',
    pauseReason: null,
    pending: null,
    readySince: null,
    bridgeId: `${idPrefix}agb-${config.id}`,
    bridgeUp: false,
    bridgeRequested: false,
    legId: null,
    legSeq: 0,
    legUp: false,
    legDialIn: false,
    calls: [],
    talking: [],
    timers: [],
    idPrefix,
  };
}

/** Whether the agent can take one more call now. */
export function isAvailable(a: AgentState): boolean {
  if (a.status !== 'READY' || a.pending) return false;
  if (a.config.kind === 'bot') return a.calls.length < a.config.maxConcurrent;
  return a.calls.length === 0 && a.legUp && a.bridgeUp;
}

/** Whether the agent takes calls of `campaignId`: an agent without assignments serves every campaign. */
export function servesCampaign(config: Pick<AgentConfig, 'campaignIds'>, campaignId: string): boolean {
  const ids = config.campaignIds;
  return !ids || ids.length === 0 || ids.includes(campaignId);
}

/**
 * Routing: the longest-idle available agent (earliest readySince; ties by id for determinism). With
 * `campaignId`, only agents serving that campaign (`servesCampaign`); without, any agent.
 */
export function pickAgent(agents: Iterable<AgentState>, campaignId?: string): AgentState | null {
  let best: AgentState | null = null;
  for (const a of agents) {
    if (!isAvailable(a)) continue;
    if (campaignId !== undefined && !servesCampaign(a.config, campaignId)) continue;
    if (
      !best ||
      (a.readySince ?? 0) < (best.readySince ?? 0) ||
      ((a.readySince ?? 0) === (best.readySince ?? 0) && a.config.id < best.config.id)
    ) {
      best = a;
    }
  }
  return best;
}

/** Scratch for one step (engine/step): the agent's arrays are copied, the input state is never modified. */
class Step extends StepScratch<AgentState, AgentTimer, AgentEffect> {
  constructor(state: AgentState, at: number) {
    super({ ...state, calls: [...state.calls], talking: [...state.talking], timers: [...state.timers] }, at);
  }
  to(status: AgentStatus, reason: string | null = null, callId: string | null = null): void {
    const from = this.s.status;
    if (from === status && this.s.pauseReason === reason) return;
    this.s.status = status;
    this.s.pauseReason = status === 'PAUSED' ? reason : null;
    if (status === 'READY') this.s.readySince = this.at;
    this.events.push({
      type: 'agent.state',
      agentId: this.s.config.id,
      kind: this.s.config.kind,
      from,
      to: status,
      reason,
      callId,
      at: this.at,
    });
  }
}

const isHuman = (a: AgentState) => a.config.kind === 'human';

export function agentStep(state: AgentState, input: AgentInput): AgentStep {
  const st = new Step(state, input.at);
  const s = st.s;
  switch (input.type) {
    case 'ready':
      if (s.status === 'LOGGED_OUT' || s.status === 'PAUSED' || s.status === 'WRAP_UP') {
        st.clearTimer('wrap-up');
        s.pending = null;
        st.to('READY');
        ensureLeg(st);
      } else if (s.pending) {
        s.pending = null; // READY while busy cancels a pending pause/logout
      }
      break;
    case 'pause':
      if (s.status === 'READY' && s.calls.length === 0) st.to('PAUSED', input.reason);
      else if (s.status === 'WRAP_UP') {
        st.clearTimer('wrap-up');
        st.to('PAUSED', input.reason);
      } else if (s.status === 'PAUSED') st.to('PAUSED', input.reason);
      else if (s.status !== 'LOGGED_OUT') s.pending = { kind: 'pause', reason: input.reason };
      break;
    case 'logout':
      if (s.calls.length > 0) s.pending = { kind: 'logout' };
      else logout(st);
      break;
    case 'reserve':
      if (!isAvailable(s)) break; // the shell checks first; a stale reserve is ignored
      s.calls.push(input.callId);
      if (isHuman(s)) st.to('RESERVED', null, input.callId);
      break;
    case 'connect':
      if (!s.calls.includes(input.callId) || s.talking.includes(input.callId)) break;
      s.talking.push(input.callId);
      if (isHuman(s)) st.to('TALKING', null, input.callId);
      break;
    case 'release':
      onRelease(st, input.callId, input.talked, input.wrapUpMs);
      break;
    case 'timer':
      if (!s.timers.includes(input.timer)) break;
      s.timers = s.timers.filter((t) => t !== input.timer);
      if (input.timer === 'wrap-up' && s.status === 'WRAP_UP') afterCalls(st);
      if (input.timer === 'leg-retry') ensureLeg(st);
      break;
    case 'dial-in':
      onDialIn(st, input.channelId);
      break;
    case 'ari':
      onAri(st, input.event);
      break;
    case 'command-failed':
      onCommandFailed(st, input.command);
      break;
    case 'reconcile':
      if (s.legId && !input.channels.has(s.legId)) legGone(st);
      if (s.bridgeRequested && !input.bridges.has(s.bridgeId)) {
        s.bridgeUp = false;
        s.bridgeRequested = false;
        s.legUp = false;
        if (s.legId && s.legDialIn) reparkDialIn(st);
        // A leg that outlived its bridge is hung up; its ChannelDestroyed brings a fresh leg.
        else if (s.legId) st.ari({ op: 'hangup', channelId: s.legId, reason: 'normal' });
        else ensureLeg(st);
      } else {
        if (s.bridgeRequested) s.bridgeUp = true;
        const inBridge = !!s.legId && (input.bridges.get(s.bridgeId) ?? []).includes(s.legId);
        if (inBridge) s.legUp = true;
        // A dial-in leg still up but not parked (the addChannel was lost with the socket): park it again.
        else if (s.legId && s.legDialIn && s.bridgeRequested) reparkDialIn(st);
        ensureLeg(st);
      }
      break;
  }
  return st.result();
}

function onRelease(st: Step, callId: string, talked: boolean, wrapUpMs = st.s.config.wrapUpMs): void {
  const s = st.s;
  if (!s.calls.includes(callId)) return;
  s.calls = s.calls.filter((c) => c !== callId);
  s.talking = s.talking.filter((c) => c !== callId);
  if (!isHuman(s)) {
    if (s.calls.length === 0) afterCalls(st);
    return;
  }
  if (talked && wrapUpMs > 0) {
    st.to('WRAP_UP', null, callId);
    st.setTimer('wrap-up', wrapUpMs);
    return;
  }
  if (talked) {
    afterCalls(st);
    return;
  }
  // Reserved but never connected (machine, no answer, ...): back to READY keeping the idle position.
  const since = s.readySince;
  afterCalls(st);
  if (s.status === 'READY' && since !== null) s.readySince = since;
}

/** Leaves WRAP_UP/RESERVED/TALKING: applies a pending pause or logout, or goes READY. */
function afterCalls(st: Step): void {
  const s = st.s;
  const pending = s.pending;
  s.pending = null;
  if (pending?.kind === 'logout') logout(st);
  else if (pending?.kind === 'pause') st.to('PAUSED', pending.reason);
  else if (s.status !== 'READY') st.to('READY');
}

function logout(st: Step): void {
  const s = st.s;
  for (const t of [...s.timers]) st.clearTimer(t);
  if (s.legId) st.ari({ op: 'hangup', channelId: s.legId, reason: 'normal' });
  if (s.bridgeRequested) {
    st.ari({ op: 'destroyBridge', bridgeId: s.bridgeId });
    // Asterisk subscribes the app to a bridge only when one of its channels enters it: a bridge destroyed
    // before the leg was ever parked sends no BridgeDestroyed, so it is forgotten here rather than awaited.
    s.bridgeRequested = false;
    s.bridgeUp = false;
  }
  s.pending = null;
  s.readySince = null;
  st.to('LOGGED_OUT');
}

/** Human agents who are logged in keep one nailed-up leg parked in their bridge; (re)create what is missing. */
function ensureLeg(st: Step): void {
  const s = st.s;
  if (!isHuman(s) || s.status === 'LOGGED_OUT') return;
  if (!s.bridgeRequested) {
    s.bridgeRequested = true;
    st.ari({ op: 'createBridge', bridgeId: s.bridgeId, type: 'mixing', name: `agent-${s.config.id}` });
  }
  if (!s.legId) {
    s.legSeq += 1;
    s.legId = `${s.idPrefix}ag-${s.config.id}-${s.legSeq}`;
    st.clearTimer('leg-retry');
    st.ari({ op: 'originate', channelId: s.legId, endpoint: s.config.endpoint, timeoutSec: LEG_RING_SEC });
  }
}

function legGone(st: Step): void {
  const s = st.s;
  if (s.legDialIn) return dialInGone(st);
  s.legId = null;
  s.legUp = false;
  if (s.calls.length > 0) st.effects.push({ kind: 'calls-lost', callIds: [...s.calls] });
  if (s.status !== 'LOGGED_OUT') st.setTimer('leg-retry', LEG_RETRY_MS);
}

/**
 * The agent's own call into Stasis becomes the nailed-up leg: answered and parked in the agent's bridge, agent
 * READY. A leg we originated is replaced (hung up) — the agent is at the phone now. While calls are reserved
 * or talking the login is refused: swapping the leg would cut the customer.
 */
function onDialIn(st: Step, channelId: string): void {
  const s = st.s;
  if (!isHuman(s)) return refuse(st, channelId, 'bots do not dial in');
  if (s.legId === channelId) return;
  if (s.calls.length > 0) return refuse(st, channelId, 'agent is busy on a call');
  if (s.legId) st.ari({ op: 'hangup', channelId: s.legId, reason: 'normal' });
  st.clearTimer('leg-retry');
  st.clearTimer('wrap-up');
  s.legId = channelId;
  s.legDialIn = true;
  s.legUp = false;
  s.pending = null;
  st.to('READY');
  st.ari({ op: 'answer', channelId });
  reparkDialIn(st);
}

function refuse(st: Step, channelId: string, reason: string): void {
  st.effects.push({ kind: 'dial-in-refused', channelId, reason });
}

/** (Re)creates the bridge if needed and adds the dial-in leg; commands run in order per agent. */
function reparkDialIn(st: Step): void {
  const s = st.s;
  if (!s.legId) return;
  if (!s.bridgeRequested) {
    s.bridgeRequested = true;
    st.ari({ op: 'createBridge', bridgeId: s.bridgeId, type: 'mixing', name: `agent-${s.config.id}` });
  }
  st.ari({ op: 'addChannel', bridgeId: s.bridgeId, channelIds: [s.legId] });
}

/**
 * The agent hung up their dial-in leg (or it vanished): they chose to leave, so log them out — no redial.
 * Calls on it are lost; they are dropped from the agent first so their releases do not bring back WRAP_UP.
 */
function dialInGone(st: Step): void {
  const s = st.s;
  s.legId = null;
  s.legUp = false;
  s.legDialIn = false;
  if (s.status === 'LOGGED_OUT') return;
  if (s.calls.length > 0) st.effects.push({ kind: 'calls-lost', callIds: [...s.calls] });
  s.calls = [];
  s.talking = [];
  logout(st);
}

function onAri(st: Step, e: AriEvent): void {
  const s = st.s;
  switch (e.type) {
    case 'StasisEnd':
      // A channel that entered Stasis from the dialplan is unsubscribed when it leaves: its ChannelDestroyed
      // never reaches the app, so StasisEnd is the end of a dial-in leg.
      if (e.channel.id === s.legId && s.legDialIn) dialInGone(st);
      return;
    case 'StasisStart':
      // The agent answered: park the leg in the agent's bridge.
      if (e.channel.id === s.legId) st.ari({ op: 'addChannel', bridgeId: s.bridgeId, channelIds: [s.legId] });
      return;
    case 'ChannelEnteredBridge':
      if (e.channel.id === s.legId && e.bridge.id === s.bridgeId) {
        s.legUp = true;
        s.bridgeUp = true;
        if (s.status === 'READY') s.readySince = st.at; // routable from now
      }
      return;
    case 'ChannelDestroyed':
      if (e.channel.id === s.legId) legGone(st);
      return;
    case 'BridgeDestroyed':
      if (e.bridge.id === s.bridgeId) {
        s.bridgeUp = false;
        s.bridgeRequested = false;
        if (s.status !== 'LOGGED_OUT') {
          s.legUp = false;
          if (s.legId && s.legDialIn) reparkDialIn(st);
          else if (s.legId) st.ari({ op: 'hangup', channelId: s.legId, reason: 'normal' });
          else ensureLeg(st);
        }
      }
      return;
    default:
      return;
  }
}

function onCommandFailed(st: Step, c: AriCommand): void {
  const s = st.s;
  if (c.op === 'originate' && c.channelId === s.legId) legGone(st);
  else if (c.op === 'createBridge' && c.bridgeId === s.bridgeId) {
    s.bridgeRequested = false;
    if (s.status !== 'LOGGED_OUT') st.setTimer('leg-retry', LEG_RETRY_MS);
  } else if (c.op === 'addChannel' && c.bridgeId === s.bridgeId && s.legId) {
    st.ari({ op: 'hangup', channelId: s.legId, reason: 'normal' });
  } else if (c.op === 'answer' && c.channelId === s.legId && s.legDialIn) {
    // The phone hung up before we could answer: the same as hanging up the leg.
    dialInGone(st);
  }
}

