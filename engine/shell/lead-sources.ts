/**
 * An in-memory LeadSource: each lead handed out once, outcomes recorded. For the demo, tests, and as the
 * reference behaviour of the store-backed hopper (which persists the same "taken once" rule in the leads
 * table's lease columns). Share one instance between engine instances to model a database across a restart.
 */
import type { Disposition } from '../events/index.js';
import type { Lead, LeadSource } from './ports.js';

export class MemoryLeadSource implements LeadSource {
  private readonly queue: Lead[];
  /** leadId → how many times it was handed out (must stay 1). */
  readonly dialed = new Map<string, number>();
  /** leadId → dispositions reported, in order. */
  readonly outcomes = new Map<string, Disposition[]>();

  constructor(leads: readonly Lead[]) {
    this.queue = [...leads];
  }

  next(): Lead | null {
    const lead = this.queue.shift() ?? null;
    if (lead) this.dialed.set(lead.id, (this.dialed.get(lead.id) ?? 0) + 1);
    return lead;
  }

  complete(leadId: string, disposition: Disposition): void {
    const list = this.outcomes.get(leadId) ?? [];
    list.push(disposition);
    this.outcomes.set(leadId, list);
  }

  get remaining(): number {
    return this.queue.length;
  }
}

/** The store's hopper (engine/store/repos/leads.ts LeadRepo), as much of it as the dial loop needs. */
export interface LeadHopper {
  lease(req: { campaignId: string; owner: string; now: number; limit: number; leaseMs: number }): Array<{ id: string; phoneE164: string }>;
  markCalling(leadId: string, owner: string, at: number): boolean;
  completeAttempt(leadId: string, disposition: Disposition, at: number, opts?: { owner?: string }): unknown;
  releaseLeases(filter: { campaignId?: string; owner?: string; at: number }): number;
}

export interface StoreLeadSourceOptions {
  campaignId: string;
  /** This engine's NODE_ID: the lease owner. */
  owner: string;
  now: () => number;
  /** Leads leased per hopper query. */
  batch?: number;
  /** Lease length; a dead node's leads come back after it. Longer than any call. */
  leaseMs?: number;
}

/**
 * Leads from the store's leads table through its hopper: leased by this node, marked calling when dialled,
 * completed with the attempt's disposition (retry scheduling is the hopper's). A lead whose lease lapsed while
 * it waited in the batch is skipped, never dialled by two nodes.
 */
export function storeLeadSource(hopper: LeadHopper, o: StoreLeadSourceOptions): LeadSource {
  const batch = o.batch ?? 5;
  const leaseMs = o.leaseMs ?? 2 * 3600_000;
  const buffered: Lead[] = [];
  return {
    next() {
      for (;;) {
        if (buffered.length === 0) {
          const rows = hopper.lease({ campaignId: o.campaignId, owner: o.owner, now: o.now(), limit: batch, leaseMs });
          buffered.push(...rows.map((r) => ({ id: r.id, phone: r.phoneE164 })));
          if (buffered.length === 0) return null;
        }
        const lead = buffered[0]!;
        // A failed write (disk full) leaves the lead first in line for the next try, still leased to this node.
        const calling = hopper.markCalling(lead.id, o.owner, o.now());
        buffered.shift();
        if (calling) return lead;
      }
    },
    complete(leadId, disposition, at) {
      hopper.completeAttempt(leadId, disposition, at, { owner: o.owner });
    },
    recover(at) {
      buffered.length = 0;
      hopper.releaseLeases({ campaignId: o.campaignId, owner: o.owner, at });
    },
  };
}

/** A hopper that answers with Promises (engine/store/pg PgLeadHopper): same calls as LeadHopper. */
export interface AsyncLeadHopper {
  lease(req: { campaignId: string; owner: string; now: number; limit: number; leaseMs: number }): Promise<Array<{ id: string; phoneE164: string }>>;
  markCalling(leadId: string, owner: string, at: number): Promise<boolean>;
  completeAttempt(leadId: string, disposition: Disposition, at: number, opts?: { owner?: string }): Promise<unknown>;
  releaseLeases(filter: { campaignId?: string; owner?: string; at: number }): Promise<number>;
}

/**
 * `storeLeadSource` over an asynchronous hopper (several nodes on PostgreSQL): the same lease → mark calling →
 * complete → recover cycle and the same "skip a lead whose lease lapsed" rule. Lease lengths are the caller's:
 * a node renews its leases while it lives (PgLeadHopper.renewLeases), so a short lease only ends for a dead node.
 * One lease query at a time per campaign: the dial loop may ask again before the first answer arrives.
 */
export function asyncStoreLeadSource(hopper: AsyncLeadHopper, o: StoreLeadSourceOptions): LeadSource {
  const batch = o.batch ?? 5;
  const leaseMs = o.leaseMs ?? 2 * 3600_000;
  const buffered: Lead[] = [];
  let leasing: Promise<void> | null = null;
  const refill = (): Promise<void> =>
    (leasing ??= hopper
      .lease({ campaignId: o.campaignId, owner: o.owner, now: o.now(), limit: batch, leaseMs })
      .then((rows) => void buffered.push(...rows.map((r) => ({ id: r.id, phone: r.phoneE164 }))))
      .finally(() => {
        leasing = null;
      }));
  return {
    async next() {
      for (;;) {
        if (buffered.length === 0) {
          await refill();
          if (buffered.length === 0) return null;
        }
        const lead = buffered.shift()!;
        try {
          if (await hopper.markCalling(lead.id, o.owner, o.now())) return lead;
        } catch (err) {
          // A failed write (database gone) leaves the lead first in line for the next try, still leased to this node.
          buffered.unshift(lead);
          throw err;
        }
      }
    },
    complete(leadId, disposition, at) {
      return hopper.completeAttempt(leadId, disposition, at, { owner: o.owner }).then(() => undefined);
    },
    async recover(at) {
      buffered.length = 0;
      await hopper.releaseLeases({ campaignId: o.campaignId, owner: o.owner, at });
    },
  };
}
