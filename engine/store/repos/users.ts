import { asc, count, eq, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { sortableId } from '../ids.js';
import { users, type Role, type UserRow } from '../schema/users.js';

/** What the API shows of a user: never the password hash. */
export type PublicUser = Omit<UserRow, 'passwordHash'>;

export function publicUser(u: UserRow): PublicUser {
  const { passwordHash: _omit, ...rest } = u;
  return rest;
}

export interface CreateUserInput {
  username: string;
  passwordHash: string;
  role: Role;
  team?: string | null;
  /** The generated first admin must choose a password before anything else. */
  mustChangePassword?: boolean;
  at: number;
}

export interface UpdateUserInput {
  passwordHash?: string;
  role?: Role;
  team?: string | null;
  active?: boolean;
  mustChangePassword?: boolean;
  at: number;
}

export class UsersRepo {
  constructor(private readonly db: Db) {}

  create(i: CreateUserInput): UserRow {
    return this.db
      .insert(users)
      .values({ id: sortableId(i.at), username: i.username, passwordHash: i.passwordHash, role: i.role, team: i.team ?? null, mustChangePassword: i.mustChangePassword ?? false, createdAt: i.at, updatedAt: i.at })
      .returning()
      .all()[0]!;
  }

  get(id: string): UserRow | undefined {
    return this.db.select().from(users).where(eq(users.id, id)).get();
  }

  byUsername(username: string): UserRow | undefined {
    return this.db.select().from(users).where(eq(users.username, username)).get();
  }

  /** By username, in byte order ('Zoe' before 'adam'). */
  list(): UserRow[] {
    return this.db.select().from(users).orderBy(asc(users.username)).all();
  }

  count(): number {
    return this.db.select({ n: count() }).from(users).get()?.n ?? 0;
  }

  update(id: string, u: UpdateUserInput): UserRow | undefined {
    const { at, ...patch } = u;
    return this.db.update(users).set({ ...patch, updatedAt: at }).where(eq(users.id, id)).returning().all()[0]!;
  }

  /** Moves the user's auth version on: every access token issued before stops working. */
  bumpAuthVersion(id: string, at: number): void {
    this.db.update(users).set({ authVersion: sql`${users.authVersion} + 1`, updatedAt: at }).where(eq(users.id, id)).run();
  }

  delete(id: string): boolean {
    return this.db.delete(users).where(eq(users.id, id)).run().changes > 0;
  }

  /** User ids of a team (team leads see their team's calls), by id. */
  teamUserIds(team: string): string[] {
    return this.db.select({ id: users.id }).from(users).where(eq(users.team, team)).orderBy(asc(users.id)).all().map((r) => r.id);
  }
}
