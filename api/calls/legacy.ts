import type { Disposition } from '../../engine/events/index.js';
import type { CallLogRow } from '../../engine/store/index.js';

/** Call statuses of the older tools that the compatibility endpoints speak. */
export const LEGACY_STATUSES = ['COMPLETED', 'DROPPED', 'NO_ANSWER', 'FAILED'] as const;
export type LegacyStatus = (typeof LEGACY_STATUSES)[number];

const TO_DISPOSITION: Record<LegacyStatus, Disposition> = {
  COMPLETED: 'ANSWERED_HUMAN',
  DROPPED: 'DROPPED',
  NO_ANSWER: 'NO_ANSWER',
  FAILED: 'FAILED',
};

export function legacyToDisposition(s: LegacyStatus): Disposition {
  return TO_DISPOSITION[s];
}

/** Dialer-only dispositions have no legacy name; they fold into the closest one the old tools knew. */
export function dispositionToLegacy(d: Disposition | null): LegacyStatus | 'IN_PROGRESS' {
  switch (d) {
    case null:
      return 'IN_PROGRESS';
    case 'ANSWERED_HUMAN':
      return 'COMPLETED';
    case 'DROPPED':
    case 'HUNG_UP_DURING_AMD':
      return 'DROPPED';
    case 'NO_ANSWER':
    case 'BUSY':
    case 'MACHINE':
    case 'CANCELLED':
      return 'NO_ANSWER';
    default:
      return 'FAILED';
  }
}

/** Every disposition shown as this legacy status (the inverse of dispositionToLegacy). */
export function legacyDispositions(s: LegacyStatus): Disposition[] {
  switch (s) {
    case 'COMPLETED':
      return ['ANSWERED_HUMAN'];
    case 'DROPPED':
      return ['DROPPED', 'HUNG_UP_DURING_AMD'];
    case 'NO_ANSWER':
      return ['NO_ANSWER', 'BUSY', 'MACHINE', 'CANCELLED'];
    case 'FAILED':
      return ['FAILED', 'CONGESTION', 'INVALID_NUMBER'];
  }
}

/** One row of GET /api/calls/log, in the older tools' field names. */
export function legacyLogRow(r: CallLogRow) {
  return {
    call_id: r.id,
    user_id: r.userId,
    contact_id: r.leadId,
    contact_phone: r.phone,
    start_time: new Date(r.createdAt).toISOString(),
    end_time: r.endedAt === null ? null : new Date(r.endedAt).toISOString(),
    duration_seconds: r.totalMs === null ? null : Math.round(r.totalMs / 1000),
    status: dispositionToLegacy(r.disposition),
    notes: r.notes,
  };
}
