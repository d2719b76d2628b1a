import { listCalls, type CallListFilter, type CallPage } from './repos/call-list.js';
import type { CallLogRow } from './schema/call-logs.js';
import type { DncRow } from './schema/dnc.js';
import type { Store } from './store.js';

/** One call as its detail page shows it: the CallLog (its stamps are the timeline) and its campaign's name. */
export type CallDetail = CallLogRow & {
  /** null when the call has no campaign or the campaign is gone. */
  campaignName: string | null;
};

/**
 * The API's call history (#18): what GET /api/calls, /api/calls/{id} and the compatibility log read, as one async
 * shape over both dialects, the sibling of `NodeStore` and `AuthStore`. An API over PostgreSQL reads the CallLogs
 * the engine nodes wrote there, and writes there the agent's disposition of a call (outcome, notes, and the number
 * on the internal do-not-call list for do_not_call), who hung up from the console, and the do-not-call lists the
 * DNC routes manage (the same table the nodes' hopper checks). Visibility (which users' calls a caller sees) is decided by the API and arrives as `filter.userIds`.
 * Both list newest first, ties by id in byte order, with the same filters (one builder: `callFilterConditions`).
 */
export interface CallHistory {
  readonly dialect: 'sqlite' | 'postgres';
  /** A page of matching calls and how many match in all. */
  list(filter: CallListFilter, page: CallPage): Promise<{ items: CallLogRow[]; total: number }>;
  detail(id: string): Promise<CallDetail | undefined>;
  /** The agent's disposition (notes already trimmed, '' as null by the route); false when there is no such call. */
  setOutcome(id: string, outcome: string, notes: string | null): Promise<boolean>;
  /**
   * Who hung up, as the console records it ('agent'), or null to take that back when the engine refused the hang-up
   * (the call was not live on this API's engine); false when there is no such call.
   */
  setHangupBy(id: string, side: 'agent' | null): Promise<boolean>;
  /** The do-not-call lists of the same database: what a disposition needs and what the DNC routes manage. */
  readonly dnc: DncLists;
}

/** What the outcome route does with the DNC lists of the same database as the call. */
export interface DispositionDnc {
  /** On the internal list or the campaign's own (the check the hopper makes before dialling). */
  isBlocked(phoneE164: string, campaignId: string): Promise<boolean>;
  /**
   * Adds the number to a list (campaignId null: the internal one; already there: nothing changes) and, in the same
   * transaction, retires the leads still to dial with that number (status dnc), as `DncRepo.add` does on SQLite.
   * Answers how many leads it retired (of that campaign, or of every campaign for the internal list).
   */
  add(phoneE164: string, campaignId: string | null, at: number, reason?: string): Promise<number>;
}

/** The DNC lists as the DNC routes (GET/POST/DELETE /api/dnc, POST /api/dnc/import) manage them. */
export interface DncLists extends DispositionDnc {
  /** The entry of this exact list (campaignId null: the internal one), if the number is on it. */
  get(phoneE164: string, campaignId: string | null): Promise<DncRow | undefined>;
  /** A page of one list, oldest first (ties by number in byte order); `phoneLike` keeps numbers containing it. */
  page(campaignId: string | null, q: { phoneLike?: string | undefined; limit: number; offset: number }): Promise<{ items: DncRow[]; total: number }>;
  /** Off one list; false when it was not on it. Leads already retired as dnc stay so. */
  remove(phoneE164: string, campaignId: string | null): Promise<boolean>;
  /**
   * Adds the numbers (distinct) that are not on the list yet, in one transaction, retiring the leads still to dial
   * with each added number; a number already listed is counted and left as it is (its leads too).
   */
  addMany(phones: readonly string[], campaignId: string | null, at: number, reason?: string): Promise<{ added: number; alreadyListed: number }>;
}

/** Over the SQLite store: the listing the API always used (`listCalls`, with its dense-team path). */
export function sqliteCallHistory(store: Pick<Store, 'db' | 'callLogs' | 'campaigns' | 'dnc' | 'transaction'>): CallHistory {
  return {
    dialect: 'sqlite',
    list: async (filter, page) => listCalls(store.db, { ...filter, ...page }),
    detail: async (id) => {
      const row = store.callLogs.get(id);
      if (row === undefined) return undefined;
      return { ...row, campaignName: row.campaignId === null ? null : (store.campaigns.get(row.campaignId)?.name ?? null) };
    },
    setOutcome: async (id, outcome, notes) => store.callLogs.setOutcome(id, outcome, notes),
    setHangupBy: async (id, side) => store.callLogs.setHangupBy(id, side),
    dnc: {
      isBlocked: async (phone, campaignId) => store.dnc.isBlocked(phone, campaignId),
      add: async (phone, campaignId, at, reason) => store.dnc.add(phone, campaignId, at, reason),
      get: async (phone, campaignId) => store.dnc.get(phone, campaignId),
      page: async (campaignId, q) => store.dnc.page(campaignId, q),
      remove: async (phone, campaignId) => store.dnc.remove(phone, campaignId),
      addMany: async (phones, campaignId, at, reason) =>
        store.transaction(() => {
          const distinct = new Set(phones);
          let added = 0;
          for (const phone of distinct) {
            if (store.dnc.get(phone, campaignId) !== undefined) continue;
            store.dnc.add(phone, campaignId, at, reason);
            added++;
          }
          return { added, alreadyListed: distinct.size - added };
        }),
    },
  };
}
