/**
 * ARI JSON shapes (Asterisk 22, ARI 10.0.0) and the formatting Asterisk uses for them. Field order follows
 * what Asterisk sends, so that recorded traces and simulator output diff cleanly.
 */
export interface AriCallerId {
  name: string;
  number: string;
}

export interface AriDialplanCep {
  context: string;
  exten: string;
  priority: number;
  app_name: string;
  app_data: string;
}

export interface AriChannelJson {
  id: string;
  name: string;
  state: string;
  protocol_id: string;
  caller: AriCallerId;
  connected: AriCallerId;
  accountcode: string;
  dialplan: AriDialplanCep;
  creationtime: string;
  language: string;
  channelvars?: Record<string, string>;
}

export interface AriBridgeJson {
  id: string;
  technology: string;
  bridge_type: string;
  bridge_class: string;
  creator: string;
  name: string;
  channels: string[];
  creationtime: string;
  video_mode: string;
}

export interface AriPlaybackJson {
  id: string;
  media_uri: string;
  target_uri: string;
  language: string;
  state: 'queued' | 'playing' | 'done' | 'failed';
}

export interface AriLiveRecordingJson {
  name: string;
  format: string;
  state: 'queued' | 'recording' | 'paused' | 'done' | 'failed' | 'canceled';
  target_uri: string;
  duration?: number;
}

export type AriEvent = { type: string } & Record<string, unknown>;

/** Asterisk's ARI timestamp: local ISO-8601 with milliseconds and a ±hhmm offset; the simulator runs in UTC. */
export function ariTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** "Name <number>" → caller id, as ARI's originate callerId parameter is parsed. */
export function parseCallerId(s: string | undefined): AriCallerId {
  if (!s) return { name: '', number: '' };
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(s);
  if (m) return { name: m[1] ?? '', number: m[2] ?? '' };
  return { name: '', number: s.trim() };
}
