import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../engine/clock/index.js';
import type { Logger } from '../../engine/log/index.js';
import { type AuthApiKeys, type AuthAudit, type AuthRefreshTokens, type AuthStore, type AuthUsers, type Store, type Role, type UserRow, sqliteAuthStore } from '../../engine/store/index.js';
import { signAccessToken, verifyAccessToken } from './jwt.js';
import { LoginGuard, type LoginGuardOptions } from './login-guard.js';
import { decoyHash, hashPassword, hashPasswordSync, PASSWORD_COST, verifyPassword, type PasswordCost } from './passwords.js';
import { RateLimiter } from './rate-limit.js';
import { SESSION_STATE_TTL_MS, SessionState, type Revocation } from './session-state.js';

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
  /** The session (refresh-token family) of a bearer token; null for API keys. */
  sessionId: string | null;
}

export interface AuthOptions {
  /** The product's store: the default `authStore` is built over it. */
  store: Store;
  /**
   * Where users, sessions, API keys, failed-login counters and the audit trail live (#18): absent → the SQLite
   * store's (`sqliteAuthStore(store)`); `pgAuthStore(pool)` keeps them in PostgreSQL, shared by several API processes.
   */
  authStore?: AuthStore;
  clock: Pick<Clock, 'now'>;
  logger: Logger;
  /** From config JWT_SECRET; absent → random per process. */
  jwtSecret?: string;
  loginGuard?: LoginGuardOptions;
  /** Requests per minute per API key. */
  apiKeyPerMinute?: number;
  /** Tests only (the API test harness, through createApiApp): the scrypt cost of the hashes this service makes; absent → PASSWORD_COST. */
  passwordCost?: Readonly<PasswordCost>;
}

export type LoginResult =
  | { ok: true; user: UserRow; accessToken: string; refreshToken: string; expiresIn: number }
  | { ok: false; reason: 'invalid' | 'rate_limited' | 'throttled'; retryAfterSeconds?: number };

/** Users, sessions and keys behind one object the routes and the middleware share. */
export class AuthService {
  readonly users: AuthUsers;
  readonly apiKeys: AuthApiKeys;
  readonly refresh: AuthRefreshTokens;
  readonly audit: AuthAudit;
  readonly authStore: AuthStore;
  readonly guard: LoginGuard;
  readonly clock: Pick<Clock, 'now'>;
  private readonly keyLimiter: RateLimiter;
  private readonly secret: string;
  private readonly state: SessionState;
  private readonly listeners = new Set<(r: Revocation) => void>();
  private readonly logger: Logger;
  private readonly passwordCost: Readonly<PasswordCost>;

  constructor(o: AuthOptions) {
    this.clock = o.clock;
    this.passwordCost = o.passwordCost ?? PASSWORD_COST;
    const store = o.authStore ?? sqliteAuthStore(o.store, { refreshTtlMs: REFRESH_TTL_MS });
    this.authStore = store;
    this.users = store.users;
    this.apiKeys = store.apiKeys;
    this.refresh = store.refreshTokens;
    this.audit = store.audit;
    this.guard = new LoginGuard(o.clock, store.loginThrottle, o.loginGuard);
    this.keyLimiter = new RateLimiter(o.clock, o.apiKeyPerMinute ?? 600, 60_000);
    // PostgreSQL is shared by several API processes that do not hear each other's revocations: no cache there
    // (session-state.ts), so each is in force everywhere at the next request.
    this.state = new SessionState(o.clock, this.users, this.refresh, store.dialect === 'postgres' ? 0 : SESSION_STATE_TTL_MS);
    this.logger = o.logger;
    if (o.jwtSecret === undefined) {
      o.logger.warn('JWT_SECRET is not set: using a random secret for this process; sessions end when it stops');
    }
    this.secret = o.jwtSecret ?? randomBytes(48).toString('base64url');
  }

  now(): number {
    return this.clock.now();
  }

  /** A new password's stored hash (scrypt at PASSWORD_COST in the product). */
  hashPassword(password: string): Promise<string> {
    return hashPassword(password, this.passwordCost);
  }

  /** Blocking variant for start-up only (the first admin), where nothing else is being served yet. */
  hashPasswordSync(password: string): string {
    return hashPasswordSync(password, this.passwordCost);
  }

  async login(username: string, password: string, ip: string): Promise<LoginResult> {
    const verdict = await this.guard.admit(ip, username);
    if (!verdict.ok) return { ok: false, reason: verdict.reason, retryAfterSeconds: verdict.retryAfterSeconds };
    const user = await this.users.byUsername(username);
    // Unknown users still pay for a scrypt so response time does not reveal which usernames exist.
    const good = await verifyPassword(password, user?.passwordHash ?? (await decoyHash(this.passwordCost)));
    if (user === undefined || !good || !user.active) {
      await this.guard.failed(ip, username);
      return { ok: false, reason: 'invalid' };
    }
    await this.guard.succeeded(ip, username);
    const { token, row } = await this.refresh.issue(user.id, this.now());
    return { ok: true, user, accessToken: this.accessToken(user, row.family), refreshToken: token, expiresIn: ACCESS_TTL_SECONDS };
  }

