import type { Store, LeadCatalog, LeadRow, LeadLockRow } from '../../engine/store/index.js';
import type { Principal } from '../auth/index.js';
import { ApiError } from '../http/index.js';
import { isLeadOfLiveCall } from '../calls/index.js';
import type { EngineControl } from '../../engine/control/index.js';

/**
 * Who may do what with one lead:
 * - supervisors and admins (campaign managers): read, lock and edit any lead (an edit still respects another
 *   user's live lock);
 * - team leads: read any lead; lock and edit only leads of their own calls;
 * - agents: lock only leads of their own calls, and read/edit a lead only while holding its lock.
 */
export const isManager = (p: Principal): boolean => p.role === 'supervisor' || p.role === 'admin';
export const readsAllLeads = (p: Principal): boolean => p.role !== 'agent';

/**
 * The lead was dialled to this user: a CallLog of the leads' database names the user or one of the user's agent
 * records, or this API's engine has just given one of those agents a call to this lead (reserved or talking,
 * before the CallLog names them; the engine's calls are the SQLite store's).
 */
export async function isFromOwnCall(leads: LeadCatalog, store: Store, p: Principal, leadId: string, control?: Pick<EngineControl, 'agents'>): Promise<boolean> {
  return (await leads.calledBy(leadId, p.userId)) || isLeadOfLiveCall(p, store, control, leadId);
}

export async function mustGetLead(leads: LeadCatalog, id: string): Promise<LeadRow> {
  const l = await leads.get(id);
  if (l === undefined) throw new ApiError(404, 'not_found', `No lead ${id}`);
  return l;
}

/** Readers who need a lock (agents) must hold it now. Returns the live lock, if any. */
export async function assertMayRead(leads: LeadCatalog, p: Principal, leadId: string, now: number): Promise<LeadLockRow | undefined> {
  const lock = await leads.locks.current(leadId, now);
  if (readsAllLeads(p)) return lock;
  if (lock === undefined || lock.userId !== p.userId) {
    throw new ApiError(403, 'forbidden', `Open lead ${leadId} first (POST /api/leads/${leadId}/lock); agents reach leads of their own calls only`);
  }
  return lock;
}

/** The body of a 409 answer when another user holds the lock. */
export function lockedBody(leadId: string, lock: LeadLockRow) {
  return {
    error: {
      code: 'locked',
      message: `Lead ${leadId} is being edited by ${lock.username} until ${new Date(lock.expiresAt).toISOString()}`,
      lock: { userId: lock.userId, username: lock.username, acquiredAt: lock.acquiredAt, expiresAt: lock.expiresAt },
    },
  };
}
