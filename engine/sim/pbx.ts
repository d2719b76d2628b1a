/**
 * The PBX core: channels, bridges, playbacks and recordings, and the exact event sequences Asterisk 22
 * publishes for them (see test/fixtures/asterisk22 traces). HTTP routes call its methods; callee scripts and
 * the Local-channel dialplan drive it through the clock. Every public method completes its events before it
 * returns, so events can reach the app before the HTTP reply of the request that caused them, as in Asterisk.
 */
import type { Clock, TimerHandle } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import { encodeWav } from '../audio/index.js';
import { deriveSeed, mulberry32 } from './audio/rng.js';
import { FRAME_SAMPLES } from './audio/source.js';
import { AriError, notFound } from './errors.js';
import type { EventHub } from './events.js';
import { runCalleePlan } from './callee-runner.js';
import { runLocalDialplan, type LocalRun } from './local-dialplan.js';
import { mix } from './media.js';
import { mediaDurationMs } from './media-durations.js';
import { SimBridge, type BridgeRecording } from './model/bridge.js';
import { causeText } from './model/causes.js';
import { SimChannel, type ChannelKind } from './model/channel.js';
import { ariTime, parseCallerId, type AriDialplanCep, type AriEvent, type AriLiveRecordingJson, type AriPlaybackJson } from './model/json.js';
import { openRtpSocket, RtpStream, type RtpFormat } from './rtp.js';
import { chooseScript, type ScenarioRule } from './scenarios.js';
import type { CalleePlan } from './scripts.js';

export interface OriginateParams {
  endpoint?: string;
  app?: string;
  appArgs?: string;
  callerId?: string;
  timeout?: number;
  channelId?: string;
  otherChannelId?: string;
  variables?: Record<string, string>;
  extension?: string;
  context?: string;
}

interface Playback {
  json: AriPlaybackJson;
  targetChannel: SimChannel | null;
  timer: TimerHandle | undefined;
}

/** A recording on "disk": visible as soon as recording starts, growing until it finishes (as Asterisk's files). */
export interface StoredRecording {
  name: string;
  format: string;
  durationMs(): number;
  file(): Uint8Array;
}

interface LiveRecording extends BridgeRecording {
  target_uri: string;
  app: string | null;
  bridge: SimBridge | null;
  channel: SimChannel | null;
}

export interface PbxOptions {
  clock: Clock;
  hub: EventHub;
  seed: number;
  scenarios: ScenarioRule[];
  logger: Logger;
  rtpHost: string;
  /** Sound file names this PBX has (`sound:<name>` plays; any other sound fails as on Asterisk). */
  sounds: ReadonlySet<string>;
}

/** Stored recordings kept in memory (oldest dropped first). */
export const MAX_STORED_RECORDINGS = 500;

/** Extensions of dialplan/extensions_centralita.conf [centralita-agents], by first Stasis arg. */
const DIAL_IN_EXTEN: Record<string, string> = { 'agent-login': '*50', 'agent-pause': '*51', 'agent-ready': '*52', 'agent-logout': '*59' };