  /**
   * HMAC-SHA256 (base64url) of `data` under a key derived from the token secret and `purpose`: signed URLs (the
   * recordings' audio, which a browser's <audio> fetches without headers) use it.
   */
  signUrl(purpose: string, data: string): string {
    const key = createHmac('sha256', this.secret).update(`url:${purpose}`).digest();
    return createHmac('sha256', key).update(data).digest('base64url');
  }

  /** An access token for one session (`sessionId` = its refresh-token family), stamped with the user's auth version. */
  accessToken(user: Pick<UserRow, 'id' | 'role' | 'authVersion'>, sessionId: string): string {
    const iat = Math.floor(this.now() / 1000);
    return signAccessToken({ sub: user.id, role: user.role, sid: sessionId, ver: user.authVersion, iat, exp: iat + ACCESS_TTL_SECONDS }, this.secret);
  }

  /** A new session for an existing user without a password (benchmarks, tests, tooling): its access token. */
  async openSession(userId: string): Promise<string> {
    const user = await this.users.get(userId);
    if (user === undefined) throw new Error(`no user ${userId}`);
    return this.accessToken(user, (await this.refresh.issue(user.id, this.now())).row.family);
  }

  /**
   * Bearer token → principal, refused as soon as the user is deactivated, changed their password (auth version
   * moved on) or logged out of the token's session — not when the token expires. Cached on SQLite only (session-state.ts).
   */
  async fromBearer(token: string): Promise<Principal | null> {
    const claims = verifyAccessToken(token, this.secret, this.now());
    if (claims === null) return null;
    const user = await this.state.user(claims.sub);
    if (user === undefined || !user.active || user.authVersion !== claims.ver) return null;
    if (!(await this.state.sessionLive(claims.sid))) return null;
    return { userId: user.id, username: user.username, role: user.role, team: user.team, apiKeyId: null, sessionId: claims.sid, mustChangePassword: user.mustChangePassword };
  }

  async fromApiKey(key: string): Promise<Principal | null> {
    const row = await this.apiKeys.authenticate(key, this.now());
    if (row === undefined) return null;
    const user = await this.state.user(row.userId);
    if (user === undefined || !user.active) return null;
    return { userId: user.id, username: user.username, role: user.role, team: user.team, apiKeyId: row.id, sessionId: null, mustChangePassword: user.mustChangePassword };
  }

  /** Per-key request budget; false when over it. */
  admitApiKey(apiKeyId: string): boolean {
    return this.keyLimiter.hit(apiKeyId);
  }

  // ── revocation: each takes effect on the next request and disconnects the live sockets it concerns ──

  /** Listens to revocations (the live feed); returns the unsubscribe. */
  onRevoked(listener: (r: Revocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private revoked(r: Revocation): void {
    for (const l of this.listeners) {
      try {
        l(r);
      } catch (err) {
        this.logger.warn({ err, revocation: r.kind }, 'revocation listener failed');
      }
    }
  }

  /**
   * Logout of the session a refresh token belongs to — only one of `userId`'s own: another user's token is treated
   * as unknown and left alone. Returns whether a session of theirs ended.
   */
  async logout(refreshToken: string, userId: string): Promise<boolean> {
    if ((await this.refresh.ownerOf(refreshToken)) !== userId) return false;
    const owner = (await this.refresh.revoke(refreshToken, this.now()))!;
    this.state.forgetSession(owner.family);
    this.revoked({ kind: 'session', userId: owner.userId, sessionId: owner.family });
    return true;
  }

  /**
   * Rotates a refresh token. A reused one ends its whole session in the store (RefreshTokensRepo.rotate); the
   * session's access tokens are then refused at the next request here too, not once this process's cache lapses.
   */
  async rotateRefresh(refreshToken: string): Promise<Awaited<ReturnType<AuthRefreshTokens['rotate']>>> {
    const r = await this.refresh.rotate(refreshToken, this.now());
    if (!r.ok && r.reason === 'reused') this.state.forgetSessions();
    return r;
  }

  /** Password changed, deactivated or deleted: every session, token and socket of the user ends now. */
  async endUserSessions(userId: string): Promise<void> {
    const at = this.now();
    await this.users.bumpAuthVersion(userId, at);
    await this.refresh.revokeUser(userId, at);
    this.state.forgetUser(userId);
    this.revoked({ kind: 'user', userId, endsSessions: true });
  }

  /** Role or team changed: requests see it at once; sockets reconnect so they join the rooms of the new role. */
  userChanged(userId: string): void {
    this.state.forgetUser(userId);
    this.revoked({ kind: 'user', userId, endsSessions: false });
  }

  async revokeApiKey(id: string): Promise<boolean> {
    const row = await this.apiKeys.get(id);
    if (row === undefined || !(await this.apiKeys.revoke(id, this.now()))) return false;
    this.revoked({ kind: 'apiKey', userId: row.userId, apiKeyId: id });
    return true;
  }
}
