import { and, asc, eq, inArray, like, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { dnc, INTERNAL_DNC, type DncRow } from '../schema/dnc.js';
import type { LeadRepo } from './leads.js';

/** Do-not-call lists: internal (campaignId null) and per campaign. Adding a number also retires matching leads. */
export class DncRepo {
  constructor(
    private readonly db: Db,
    private readonly leads: LeadRepo,
  ) {}

  /** Answers how many leads it retired (already listed: the leads still to dial are retired all the same). */
  add(phoneE164: string, campaignId: string | null, at: number, reason?: string): number {
    return this.db.transaction(() => {
      this.db
        .insert(dnc)
        .values({ phoneE164, campaignId: campaignId ?? INTERNAL_DNC, reason: reason ?? null, createdAt: at })
        .onConflictDoNothing()
        .run();
      // A completed lead stays completed; anything still to dial becomes dnc.
      return this.leads.markDnc(phoneE164, campaignId, at);
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

  /** The entry of this exact list (campaignId null: the internal one), if the number is on it. */
  get(phoneE164: string, campaignId: string | null): DncRow | undefined {
    return this.db
      .select()
      .from(dnc)
      .where(and(eq(dnc.phoneE164, phoneE164), eq(dnc.campaignId, campaignId ?? INTERNAL_DNC)))
      .get();
  }

  /** A page of one list, oldest first; `phoneLike` keeps numbers containing it. */
  page(campaignId: string | null, q: { phoneLike?: string | undefined; limit: number; offset: number }): { items: DncRow[]; total: number } {
    const where = and(
      eq(dnc.campaignId, campaignId ?? INTERNAL_DNC),
      q.phoneLike === undefined ? undefined : like(dnc.phoneE164, `%${q.phoneLike.replace(/[%_\\]/g, '')}%`),
    );
    const total = this.db.select({ n: sql<number>`count(*)` }).from(dnc).where(where).get()?.n ?? 0;
    const items = this.db.select().from(dnc).where(where).orderBy(asc(dnc.createdAt), asc(dnc.phoneE164)).limit(q.limit).offset(q.offset).all();
    return { items, total };
  }

  list(campaignId: string | null): DncRow[] {
    return this.db
      .select()
      .from(dnc)
      .where(eq(dnc.campaignId, campaignId ?? INTERNAL_DNC))
      .all();
  }
}
