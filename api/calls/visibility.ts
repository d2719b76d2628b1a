import { callScope, type Principal } from '../auth/index.js';
import type { AuthUsers } from '../../engine/store/index.js';

/**
 * The user ids whose calls a caller may see: `undefined` means everyone (supervisor, admin). Agents see their own;
 * team leads their team's (users with the same team) and their own.
 */
export async function visibleUserIds(p: Principal, users: Pick<AuthUsers, 'teamUserIds'>): Promise<string[] | undefined> {
  const scope = callScope(p.role);
  if (scope === 'all') return undefined;
  if (scope === 'own' || p.team === null) return [p.userId];
  return [...new Set([p.userId, ...(await users.teamUserIds(p.team))])];
}

/** Narrows a requested user filter to what the caller may see; null when the request asks for someone hidden. */
export function narrowUsers(visible: string[] | undefined, requested: string | undefined): string[] | undefined | null {
  if (requested === undefined) return visible;
  if (visible === undefined || visible.includes(requested)) return [requested];
  return null;
}
