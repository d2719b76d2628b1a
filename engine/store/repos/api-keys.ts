import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db.js';
import { sortableId } from '../ids.js';
import { apiKeys, type ApiKeyRow } from '../schema/api-keys.js';
import { users, type Role } from '../schema/users.js';
import { randomSecret, sha256 } from '../secrets.js';

export type PublicApiKey = Omit<ApiKeyRow, 'keyHash'>;

export function publicApiKey(k: ApiKeyRow): PublicApiKey {
  const { keyHash: _omit, ...rest } = k;
  return rest;
}

/** Who an API key speaks for (the cluster board's check, engine/cluster). */
export interface ApiKeyPrincipal {
  apiKeyId: string;
  userId: string;
  username: string;
  role: Role;
  team: string | null;
}

export class ApiKeysRepo {
  constructor(private readonly db: Db) {}

  /** Returns the row and the plain key: the only moment the key exists outside its owner's hands. */
  create(userId: string, name: string, at: number): { row: ApiKeyRow; key: string } {
    const key = randomSecret('ck_');
    const row = this.db
      .insert(apiKeys)
      .values({ id: sortableId(at), userId, name, prefix: key.slice(0, 10), keyHash: sha256(key), createdAt: at })
      .returning()
      .all()[0]!;
    return { row, key };
  }

  /**
   * The live (not revoked) key row for a presented key, stamping its last use — at most once a minute, so a busy
   * integration does not turn every read into a write.
   */
  authenticate(key: string, at: number): ApiKeyRow | undefined {
    const row = this.db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.keyHash, sha256(key)), isNull(apiKeys.revokedAt)))
      .get();
    if (row !== undefined && (row.lastUsedAt === null || at - row.lastUsedAt >= 60_000)) this.db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, row.id)).run();
    return row;
  }

  /**
   * Who a presented key speaks for: null when the key is unknown, revoked, or its user is deactivated. Read-only
   * (a board re-checks its sockets' keys every few seconds; `last_used_at` is `authenticate`'s to keep).
   */
  principal(key: string): ApiKeyPrincipal | null {
    const row = this.db
      .select({ apiKeyId: apiKeys.id, userId: apiKeys.userId, username: users.username, role: users.role, team: users.team })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(and(eq(apiKeys.keyHash, sha256(key)), isNull(apiKeys.revokedAt), eq(users.active, true)))
      .get();
    return row ?? null;
  }

  get(id: string): ApiKeyRow | undefined {
    return this.db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
  }

  /** Newest first; keys made in the same millisecond by id, newest first too (ids sort by creation). */
  listForUser(userId: string): ApiKeyRow[] {
    return this.db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)).all();
  }

  revoke(id: string, at: number): boolean {
    return this.db.update(apiKeys).set({ revokedAt: at }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).run().changes > 0;
  }
}
