import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db.js';
import { sortableId } from '../ids.js';
import { refreshTokens, type RefreshTokenRow } from '../schema/refresh-tokens.js';
import { randomSecret, sha256 } from '../secrets.js';

export type RotateResult =
  | { ok: true; userId: string; token: string }
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
      .get();
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
      return { ok: true, userId: row.userId, token: next.token } as const;
    });
  }

  /** Logout: revokes the token's family. Returns the owner when the token was known. */
  revoke(token: string, at: number): string | undefined {
    const row = this.find(token);
    if (row === undefined) return undefined;
    this.revokeFamily(row.family, at);
    return row.userId;
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
