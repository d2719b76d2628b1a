/**
 * The call state machine: a pure reducer `(state, input) → {state, effects, events}` for one dial attempt.
 * No I/O, no clock: time arrives in each input (`at`), timers are effects, ARI commands are data.
 *
 *   created → dialing → ringing → answered → amd → agent-wait → bridged ─┐
 *                                              │  (async watch: late MACHINE → machine) │
 *                                              ├→ machine (hang up | beep → voicemail) ─┤
 *                                              └→ agent-wait → dropping (safe harbor) ──┴→ ended
 *
 * Whatever path is taken, every channel and bridge the call created is torn down (ownedChannels/ownedBridges
 * empty ⇒ `done`).
 */
import type { AmdDecision, AmdLateVerdict } from '../amd/index.js';
import type { AriCommand, AriEvent } from '../ari/index.js';
import { StepScratch } from '../step/index.js';
import type { Disposition, InterruptionCause } from '../events/index.js';
import { unansweredDisposition } from './disposition.js';
import { interruptedDisposition, type InterruptedCall } from './interrupted.js';
import {
  callIds,
  type AgentSlot,
  type CallEffect,
  type CallInput,
  type CallPolicy,
  type CallState,
  type CallStep,
  type CallTimer,
} from './types.js';

export interface NewCall {
  callId: string;
  campaignId: string;
  leadId: string | null;
  phone: string;
  /** Dial string, e.g. "PJSIP/+15550110001@trunk". */
  endpoint: string;
  nodeId: string;
  policy: CallPolicy;
  /** Agent reserved by pacing before the call is placed. */
  agent?: AgentSlot | null;
  /** A test call (no lead; not the campaign's for pacing). */
  test?: boolean;
}

export function createCall(c: NewCall): CallState {
  return {
    id: c.callId,
    ids: callIds(c.callId),
    phase: 'created',
    campaignId: c.campaignId,
    leadId: c.leadId,
    phone: c.phone,
    endpoint: c.endpoint,
    nodeId: c.nodeId,
    policy: c.policy,
    placedAt: null,
    test: c.test ?? false,
    pacerCancelled: false,
    agent: c.agent ?? null,
    ownedChannels: [],
    ownedBridges: [],
    snoopUp: false,
    mediaUp: false,
    amdBridged: false,
    listeningForBeep: false,
    watching: false,
    agentAddSent: false,
    dialStatus: null,
    sawDial: false,
    hangupCause: null,
    answeredAt: null,
    amd: null,
    treatedAs: null,
    amdLate: null,
    disposition: null,
    cancelled: false,
    hangupSent: false,
    customerHangupSeen: false,
    cutByShutdown: false,
    safeHarborPlayed: false,
    voicemailLeft: false,
    playbackId: null,
    timers: [],
    done: false,
  };
}

/** Scratch for one step (engine/step): the call's arrays are copied, the input state is never modified. */
class Step extends StepScratch<CallState, CallTimer, CallEffect> {
  constructor(state: CallState, at: number) {
    super({ ...state, ownedChannels: [...state.ownedChannels], ownedBridges: [...state.ownedBridges], timers: [...state.timers] }, at);
  }

  override result(): CallStep {
    const s = this.s;
    s.done = s.phase === 'ended' && s.ownedChannels.length === 0 && s.ownedBridges.length === 0;
    return super.result();
  }
}

/** A voice-AI endpoint answers at once; if it does not within this, the human is dropped by the 2 s rule anyway. */
const BOT_RING_SEC = 5;

const ANSWER_PENDING: ReadonlySet<string> = new Set(['created', 'dialing', 'ringing']);
/** ChannelHangupRequest `cause` of a soft hang-up Asterisk makes because it shuts down (AST_SOFTHANGUP_SHUTDOWN). */
const SOFTHANGUP_SHUTDOWN = 4;
const IN_AMD: ReadonlySet<string> = new Set(['answered', 'amd']);

export function callStep(state: CallState, input: CallInput): CallStep {
  const st = new Step(state, input.at);
  switch (input.type) {
    case 'dial':
      onDial(st);
      break;
    case 'ari':
      onAri(st, input.event);
      break;
    case 'amd-endpoint':
      onAmdEndpoint(st, input.host, input.port);
      break;
    case 'amd-decision':
      onDecision(st, input.decision);
      break;
    case 'beep':
      if (st.s.phase === 'machine' && st.s.timers.includes('beep')) playVoicemail(st);
      break;
    case 'amd-late':
      onLate(st, input.late);
      break;
    case 'timer':
      onTimer(st, input.timer);
      break;
    case 'agent-assigned':
      onAgentAssigned(st, input.agent);
      break;
    case 'command-failed':
      onCommandFailed(st, input.command, input.status, input.message, input.kind);
      break;
    case 'cancel':
      onCancel(st, input.by);
      break;
    case 'reconcile':
      onReconcile(st, input.channels, input.bridges, input.lost);
      break;
    case 'interrupt':
      onInterrupt(st, input.cause);
      break;
  }
  return st.result();
}

