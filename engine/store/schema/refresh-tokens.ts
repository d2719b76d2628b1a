import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Refresh tokens (stored as sha256). Each refresh rotates: the used token is revoked and points at its successor;
 * presenting a revoked token again revokes the whole family (a stolen token replayed after the owner refreshed).
 */
export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    family: text('family').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    replacedBy: text('replaced_by'),
  },
  (t) => [uniqueIndex('refresh_tokens_hash_uq').on(t.tokenHash), index('refresh_tokens_family_idx').on(t.family)],
);

export type RefreshTokenRow = typeof refreshTokens.$inferSelect;
