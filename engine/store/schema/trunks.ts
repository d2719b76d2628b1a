import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Carrier trunks, as the engineer configures them through the API or the web app. The row is what
 * `npm run asterisk:config -- --trunk` takes (engine/deploy `renderTrunk`): `GET /api/trunks/{name}/pjsip` renders
 * the very same PJSIP snippet from it. Campaigns reach a trunk by name in their dial string (`PJSIP/{e164}@name`).
 * The password is kept as Asterisk needs it (plain, it goes into pjsip.conf) and never returned by a read.
 */
export const trunks = sqliteTable('trunks', {
  /** The PJSIP endpoint name (letters, digits, "_" and "-"). */
  name: text('name').primaryKey(),
  /** The carrier's SIP host, with an optional port: sip.example.net or 203.0.113.5:5060. */
  host: text('host').notNull(),
  /** Registration/auth user; null: the carrier authenticates us by IP. */
  username: text('username'),
  password: text('password'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type TrunkRow = typeof trunks.$inferSelect;
