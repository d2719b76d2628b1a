import { eq } from 'drizzle-orm';
import { decodeAmdTrace, encodeAmdTrace, type AmdTrace } from '../../amd/index.js';
import type { Db } from '../db.js';
import { callAmdTraces } from '../schema/call-amd-traces.js';

/** The AMD trace kept with each CallLog (call_amd_traces): written once per decision, read back for a replay. */
export class AmdTraceRepo {
  constructor(private readonly db: Db) {}

  /** Keeps the trace of the call's AMD decision (the first one kept: a call has one decision). */
  save(callId: string, trace: AmdTrace, at: number): boolean {
    const r = this.db
      .insert(callAmdTraces)
      .values({ callId, trace: encodeAmdTrace(trace), createdAt: at })
      .onConflictDoNothing()
      .run();
    return r.changes > 0;
  }

  /** The stored trace, decoded; null when none was kept. Throws on a damaged row (it says so, it does not guess). */
  get(callId: string): AmdTrace | null {
    const row = this.db.select({ trace: callAmdTraces.trace }).from(callAmdTraces).where(eq(callAmdTraces.callId, callId)).get();
    return row ? decodeAmdTrace(row.trace) : null;
  }

  /** The stored text as it is (its size, for the record). */
  raw(callId: string): string | null {
    return this.db.select({ trace: callAmdTraces.trace }).from(callAmdTraces).where(eq(callAmdTraces.callId, callId)).get()?.trace ?? null;
  }
}
