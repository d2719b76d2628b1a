import { bigint, pgTable, text } from 'drizzle-orm/pg-core';

/** Carrier trunks (the twin of ../schema/trunks.ts, which says what each column holds). */
export const trunks = pgTable('trunks', {
  name: text('name').primaryKey(),
  host: text('host').notNull(),
  username: text('username'),
  password: text('password'),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});