// ── dialing ─────────────────────────────────────────────────────────────────────────────────────────────────

function onDial(st: Step): void {
  const s = st.s;
  if (s.phase !== 'created') return;
  s.phase = 'dialing';
  s.placedAt = st.at;
  s.ownedChannels.push(s.ids.customer);
  st.emit({
    type: 'call.created',
    callId: s.id,
    at: st.at,
    campaignId: s.campaignId,
    leadId: s.leadId,
    phone: s.phone,
    channelId: s.ids.customer,
    agentId: s.agent?.agentId ?? null,
    nodeId: s.nodeId,
  });
  st.ari({
    op: 'originate',
    channelId: s.ids.customer,
    endpoint: s.endpoint,
    timeoutSec: s.policy.ringTimeoutSec,
    ...(s.policy.callerId ? { callerId: s.policy.callerId } : {}),
  });
  st.emit({ type: 'call.dialing', callId: s.id, at: st.at });
}

function toRinging(st: Step): void {
  if (st.s.phase !== 'dialing') return;
  st.s.phase = 'ringing';
  st.emit({ type: 'call.ringing', callId: st.s.id, at: st.at });
}

// ARI dial statuses that are progress, not an outcome.
const PROGRESS = new Set(['', 'RINGING', 'PROGRESS', 'PROCEEDING', 'ANSWER']);

function onAri(st: Step, e: AriEvent): void {
  const s = st.s;
  const ids = s.ids;
  switch (e.type) {
    case 'Dial':
      if (e.peer.id !== ids.customer) return;
      s.sawDial = true;
      if (e.dialstatus === 'RINGING') toRinging(st);
      if (!PROGRESS.has(e.dialstatus)) s.dialStatus = e.dialstatus;
      return;
    case 'ChannelStateChange':
      if (e.channel.id !== ids.customer) return;
      if (e.channel.state === 'Ringing') toRinging(st);
      if (e.channel.state === 'Up' && s.answeredAt === null && ANSWER_PENDING.has(s.phase)) s.answeredAt = st.at;
      return;
    case 'StasisStart':
      if (e.channel.id === ids.customer) onAnswered(st);
      else if (e.channel.id === ids.snoop) {
        s.snoopUp = true;
        maybeBridgeAmd(st);
      } else if (e.channel.id === ids.externalMedia) {
        s.mediaUp = true;
        maybeBridgeAmd(st);
      } else if (e.channel.id === ids.botLeg && s.ownedBridges.includes(ids.botBridge)) {
        st.ari({ op: 'addChannel', bridgeId: ids.botBridge, channelIds: [ids.botLeg] });
      }
      return;
    case 'ChannelHangupRequest':
      if (e.channel.id !== ids.customer) return;
      s.customerHangupSeen = true;
      // `core stop`/`core restart`: Asterisk hangs up every channel, first with a soft hang-up whose cause is
      // AST_SOFTHANGUP_SHUTDOWN (4) — recorded on Asterisk 22.10.1.
      if (e.soft === true && e.cause === SOFTHANGUP_SHUTDOWN) s.cutByShutdown = true;
      return;
    case 'ChannelDestroyed':
      if (e.channel.id === ids.customer) onCustomerGone(st, e.cause);
      else {
        removeOwnedChannel(st, e.channel.id);
        if (e.channel.id === ids.botLeg) onBotLegGone(st);
      }
      return;
    case 'BridgeDestroyed':
      removeOwnedBridge(st, e.bridge.id);
      return;
    case 'ChannelEnteredBridge':
      // Connected when the human enters the agent's bridge (the agent waits there), or when the bot leg
      // joins the human in the call's own bridge.
      if (s.agent && e.bridge.id === s.agent.bridgeId && e.channel.id === (s.agent.dial ? ids.botLeg : ids.customer)) onBridged(st);
      return;
    case 'PlaybackFinished':
      if (e.playback.id !== s.playbackId) return;
      // Asterisk says PlaybackStarted even for a file it does not have; only "done" means it was heard to the end.
      if (e.playback.state === 'done') {
        if (e.playback.id === ids.safeHarborPlayback) s.safeHarborPlayed = true;
        if (e.playback.id === ids.voicemailPlayback) s.voicemailLeft = true;
      } else if (!s.hangupSent && !s.customerHangupSeen) {
        playbackFailed(st, e.playback.media_uri);
      }
      if (s.phase === 'dropping' || s.phase === 'machine') {
        st.clearTimer('playback');
        hangupCustomer(st);
      }
      return;
    default:
      return;
  }
}

