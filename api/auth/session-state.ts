import type { Clock } from '../../engine/clock/index.js';
import type { RefreshTokensRepo, UserRow, UsersRepo } from '../../engine/store/index.js';

/** Something that ended a credential; the live feed disconnects the sockets it names. */
export type Revocation =
  /** Password changed, deactivated or deleted (`endsSessions`), or role/team changed (sockets must re-join). */
  | { kind: 'user'; userId: string; endsSessions: boolean }
  /** One session logged out. */
  | { kind: 'session'; userId: string; sessionId: string }
  | { kind: 'apiKey'; userId: string; apiKeyId: string };

/** How long a looked-up user row or session state is reused before the database is asked again. */
export const SESSION_STATE_TTL_MS = 1000;
const MAX_ENTRIES = 50_000;

/**
 * What every authenticated request needs to know beyond the token's signature: is the user still active and at the
 * token's auth version, is the session still open. Answers are cached for SESSION_STATE_TTL_MS and dropped at once
 * when this process changes them (`forgetUser`, `forgetSession`), so a revocation here takes effect on the next
 * request; a revocation made by another process that shares the database is seen within the TTL.
 */
export class SessionState {
  private readonly users = new Map<string, { row: UserRow | undefined; at: number }>();
  private readonly sessions = new Map<string, { live: boolean; at: number }>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly usersRepo: UsersRepo,
    private readonly refresh: RefreshTokensRepo,
  ) {}

  user(id: string): UserRow | undefined {
    const now = this.clock.now();
    const hit = this.users.get(id);
    if (hit !== undefined && now - hit.at < SESSION_STATE_TTL_MS) return hit.row;
    if (this.users.size >= MAX_ENTRIES) this.users.clear();
    const row = this.usersRepo.get(id);
    this.users.set(id, { row, at: now });
    return row;
  }

  sessionLive(sessionId: string): boolean {
    const now = this.clock.now();
    const hit = this.sessions.get(sessionId);
    if (hit !== undefined && now - hit.at < SESSION_STATE_TTL_MS) return hit.live;
    if (this.sessions.size >= MAX_ENTRIES) this.sessions.clear();
    const live = this.refresh.isLive(sessionId, now);
    this.sessions.set(sessionId, { live, at: now });
    return live;
  }

  forgetUser(id: string): void {
    this.users.delete(id);
  }

  forgetSession(sessionId: string): void {
    this.sessions.delete(sessionId);
  }
}
