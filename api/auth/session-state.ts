import type { Clock } from '../../engine/clock/index.js';
import type { AuthRefreshTokens, AuthUsers, UserRow } from '../../engine/store/index.js';

/** Something that ended a credential; the live feed disconnects the sockets it names. */
export type Revocation =
  /** Password changed, deactivated or deleted (`endsSessions`), or role/team changed (sockets must re-join). */
  | { kind: 'user'; userId: string; endsSessions: boolean }
  /** One session logged out. */
  | { kind: 'session'; userId: string; sessionId: string }
  | { kind: 'apiKey'; userId: string; apiKeyId: string };

/** How long a looked-up user row or session state is reused (SQLite store) before the database is asked again. */
export const SESSION_STATE_TTL_MS = 1000;
const MAX_ENTRIES = 50_000;

/**
 * What every authenticated request needs to know beyond the token's signature: is the user still active and at the
 * token's auth version, is the session still open. Answers are cached for `ttlMs` and dropped at once when this
 * process changes them (`forgetUser`, `forgetSession`), so a revocation here takes effect on the next request.
 *
 * On the SQLite store (one API process per database file) the cache lives SESSION_STATE_TTL_MS; a revocation made by
 * another process sharing the file is seen within it. On PostgreSQL several API processes share the database and no
 * process hears another's revocations, so the API builds this with `ttlMs` 0: every request reads the user row and
 * the session from the database (two primary-key reads), and a logout, a revoked key, a deactivation or a role
 * change made on any process is in force on every process at the next request.
 */
export class SessionState {
  private readonly users = new Map<string, { row: UserRow | undefined; at: number }>();
  private readonly sessions = new Map<string, { live: boolean; at: number }>();
  /** Moves on at every forget: an answer read before a revocation in this process is then not cached after it. */
  private generation = 0;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly usersRepo: Pick<AuthUsers, 'get'>,
    private readonly refresh: Pick<AuthRefreshTokens, 'isLive'>,
    private readonly ttlMs: number = SESSION_STATE_TTL_MS,
  ) {}

  async user(id: string): Promise<UserRow | undefined> {
    const now = this.clock.now();
    const hit = this.users.get(id);
    if (hit !== undefined && now - hit.at < this.ttlMs) return hit.row;
    const g = this.generation;
    const row = await this.usersRepo.get(id);
    if (this.ttlMs > 0 && g === this.generation) {
      if (this.users.size >= MAX_ENTRIES) this.users.clear();
      this.users.set(id, { row, at: now });
    }
    return row;
  }

  async sessionLive(sessionId: string): Promise<boolean> {
    const now = this.clock.now();
    const hit = this.sessions.get(sessionId);
    if (hit !== undefined && now - hit.at < this.ttlMs) return hit.live;
    const g = this.generation;
    const live = await this.refresh.isLive(sessionId, now);
    if (this.ttlMs > 0 && g === this.generation) {
      if (this.sessions.size >= MAX_ENTRIES) this.sessions.clear();
      this.sessions.set(sessionId, { live, at: now });
    }
    return live;
  }

  forgetUser(id: string): void {
    this.generation++;
    this.users.delete(id);
  }

  /** A session ended that this process cannot name (refresh-token reuse): every cached session state is dropped. */
  forgetSessions(): void {
    this.generation++;
    this.sessions.clear();
  }

  forgetSession(sessionId: string): void {
    this.generation++;
    this.sessions.delete(sessionId);
  }
}
