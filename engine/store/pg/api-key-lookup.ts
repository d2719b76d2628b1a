import type { ApiKeyPrincipal } from '../repos/api-keys.js';
import type { PgPool } from './connect.js';
import { PgApiKeys } from './api-keys.js';

/** Who an API key speaks for, as the cluster board checks it (engine/cluster). */
export type PgApiKeyPrincipal = ApiKeyPrincipal;

/**
 * An API key looked up on PostgreSQL (#18): `PgApiKeys.principal` (the same scheme as the SQLite
 * `ApiKeysRepo.principal` and api/auth). Null when the key is unknown, revoked, or its user is deactivated.
 * Read-only: a board re-checks its sockets' keys every few seconds, and `last_used_at` is the API's to keep.
 */
export function lookupApiKeyPg(pool: PgPool, key: string): Promise<PgApiKeyPrincipal | null> {
  return new PgApiKeys(pool).principal(key);
}