// ── answer and AMD hand-off ──────────────────────────────────────────────────────────────────────────────────

function onAnswered(st: Step): void {
  const s = st.s;
  if (!ANSWER_PENDING.has(s.phase)) return;
  // Cancelled while it rang and it answered anyway: the hangup is already on its way.
  if (s.cancelled) return;
  s.phase = 'answered';
  s.answeredAt ??= st.at;
  st.emit({ type: 'call.answered', callId: s.id, at: st.at });
  st.effects.push({ kind: 'amd-start' });
  st.setTimer('amd', s.policy.amdTimeoutMs);
}

function onAmdEndpoint(st: Step, host: string, port: number): void {
  const s = st.s;
  if (s.phase !== 'answered') return; // decided already, or the callee is gone: nothing to set up
  s.phase = 'amd';
  const { amdBridge, snoop, externalMedia, customer } = s.ids;
  s.ownedBridges.push(amdBridge);
  s.ownedChannels.push(snoop, externalMedia);
  st.ari({ op: 'createBridge', bridgeId: amdBridge, type: 'mixing' });
  st.ari({ op: 'snoop', channelId: customer, snoopId: snoop, spy: 'in' });
  st.ari({ op: 'externalMedia', channelId: externalMedia, host, port, format: 'ulaw' });
}

function maybeBridgeAmd(st: Step): void {
  const s = st.s;
  if (s.phase !== 'amd' || !s.snoopUp || !s.mediaUp || s.amdBridged) return;
  s.amdBridged = true;
  st.ari({ op: 'addChannel', bridgeId: s.ids.amdBridge, channelIds: [s.ids.snoop, s.ids.externalMedia] });
}

/** Hangs up the bot leg and destroys the call's bot bridge, whichever exist. */
function teardownBot(st: Step): void {
  const { botLeg, botBridge } = st.s.ids;
  if (st.s.ownedChannels.includes(botLeg)) st.ari({ op: 'hangup', channelId: botLeg, reason: 'normal' });
  if (st.s.ownedBridges.includes(botBridge)) st.ari({ op: 'destroyBridge', bridgeId: botBridge });
}

/** Hangs up the snoop and externalMedia channels and destroys the AMD bridge, whichever exist. */
function teardownAmd(st: Step): void {
  const { snoop, externalMedia, amdBridge } = st.s.ids;
  for (const id of [snoop, externalMedia]) if (st.s.ownedChannels.includes(id)) st.ari({ op: 'hangup', channelId: id });
  if (st.s.ownedBridges.includes(amdBridge)) st.ari({ op: 'destroyBridge', bridgeId: amdBridge });
}

function onDecision(st: Step, d: AmdDecision): void {
  const s = st.s;
  if (!IN_AMD.has(s.phase)) return; // late decision (timeout already applied, or callee gone)
  st.clearTimer('amd');
  const treatedAs =
    d.status === 'HUMAN' ? 'HUMAN' : d.status === 'MACHINE' ? 'MACHINE' : s.policy.notSure === 'human' ? 'HUMAN' : 'MACHINE';
  // A machine that will get a message but whose beep is still to come: keep the media path up (phase 'amd'
  // means it was set up) so the media plane can tell when the greeting ends. Anything else: AMD is over.
  const waitForBeep =
    d.status !== 'HANGUP' && treatedAs === 'MACHINE' && d.beepAtMs === undefined && s.phase === 'amd' && leavesMessage(s);
  // A human goes to the agent at once; with the async watch on, the media path stays up a few seconds more.
  const watch = d.status !== 'HANGUP' && treatedAs === 'HUMAN' && s.phase === 'amd' && (s.policy.amdWatchMs ?? 0) > 0;
  if (waitForBeep) s.listeningForBeep = true;
  else if (watch) {
    s.watching = true;
    // The detector ends its watch by itself; this only bounds it if no word comes back (plus a margin for the
    // audio that was still on its way when the verdict was taken).
    st.setTimer('watch', (s.policy.amdWatchMs ?? 0) + 2000);
  } else {
    st.effects.push({ kind: 'amd-stop' });
    teardownAmd(st);
  }
  s.amd = { status: d.status, cause: d.cause, decisionMs: d.decisionMs };
  // The detector's own decisions carry what it heard; the NOTSURE made up here (timeout, set-up failure) has none.
  if (d.trace.frameEnergy.length > 0) st.effects.push({ kind: 'amd-trace', trace: d.trace });
  if (d.status === 'HANGUP') {
    // The callee went away during analysis; ChannelDestroyed will close the call as HUNG_UP_DURING_AMD.
    s.phase = 'hanging-up';
    hangupCustomer(st);
    return;
  }
  s.treatedAs = treatedAs;
  st.emit({
    type: 'call.amd',
    callId: s.id,
    at: st.at,
    status: d.status,
    cause: d.cause,
    decisionMs: d.decisionMs,
    treatedAs,
  });
  if (treatedAs === 'HUMAN') toAgent(st);
  else toMachine(st, d.beepAtMs !== undefined);
}

