import type { NewLead } from '../leads/index.js';
import type { LeadChange, LeadHistoryEntry } from './repos/lead-history.js';
import type { LeadFilter } from './repos/lead-list.js';
import type { LockResult } from './repos/lead-locks.js';
import type { LeadLockRow } from './schema/lead-locks.js';
import type { LeadRow, LeadStatus } from './schema/leads.js';
import type { Store } from './store.js';
import { isLeadPhoneClash, LeadPhoneTaken } from './lead-errors.js';

export { LeadPhoneTaken };

/** A single lead's creation: the lead as stored (status `dnc` when its number is listed), or the lead that has the number. */
export type LeadCreation = { ok: true; lead: LeadRow } | { ok: false; reason: 'duplicate'; id: string };
/** A deletion's answer: the lead as it was, or why nothing was deleted. */
export type LeadRemoval = { ok: true; lead: LeadRow } | { ok: false; reason: 'not_found' | 'dialling' };
/** Who made an edit (the history's user). */
export type LeadEditor = { id: string; username: string };

/** Contact locks (one row per lead; an expired row is free). */
export interface LeadLocks {
  /** Takes (or extends, for the same user) the lock until `now + ttlMs`; another user's live lock → `heldBy`. */
  acquire(leadId: string, user: LeadEditor, now: number, ttlMs: number): Promise<LockResult>;
  current(leadId: string, now: number): Promise<LeadLockRow | undefined>;
  /** Only the holder's unless `force`; true when a row was removed. */
  release(leadId: string, userId: string, opts?: { force?: boolean }): Promise<boolean>;
}

/**
 * The API's lead routes (#18) — the list, one lead, create/edit/delete of one lead, contact locks and the edit
 * history, selection by filter, the export's rows — as one async shape over both dialects, the sibling of
 * `CampaignCatalog` and `CallHistory`. Both filter with one WHERE builder (`leadFilterConditions`), list in the same
 * order (the sort column as SQLite compares it: text in byte order, NULLs first ascending; ties by id in byte order),
 * refuse to delete a lead being dialled (status `calling` or a live lease) and leave leased leads out of a selection.
 *
 * The bulk import is not here: it stays on the SQLite store (`ImportQueue`, engine/imports), see docs/scale-out.md.
 */
export interface LeadCatalog {
  readonly dialect: 'sqlite' | 'postgres';
  /** A page of leads matching `f` in `page.sort` order (`LEAD_SORTS`, `-` = descending), and how many match in all. */
  search(f: LeadFilter, page: { sort: string; limit: number; offset: number }): Promise<{ items: LeadRow[]; total: number }>;
  get(id: string): Promise<LeadRow | undefined>;
  /** The id of the campaign's lead with this number, if any. */
  idByPhone(campaignId: string, phoneE164: string): Promise<string | undefined>;
  /** One new lead, due at `at` (an import's rules: priority clamped, `dnc` when the number is on a list that applies). */
  create(lead: NewLead, at: number): Promise<LeadCreation>;
  /**
   * Writes the edited fields, one history row per change and — when the new number is on a DNC list that applies —
   * retires the lead, in one transaction. Undefined when there is no such lead; `LeadPhoneTaken` when the new number
   * is another lead's of the campaign (nothing written).
   */
  edit(id: string, set: Partial<LeadRow>, changes: readonly LeadChange[], user: LeadEditor, at: number): Promise<LeadRow | undefined>;
  /** Deletes the lead unless it is being dialled (status `calling`, or leased until after `now`). */
  remove(id: string, now: number): Promise<LeadRemoval>;
  /** Moves the campaign's leads matching `f` from `from` to `to`, leased ones left alone; how many moved. */
  setSelection(f: LeadFilter & { campaignId: string }, from: LeadStatus, to: LeadStatus, at: number): Promise<number>;
  /** The keys found in the custom fields of the campaign's leads, in byte order. */
  customKeys(campaignId: string): Promise<string[]>;
  /** Every lead of the campaign by id (byte order), read in pages (constant memory for large exports). */
  iterate(campaignId: string): AsyncIterable<LeadRow>;
  /** A CallLog of this database for the lead names the user or one of the user's agents. */
  calledBy(leadId: string, userId: string): Promise<boolean>;
  readonly locks: LeadLocks;
  /** The edit history, oldest first. */
  history(leadId: string, page: { limit: number; offset: number }): Promise<{ items: LeadHistoryEntry[]; total: number }>;
}

/** Over the SQLite store: the repositories the routes always called (synchronous; awaiting them is free). */
export function sqliteLeadCatalog(store: Pick<Store, 'leads' | 'leadLocks' | 'leadHistory' | 'dnc' | 'callLogs' | 'transaction'>): LeadCatalog {
  const { leads, leadLocks } = store;
  return {
    dialect: 'sqlite',
    search: async (f, page) => leads.search(f, page),
    get: async (id) => leads.get(id),
    idByPhone: async (campaignId, phone) => leads.idByPhone(campaignId, phone),
    create: async (lead, at) => {
      const inserted = leads.insertMany([lead], at);
      const id = leads.idByPhone(lead.campaignId, lead.phoneE164)!;
      return inserted.size > 0 ? { ok: true, lead: leads.get(id)! } : { ok: false, reason: 'duplicate', id };
    },
    edit: async (id, set, changes, user, at) => {
      try {
        return store.transaction(() => {
          const lead = leads.get(id);
          if (lead === undefined || changes.length === 0) return lead;
          const row = leads.update(id, set, at)!;
          store.leadHistory.record(id, user, changes, at);
          // A new number that is on a DNC list retires the lead like an import would.
          if (set.phoneE164 !== undefined && store.dnc.isBlocked(set.phoneE164, lead.campaignId)) leads.markDnc(set.phoneE164, lead.campaignId, at);
          return leads.get(id) ?? row;
        });
      } catch (err) {
        throw isLeadPhoneClash(err) && set.phoneE164 !== undefined ? new LeadPhoneTaken(set.phoneE164) : err;
      }
    },
    remove: async (id, now) => {
      const lead = leads.get(id);
      if (lead === undefined) return { ok: false, reason: 'not_found' };
      if (isBeingDialled(lead, now)) return { ok: false, reason: 'dialling' };
      leads.delete(id);
      return { ok: true, lead };
    },
    setSelection: async (f, from, to, at) => leads.setSelection(f, from, to, at),
    customKeys: async (campaignId) => leads.customKeys(campaignId),
    iterate: (campaignId) => toAsync(leads.iterate(campaignId)),
    calledBy: async (leadId, userId) => store.callLogs.leadCalledBy(leadId, userId),
    locks: {
      acquire: async (leadId, user, now, ttlMs) => leadLocks.acquire(leadId, user, now, ttlMs),
      current: async (leadId, now) => leadLocks.current(leadId, now),
      release: async (leadId, userId, opts) => leadLocks.release(leadId, userId, opts),
    },
    history: async (leadId, page) => store.leadHistory.list(leadId, page),
  };
}

/** Being dialled: a call is up for it, or a node holds a live lease on it. */
export function isBeingDialled(lead: Pick<LeadRow, 'status' | 'leaseOwner' | 'leaseExpiresAt'>, now: number): boolean {
  return lead.status === 'calling' || (lead.leaseOwner !== null && (lead.leaseExpiresAt ?? 0) > now);
}

async function* toAsync<T>(it: Iterable<T>): AsyncIterable<T> {
  yield* it;
}
