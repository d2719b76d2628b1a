import { pgTable, text, integer, bigint, boolean, uniqueIndex } from 'drizzle-orm/pg-core';
import { ROLES } from '../schema/users.js';

/** People who log in to the API and the web app. Passwords are stored as scrypt hashes only. */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull(),
    /** `scrypt$N$r$p$salt$hash` (base64url parts), see api/auth/passwords.ts. */
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    /** Team a team lead leads / an agent belongs to (matches agents.team). */
    team: text('team'),
    active: boolean('active').notNull().default(true),
    /** Set for the generated first admin: every route but "who am I" and the password change answers 403 until it is changed. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    /**
     * Bumped when the user's credentials change (password, deactivation): access tokens carry the version they were
     * issued under and are refused once it moved on, so a password change ends every session at once.
     */
    authVersion: integer('auth_version').notNull().default(0),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('users_username_uq').on(t.username)],
);
