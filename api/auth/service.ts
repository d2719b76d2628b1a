import { randomBytes } from 'node:crypto';
import type { Clock } from '../../engine/clock/index.js';
import type { Logger } from '../../engine/log/index.js';
import { type Store, type Role, type UserRow, ApiKeysRepo, AuditLog, RefreshTokensRepo, UsersRepo } from '../../engine/store/index.js';
import { signAccessToken, verifyAccessToken } from './jwt.js';
import { LoginGuard, type LoginGuardOptions } from './login-guard.js';
import { decoyHash, verifyPassword } from './passwords.js';
import { RateLimiter } from './rate-limit.js';

export const ACCESS_TTL_SECONDS = 15 * 60;
export const REFRESH_TTL_MS = 30 * 24 * 3600_000;

/** Who is calling, as resolved by the auth middleware. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  team: string | null;
  /** Set when the request came with X-API-Key. */
  apiKeyId: string | null;
  /** The user still has the generated first password: only the password change is open to them. */
  mustChangePassword?: boolean;
}

export interface AuthOptions {
  store: Store;
  clock: Pick<Clock, 'now'>;
  logger: Logger;
  /** From config JWT_SECRET; absent → random per process. */
  jwtSecret?: string;
  loginGuard?: LoginGuardOptions;
  /** Requests per minute per API key. */
  apiKeyPerMinute?: number;
}

export type LoginResult =
  | { ok: true; user: UserRow; accessToken: string; refreshToken: string; expiresIn: number }
  | { ok: false; reason: 'invalid' | 'rate_limited' | 'locked'; retryAfterSeconds?: number };

/** Users, sessions and keys behind one object the routes and the middleware share. */
export class AuthService {
  readonly users: UsersRepo;
  readonly apiKeys: ApiKeysRepo;
  readonly refresh: RefreshTokensRepo;
  readonly audit: AuditLog;
  readonly guard: LoginGuard;
  readonly clock: Pick<Clock, 'now'>;
  private readonly keyLimiter: RateLimiter;
  private readonly secret: string;

  constructor(o: AuthOptions) {
    this.clock = o.clock;
    this.users = new UsersRepo(o.store.db);
    this.apiKeys = new ApiKeysRepo(o.store.db);
    this.refresh = new RefreshTokensRepo(o.store.db, REFRESH_TTL_MS);
    this.audit = new AuditLog(o.store.db);
    this.guard = new LoginGuard(o.clock, o.loginGuard);
    this.keyLimiter = new RateLimiter(o.clock, o.apiKeyPerMinute ?? 600, 60_000);
    if (o.jwtSecret === undefined) {
      o.logger.warn('JWT_SECRET is not set: using a random secret for this process; sessions end when it stops');
    }
    this.secret = o.jwtSecret ?? randomBytes(48).toString('base64url');
  }

  now(): number {
    return this.clock.now();
  }

  async login(username: string, password: string, ip: string): Promise<LoginResult> {
    const verdict = this.guard.admit(ip, username);
    if (!verdict.ok) return { ok: false, reason: verdict.reason, retryAfterSeconds: verdict.retryAfterSeconds };
    const user = this.users.byUsername(username);
    // Unknown users still pay for a scrypt so response time does not reveal which usernames exist.
    const good = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
    if (user === undefined || !good || !user.active) {
      this.guard.failed(username);
      return { ok: false, reason: 'invalid' };
    }
    this.guard.succeeded(username);
    const { token } = this.refresh.issue(user.id, this.now());
    return { ok: true, user, accessToken: this.accessToken(user), refreshToken: token, expiresIn: ACCESS_TTL_SECONDS };
  }

  accessToken(user: Pick<UserRow, 'id' | 'role'>): string {
    const iat = Math.floor(this.now() / 1000);
    return signAccessToken({ sub: user.id, role: user.role, iat, exp: iat + ACCESS_TTL_SECONDS }, this.secret);
  }

  /**
   * Bearer token → principal. The user row is read on every request so that a deactivated or re-roled user loses
   * access at once rather than when the token expires.
   */
  fromBearer(token: string): Principal | null {
    const claims = verifyAccessToken(token, this.secret, this.now());
    if (claims === null) return null;
    const user = this.users.get(claims.sub);
    if (user === undefined || !user.active) return null;
    return { userId: user.id, username: user.username, role: user.role, team: user.team, apiKeyId: null, mustChangePassword: user.mustChangePassword };
  }

  fromApiKey(key: string): Principal | null {
    const row = this.apiKeys.authenticate(key, this.now());
    if (row === undefined) return null;
    const user = this.users.get(row.userId);
    if (user === undefined || !user.active) return null;
    return { userId: user.id, username: user.username, role: user.role, team: user.team, apiKeyId: row.id, mustChangePassword: user.mustChangePassword };
  }

  /** Per-key request budget; false when over it. */
  admitApiKey(apiKeyId: string): boolean {
    return this.keyLimiter.hit(apiKeyId);
  }
}
