import { asc, count, eq, sql } from 'drizzle-orm';
import type { CreateUserInput, UpdateUserInput } from '../repos/users.js';
import type { UserRow } from '../schema/users.js';
import { users } from '../schema-pg/users.js';
import { sortableId } from '../ids.js';
import type { PgPool } from './connect.js';
import { pgDb, type PgDb } from './drizzle.js';

/**
 * The users table on PostgreSQL (#18), the behaviour of the SQLite `UsersRepo`: only password hashes are stored
 * (the caller hashes). Text is ordered in byte order (`collate "C"`), as SQLite does, whatever the database's
 * collation: 'Zoe' lists before 'adam' on both.
 */
export class PgUsers {
  private readonly db: PgDb;
  constructor(pool: PgPool) {
    this.db = pgDb(pool);
  }

  async create(i: CreateUserInput): Promise<UserRow> {
    const rows = await this.db
      .insert(users)
      .values({ id: sortableId(i.at), username: i.username, passwordHash: i.passwordHash, role: i.role, team: i.team ?? null, mustChangePassword: i.mustChangePassword ?? false, createdAt: i.at, updatedAt: i.at })
      .returning();
    return rows[0]!;
  }

  async get(id: string): Promise<UserRow | undefined> {
    return (await this.db.select().from(users).where(eq(users.id, id)))[0];
  }

  async byUsername(username: string): Promise<UserRow | undefined> {
    return (await this.db.select().from(users).where(eq(users.username, username)))[0];
  }

  async list(): Promise<UserRow[]> {
    return this.db.select().from(users).orderBy(sql`${users.username} collate "C"`);
  }

  async count(): Promise<number> {
    return (await this.db.select({ n: count() }).from(users))[0]?.n ?? 0;
  }

  async update(id: string, u: UpdateUserInput): Promise<UserRow | undefined> {
    const { at, ...patch } = u;
    return (await this.db.update(users).set({ ...patch, updatedAt: at }).where(eq(users.id, id)).returning())[0];
  }

  /** Moves the user's auth version on: every access token issued before stops working. */
  async bumpAuthVersion(id: string, at: number): Promise<void> {
    await this.db.update(users).set({ authVersion: sql`${users.authVersion} + 1`, updatedAt: at }).where(eq(users.id, id));
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.delete(users).where(eq(users.id, id)).returning({ id: users.id })).length > 0;
  }

  /** User ids of a team, by id (ids are base32 and hex: the same order in every collation). */
  async teamUserIds(team: string): Promise<string[]> {
    return (await this.db.select({ id: users.id }).from(users).where(eq(users.team, team)).orderBy(asc(users.id))).map((r) => r.id);
  }
}
