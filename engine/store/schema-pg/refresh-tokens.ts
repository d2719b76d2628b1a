import { pgTable, text, bigint, index, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Refresh tokens (stored as sha256). Each refresh rotates: the used token is revoked and points at its successor;
 * presenting a revoked token again revokes the whole family (a stolen token replayed after the owner refreshed).
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    family: text('family').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
    revokedAt: bigint('revoked_at', { mode: 'number' }),
    replacedBy: text('replaced_by'),
  },
  (t) => [uniqueIndex('refresh_tokens_hash_uq').on(t.tokenHash), index('refresh_tokens_family_idx').on(t.family)],
);