const OUTGOING: Omit<AriDialplanCep, 'context' | 'exten'> = { priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' };

export class Pbx {
  readonly channels = new Map<string, SimChannel>();
  readonly bridges = new Map<string, SimBridge>();
  readonly playbacks = new Map<string, Playback>();
  readonly stored = new Map<string, StoredRecording>();
  private readonly live = new Map<string, LiveRecording>();
  readonly rtp = new Map<string, RtpStream>();
  readonly localRuns = new Map<string, LocalRun>();
  /** Media ticks so far (one per 20 ms of clock time). */
  tick = 0;
  private nameSeq = 0x1e0;
  private snoopSeq = 0;
  private idSeq = 0;
  private readonly rng;
  private deferred: (() => void)[] = [];

  constructor(readonly opts: PbxOptions) {
    this.rng = mulberry32(deriveSeed(opts.seed, 'pbx'));
  }

  get clock(): Clock {
    return this.opts.clock;
  }

  now(): number {
    return this.opts.clock.now();
  }

  // ---------------------------------------------------------------- events

  emit(app: string | null, type: string, fields: Record<string, unknown>): void {
    const event: AriEvent = { type, timestamp: ariTime(this.now()), ...fields };
    this.opts.hub.publish(app, event);
  }

  chanEvent(ch: SimChannel, type: string, fields: Record<string, unknown> = {}): void {
    this.emit(ch.app, type, { ...fields, channel: ch.toJson() });
  }

  setState(ch: SimChannel, state: string): void {
    if (ch.state === state) return;
    ch.state = state;
    this.chanEvent(ch, 'ChannelStateChange');
  }

  dialEvent(ch: SimChannel, dialstatus: string): void {
    this.emit(ch.app, 'Dial', { dialstatus, forward: '', dialstring: ch.dialstring, peer: ch.toJson() });
  }

  setVar(ch: SimChannel, variable: string, value: string): void {
    ch.vars.set(variable, value);
    this.chanEvent(ch, 'ChannelVarset', { variable, value });
  }

  hangupRequest(ch: SimChannel, cause: number, soft: boolean): void {
    this.chanEvent(ch, 'ChannelHangupRequest', soft ? { cause, soft: true } : { cause });
  }

  after(ch: SimChannel, ms: number, fn: () => void): void {
    const h = this.clock.setTimeout(() => {
      if (!ch.destroyed) this.run(fn);
    }, ms);
    ch.timers.push(h);
  }

  /** Runs an operation and then the work it deferred (events Asterisk publishes after the main sequence). */
  run<T>(fn: () => T): T {
    const outer = this.deferred;
    this.deferred = [];
    try {
      return fn();
    } finally {
      const todo = this.deferred;
      this.deferred = outer;
      for (const f of todo) f();
    }
  }

  // ---------------------------------------------------------------- channels

  private nextName(): string {
    return (this.nameSeq++).toString(16).padStart(8, '0');
  }

  private newId(): string {
    return `${Math.floor(this.now() / 1000)}.${this.idSeq++}`;
  }

  private addChannel(id: string, name: string, kind: ChannelKind, dialplan: AriDialplanCep): SimChannel {
    const ch = new SimChannel(id, name, kind, this.now(), dialplan);
    this.channels.set(id, ch);
    return ch;
  }

  private checkNewId(id: string | undefined): void {
    if (id !== undefined && this.channels.has(id)) throw new AriError(409, 'Channel with given unique ID already exists');
  }

  getChannel(id: string): SimChannel {
    const ch = this.channels.get(id);
    if (!ch) throw notFound('Channel');
    return ch;
  }

  /** A channel the app controls (in Stasis), else 404/409 as res/ari/resource_channels.c find_control(). */
  controlled(id: string): SimChannel {
    const ch = this.getChannel(id);
    if (!ch.inStasis) throw new AriError(409, 'Channel not in Stasis application');
    return ch;
  }

  /** POST /channels (originate): the channel is Down in the reply; Stasis is entered only on answer. */
  originate(p: OriginateParams): SimChannel {
    if (!p.endpoint) throw new AriError(400, 'Endpoint must be specified');
    if (!p.app && !p.extension) throw new AriError(400, 'Application or extension must be specified');
    const slash = p.endpoint.indexOf('/');
    if (slash <= 0) throw new AriError(400, 'Invalid endpoint specified');
    this.checkNewId(p.channelId);
    this.checkNewId(p.otherChannelId);
    const tech = p.endpoint.slice(0, slash);
    const id = p.channelId ?? this.newId();
    const timeoutMs = (p.timeout ?? 30) * 1000;
    return this.run(() => {
      if (tech.toLowerCase() === 'local') return this.originateLocal(p, id, timeoutMs);
      const ch = this.createOutbound(p, id);
      ch.replyJson = ch.toJson(); // the reply shows the channel as created (Down), whatever happened since
      this.startDial(ch, timeoutMs);
      return ch;
    });
  }

  private createOutbound(p: OriginateParams, id: string, kind: ChannelKind = 'callee'): SimChannel {
    const endpoint = p.endpoint!;
    const tech = endpoint.slice(0, endpoint.indexOf('/'));
    const resource = endpoint.slice(endpoint.indexOf('/') + 1);
    const device = resource.includes('@') ? resource.slice(resource.indexOf('@') + 1) : resource;
    const ch = this.addChannel(id, `${tech}/${device}-${this.nextName()}`, kind, {
      context: 'default',
      exten: 's',
      ...OUTGOING,
    });
    ch.app = p.app ?? null;
    ch.appArgs = p.appArgs ? p.appArgs.split(',') : [];
    ch.caller = parseCallerId(p.callerId);
    ch.dialstring = resource;
    for (const [k, v] of Object.entries(p.variables ?? {})) ch.vars.set(k, String(v));
    ch.endpoint = endpoint;
    return ch;
  }

  /** POST /channels/create: the channel exists and is in Stasis (Down) until /dial. */
  create(p: OriginateParams): SimChannel {
    if (!p.endpoint) throw new AriError(400, 'Endpoint must be specified');
    if (!p.app) throw new AriError(400, 'app cannot be empty');
    if (p.endpoint.indexOf('/') <= 0) throw new AriError(400, 'Invalid endpoint specified');
    if (/^local\//i.test(p.endpoint)) throw new AriError(400, 'Local channels are not supported by /channels/create in the simulator');
    this.checkNewId(p.channelId);
    const id = p.channelId ?? this.newId();
    return this.run(() => {
      const ch = this.createOutbound(p, id, 'created');
      this.enterStasis(ch);
      return ch;
    });
  }

  /** POST /channels/{id}/dial. */
  dial(id: string, timeoutSec: number | undefined): void {
    const ch = this.controlled(id);
    if (ch.dialing || ch.answered) throw new AriError(409, 'Channel is already dialing');
    this.run(() => this.startDial(ch, (timeoutSec ?? 30) * 1000));
  }

  /** Runs the callee script chosen by the scenario table for an outbound channel. */
  private startDial(ch: SimChannel, timeoutMs: number): void {
    const endpoint = ch.endpoint;
    const seed = deriveSeed(this.opts.seed, `${endpoint}#${ch.id}`);
    const script = chooseScript(endpoint, this.opts.scenarios, seed);
    const plan: CalleePlan = script({ rng: mulberry32(seed), seed, endpoint });
    ch.script = plan.script;
    this.opts.logger.debug({ channel: ch.id, endpoint, script: plan.script }, 'sim dial');
    runCalleePlan(this, ch, plan, timeoutMs);
  }

  /**
   * A phone calls in and the dialplan runs `Stasis(app,arg1,arg2,…)` (e.g. an agent dialling *50 →
   * `Stasis(centralita,agent-login,1001)`): a PJSIP channel in state Ring (not answered; the app answers it)
   * whose StasisStart carries the args and the dialplan location of the Stasis() priority.
   */
  dialIn(p: { endpoint: string; app: string; args: string[]; context?: string; exten?: string; state?: 'Ring' | 'Up'; callerNumber?: string }): SimChannel {
    const slash = p.endpoint.indexOf('/');
    if (slash <= 0) throw new AriError(400, 'Invalid endpoint specified');
    const device = p.endpoint.slice(slash + 1);
    return this.run(() => {
      const ch = this.addChannel(this.newId(), `${p.endpoint.slice(0, slash)}/${device}-${this.nextName()}`, 'inbound', {
        context: p.context ?? 'centralita-agents',
        exten: p.exten ?? DIAL_IN_EXTEN[p.args[0] ?? ''] ?? 's',
        // Priority 1 is NoOp() in the shipped dialplan for *50; the Stasis() application runs next.
        priority: 2,
        app_name: 'Stasis',
        app_data: [p.app, ...p.args].join(','),
      });
      ch.app = p.app;
      ch.appArgs = [...p.args];
      ch.endpoint = p.endpoint;
      ch.caller = { name: '', number: p.callerNumber ?? device };
      ch.state = p.state ?? 'Ring';
      ch.answered = ch.state === 'Up';
      this.enterStasis(ch);
      return ch;
    });
  }

  /** The far end answered an outbound channel: Up, Dial ANSWER, then Stasis. */
  answerOutbound(ch: SimChannel): void {
    ch.answered = true;
    this.setState(ch, 'Up');
    if (ch.dialing) this.dialEvent(ch, 'ANSWER');
    ch.dialing = false;
    if (!ch.inStasis && ch.app) this.enterStasis(ch);
  }

  /**
   * Stasis(app): STASISSTATUS cleared, then StasisStart. Like Asterisk, a channel whose app has no WebSocket
   * cannot enter Stasis ("Stasis app not active") and is hung up.
   */
  enterStasis(ch: SimChannel): void {
    if (!ch.app) return;
    if (!this.opts.hub.isActive(ch.app)) {
      this.opts.logger.debug({ channel: ch.id, app: ch.app }, 'sim: Stasis app not active, hanging up');
      this.endChannel(ch, 16, { partnerCause: 16 });
      return;
    }
    ch.savedDialplan = { ...ch.dialplan };
    if (ch.kind !== 'inbound') ch.dialplan = { ...ch.dialplan, app_name: 'Stasis', app_data: ch.app };
    ch.inStasis = true;
    // app_stasis sets STASISSTATUS before subscribing: only an originated channel (already subscribed) shows it.
    if (ch.kind !== 'snoop' && ch.kind !== 'inbound') this.setVar(ch, 'STASISSTATUS', '');
    this.chanEvent(ch, 'StasisStart', { args: ch.appArgs });
  }

  /** DELETE /channels/{id}: HangupRequest cause 32 (soft), then the channel's end; destroyed with `cause`. */
  hangupByApp(id: string, cause: number): void {
    const ch = this.getChannel(id);
    this.run(() => {
      this.hangupRequest(ch, 32, true);
      this.endChannel(ch, cause, { partnerCause: 16, noAnswerDial: true });
    });
  }

  /** The far end hung up (BYE): HangupRequest with the cause, then the channel's end. */
  hangupRemote(ch: SimChannel, cause: number): void {
    if (ch.destroyed) return;
    this.run(() => {
      this.hangupRequest(ch, cause, false);
      this.endChannel(ch, cause, { partnerCause: cause });
    });
  }

  /** Channel gone without being answered or after a failure: only ChannelDestroyed (plus its Local half). */
  destroy(ch: SimChannel, cause: number, partnerCause = cause): void {
    this.run(() => this.endChannel(ch, cause, { partnerCause, partnerRequestCause: cause }));
  }

  /**
   * The common end of a channel, in Asterisk's order: Dial NOANSWER if it was still ringing (app hangup),
   * bridge leave, StasisEnd + STASISSTATUS, snoops on it end, the Local ;2 half's hangup request,
   * ChannelDestroyed, then the ;2 half's own end.
   */
  endChannel(
    ch: SimChannel,
    cause: number,
    o: { partnerCause: number; partnerRequestCause?: number; noAnswerDial?: boolean },
  ): void {
    if (ch.destroyed) return;
    ch.destroyed = true;
    for (const t of ch.timers) this.clock.clearTimeout(t);
    ch.timers.length = 0;
    if (ch.dialing && !ch.answered && o.noAnswerDial) this.dialEvent(ch, 'NOANSWER');
    ch.dialing = false;
    if (ch.bridgeId) {
      const b = this.bridges.get(ch.bridgeId);
      if (b) this.leaveBridge(ch, b, true);
    }
    for (const pb of [...this.playbacks.values()]) if (pb.targetChannel === ch) this.finishPlayback(pb, 'failed');
    for (const rec of this.live.values()) if (rec.channel === ch) this.deferred.push(() => this.finishLive(rec));
    if (ch.inStasis) {
      ch.inStasis = false;
      this.chanEvent(ch, 'StasisEnd');
      // A channel that came from the dialplan is unsubscribed when it leaves Stasis: nothing after StasisEnd
      // (STASISSTATUS, ChannelDestroyed) reaches the app (only subscribeAll listeners, via app null).
      if (ch.kind === 'inbound') ch.app = null;
      if (ch.savedDialplan) ch.dialplan = ch.savedDialplan;
      if (ch.kind !== 'snoop') this.setVar(ch, 'STASISSTATUS', 'SUCCESS');
    }
    for (const other of [...this.channels.values()]) {
      if (other.snoopOf === ch && !other.destroyed) this.endSnoop(other);
    }
    const partner = ch.kind === 'local1' ? ch.partner : null;
    const run = this.localRuns.get(ch.id);
    if (partner && !partner.destroyed) this.hangupRequest(partner, o.partnerRequestCause ?? 16, false);
    // A snoop's ChannelDestroyed does not reach the app (the trace shows StasisEnd as its last event).
    if (ch.kind !== 'snoop') this.chanEvent(ch, 'ChannelDestroyed', { cause, cause_txt: causeText(cause) });
    this.channels.delete(ch.id);
    this.rtp.get(ch.id)?.close();
    this.rtp.delete(ch.id);
    if (partner && !partner.destroyed) {
      partner.destroyed = true;
      for (const t of partner.timers) this.clock.clearTimeout(t);
      if (run?.inPlayback) this.setVar(partner, 'PLAYBACKSTATUS', 'SUCCESS');
      this.hangupRequest(partner, 16, true);
      partner.dialplan = { ...partner.dialplan, app_name: '', app_data: '' };
      this.chanEvent(partner, 'ChannelDestroyed', { cause: o.partnerCause, cause_txt: causeText(o.partnerCause) });
      this.channels.delete(partner.id);
    }
    this.localRuns.delete(ch.id);
  }

  /** A snoop ends with its target: it leaves its bridge and Stasis, nothing else reaches the app. */
  private endSnoop(snoop: SimChannel): void {
    snoop.destroyed = true;
    if (snoop.bridgeId) {
      const b = this.bridges.get(snoop.bridgeId);
      if (b) this.leaveBridge(snoop, b, true);
    }
    if (snoop.inStasis) {
      snoop.inStasis = false;
      this.chanEvent(snoop, 'StasisEnd');
    }
    this.channels.delete(snoop.id);
  }

  // ---------------------------------------------------------------- Local channels

  private originateLocal(p: OriginateParams, id: string, timeoutMs: number): SimChannel {
    const full = p.endpoint!.slice(p.endpoint!.indexOf('/') + 1);
    const [exten = '', context = 'default'] = full.split('@');
    const suffix = this.nextName();
    const base = `Local/${exten}@${context}-${suffix}`;
    const dp = { context, exten, ...OUTGOING };
    const ch1 = this.addChannel(id, `${base};1`, 'local1', dp);
    const ch2 = this.addChannel(p.otherChannelId ?? `${id};2`, `${base};2`, 'local2', {
      context,
      exten,
      priority: 1,
      app_name: '',
      app_data: '',
    });
    ch2.state = 'Ring';
    ch1.partner = ch2;
    ch2.partner = ch1;
    ch1.app = ch2.app = p.app ?? null;
    ch1.appArgs = p.appArgs ? p.appArgs.split(',') : [];
    ch1.caller = parseCallerId(p.callerId);
    ch1.dialstring = `${exten}@${context}`;
    for (const [k, v] of Object.entries(p.variables ?? {})) ch1.vars.set(k, String(v));
    ch1.replyJson = ch1.toJson();
    runLocalDialplan(this, ch1, ch2, timeoutMs);
    return ch1;
  }

  // ---------------------------------------------------------------- snoop and externalMedia

  snoop(targetId: string, p: { spy?: string; whisper?: string; app?: string; appArgs?: string; snoopId?: string }): SimChannel {
    const target = this.getChannel(targetId);
    if (!p.app) throw new AriError(400, 'app cannot be empty');
    const spy = (p.spy ?? 'none') as SimChannel['spy'];
    if (!['in', 'out', 'both', 'none'].includes(spy)) throw new AriError(400, 'Invalid spy direction');
    if ((p.whisper ?? 'none') !== 'none' && !['in', 'out', 'both'].includes(p.whisper ?? '')) {
      throw new AriError(400, 'Invalid whisper direction');
    }
    this.checkNewId(p.snoopId);
    const name = `Snoop/${target.id}-${(this.snoopSeq++).toString(16).padStart(8, '0')}`;
    return this.run(() => {
      const s = this.addChannel(p.snoopId ?? this.newId(), name, 'snoop', { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' });
      s.state = 'Up';
      s.answered = true;
      s.snoopOf = target;
      s.spy = spy;
      s.app = p.app!;
      s.appArgs = p.appArgs ? p.appArgs.split(',') : [];
      // The reply shows the snoop before Stasis; the event after.
      const json = s.toJson();
      this.enterStasis(s);
      s.replyJson = json;
      return s;
    });
  }

  async externalMedia(p: {
    app?: string;
    external_host?: string;
    format?: string;
    encapsulation?: string;
    transport?: string;
    channelId?: string;
    variables?: Record<string, string>;
  }): Promise<{ channel: SimChannel; reply: ReturnType<SimChannel['toJson']> }> {
    if (!p.app) throw new AriError(400, 'app cannot be empty');
    if (!p.external_host) throw new AriError(400, 'external_host cannot be empty');
    if (!p.format) throw new AriError(400, 'format cannot be empty');
    if ((p.encapsulation ?? 'rtp') !== 'rtp' || (p.transport ?? 'udp') !== 'udp') {
      throw new AriError(501, 'The simulator implements encapsulation=rtp over transport=udp only');
    }
    if (p.format !== 'ulaw' && p.format !== 'slin16') throw new AriError(400, `Unsupported format '${p.format}'`);
    const m = /^(.*):(\d+)$/.exec(p.external_host);
    if (!m) throw new AriError(400, 'external_host must be host:port');
    this.checkNewId(p.channelId);
    const host = m[1]!.replace(/^\[|\]$/g, '');
    const port = Number(m[2]);
    const socket = await openRtpSocket(this.opts.rtpHost);
    this.checkNewId(p.channelId); // the bind awaited: the id may have been taken meanwhile
    const stream = new RtpStream(socket, host, port, p.format as RtpFormat, mulberry32(deriveSeed(this.opts.seed, `rtp${this.idSeq}${this.nameSeq}`)));
    return this.run(() => {
      const pointer = `0x7f${Math.floor(this.rng() * 0xffffffff).toString(16).padStart(8, '0')}`;
      const ch = this.addChannel(p.channelId ?? this.newId(), `UnicastRTP/${p.external_host}-${pointer}`, 'external', {
        context: 'default',
        exten: 's',
        ...OUTGOING,
      });
      this.rtp.set(ch.id, stream);
      ch.app = p.app!;
      ch.dialstring = `${p.external_host}/c(${p.format})`;
      ch.channelvars = { UNICASTRTP_LOCAL_PORT: String(stream.localPort), UNICASTRTP_LOCAL_ADDRESS: stream.localAddress };
      for (const [k, v] of Object.entries(p.variables ?? {})) ch.vars.set(k, String(v));
      for (const [k, v] of Object.entries(ch.channelvars)) ch.vars.set(k, v);
      const reply = ch.toJson(true);
      ch.dialing = true;
      this.dialEvent(ch, '');
      this.answerOutbound(ch);
      return { channel: ch, reply };
    });
  }

  // ---------------------------------------------------------------- bridges

  createBridge(p: { type?: string; bridgeId?: string; name?: string; app?: string | null }): SimBridge {
    const id = p.bridgeId ?? `${this.newId()}-bridge`;
    const existing = this.bridges.get(id);
    if (existing) return existing; // Asterisk's createWithId on an existing id updates nothing and returns it
    const b = new SimBridge(id, p.type ?? 'mixing', p.name ?? '', this.now(), p.app ?? null);
    this.bridges.set(id, b);
    return b;
  }

  getBridge(id: string): SimBridge {
    const b = this.bridges.get(id);
    if (!b) throw notFound('Bridge');
    return b;
  }

  addToBridge(bridgeId: string, channelIds: string[]): void {
    const b = this.getBridge(bridgeId);
    const chans = channelIds.map((id) => {
      const ch = this.channels.get(id);
      if (!ch) throw new AriError(400, 'Channel not found');
      return ch;
    });
    for (const ch of chans) if (!ch.inStasis) throw new AriError(422, 'Channel not in Stasis application');
    this.run(() => {
      for (const ch of chans) {
        if (ch.bridgeId === b.id) continue;
        if (ch.bridgeId) {
          const old = this.bridges.get(ch.bridgeId);
          if (old) this.leaveBridge(ch, old, true);
        }
        b.members.push(ch);
        b.subscribed = true;
        b.app ??= ch.app;
        ch.bridgeId = b.id;
        if (b.partyCount > 2) b.softmix = true;
        this.emit(ch.app ?? b.app, 'ChannelEnteredBridge', { bridge: b.toJson(), channel: ch.toJson() });
      }
      this.updatePeers(b);
    });
  }

  removeFromBridge(bridgeId: string, channelIds: string[]): void {
    const b = this.getBridge(bridgeId);
    const chans = channelIds.map((id) => {
      const ch = this.channels.get(id);
      if (!ch) throw new AriError(400, 'Channel not found');
      return ch;
    });
    for (const ch of chans) if (ch.bridgeId !== b.id) throw new AriError(422, 'Channel not in this bridge');
    this.run(() => {
      for (const ch of chans) this.leaveBridge(ch, b, true);
    });
  }

  /** BRIDGEPEER of every party = the others' names, most recent first; only when two or more share it. */
  private updatePeers(b: SimBridge): void {
    if (b.partyCount < 2) return;
    for (const m of b.members) {
      const peers = b.peersOf(m);
      if (m.vars.get('BRIDGEPEER') !== peers) this.setVar(m, 'BRIDGEPEER', peers);
    }
  }

  private leaveBridge(ch: SimChannel, b: SimBridge, updatePeers: boolean): void {
    if (ch.vars.get('BRIDGEPEER')) this.setVar(ch, 'BRIDGEPEER', '');
    const i = b.members.indexOf(ch);
    if (i >= 0) b.members.splice(i, 1);
    ch.bridgeId = null;
    this.emit(ch.app ?? b.app, 'ChannelLeftBridge', { bridge: b.toJson(), channel: ch.toJson() });
    if (updatePeers) this.updatePeers(b);
    if (b.members.length === 0 && b.recording) this.deferred.push(() => this.finishRecording(b));
  }

  destroyBridge(id: string): void {
    const b = this.getBridge(id);
    this.run(() => {
      for (const m of [...b.members]) this.leaveBridge(m, b, false);
      if (b.recording) this.finishRecording(b);
      for (const pb of [...this.playbacks.values()]) if (pb.json.target_uri === `bridge:${b.id}`) this.finishPlayback(pb);
      this.bridges.delete(id);
      if (b.subscribed) this.emit(b.app, 'BridgeDestroyed', { bridge: b.toJson() });
    });
  }

  // ---------------------------------------------------------------- recordings

  recordBridge(bridgeId: string, p: { name?: string; format?: string; ifExists?: string }): AriLiveRecordingJson {
    const b = this.getBridge(bridgeId);
    if (b.recording) throw new AriError(409, 'Recording already in progress');
    return this.startRecording({ bridge: b }, p);
  }

  recordChannel(channelId: string, p: { name?: string; format?: string; ifExists?: string }): AriLiveRecordingJson {
    const ch = this.controlled(channelId);
    return this.startRecording({ channel: ch }, p);
  }

  /**
   * Starts a live recording of a bridge (the mix, with a Recorder party that shows in BRIDGEPEER) or of a
   * channel (its far end's audio). The stored recording is visible at once and grows, as Asterisk's file.
   */
  private startRecording(target: { bridge?: SimBridge; channel?: SimChannel }, p: { name?: string; format?: string; ifExists?: string }): AriLiveRecordingJson {
    if (!p.name) throw new AriError(400, 'Recording name is required');
    if (!p.format) throw new AriError(422, 'Format is required');
    if (p.format !== 'wav') throw new AriError(422, `Unsupported format '${p.format}' (the simulator writes wav)`);
    if (this.live.has(p.name)) throw new AriError(409, 'Recording with this name already in progress');
    if (this.stored.has(p.name) && (p.ifExists ?? 'fail') === 'fail') throw new AriError(422, 'Recording with the same name already exists');
    const b = target.bridge ?? null;
    const ch = target.channel ?? null;
    const target_uri = b ? `bridge:${b.id}` : `channel:${ch!.id}`;
    const reply: AriLiveRecordingJson = { name: p.name, format: p.format, state: 'queued', target_uri };
    this.run(() => {
      const rec: LiveRecording = {
        name: p.name!,
        format: p.format!,
        startedAt: this.now(),
        samples: [],
        recorderName: `Recorder/ARI-${this.nextName()};2`,
        paused: false,
        target_uri,
        app: b ? b.app : ch!.app,
        bridge: b,
        channel: ch,
      };
      this.live.set(rec.name, rec);
      this.stored.delete(rec.name); // re-inserted last: the Map's order is the age order used by the cap
      this.stored.set(rec.name, {
        name: rec.name,
        format: rec.format,
        durationMs: () => rec.samples.length * 20,
        file: () => {
          const samples = new Int16Array(rec.samples.length * FRAME_SAMPLES);
          rec.samples.forEach((f, k) => samples.set(f, k * FRAME_SAMPLES));
          return encodeWav(samples, { sampleRate: 8000 });
        },
      });
      // Recordings live in memory: keep the most recent ones so that a long demo run does not grow forever.
      for (const name of this.stored.keys()) {
        if (this.stored.size <= MAX_STORED_RECORDINGS) break;
        if (!this.live.has(name)) this.stored.delete(name);
      }
      if (b) {
        b.recording = rec;
        if (b.partyCount > 2) b.softmix = true;
        this.updatePeers(b);
      }
      this.emit(rec.app, 'RecordingStarted', { recording: { ...reply, state: 'recording' } });
    });
    return reply;
  }

  getLiveRecording(name: string): AriLiveRecordingJson {
    const rec = this.live.get(name);
    if (!rec) throw notFound('Recording');
    return { name: rec.name, format: rec.format, state: rec.paused ? 'paused' : 'recording', target_uri: rec.target_uri };
  }

  /**
   * POST /recordings/live/{name}/pause (DELETE: unpause). While paused nothing is written: the file is shorter
   * than the call by the paused time, as Asterisk's. Pausing a paused recording is a no-op (204), as there.
   */
  pauseLiveRecording(name: string, paused: boolean): void {
    const rec = this.live.get(name);
    if (!rec) throw notFound('Recording');
    rec.paused = paused;
  }

  /** POST /recordings/live/{name}/stop, or DELETE (cancel: the file is discarded too). */
  stopLiveRecording(name: string, cancel: boolean): void {
    const rec = this.live.get(name);
    if (!rec) throw notFound('Recording');
    this.run(() => {
      this.finishLive(rec);
      if (cancel) this.stored.delete(name);
    });
  }

  private finishRecording(b: SimBridge): void {
    const rec = b.recording;
    if (rec) this.finishLive(rec as LiveRecording);
  }

  private finishLive(rec: LiveRecording): void {
    if (!this.live.delete(rec.name)) return;
    if (rec.bridge?.recording === rec) rec.bridge.recording = null;
    const durationMs = this.now() - rec.startedAt;
    this.emit(rec.app, 'RecordingFinished', {
      recording: { name: rec.name, format: rec.format, state: 'done', target_uri: rec.target_uri, duration: Math.floor(durationMs / 1000) },
    });
  }

  // ---------------------------------------------------------------- playbacks

  play(target: { channel?: SimChannel; bridge?: SimBridge }, p: { media?: string | string[]; playbackId?: string; lang?: string }): AriPlaybackJson {
    const media = Array.isArray(p.media) ? p.media : (p.media ?? '').split(',').filter(Boolean);
    if (media.length === 0) throw new AriError(400, 'media cannot be empty');
    if (p.playbackId && this.playbacks.has(p.playbackId)) throw new AriError(409, 'Playback with this ID already exists');
    const id = p.playbackId ?? `${this.newId()}-pb`;
    const target_uri = target.channel ? `channel:${target.channel.id}` : `bridge:${target.bridge!.id}`;
    const json: AriPlaybackJson = { id, media_uri: media[0]!, target_uri, language: p.lang ?? 'en', state: 'queued' };
    const reply = { ...json };
    const total = media.reduce((sum, m) => sum + mediaDurationMs(m, (n) => this.stored.get(n)?.durationMs()), 0);
    const pb: Playback = { json, targetChannel: target.channel ?? null, timer: undefined };
    this.playbacks.set(id, pb);
    const app = target.channel?.app ?? target.bridge?.app ?? null;
    // Asterisk 22 accepts the request whatever the media, says PlaybackStarted, and when the file does not
    // exist finishes it at once with state "failed" (log: "File … does not exist in any format", "Playback
    // failed for sound:…"); recorded in test/both/playback-missing-media.test.ts.
    const missing = media.find((m) => !this.mediaExists(m));
    this.run(() => {
      json.state = 'playing';
      this.emit(app, 'PlaybackStarted', { playback: { ...json } });
      if (missing !== undefined) {
        this.opts.logger.warn({ media: missing, target: target_uri }, `sim: Playback failed for ${missing}`);
        this.finishPlayback(pb, 'failed');
        return;
      }
      if (target.channel) this.localRuns.get(target.channel.id)?.mediaStarted();
    });
    if (missing === undefined && Number.isFinite(total)) pb.timer = this.clock.setTimeout(() => this.run(() => this.finishPlayback(pb)), total);
    return reply;
  }

  getPlayback(id: string): AriPlaybackJson {
    const pb = this.playbacks.get(id);
    if (!pb) throw notFound('Playback');
    return { ...pb.json };
  }

  stopPlayback(id: string): void {
    const pb = this.playbacks.get(id);
    if (!pb) throw notFound('Playback');
    this.run(() => this.finishPlayback(pb));
  }

  /** `sound:` media exists when the PBX has that sound file (opts.sounds); recordings when stored. */
  private mediaExists(uri: string): boolean {
    const i = uri.indexOf(':');
    const scheme = i < 0 ? uri : uri.slice(0, i);
    const rest = i < 0 ? '' : uri.slice(i + 1);
    if (scheme === 'sound') return this.opts.sounds.has(rest);
    if (scheme === 'recording') return this.stored.has(rest);
    return true;
  }

  /** `failed`: the media could not be played, or the channel hung up under it (as Asterisk reports both). */
  private finishPlayback(pb: Playback, state: 'done' | 'failed' = 'done'): void {
    if (!this.playbacks.delete(pb.json.id)) return;
    this.clock.clearTimeout(pb.timer);
    pb.json.state = state;
    const app = pb.targetChannel?.app ?? this.bridges.get(pb.json.target_uri.replace(/^bridge:/, ''))?.app ?? null;
    this.emit(app, 'PlaybackFinished', { playback: { ...pb.json } });
  }

  // ---------------------------------------------------------------- media

  /**
   * One 20 ms media tick: every externalMedia channel in a bridge sends the mix of what the other parties'
   * far ends send (a snoop with spy=in hears its target's callee), silence included; bridge recordings
   * append the mix of all parties.
   */
  mediaTick(): void {
    const t = this.tick++;
    for (const b of this.bridges.values()) {
      if (b.members.length === 0) continue;
      for (const m of b.members) {
        const stream = this.rtp.get(m.id);
        if (!stream) continue;
        const sources = b.members.filter((o) => o !== m && !this.rtp.has(o.id));
        if (sources.length === 0) continue;
        stream.sendFrame(mix(sources.map((s) => s.frame(t))));
      }
      if (b.recording && !b.recording.paused) b.recording.samples.push(mix(b.members.filter((o) => !this.rtp.has(o.id)).map((s) => s.frame(t))));
    }
    for (const rec of this.live.values()) if (rec.channel && !rec.paused) rec.samples.push(mix([rec.channel.frame(t)]));
  }

  close(): void {
    for (const ch of this.channels.values()) for (const t of ch.timers) this.clock.clearTimeout(t);
    for (const pb of this.playbacks.values()) this.clock.clearTimeout(pb.timer);
    for (const s of this.rtp.values()) s.close();
    this.rtp.clear();
  }

  /**
   * `core stop now`, as Asterisk 22.10.1 does it (recorded): every channel first gets a soft hang-up request
   * with cause 4 (AST_SOFTHANGUP_SHUTDOWN), then each ends — leaves its bridge, StasisEnd, ChannelDestroyed
   * with cause 16. Then the process is gone (wipe).
   */
  shutdown(): void {
    this.run(() => {
      const live = [...this.channels.values()].filter((ch) => !ch.destroyed);
      for (const ch of live) this.hangupRequest(ch, 4, true);
      for (const ch of live) this.endChannel(ch, 16, { partnerCause: 0, partnerRequestCause: 16 });
    });
    this.wipe();
  }

  /**
   * The Asterisk process is gone: every channel, bridge, playback and live recording vanishes at once and no
   * event says so (nobody is left to send it). Stored recordings are files on disk: they stay.
   */
  wipe(): void {
    this.close();
    this.channels.clear();
    this.bridges.clear();
    this.playbacks.clear();
    this.live.clear();
    this.localRuns.clear();
    this.deferred = [];
  }
}
