import { ariTime, type AriBridgeJson } from './json.js';
import type { SimChannel } from './channel.js';

export interface BridgeRecording {
  name: string;
  format: string;
  startedAt: number;
  samples: Int16Array[];
  recorderName: string;
  /** POST /recordings/live/{name}/pause: audio is left out of the file until unpaused (as Asterisk does). */
  paused: boolean;
}

/** A simulated bridge: members in join order, the Stasis app that created it, an optional recording. */
export class SimBridge {
  readonly members: SimChannel[] = [];
  /** The app hears about this bridge (ChannelEnteredBridge, BridgeDestroyed) once one of its channels entered. */
  subscribed = false;
  recording: BridgeRecording | null = null;
  /** Asterisk switches simple_bridge → softmix once more than two parties (a recorder counts) share it. */
  softmix = false;

  constructor(
    readonly id: string,
    readonly type: string,
    readonly name: string,
    readonly createdAt: number,
    public app: string | null,
  ) {}

  toJson(): AriBridgeJson {
    return {
      id: this.id,
      technology: this.softmix ? 'softmix' : 'simple_bridge',
      bridge_type: this.type.includes('holding') ? 'holding' : 'mixing',
      bridge_class: 'stasis',
      creator: 'Stasis',
      name: this.name,
      channels: this.members.map((c) => c.id),
      creationtime: ariTime(this.createdAt),
      video_mode: 'talker',
    };
  }

  /** Names of the other parties, most recent first, as Asterisk sets BRIDGEPEER. */
  peersOf(ch: SimChannel): string {
    const names = this.members.map((m) => m.name);
    if (this.recording) names.push(this.recording.recorderName);
    return names.filter((n) => n !== ch.name).reverse().join(',');
  }

  get partyCount(): number {
    return this.members.length + (this.recording ? 1 : 0);
  }
}
