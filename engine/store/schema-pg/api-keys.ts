import { pgTable, text, bigint, index, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * API keys for scripts and CRMs. Only the sha256 of the key is stored (the key is shown once); a key acts as its
 * owner with the owner's role. `prefix` (the first characters) lets people tell their keys apart in lists.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    lastUsedAt: bigint('last_used_at', { mode: 'number' }),
    revokedAt: bigint('revoked_at', { mode: 'number' }),
  },
  (t) => [uniqueIndex('api_keys_hash_uq').on(t.keyHash), index('api_keys_user_idx').on(t.userId)],
);
