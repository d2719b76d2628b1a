import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { ApiKeyPrincipal } from '../repos/api-keys.js';
import type { ApiKeyRow } from '../schema/api-keys.js';
import { apiKeys } from '../schema-pg/api-keys.js';
import { users } from '../schema-pg/users.js';
import { sortableId } from '../ids.js';
import { randomSecret, sha256 } from '../secrets.js';
import type { PgPool } from './connect.js';
import { pgDb, type PgDb } from './drizzle.js';

/**
 * API keys on PostgreSQL (#18), stored as sha256 only, the behaviour of the SQLite `ApiKeysRepo` (keys are 256
 * random bits: a fast hash and an index lookup are enough). A revoked key is refused by the next lookup on any
 * process: nothing is cached here.
 */
export class PgApiKeys {
  private readonly db: PgDb;
  constructor(pool: PgPool) {
    this.db = pgDb(pool);
  }

  /** Returns the row and the plain key: the only moment the key exists outside its owner's hands. */
  async create(userId: string, name: string, at: number): Promise<{ row: ApiKeyRow; key: string }> {
    const key = randomSecret('ck_');
    const rows = await this.db
      .insert(apiKeys)
      .values({ id: sortableId(at), userId, name, prefix: key.slice(0, 10), keyHash: sha256(key), createdAt: at })
      .returning();
    return { row: rows[0]!, key };
  }

  /**
   * The live (not revoked) key row for a presented key, as it was before this use, stamping its last use — at most
   * once a minute, so a busy integration does not turn every read into a write.
   */
  async authenticate(key: string, at: number): Promise<ApiKeyRow | undefined> {
    const row = (await this.db.select().from(apiKeys).where(and(eq(apiKeys.keyHash, sha256(key)), isNull(apiKeys.revokedAt))))[0];
    if (row !== undefined && (row.lastUsedAt === null || at - row.lastUsedAt >= 60_000)) await this.db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, row.id));
    return row;
  }

  /**
   * Who a presented key speaks for: null when the key is unknown, revoked, or its user is deactivated. Read-only
   * (the cluster board re-checks its sockets' keys every few seconds; `last_used_at` is `authenticate`'s to keep).
   */
  async principal(key: string): Promise<ApiKeyPrincipal | null> {
    const rows = await this.db
      .select({ apiKeyId: apiKeys.id, userId: apiKeys.userId, username: users.username, role: users.role, team: users.team })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(and(eq(apiKeys.keyHash, sha256(key)), isNull(apiKeys.revokedAt), eq(users.active, true)));
    return rows[0] ?? null;
  }

  async get(id: string): Promise<ApiKeyRow | undefined> {
    return (await this.db.select().from(apiKeys).where(eq(apiKeys.id, id)))[0];
  }

  /** Newest first; keys made in the same millisecond by id, newest first too (byte order, as SQLite). */
  async listForUser(userId: string): Promise<ApiKeyRow[]> {
    return this.db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt), sql`${apiKeys.id} collate "C" desc`);
  }

  async revoke(id: string, at: number): Promise<boolean> {
    return (await this.db.update(apiKeys).set({ revokedAt: at }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id })).length > 0;
  }
}
