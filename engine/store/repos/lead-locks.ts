import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { leadLocks, type LeadLockRow } from '../schema/lead-locks.js';

export type LockResult = { ok: true; lock: LeadLockRow } | { ok: false; heldBy: LeadLockRow };

/**
 * Contact locks. Acquiring is one IMMEDIATE transaction (read, then insert or take over an expired row), so two
 * API processes on the same file cannot both win. Time is the caller's clock value.
 */
export class LeadLockRepo {
  constructor(private readonly db: Db) {}

  /** Takes (or extends, for the same user) the lock on a lead until `now + ttlMs`. */
  acquire(leadId: string, user: { id: string; username: string }, now: number, ttlMs: number): LockResult {
    return this.db.transaction(
      () => {
        const cur = this.db.select().from(leadLocks).where(eq(leadLocks.leadId, leadId)).get();
        if (cur !== undefined && cur.expiresAt > now && cur.userId !== user.id) return { ok: false as const, heldBy: cur };
        const acquiredAt = cur !== undefined && cur.expiresAt > now ? cur.acquiredAt : now;
        const row = { leadId, userId: user.id, username: user.username, acquiredAt, expiresAt: now + ttlMs };
        const lock = this.db
          .insert(leadLocks)
          .values(row)
          .onConflictDoUpdate({ target: leadLocks.leadId, set: { userId: row.userId, username: row.username, acquiredAt, expiresAt: row.expiresAt } })
          .returning()
          .all()[0]!;
        return { ok: true as const, lock };
      },
      { behavior: 'immediate' },
    );
  }

  /** The live lock on a lead, if any. */
  current(leadId: string, now: number): LeadLockRow | undefined {
    return this.db
      .select()
      .from(leadLocks)
      .where(and(eq(leadLocks.leadId, leadId), sql`${leadLocks.expiresAt} > ${now}`))
      .get();
  }

  /** Releases the lock (only the holder's unless `force`). True when a row was removed. */
  release(leadId: string, userId: string, opts: { force?: boolean } = {}): boolean {
    const cond = opts.force === true ? eq(leadLocks.leadId, leadId) : and(eq(leadLocks.leadId, leadId), eq(leadLocks.userId, userId));
    return this.db.delete(leadLocks).where(cond).run().changes > 0;
  }

  /** Drops expired rows (housekeeping; expired rows are already treated as free). */
  purgeExpired(now: number): number {
    return this.db.delete(leadLocks).where(sql`${leadLocks.expiresAt} <= ${now}`).run().changes;
  }
}