// ── the async watch: a late MACHINE after a HUMAN verdict ───────────────────────────────────────────────────

/** Ends the async watch: the AMD session closes, its channels and bridge go. */
function stopWatching(st: Step): void {
  if (!st.s.watching) return;
  st.s.watching = false;
  st.clearTimer('watch');
  st.effects.push({ kind: 'amd-stop' });
  teardownAmd(st);
}

/**
 * A beep or a monologue after the HUMAN verdict: the call was a machine. The agent is told (`call.amd_late`)
 * and freed — the callee taken out of its bridge — and the machine policy applies as after a MACHINE verdict:
 * hang up, or leave the message at the beep (now, if the beep is what gave it away; else when it comes).
 */
function onLate(st: Step, late: AmdLateVerdict): void {
  const s = st.s;
  if (!s.watching) return; // the watch was over, or the call already gone
  s.amdLate = { cause: late.cause, decisionMs: late.decisionMs };
  st.emit({ type: 'call.amd_late', callId: s.id, at: st.at, cause: late.cause, decisionMs: late.decisionMs, agentId: s.agent?.agentId ?? null });
  if (s.phase !== 'agent-wait' && s.phase !== 'bridged') {
    stopWatching(st); // dropping already (safe harbor), or hanging up: the late verdict is recorded, nothing to undo
    return;
  }
  st.clearTimer('agent-wait');
  if (s.agent && s.agentAddSent && !s.agent.dial) st.ari({ op: 'removeChannel', bridgeId: s.agent.bridgeId, channelIds: [s.ids.customer] });
  teardownBot(st);
  st.clearTimer('watch');
  s.watching = false;
  const beepHeard = late.cause.startsWith('LATEBEEP');
  if (leavesMessage(s) && !beepHeard) s.listeningForBeep = true; // the session goes on, now listening for the beep
  else {
    st.effects.push({ kind: 'amd-stop' });
    teardownAmd(st);
  }
  toMachine(st, beepHeard);
}

// ── human → agent, or safe harbor ────────────────────────────────────────────────────────────────────────────

/**
 * The 2 s rule, exactly: with an agent reserved (progressive) the callee goes to it now and the timer only guards
 * the bridge round trip; without one the shell looks for an agent until the limit — answer + agentWaitMs (or
 * verdict + agentWaitMs) — and the call is dropped at that instant if none was found. A verdict that comes after
 * the limit leaves no wait at all: an agent free right now, or safe harbor.
 */
export function agentDeadlineMs(s: Pick<CallState, 'answeredAt' | 'policy'>, verdictAt: number): number {
  const from = s.policy.agentWaitFrom === 'verdict' || s.answeredAt === null ? verdictAt : s.answeredAt;
  return Math.max(0, from + s.policy.agentWaitMs - verdictAt);
}

function toAgent(st: Step): void {
  const s = st.s;
  s.phase = 'agent-wait';
  if (s.agent) {
    st.setTimer('agent-wait', s.policy.agentWaitMs);
    addToAgent(st, s.agent);
    return;
  }
  st.setTimer('agent-wait', agentDeadlineMs(s, st.at));
  st.effects.push({ kind: 'agent-request' });
}

