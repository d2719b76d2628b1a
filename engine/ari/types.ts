/**
 * Our own typed view of ARI (Asterisk 22, ARI 10): the events the engine reacts to and the commands it sends.
 * Shapes follow the recorded traces in ../shared/asterisk22 (raw JSON as Asterisk sends it); fields we do not
 * use are left out on purpose. Nothing outside engine/ari imports ari-client.
 */

export type ChannelState =
  | 'Down'
  | 'Rsrvd'
  | 'OffHook'
  | 'Dialing'
  | 'Ring'
  | 'Ringing'
  | 'Up'
  | 'Busy'
  | 'Dialing Offhook'
  | 'Pre-ring'
  | 'Unknown';

export interface AriChannel {
  id: string;
  name: string;
  state: ChannelState | string;
  caller?: { name: string; number: string };
  creationtime?: string;
  /** Where the channel is in the dialplan; for a channel in Stasis() from the dialplan, app_data holds its args. */
  dialplan?: { context: string; exten: string; priority: number; app_name: string; app_data: string };
}

export interface AriBridge {
  id: string;
  bridge_type?: string;
  technology?: string;
  channels: string[];
}

export interface AriPlayback {
  id: string;
  media_uri: string;
  target_uri: string;
  state: string;
}

export interface AriRecording {
  name: string;
  format: string;
  state: string;
  target_uri: string;
  duration?: number;
}

interface Base {
  timestamp?: string;
  application?: string;
}

export type AriEvent =
  | (Base & { type: 'StasisStart'; channel: AriChannel; args: string[]; replace_channel?: AriChannel })
  | (Base & { type: 'StasisEnd'; channel: AriChannel })
  | (Base & { type: 'ChannelStateChange'; channel: AriChannel })
  /** `peer` is the dialled channel; for an originate there is no `caller`. `dialstatus` is '' at the start. */
  | (Base & { type: 'Dial'; dialstatus: string; peer: AriChannel; caller?: AriChannel; dialstring?: string })
  | (Base & { type: 'ChannelHangupRequest'; channel: AriChannel; cause?: number; soft?: boolean })
  | (Base & { type: 'ChannelDestroyed'; channel: AriChannel; cause: number; cause_txt: string })
  | (Base & { type: 'ChannelEnteredBridge'; channel: AriChannel; bridge: AriBridge })
  | (Base & { type: 'ChannelLeftBridge'; channel: AriChannel; bridge: AriBridge })
  | (Base & { type: 'PlaybackStarted'; playback: AriPlayback })
  | (Base & { type: 'PlaybackFinished'; playback: AriPlayback })
  | (Base & { type: 'RecordingStarted'; recording: AriRecording })
  | (Base & { type: 'RecordingFinished'; recording: AriRecording })
  | (Base & { type: 'RecordingFailed'; recording: AriRecording & { cause?: string } })
  | (Base & { type: 'ChannelVarset'; variable: string; value: string; channel?: AriChannel })
  | (Base & { type: 'BridgeDestroyed'; bridge: AriBridge });

export type AriEventType = AriEvent['type'];

export const ARI_EVENT_TYPES: ReadonlySet<string> = new Set<AriEventType>([
  'StasisStart',
  'StasisEnd',
  'ChannelStateChange',
  'Dial',
  'ChannelHangupRequest',
  'ChannelDestroyed',
  'ChannelEnteredBridge',
  'ChannelLeftBridge',
  'PlaybackStarted',
  'PlaybackFinished',
  'RecordingStarted',
  'RecordingFinished',
  'RecordingFailed',
  'ChannelVarset',
  'BridgeDestroyed',
]);

/** Hangup reasons ARI accepts on DELETE /channels/{id}?reason=. */
export type HangupReason = 'normal' | 'busy' | 'congestion' | 'no_answer' | 'timeout' | 'rejected' | 'unallocated';

/**
 * Every command the engine sends, as data: the pure reducers return these as effects and the gateway performs
 * them. Ids of channels, bridges and playbacks are always chosen by us, so events can be matched before the
 * HTTP reply arrives (Asterisk may send them first).
 */
export type AriCommand =
  | {
      op: 'originate';
      channelId: string;
      endpoint: string;
      /** Seconds to ring before Asterisk gives up (cause 19). */
      timeoutSec: number;
      callerId?: string;
      appArgs?: string;
      variables?: Record<string, string>;
    }
  | { op: 'hangup'; channelId: string; reason?: HangupReason }
  | { op: 'answer'; channelId: string }
  | { op: 'snoop'; channelId: string; snoopId: string; spy: 'in' | 'out' | 'both' }
  | { op: 'externalMedia'; channelId: string; host: string; port: number; format: 'ulaw' | 'alaw' | 'slin16' }
  | { op: 'createBridge'; bridgeId: string; type: 'mixing' | 'holding'; name?: string }
  | { op: 'addChannel'; bridgeId: string; channelIds: string[] }
  | { op: 'removeChannel'; bridgeId: string; channelIds: string[] }
  | { op: 'destroyBridge'; bridgeId: string }
  | { op: 'play'; channelId: string; playbackId: string; media: string }
  | { op: 'playOnBridge'; bridgeId: string; playbackId: string; media: string }
  | { op: 'stopPlayback'; playbackId: string }
  | { op: 'startMoh'; bridgeId: string; mohClass?: string }
  | { op: 'record'; bridgeId: string; name: string; format: 'wav' | 'gsm' | 'ulaw' }
  /** Live recordings: stop (the file stays), pause / unpause (paused audio is left out of the file). */
  | { op: 'stopRecording'; name: string }
  | { op: 'pauseRecording'; name: string }
  | { op: 'unpauseRecording'; name: string }
  /** Removes a stored recording's file from Asterisk. */
  | { op: 'deleteStoredRecording'; name: string };

export type AriOp = AriCommand['op'];
