import type { MiddlewareHandler } from 'hono';
import { ApiError, type ApiEnv } from './index.js';
import { can, type Permission, type AuthService } from '../auth/index.js';

export interface AuthenticateOptions {
  /** Paths that need no credentials (login, refresh). */
  isPublic?: (method: string, path: string) => boolean;
  /**
   * Also read an API key sent as `Authorization: Bearer ck_…` (Prometheus' scrape config can only send a bearer
   * credential). Off for /api, where a bearer is always an access token.
   */
  bearerApiKeys?: boolean;
}

/**
 * Resolves the caller from `Authorization: Bearer <access token>` or `X-API-Key`, or answers 401 (429 when the
 * key is over its rate). Mounted on every /api path except the public ones, so a route added without thought is
 * closed, not open; /metrics mounts it with `bearerApiKeys`.
 */
export function authenticate(auth: AuthService, opts: AuthenticateOptions = {}): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (opts.isPublic?.(c.req.method, c.req.path)) return next();
    const key = c.req.header('x-api-key');
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const principal =
      key !== undefined
        ? await auth.fromApiKey(key)
        : bearer === undefined
          ? null
          : opts.bearerApiKeys === true && bearer.startsWith('ck_')
            ? await auth.fromApiKey(bearer)
            : await auth.fromBearer(bearer);
    if (principal === null) {
      throw new ApiError(401, 'unauthenticated', key !== undefined || bearer !== undefined ? 'Invalid or expired credentials' : 'Authentication required', undefined, {
        'WWW-Authenticate': 'Bearer',
      });
    }
    if (principal.apiKeyId !== null && !auth.admitApiKey(principal.apiKeyId)) {
      throw new ApiError(429, 'rate_limited', 'Too many requests for this API key', undefined, { 'Retry-After': '60' });
    }
    c.set('principal', principal);
    return next();
  };
}

/** What a user who must still replace a generated password may do: see who they are, change it, log out. */
const OPEN_BEFORE_PASSWORD_CHANGE: ReadonlySet<Permission> = new Set(['account.self', 'session.logout']);

/** Route-level role check against the permission matrix (403 when the role lacks it). */
export function requirePermission(permission: Permission): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const p = c.get('principal') as ApiEnv['Variables']['principal'] | undefined;
    if (p === undefined) throw new ApiError(401, 'unauthenticated', 'Authentication required');
    if (!can(p.role, permission)) throw new ApiError(403, 'forbidden', `Role ${p.role} may not ${permission}`);
    if (p.mustChangePassword === true && !OPEN_BEFORE_PASSWORD_CHANGE.has(permission)) {
      throw new ApiError(403, 'password_change_required', 'Change the generated password first (POST /api/auth/password)');
    }
    return next();
  };
}