function addToAgent(st: Step, agent: AgentSlot): void {
  const s = st.s;
  s.agentAddSent = true;
  if (agent.dial) {
    // Bot: a bridge of this call's own, the callee in it at once, the bot leg joins when it answers.
    const { botBridge, botLeg, customer } = s.ids;
    s.ownedBridges.push(botBridge);
    s.ownedChannels.push(botLeg);
    st.ari({ op: 'createBridge', bridgeId: botBridge, type: 'mixing' });
    st.ari({ op: 'addChannel', bridgeId: botBridge, channelIds: [customer] });
    st.ari({ op: 'originate', channelId: botLeg, endpoint: agent.dial, timeoutSec: BOT_RING_SEC });
    return;
  }
  st.ari({ op: 'addChannel', bridgeId: agent.bridgeId, channelIds: [s.ids.customer] });
}

function onAgentAssigned(st: Step, agent: AgentSlot): void {
  const s = st.s;
  if (s.phase !== 'agent-wait' || s.agent) {
    // Too late (dropped, gone) or already served: give the agent straight back.
    st.effects.push({ kind: 'agent-release', agentId: agent.agentId, talked: false });
    return;
  }
  s.agent = agent;
  // Found within the limit: from now on the timer guards the bridge round trip only.
  st.setTimer('agent-wait', s.policy.agentWaitMs);
  addToAgent(st, agent);
}

function onBridged(st: Step): void {
  const s = st.s;
  if (s.phase !== 'agent-wait' || !s.agent) return;
  s.phase = 'bridged';
  s.disposition = 'ANSWERED_HUMAN';
  st.clearTimer('agent-wait');
  st.emit({ type: 'call.bridged', callId: s.id, at: st.at, agentId: s.agent.agentId, bridgeId: s.agent.bridgeId });
}

/** The bot hung up: after a conversation that ends the call; before it, the human cannot be served. */
function onBotLegGone(st: Step): void {
  const s = st.s;
  if (s.phase === 'bridged') hangupCustomer(st);
  else if (s.phase === 'agent-wait' && s.agent?.dial) drop(st, 'agent-bridge-failed');
}

function drop(st: Step, reason: 'no-agent' | 'agent-bridge-failed'): void {
  const s = st.s;
  s.phase = 'dropping';
  s.disposition = 'DROPPED';
  st.clearTimer('agent-wait');
  if (s.agent && s.agentAddSent && !s.agent.dial) {
    // The addChannel may still be in flight (commands of a call run in order): take the callee back out of
    // the agent's bridge before the message, so an agent never hears a dropped call. Fails harmlessly if the
    // callee never got in.
    st.ari({ op: 'removeChannel', bridgeId: s.agent.bridgeId, channelIds: [s.ids.customer] });
  }
  teardownBot(st);
  releaseAgent(st, false);
  st.emit({ type: 'call.dropped', callId: s.id, at: st.at, reason });
  s.playbackId = s.ids.safeHarborPlayback;
  st.ari({ op: 'play', channelId: s.ids.customer, playbackId: s.playbackId, media: s.policy.safeHarborMedia });
  st.setTimer('playback', s.policy.playbackGuardMs);
}

// ── machine ──────────────────────────────────────────────────────────────────────────────────────────────────

function toMachine(st: Step, beepHeard: boolean): void {
  const s = st.s;
  s.phase = 'machine';
  s.disposition = 'MACHINE';
  releaseAgent(st, false);
  if (leavesMessage(s)) {
    if (beepHeard) playVoicemail(st);
    else st.setTimer('beep', s.policy.beepWaitMs);
  } else {
    hangupCustomer(st);
  }
}

function leavesMessage(s: CallState): boolean {
  return s.policy.machine === 'voicemail' && !!s.policy.voicemailMedia;
}

/** Ends the beep watch kept after a MACHINE decision: the AMD session closes, its channels and bridge go. */
function stopListeningForBeep(st: Step): void {
  if (!st.s.listeningForBeep) return;
  st.s.listeningForBeep = false;
  st.effects.push({ kind: 'amd-stop' });
  teardownAmd(st);
}

function playVoicemail(st: Step): void {
  const s = st.s;
  st.clearTimer('beep');
  stopListeningForBeep(st);
  const media = s.policy.voicemailMedia;
  if (!media || s.playbackId) return;
  s.playbackId = s.ids.voicemailPlayback;
  st.ari({ op: 'play', channelId: s.ids.customer, playbackId: s.playbackId, media });
  st.setTimer('playback', s.policy.playbackGuardMs);
  st.emit({ type: 'call.voicemail', callId: s.id, at: st.at, media });
}

// ── timers, failures, cancel ─────────────────────────────────────────────────────────────────────────────────

