import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { RotateResult } from '../repos/refresh-tokens.js';
import type { RefreshTokenRow } from '../schema/refresh-tokens.js';
import { refreshTokens } from '../schema-pg/refresh-tokens.js';
import { sortableId } from '../ids.js';
import { randomSecret, sha256 } from '../secrets.js';
import type { PgPool } from './connect.js';
import { pgDb, type PgDb, type PgDbOrTx } from './drizzle.js';

/**
 * Rotating refresh tokens on PostgreSQL (#18), stored as sha256 only, the behaviour of the SQLite
 * `RefreshTokensRepo`. SQLite runs one statement at a time; here several API processes may present the same token
 * or revoke a user while another rotates, so every change to a user's tokens (rotate, logout, revoke all) holds
 * that user's transaction-scoped advisory lock: a token is rotated once (a second presenter is a reuse and ends the
 * family, as on SQLite), and a revocation never misses the successor a rotation was inserting meanwhile (under
 * READ COMMITTED an UPDATE does not see a row committed after it started).
 */
export class PgRefreshTokens {
  private readonly db: PgDb;
  constructor(
    pool: PgPool,
    readonly ttlMs: number,
  ) {
    this.db = pgDb(pool);
  }

  /** A new token in a new family (a login). */
  async issue(userId: string, at: number, family?: string): Promise<{ token: string; row: RefreshTokenRow }> {
    return this.issueOn(this.db, userId, at, family);
  }

  /**
   * Trades a live token for its successor. A token presented after it was already rotated means two parties hold
   * it; the whole family is revoked so that both must log in again.
   */
  async rotate(token: string, at: number): Promise<RotateResult> {
    return this.db.transaction(async (tx) => {
      const row = await this.lockedFind(tx, token);
      if (row === undefined) return { ok: false, reason: 'unknown' } as const;
      if (row.revokedAt !== null) {
        await this.revokeFamily(tx, row.family, at);
        return { ok: false, reason: 'reused' } as const;
      }
      if (row.expiresAt <= at) return { ok: false, reason: 'expired' } as const;
      const next = await this.issueOn(tx, row.userId, at, row.family);
      await tx.update(refreshTokens).set({ revokedAt: at, replacedBy: next.row.id }).where(eq(refreshTokens.id, row.id));
      return { ok: true, userId: row.userId, token: next.token, family: row.family } as const;
    });
  }

  /** Logout: revokes the token's family. Returns the owner and the family (the session) when the token was known. */
  async revoke(token: string, at: number): Promise<{ userId: string; family: string } | undefined> {
    return this.db.transaction(async (tx) => {
      const row = await this.lockedFind(tx, token);
      if (row === undefined) return undefined;
      await this.revokeFamily(tx, row.family, at);
      return { userId: row.userId, family: row.family };
    });
  }

  /** Who a presented refresh token belongs to (revoked or not), if it is known. */
  async ownerOf(token: string): Promise<string | undefined> {
    return (await this.find(this.db, token))?.userId;
  }

  /** Whether a session (a family) still has a live token: false after logout, reuse detection or expiry. */
  async isLive(family: string, at: number): Promise<boolean> {
    const rows = await this.db
      .select({ id: refreshTokens.id })
      .from(refreshTokens)
      .where(and(eq(refreshTokens.family, family), isNull(refreshTokens.revokedAt), gt(refreshTokens.expiresAt, at)))
      .limit(1);
    return rows.length > 0;
  }

  /** Every session of a user (password change, deactivation). */
  async revokeUser(userId: string, at: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await lockUser(tx, userId);
      await tx.update(refreshTokens).set({ revokedAt: at }).where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
    });
  }

  private async issueOn(db: PgDbOrTx, userId: string, at: number, family?: string): Promise<{ token: string; row: RefreshTokenRow }> {
    const token = randomSecret('rt_');
    const id = sortableId(at);
    const rows = await db
      .insert(refreshTokens)
      .values({ id, userId, family: family ?? id, tokenHash: sha256(token), createdAt: at, expiresAt: at + this.ttlMs })
      .returning();
    return { token, row: rows[0]! };
  }

  private async find(db: PgDbOrTx, token: string): Promise<RefreshTokenRow | undefined> {
    return (await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, sha256(token))))[0];
  }

  /** The token's row read under its owner's lock (a token never changes owner, so the first read names the lock). */
  private async lockedFind(tx: PgDbOrTx, token: string): Promise<RefreshTokenRow | undefined> {
    const first = await this.find(tx, token);
    if (first === undefined) return undefined;
    await lockUser(tx, first.userId);
    return this.find(tx, token);
  }

  private async revokeFamily(tx: PgDbOrTx, family: string, at: number): Promise<void> {
    await tx.update(refreshTokens).set({ revokedAt: at }).where(and(eq(refreshTokens.family, family), isNull(refreshTokens.revokedAt)));
  }
}

/** Serialises changes to one user's refresh tokens until the transaction ends. */
async function lockUser(tx: PgDbOrTx, userId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`refresh_tokens:${userId}`}, 0))`);
}
