import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db.js';
import { dnc, INTERNAL_DNC, type DncRow } from '../schema/dnc.js';
import type { LeadRepo } from './leads.js';

/** Do-not-call lists: internal (campaignId null) and per campaign. Adding a number also retires matching leads. */
export class DncRepo {
  constructor(
    private readonly db: Db,
    private readonly leads: LeadRepo,
  ) {}

  add(phoneE164: string, campaignId: string | null, at: number, reason?: string): void {
    this.db.transaction(() => {
      this.db
        .insert(dnc)
        .values({ phoneE164, campaignId: campaignId ?? INTERNAL_DNC, reason: reason ?? null, createdAt: at })
        .onConflictDoNothing()
        .run();
      // A completed lead stays completed; anything still to dial becomes dnc.
      this.leads.markDnc(phoneE164, campaignId, at);
    });
  }

  remove(phoneE164: string, campaignId: string | null): boolean {
    return (
      this.db
        .delete(dnc)
        .where(and(eq(dnc.phoneE164, phoneE164), eq(dnc.campaignId, campaignId ?? INTERNAL_DNC)))
        .run().changes > 0
    );
  }

  /** On the internal list or the campaign's own. */
  isBlocked(phoneE164: string, campaignId: string): boolean {
    return (
      this.db
        .select({ p: dnc.phoneE164 })
        .from(dnc)
        .where(and(eq(dnc.phoneE164, phoneE164), inArray(dnc.campaignId, [INTERNAL_DNC, campaignId])))
        .get() !== undefined
    );
  }

  list(campaignId: string | null): DncRow[] {
    return this.db
      .select()
      .from(dnc)
      .where(eq(dnc.campaignId, campaignId ?? INTERNAL_DNC))
      .all();
  }
}