function onTimer(st: Step, timer: CallTimer): void {
  const s = st.s;
  if (!s.timers.includes(timer)) return; // cleared in the meantime
  s.timers = s.timers.filter((t) => t !== timer);
  switch (timer) {
    case 'amd':
      onDecision(st, timeoutDecision(s, st.at, 'TIMEOUT'));
      return;
    case 'agent-wait':
      if (s.phase === 'agent-wait') drop(st, 'no-agent');
      return;
    case 'beep':
      if (s.phase === 'machine') playVoicemail(st);
      return;
    case 'playback':
      if (s.phase === 'dropping' || s.phase === 'machine') hangupCustomer(st);
      return;
    case 'watch':
      stopWatching(st);
      return;
  }
}

function timeoutDecision(s: CallState, at: number, cause: string): AmdDecision {
  return {
    status: 'NOTSURE',
    cause,
    decisionMs: s.answeredAt === null ? 0 : Math.max(0, at - s.answeredAt),
    trace: { frameEnergy: [], words: [], notes: [cause], decisionFrame: 0 },
  };
}

/** A message could not be played (media missing, or refused): say so, once per call. */
function playbackFailed(st: Step, media: string): void {
  const s = st.s;
  st.emit({
    type: 'call.playback-failed',
    callId: s.id,
    at: st.at,
    media,
    purpose: s.playbackId === s.ids.voicemailPlayback ? 'voicemail' : 'safe-harbor',
  });
}

function onCommandFailed(st: Step, c: AriCommand, status: number, message: string, kind?: string): void {
  const s = st.s;
  const gone = status === 404 || (status === 400 && /not found/i.test(message));
  switch (c.op) {
    case 'originate':
      if (c.channelId === s.ids.botLeg) {
        removeOwnedChannel(st, c.channelId);
        onBotLegGone(st);
        return;
      }
      if (c.channelId !== s.ids.customer) return;
      // Sent, no answer: the channel may exist. The reconnect that follows reconciles it either way.
      if (kind === 'timeout' || kind === 'reset' || kind === 'aborted') return;
      s.ownedChannels = s.ownedChannels.filter((id) => id !== c.channelId);
      if (s.phase === 'ended') return;
      // Never reached Asterisk: no attempt happened (the lead is due again at once), and the CallLog says why.
      if (kind === 'disconnected' || kind === 'refused') endCall(st, null, 'CANCELLED', { interruption: 'ari_lost' });
      else endCall(st, null, 'FAILED');
      return;
    case 'snoop':
    case 'externalMedia':
    case 'createBridge': {
      if (c.op === 'createBridge' && c.bridgeId === s.ids.botBridge) {
        removeOwnedBridge(st, c.bridgeId);
        if (s.phase === 'agent-wait') drop(st, 'agent-bridge-failed');
        return;
      }
      const id = c.op === 'snoop' ? c.snoopId : c.op === 'externalMedia' ? c.channelId : c.bridgeId;
      removeOwnedChannel(st, id);
      removeOwnedBridge(st, id);
      // Without the audio path AMD cannot decide: apply the NOTSURE policy now rather than wait for the timer.
      if (IN_AMD.has(s.phase)) onDecision(st, timeoutDecision(s, st.at, 'AMD-SETUP-FAILED'));
      return;
    }
    case 'addChannel':
      if (c.bridgeId === s.ids.amdBridge) {
        if (IN_AMD.has(s.phase)) onDecision(st, timeoutDecision(s, st.at, 'AMD-SETUP-FAILED'));
      } else if (s.phase === 'agent-wait' && s.agent && c.bridgeId === s.agent.bridgeId) {
        // "Channel not found": the customer is gone and ChannelDestroyed (or the 404 of this hangup) closes the
        // call. Anything else (bridge gone, 422 not in Stasis) means this agent cannot take it: safe harbor.
        if (/channel not found/i.test(message) && c.channelIds.includes(s.ids.customer)) hangupCustomer(st);
        else drop(st, 'agent-bridge-failed');
      }
      return;
    case 'play':
      if (status > 0 && c.channelId === s.ids.customer && c.playbackId === s.playbackId) playbackFailed(st, c.media);
      if (c.channelId === s.ids.customer && (s.phase === 'dropping' || s.phase === 'machine')) {
        st.clearTimer('playback');
        hangupCustomer(st);
      }
      return;
    case 'hangup':
      if (gone) {
        if (c.channelId === s.ids.customer && s.phase !== 'ended') endCall(st, null, null);
        else removeOwnedChannel(st, c.channelId);
      }
      return;
    case 'destroyBridge':
      if (gone) removeOwnedBridge(st, c.bridgeId);
      return;
    default:
      return;
  }
}

