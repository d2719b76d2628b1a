import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../db.js';
import { sortableId } from '../ids.js';
import { refreshTokens, type RefreshTokenRow } from '../schema/refresh-tokens.js';
import { randomSecret, sha256 } from '../secrets.js';

export type RotateResult =
  | { ok: true; userId: string; token: string; family: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'reused' };

/** Rotating refresh tokens, stored as sha256 only. */
export class RefreshTokensRepo {
  constructor(
    private readonly db: Db,
    readonly ttlMs: number,
  ) {}

  /** A new token in a new family (a login). */
  issue(userId: string, at: number, family?: string): { token: string; row: RefreshTokenRow } {
    const token = randomSecret('rt_');
    const id = sortableId(at);
    const row = this.db
      .insert(refreshTokens)
      .values({ id, userId, family: family ?? id, tokenHash: sha256(token), createdAt: at, expiresAt: at + this.ttlMs })
      .returning()
      .all()[0]!;
    return { token, row };
  }

  /**
   * Trades a live token for its successor. A token presented after it was already rotated means two parties hold
   * it; the whole family is revoked so that both must log in again.
   */
  rotate(token: string, at: number): RotateResult {
    return this.db.transaction(() => {
      const row = this.find(token);
      if (row === undefined) return { ok: false, reason: 'unknown' } as const;
      if (row.revokedAt !== null) {
        this.revokeFamily(row.family, at);
        return { ok: false, reason: 'reused' } as const;
      }
      if (row.expiresAt <= at) return { ok: false, reason: 'expired' } as const;
      const next = this.issue(row.userId, at, row.family);
      this.db.update(refreshTokens).set({ revokedAt: at, replacedBy: next.row.id }).where(eq(refreshTokens.id, row.id)).run();
      return { ok: true, userId: row.userId, token: next.token, family: row.family } as const;
    });
  }

  /** Logout: revokes the token's family. Returns the owner and the family (the session) when the token was known. */
  revoke(token: string, at: number): { userId: string; family: string } | undefined {
    const row = this.find(token);
    if (row === undefined) return undefined;
    this.revokeFamily(row.family, at);
    return { userId: row.userId, family: row.family };
  }

  /** Who a presented refresh token belongs to (revoked or not), if it is known. */
  ownerOf(token: string): string | undefined {
    return this.find(token)?.userId;
  }

  /** Whether a session (a family) still has a live token: false after logout, reuse detection or expiry. */
  isLive(family: string, at: number): boolean {
    return (
      this.db
        .select({ id: refreshTokens.id })
        .from(refreshTokens)
        .where(and(eq(refreshTokens.family, family), isNull(refreshTokens.revokedAt), gt(refreshTokens.expiresAt, at)))
        .get() !== undefined
    );
  }

  /** Every session of a user (password change, deactivation). */
  revokeUser(userId: string, at: number): void {
    this.db.update(refreshTokens).set({ revokedAt: at }).where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt))).run();
  }

  private find(token: string): RefreshTokenRow | undefined {
    return this.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, sha256(token))).get();
  }

  private revokeFamily(family: string, at: number): void {
    this.db.update(refreshTokens).set({ revokedAt: at }).where(and(eq(refreshTokens.family, family), isNull(refreshTokens.revokedAt))).run();
  }
}
