import { promised, type Promised } from './promised.js';
import { ApiKeysRepo } from './repos/api-keys.js';
import { AuditLog } from './repos/audit-log.js';
import type { LoginThrottleRepo } from './repos/login-throttle.js';
import { RefreshTokensRepo } from './repos/refresh-tokens.js';
import { UsersRepo } from './repos/users.js';
import type { Store } from './store.js';

/**
 * What the API's authentication reads and writes in the store (#18) — users, refresh tokens, API keys, failed-login
 * counters, the audit trail — as one asynchronous shape over both dialects, the sibling of `NodeStore`: the
 * SQLite repositories answer synchronously (awaiting them is free), the PostgreSQL ones (pg/users.ts …) with
 * Promises. Each port is the SQLite repository's methods, promised, so the two cannot drift apart in shape; the
 * dialect-parametrised tests (test/integration/store-dialect-auth-*.test.ts) keep them one in behaviour.
 * Passwords arrive hashed (api/auth/passwords.ts); tokens and keys are stored as sha256 only.
 */
const USER_METHODS = ['create', 'get', 'byUsername', 'list', 'count', 'update', 'bumpAuthVersion', 'delete', 'teamUserIds'] as const;
const REFRESH_METHODS = ['issue', 'rotate', 'revoke', 'ownerOf', 'isLive', 'revokeUser'] as const;
const API_KEY_METHODS = ['create', 'authenticate', 'principal', 'get', 'listForUser', 'revoke'] as const;
const THROTTLE_METHODS = ['get', 'fail', 'clear', 'forgetBefore'] as const;
const AUDIT_METHODS = ['record', 'list'] as const;

export type AuthUsers = Promised<UsersRepo, (typeof USER_METHODS)[number]>;
export type AuthRefreshTokens = Promised<RefreshTokensRepo, (typeof REFRESH_METHODS)[number]> & { readonly ttlMs: number };
export type AuthApiKeys = Promised<ApiKeysRepo, (typeof API_KEY_METHODS)[number]>;
export type AuthLoginThrottle = Promised<LoginThrottleRepo, (typeof THROTTLE_METHODS)[number]>;
export type AuthAudit = Promised<AuditLog, (typeof AUDIT_METHODS)[number]>;

export interface AuthStore {
  readonly dialect: 'sqlite' | 'postgres';
  readonly users: AuthUsers;
  readonly refreshTokens: AuthRefreshTokens;
  readonly apiKeys: AuthApiKeys;
  readonly loginThrottle: AuthLoginThrottle;
  readonly audit: AuthAudit;
}

export interface AuthStoreOptions {
  /** A refresh token's life (api/auth REFRESH_TTL_MS). */
  refreshTtlMs: number;
}

/** The auth port over the SQLite store (the API's repositories, on the store's connection). */
export function sqliteAuthStore(store: Store, o: AuthStoreOptions): AuthStore {
  const refresh = new RefreshTokensRepo(store.db, o.refreshTtlMs);
  return {
    dialect: 'sqlite',
    users: promised(new UsersRepo(store.db), USER_METHODS),
    refreshTokens: { ...promised(refresh, REFRESH_METHODS), ttlMs: refresh.ttlMs },
    apiKeys: promised(new ApiKeysRepo(store.db), API_KEY_METHODS),
    loginThrottle: promised(store.loginThrottle, THROTTLE_METHODS),
    audit: promised(new AuditLog(store.db), AUDIT_METHODS),
  };
}
