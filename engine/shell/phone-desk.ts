/**
 * The agents' own calls into Stasis (dialplan agent-login / -pause / -ready / -logout): the engine's "phone
 * desk". A log-in becomes the agent's nailed-up leg (the agent reducer does that); every other request, and every
 * refused one, is a short control call — answer, play a confirmation or an error, hang up. This class owns those
 * control calls; the engine hands it the events and the few operations it needs (`PhoneDeskHost`).
 */
import type { AgentInput, AgentState } from '../agents/index.js';
import type { AriChannel, AriCommand, AriEvent } from '../ari/index.js';
import type { Logger } from '../log/index.js';
import {
  DIAL_IN_CONFIRM_MEDIA,
  DIAL_IN_ERROR_MEDIA,
  DIAL_IN_GUARD_MS,
  isDialIn,
  parseDialIn,
  PHONE_PAUSE_REASON,
  stasisArgs,
} from './dial-in.js';

export interface PhoneDeskHost {
  agents(): Iterable<AgentState>;
  agent(agentId: string): AgentState | undefined;
  agentInput(agentId: string, input: AgentInput): void;
  /** Whether an id (channel, bridge, playback) belongs to a call or an agent the engine already tracks. */
  isOwned(id: string): boolean;
  enqueue(owner: string, command: AriCommand, onFail: (status: number, message: string) => void): void;
  setTimer(key: string, ms: number, fn: () => void): void;
  clearTimer(key: string): void;
  /** A fresh playback id in the engine's namespace (so reconciliation recognises it as ours). */
  playbackId(): string;
  now(): number;
  readonly logger: Logger;
}

export class PhoneDesk {
  /** Control calls being answered with a prompt: channel id → the playback id they hear before hang-up. */
  private readonly controls = new Map<string, string>();

  constructor(private readonly host: PhoneDeskHost) {}

  /** Channels of control calls in progress (engine snapshot). */
  channels(): string[] {
    return [...this.controls.keys()];
  }

  /** Handles dial-ins and control-call events; true when the event was one of those and nothing else's. */
  onEvent(e: AriEvent): boolean {
    if (e.type === 'StasisStart') {
      const id = e.channel.id;
      if (!isDialIn(e.args) || this.host.isOwned(id) || this.controls.has(id)) return false;
      this.onDialIn(id, e.args);
      return true;
    }
    if (e.type === 'PlaybackFinished') {
      for (const [channelId, playbackId] of this.controls) if (playbackId === e.playback.id) this.end(channelId);
      return false;
    }
    if ((e.type === 'StasisEnd' || e.type === 'ChannelDestroyed') && this.controls.has(e.channel.id)) {
      this.forget(e.channel.id);
      return true;
    }
    return false;
  }

  /** A log-in the agent reducer refused: the caller hears the error prompt. */
  refuse(channelId: string): void {
    this.answerAndPlay(channelId, DIAL_IN_ERROR_MEDIA);
  }

  /**
   * After a restart: an agent's dial-in leg parked by the previous process is still in Stasis (Asterisk keeps
   * it; its bridge is an orphan of ours and goes). It is not ours by prefix, so it is found by its dialplan
   * args and becomes the agent's leg again instead of being left in silence. Only at start-up: after a mere
   * reconnect the engine still remembers its legs and control calls.
   */
  adopt(c: AriChannel): void {
    const args = stasisArgs(c);
    if (!args || !isDialIn(args) || this.host.isOwned(c.id) || this.controls.has(c.id)) return;
    const req = parseDialIn(args, this.host.agents());
    if (req.kind === 'login' && !this.host.agent(req.agentId)?.legId) {
      this.host.logger.info({ channelId: c.id, agentId: req.agentId }, 'agent dial-in leg adopted after restart');
      this.host.agentInput(req.agentId, { type: 'dial-in', channelId: c.id, at: this.host.now() });
      return;
    }
    // A control call (or a refused login) the previous process left in Stasis: end it.
    this.host.enqueue(`control:${c.id}`, { op: 'hangup', channelId: c.id, reason: 'normal' }, () => {});
  }

  /** Reconciliation: forget control calls whose channel Asterisk no longer has. */
  keepOnly(present: { has(id: string): boolean }): void {
    for (const id of [...this.controls.keys()]) if (!present.has(id)) this.forget(id);
  }

  /** Engine stop: hang up every control call. */
  endAll(): void {
    for (const id of [...this.controls.keys()]) this.end(id);
  }

  private onDialIn(channelId: string, args: readonly string[]): void {
    const req = parseDialIn(args, this.host.agents());
    const at = this.host.now();
    switch (req.kind) {
      case 'unknown':
        this.host.logger.warn({ channelId, args, reason: req.reason }, 'agent dial-in refused');
        this.answerAndPlay(channelId, DIAL_IN_ERROR_MEDIA);
        return;
      case 'login':
        // The reducer answers and parks the leg, or refuses it (effect 'dial-in-refused' → refuse()).
        this.host.agentInput(req.agentId, { type: 'dial-in', channelId, at });
        return;
      case 'pause':
        this.host.agentInput(req.agentId, { type: 'pause', reason: PHONE_PAUSE_REASON, at });
        break;
      case 'ready':
        this.host.agentInput(req.agentId, { type: 'ready', at });
        break;
      case 'logout':
        this.host.agentInput(req.agentId, { type: 'logout', at });
        break;
    }
    this.host.logger.info({ channelId, agentId: req.agentId, action: req.kind }, 'agent control call');
    this.answerAndPlay(channelId, DIAL_IN_CONFIRM_MEDIA);
  }

  /** Answers a control call, plays `media`, and hangs up when it ends (or after a guard, if it never does). */
  private answerAndPlay(channelId: string, media: string): void {
    const playbackId = this.host.playbackId();
    this.controls.set(channelId, playbackId);
    const owner = `control:${channelId}`;
    const ignore = () => {};
    this.host.enqueue(owner, { op: 'answer', channelId }, ignore);
    this.host.enqueue(owner, { op: 'play', channelId, playbackId, media }, () => this.end(channelId));
    this.host.setTimer(`d:${channelId}`, DIAL_IN_GUARD_MS, () => this.end(channelId));
  }

  private end(channelId: string): void {
    if (!this.controls.has(channelId)) return;
    this.forget(channelId);
    this.host.enqueue(`control:${channelId}`, { op: 'hangup', channelId, reason: 'normal' }, () => {});
  }

  private forget(channelId: string): void {
    this.controls.delete(channelId);
    this.host.clearTimer(`d:${channelId}`);
  }
}
