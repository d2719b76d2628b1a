import type { Disposition } from '../events/index.js';

/** Where a lead stands in its campaign (the leads table's `status`). */
export const LEAD_STATUSES = [
  'no_selected',
  'selected',
  'calling',
  'completed',
  'error',
  'busy',
  'no_answer',
  'machine',
  'dropped',
  'dnc',
  /** Staged by a lead import that has not finished: not dialable (no due time) until the whole file is in. */
  'importing',
] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** Lead status after an attempt ended with this disposition (before the attempt limit is applied). */
export function statusForDisposition(d: Disposition): LeadStatus {
  switch (d) {
    case 'ANSWERED_HUMAN':
      return 'completed';
    case 'BUSY':
      return 'busy';
    case 'NO_ANSWER':
    case 'HUNG_UP_DURING_AMD':
      return 'no_answer';
    case 'MACHINE':
      return 'machine';
    case 'DROPPED':
      return 'dropped';
    case 'CANCELLED':
      return 'no_selected';
    case 'INVALID_NUMBER':
    case 'CONGESTION':
    case 'FAILED':
      return 'error';
  }
}

export interface AttemptPolicy {
  maxAttempts: number;
  /** Seconds, or null when the disposition ends the lead. */
  retryDelayS(d: Disposition): number | null;
}

export interface LeadAttemptState {
  attempts: number;
}

export interface LeadAfterAttempt {
  status: LeadStatus;
  attempts: number;
  lastAttemptAt: number;
  lastDisposition: Disposition;
  /** null: never dial again. */
  nextDueAt: number | null;
  lastError: string | null;
}

/**
 * What an ended attempt does to a lead. CANCELLED (we hung up before the callee could answer, e.g. campaign stop)
 * does not count as an attempt. A final disposition or the attempt limit clears the due time; the status keeps
 * the last outcome so reports can tell "no answer ×5" from "completed".
 */
export function nextLeadState(lead: LeadAttemptState, d: Disposition, at: number, policy: AttemptPolicy, error?: string): LeadAfterAttempt {
  const attempts = d === 'CANCELLED' ? lead.attempts : lead.attempts + 1;
  const status = statusForDisposition(d);
  const delay = policy.retryDelayS(d);
  const exhausted = attempts >= policy.maxAttempts;
  const nextDueAt = delay === null || exhausted ? null : at + delay * 1000;
  const lastError =
    error ?? (d === 'INVALID_NUMBER' || d === 'CONGESTION' || d === 'FAILED' ? d.toLowerCase().replace(/_/g, ' ') : null);
  return { status, attempts, lastAttemptAt: at, lastDisposition: d, nextDueAt, lastError };
}
