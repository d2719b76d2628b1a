import type { TimerHandle } from '../../clock/index.js';
import { type AudioSource, FRAME_SAMPLES } from '../audio/source.js';
import { ariTime, type AriCallerId, type AriChannelJson, type AriDialplanCep } from './json.js';

/** 'inbound': a call from a phone that reached Stasis() through the dialplan (e.g. an agent dialling in). */
export type ChannelKind = 'callee' | 'local1' | 'local2' | 'snoop' | 'external' | 'created' | 'inbound';

/**
 * One simulated channel: the state Asterisk would report for it plus what the simulator needs to drive it
 * (timers to cancel on hangup, the audio its far end sends). Mutated only by the PBX core.
 */
export class SimChannel {
  state = 'Down';
  caller: AriCallerId = { name: '', number: '' };
  connected: AriCallerId = { name: '', number: '' };
  dialplan: AriDialplanCep;
  readonly vars = new Map<string, string>();
  /** Stasis application this channel's events go to (originate `app`), even before it enters Stasis. */
  app: string | null = null;
  appArgs: string[] = [];
  inStasis = false;
  /** Set once the far end answered (or the channel was born Up). */
  answered = false;
  /** True while an outbound dial is in progress (Dial events are published for it). */
  dialing = false;
  dialstring = '';
  /** The endpoint dialed (`PJSIP/+15550110001@trunk`), which selects the callee script. */
  endpoint = '';
  bridgeId: string | null = null;
  destroyed = false;
  readonly timers: TimerHandle[] = [];
  /** What the far end sends towards Asterisk (a snoop with spy=in hears this). */
  audio: AudioSource | null = null;
  /** Local ;1/;2 partner. */
  partner: SimChannel | null = null;
  /** For snoops: the channel spied on and the direction. */
  snoopOf: SimChannel | null = null;
  spy: 'in' | 'out' | 'both' | 'none' = 'none';
  /** Extra fields only the creating HTTP response shows (externalMedia's channelvars). */
  channelvars: Record<string, string> | undefined;
  script = '';
  /** The dialplan location before Stasis, restored when the channel leaves it (as ChannelDestroyed shows). */
  savedDialplan: AriDialplanCep | null = null;
  /** For snoops: the JSON of the HTTP reply (taken before StasisStart). */
  replyJson: AriChannelJson | null = null;
  private frameTick = -1;
  private readonly frameBuf = new Int16Array(FRAME_SAMPLES);

  constructor(
    readonly id: string,
    readonly name: string,
    readonly kind: ChannelKind,
    readonly createdAt: number,
    dialplan: AriDialplanCep,
  ) {
    this.dialplan = dialplan;
  }

  toJson(withChannelvars = false): AriChannelJson {
    const json: AriChannelJson = {
      id: this.id,
      name: this.name,
      state: this.state,
      protocol_id: '',
      caller: { ...this.caller },
      connected: { ...this.connected },
      accountcode: '',
      dialplan: { ...this.dialplan },
      creationtime: ariTime(this.createdAt),
      language: 'en',
    };
    if (withChannelvars && this.channelvars) json.channelvars = { ...this.channelvars };
    return json;
  }

  /**
   * The 20 ms frame this channel's far end sends at media tick `tick`, computed once per tick so that
   * several listeners (snoops, recordings) hear the same audio. Silence when nothing is playing.
   */
  frame(tick: number): Int16Array {
    if (this.frameTick === tick) return this.frameBuf;
    this.frameTick = tick;
    if (this.snoopOf) {
      // spy=in hears what the spied channel's far end sends; spy=out would hear what we play to it (silence here).
      if (this.spy === 'out' || this.spy === 'none') this.frameBuf.fill(0);
      else this.frameBuf.set(this.snoopOf.frame(tick));
      return this.frameBuf;
    }
    if (!this.audio || !this.audio.next(this.frameBuf)) {
      this.audio = null;
      this.frameBuf.fill(0);
    }
    return this.frameBuf;
  }
}
