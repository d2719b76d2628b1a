/**
 * Loads the recorded Asterisk 22 traces (a verbatim copy of shared/asterisk22 is committed in
 * test/fixtures/asterisk22 so a clone is self-contained; ASTERISK22_TRACES points elsewhere) and
 * reduces events to the fields that matter for conformance, so that a simulator run and a recording compare
 * without timestamps, internal channel-name counters or RTP pointers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TRACE_DIR = process.env['ASTERISK22_TRACES'] ?? fileURLToPath(new URL('../fixtures/asterisk22', import.meta.url));

export interface TraceHttp {
  t: number;
  method: string;
  path: string;
  status: number;
  body: unknown;
}

export type AriEventJson = { type: string } & Record<string, unknown>;

export interface Trace {
  name: string;
  http: TraceHttp[];
  events: { t: number; event: AriEventJson }[];
  /** Both, in recorded order. */
  items: ({ kind: 'http'; t: number; http: TraceHttp } | { kind: 'event'; t: number; event: AriEventJson })[];
}

export const traceExists = (name: string): boolean => existsSync(join(TRACE_DIR, `${name}.json`));

export function loadTrace(name: string): Trace {
  const raw = JSON.parse(readFileSync(join(TRACE_DIR, `${name}.json`), 'utf8')) as unknown;
  if (!Array.isArray(raw)) throw new Error(`${name}: not an item list`);
  const trace: Trace = { name, http: [], events: [], items: [] };
  for (const it of raw as Record<string, unknown>[]) {
    const t = Number(it['t']);
    if (typeof it['http'] === 'string') {
      const [method = 'GET', path = '/'] = (it['http'] as string).split(' ');
      const h: TraceHttp = { t, method, path, status: Number(it['status']), body: it['body'] };
      trace.http.push(h);
      trace.items.push({ kind: 'http', t, http: h });
    } else if (it['event'] && typeof it['event'] === 'object') {
      const e = it['event'] as AriEventJson;
      trace.events.push({ t, event: e });
      trace.items.push({ kind: 'event', t, event: e });
    }
  }
  return trace;
}

/** The channel an event is about (`channel`, or `peer` for Dial), or null. */
export function eventChannelId(e: AriEventJson): string | null {
  const ch = (e['channel'] ?? e['peer']) as { id?: string } | undefined;
  return ch?.id ?? null;
}

/** Internal counters in channel names (Local/x@y-000001f4;1, UnicastRTP/...-0x7f...) vary between runs. */
const normName = (s: string): string => s.replace(/-[0-9a-f]{8}(?=;|$|,)/g, '-N').replace(/-0x[0-9a-f]+/g, '-0xP').replace(/ARI-N/g, 'ARI-N');

/** One line per event with the fields conformance compares. */
export function summarize(e: AriEventJson): string {
  const parts: string[] = [e.type];
  const id = eventChannelId(e);
  if (id) parts.push(id);
  const bridge = e['bridge'] as { id?: string } | undefined;
  if (bridge?.id) parts.push(`bridge=${bridge.id}`);
  switch (e.type) {
    case 'Dial':
      parts.push(`dialstatus=${String(e['dialstatus'])}`);
      break;
    case 'ChannelStateChange':
      parts.push(`state=${String((e['channel'] as { state?: string }).state)}`);
      break;
    case 'ChannelDestroyed':
      parts.push(`cause=${String(e['cause'])} ${String(e['cause_txt'])}`);
      break;
    case 'ChannelHangupRequest':
      parts.push(`cause=${String(e['cause'])}${e['soft'] ? ' soft' : ''}`);
      break;
    case 'ChannelVarset':
      parts.push(`${String(e['variable'])}=${normName(String(e['value']))}`);
      break;
    case 'ChannelDialplan':
      parts.push(`${String(e['dialplan_app'])}(${String(e['dialplan_app_data'])})`);
      break;
    case 'PlaybackStarted':
    case 'PlaybackFinished': {
      const p = e['playback'] as { id: string; state: string; target_uri: string };
      parts.push(p.id, p.state, p.target_uri);
      break;
    }
    case 'RecordingStarted':
    case 'RecordingFinished': {
      const r = e['recording'] as { name: string; state: string; target_uri: string; duration?: number };
      parts.push(r.name, r.state, r.target_uri, ...(r.duration !== undefined ? [`duration=${r.duration}`] : []));
      break;
    }
    case 'StasisStart':
      parts.push(`args=${JSON.stringify(e['args'])}`);
      break;
  }
  return parts.join(' ');
}

/** A Local channel's `;2` half runs in parallel with `;1`; its events race with `;1`'s in real Asterisk. */
export const isHalfTwo = (e: AriEventJson): boolean => (eventChannelId(e) ?? '').endsWith(';2');

/** Per channel (or bridge, or playback/recording) ordered event lines: timing-independent. */
export function byKey(events: AriEventJson[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of events) {
    const key =
      eventChannelId(e) ??
      (e['bridge'] as { id?: string } | undefined)?.id ??
      (e['playback'] as { id?: string } | undefined)?.id ??
      (e['recording'] as { name?: string } | undefined)?.name ??
      e.type;
    const list = out.get(key) ?? [];
    list.push(summarize(e));
    out.set(key, list);
  }
  return out;
}