function onCancel(st: Step, by: 'pacer' | undefined): void {
  const s = st.s;
  // A pacer only cuts a call still ringing (pacerCancelChoice); its lead is then told NO_ANSWER at the end.
  if (by === 'pacer' && ANSWER_PENDING.has(s.phase) && !s.test) s.pacerCancelled = true;
  if (s.phase === 'ended' || s.phase === 'created') {
    if (s.phase === 'created') {
      s.cancelled = true;
      endCall(st, null, 'CANCELLED');
    }
    return;
  }
  s.cancelled = true;
  hangupCustomer(st);
}

function onReconcile(
  st: Step,
  channels: ReadonlyMap<string, string>,
  bridges: ReadonlyMap<string, readonly string[]>,
  lost: { cause: InterruptionCause; at: number },
): void {
  const s = st.s;
  for (const id of [...s.ownedChannels]) if (id !== s.ids.customer && !channels.has(id)) removeOwnedChannel(st, id);
  for (const id of [...s.ownedBridges]) if (!bridges.has(id)) removeOwnedBridge(st, id);
  if (s.phase === 'ended') {
    // Anything still listed after the end is ours to clean (a hangup may have been lost with the socket).
    for (const id of s.ownedChannels) st.ari({ op: 'hangup', channelId: id });
    for (const id of s.ownedBridges) st.ari({ op: 'destroyBridge', bridgeId: id });
    return;
  }
  if (s.phase === 'created') return;
  const customerState = channels.get(s.ids.customer);
  if (customerState === undefined) {
    // Vanished while we were away: close with what is known — interrupted, ended when last known alive.
    endInterrupted(st, lost.cause, lost.at);
    return;
  }
  // A hang-up we sent may have been lost with the connection: the callee is still there, so send it again.
  if (s.hangupSent) st.ari({ op: 'hangup', channelId: s.ids.customer, reason: 'normal' });
  // Events we missed while disconnected, inferred from what exists now.
  if (ANSWER_PENDING.has(s.phase) && customerState === 'Up') onAnswered(st);
  else if (s.phase === 'amd') {
    if (channels.has(s.ids.snoop)) s.snoopUp = true;
    if (channels.has(s.ids.externalMedia)) s.mediaUp = true;
    maybeBridgeAmd(st);
  } else if (s.phase === 'agent-wait' && s.agent && (bridges.get(s.agent.bridgeId) ?? []).includes(s.ids.customer)) {
    onBridged(st);
  } else if (s.phase === 'machine' || s.phase === 'dropping' || s.phase === 'hanging-up') {
    // A PlaybackFinished may be lost; the playback guard still runs. Nothing to infer.
  }
}

/** The engine stops and cannot wait for this call: the record closes as interrupted, nothing more is awaited. */
function onInterrupt(st: Step, cause: InterruptionCause): void {
  const s = st.s;
  if (s.phase !== 'ended') endInterrupted(st, cause, st.at);
  s.ownedChannels = [];
  s.ownedBridges = [];
}

/** Where the call was when its end went unseen, in the terms of interruptedDisposition. */
function interruptedStage(s: CallState): InterruptedCall['stage'] {
  switch (s.phase) {
    case 'created':
    case 'dialing':
    case 'ringing':
    case 'answered':
    case 'amd':
    case 'agent-wait':
    case 'bridged':
      return s.phase;
    default:
      return 'decided';
  }
}

function endInterrupted(st: Step, cause: InterruptionCause, lastAlive: number, hangupCause: number | null = null): void {
  const s = st.s;
  const decided = s.disposition ?? (s.phase === 'hanging-up' ? 'HUNG_UP_DURING_AMD' : null);
  const disposition = interruptedDisposition({ stage: interruptedStage(s), decided, treatedAs: s.treatedAs }, cause);
  endCall(st, hangupCause, disposition, { at: Math.min(lastAlive, st.at), interruption: cause });
}

// ── the end ──────────────────────────────────────────────────────────────────────────────────────────────────

function hangupCustomer(st: Step): void {
  if (!st.s.ownedChannels.includes(st.s.ids.customer)) return;
  st.s.hangupSent = true;
  st.ari({ op: 'hangup', channelId: st.s.ids.customer, reason: 'normal' });
}

