import type { Disposition } from '../events/index.js';
import type { StartManualCallInput } from './repos/manual-calls.js';
import type { CallLogRow } from './schema/call-logs.js';
import type { Store } from './store.js';

/**
 * Calls an agent places by hand (#18: the compatibility routes `POST /api/calls/start` and `/api/calls/end`), as one
 * async shape over both dialects: the same CallLog rows as dialer calls (kind `manual`, bridged from the start), so
 * over PostgreSQL they land in the `call_logs` the nodes write and the call history, metrics and reports read.
 *
 * `end` refuses with `ManualCallError` (`not_found`, `not_manual`, `already_ended`) on the row as it is when written
 * (a SQLite transaction; on PostgreSQL the row locked `for update`): two ends of one call, one wins. A call that did
 * not reach the person (any disposition but ANSWERED_HUMAN) counts no talk time.
 */
export interface ManualCallLog {
  readonly dialect: 'sqlite' | 'postgres';
  /** The CallLog, manual or not (the route checks whose it is before ending it). */
  get(id: string): Promise<CallLogRow | undefined>;
  start(input: StartManualCallInput): Promise<CallLogRow>;
  /** The ended row. */
  end(input: { id: string; at: number; disposition: Disposition; notes: string | null }): Promise<CallLogRow>;
}

/** Over the SQLite store: the repository the routes always called. */
export function sqliteManualCallLog(store: Pick<Store, 'manualCalls' | 'callLogs'>): ManualCallLog {
  return {
    dialect: 'sqlite',
    get: async (id) => store.callLogs.get(id),
    start: async (input) => store.manualCalls.startManualCall(input),
    end: async (input) => store.manualCalls.endManualCall(input).call,
  };
}
