/**
 * The event bus between the PBX core and the apps' WebSockets. Like Asterisk, it keeps no buffer: an event
 * for an app with no connected WebSocket is dropped, and a reconnecting app sees only what happens next.
 */
import type { AriEvent } from './model/json.js';

export interface EventSink {
  apps: Set<string>;
  subscribeAll: boolean;
  send(json: string): void;
}

export interface JournalEntry {
  kind: 'event' | 'http';
  /** Event type, or "METHOD path status" for HTTP replies. */
  what: string;
  id?: string;
}

export const ASTERISK_ID = '02:fc:00:00:00:01';

export class EventHub {
  private readonly sinks = new Set<EventSink>();
  /** Server-side order of what went out (events sent, HTTP replies written), for tests of ordering. */
  readonly journal: JournalEntry[] = [];
  journalLimit = 10_000;

  /**
   * Registers an app WebSocket. As in Asterisk, one WebSocket per application: an older socket that had the
   * same app gets ApplicationReplaced and no more of that app's events.
   */
  add(sink: EventSink, now: string): void {
    for (const old of this.sinks) {
      for (const app of sink.apps) {
        if (!old.apps.has(app)) continue;
        old.apps.delete(app);
        old.send(JSON.stringify({ type: 'ApplicationReplaced', timestamp: now, asterisk_id: ASTERISK_ID, application: app }));
      }
    }
    this.sinks.add(sink);
  }

  remove(sink: EventSink): void {
    this.sinks.delete(sink);
  }

  removeAll(): EventSink[] {
    const all = [...this.sinks];
    this.sinks.clear();
    return all;
  }

  isActive(app: string): boolean {
    for (const s of this.sinks) if (s.apps.has(app)) return true;
    return false;
  }

  publish(app: string | null, event: AriEvent): void {
    const targets = [...this.sinks].filter((s) => (app !== null && s.apps.has(app)) || s.subscribeAll);
    if (targets.length === 0) return;
    for (const sink of targets) {
      const application = app !== null && sink.apps.has(app) ? app : [...sink.apps][0] ?? '';
      sink.send(JSON.stringify({ ...event, asterisk_id: ASTERISK_ID, application }));
    }
    const ch = event['channel'] as { id?: string } | undefined;
    const peer = event['peer'] as { id?: string } | undefined;
    this.note({ kind: 'event', what: event.type, ...(ch?.id ?? peer?.id ? { id: (ch?.id ?? peer?.id)! } : {}) });
  }

  note(entry: JournalEntry): void {
    // Bounded for long `npm start` runs; dropping the older half at once keeps this O(1) amortized.
    if (this.journal.length >= this.journalLimit) this.journal.splice(0, this.journalLimit >> 1);
    this.journal.push(entry);
  }
}