function releaseAgent(st: Step, talked: boolean): void {
  const a = st.s.agent;
  if (!a) return;
  st.s.agent = null;
  st.effects.push({ kind: 'agent-release', agentId: a.agentId, talked });
}

function onCustomerGone(st: Step, cause: number): void {
  if (st.s.phase === 'ended') {
    removeOwnedChannel(st, st.s.ids.customer);
    return;
  }
  // Cut by Asterisk going down: not the callee's doing, whatever the cause code says.
  if (st.s.cutByShutdown) {
    endInterrupted(st, 'asterisk_restart', st.at, cause);
    return;
  }
  endCall(st, cause, null);
}

/**
 * Closes the attempt: final disposition, timers cleared, everything we created torn down, agent released.
 * `o.at`: the end time when it differs from now (an end not seen: the last moment the call was known alive);
 * `o.interruption`: why the end was not seen.
 */
function endCall(
  st: Step,
  cause: number | null,
  forced: Disposition | null,
  o: { at?: number; interruption?: InterruptionCause } = {},
): void {
  const s = st.s;
  const before = s.phase;
  s.ownedChannels = s.ownedChannels.filter((id) => id !== s.ids.customer);
  s.hangupCause = cause;
  const disposition = forced ?? s.disposition ?? dispositionAtEnd(s, before, cause);
  s.disposition = disposition;
  for (const t of [...s.timers]) st.clearTimer(t);
  if (IN_AMD.has(before) || s.listeningForBeep || s.watching) st.effects.push({ kind: 'amd-stop' });
  s.listeningForBeep = false;
  s.watching = false;
  teardownAmd(st);
  teardownBot(st);
  const agentId = s.agent?.agentId ?? null;
  releaseAgent(st, before === 'bridged');
  s.phase = 'ended';
  // Hung up while AMD listened: the analysis ends as HANGUP — the detector's own verdict when it gave one,
  // else measured here from the answer — instead of leaving the CallLog's AMD columns empty.
  const cutShort =
    disposition === 'HUNG_UP_DURING_AMD' && s.answeredAt !== null
      ? s.amd?.status === 'HANGUP'
        ? { status: 'HANGUP' as const, cause: s.amd.cause, decisionMs: s.amd.decisionMs }
        : { status: 'HANGUP' as const, cause: `HANGUP-${st.at - s.answeredAt}`, decisionMs: st.at - s.answeredAt }
      : null;
  st.emit({
    type: 'call.ended',
    callId: s.id,
    at: o.at ?? st.at,
    disposition,
    hangupCause: cause,
    dialStatus: s.dialStatus,
    agentId,
    safeHarborPlayed: s.safeHarborPlayed,
    voicemailLeft: s.voicemailLeft,
    ...(cutShort ? { amd: cutShort } : {}),
    ...(o.interruption ? { interruption: o.interruption } : {}),
  });
  if (s.leadId !== null) {
    st.effects.push({ kind: 'lead-outcome', leadId: s.leadId, disposition: leadDisposition(disposition, s.pacerCancelled), at: o.at ?? st.at });
  }
}

/**
 * What a call's lead is told when the call ends: its disposition, except that a call its pacer cut while it rang
 * was no contact — retried later like a no-answer — though its CallLog keeps CANCELLED. Pure; the start-up
 * reconciliation uses it too for CallLogs a dead process left open (never pacer-cancelled: that is not stored).
 */
export function leadDisposition(callDisposition: Disposition, pacerCancelled: boolean): Disposition {
  return callDisposition === 'CANCELLED' && pacerCancelled ? 'NO_ANSWER' : callDisposition;
}

function dispositionAtEnd(s: CallState, phase: string, cause: number | null): Disposition {
  switch (phase) {
    case 'answered':
    case 'amd':
      return s.cancelled ? 'CANCELLED' : 'HUNG_UP_DURING_AMD';
    case 'hanging-up':
      return 'HUNG_UP_DURING_AMD';
    case 'agent-wait':
      // A human hung up before reaching an agent: abandoned, counted against the 3% rule.
      return 'DROPPED';
    default:
      return unansweredDisposition({ dialStatus: s.dialStatus, cause, sawDial: s.sawDial, cancelled: s.cancelled });
  }
}

function removeOwnedChannel(st: Step, id: string): void {
  st.s.ownedChannels = st.s.ownedChannels.filter((c) => c !== id);
}

function removeOwnedBridge(st: Step, id: string): void {
  st.s.ownedBridges = st.s.ownedBridges.filter((b) => b !== id);
}
