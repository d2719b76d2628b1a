import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Roles, least to most powerful. Older tools called supervisor "ProjectManager" and admin "TI". */
export const ROLES = ['agent', 'teamlead', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** People who log in to the API and the web app. Passwords are stored as scrypt hashes only. */
export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull(),
    /** `scrypt$N$r$p$salt$hash` (base64url parts), see api/auth/passwords.ts. */
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    /** Team a team lead leads / an agent belongs to (matches agents.team). */
    team: text('team'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    /** Set for the generated first admin: every route but "who am I" and the password change answers 403 until it is changed. */
    mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
    /**
     * Bumped when the user's credentials change (password, deactivation): access tokens carry the version they were
     * issued under and are refused once it moved on, so a password change ends every session at once.
     */
    authVersion: integer('auth_version').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('users_username_uq').on(t.username)],
);

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;
