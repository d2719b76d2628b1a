import { callScope, type Principal } from '../auth/index.js';
import type { AgentDirectory } from '../../engine/store/index.js';

/**
 * Where a team's users are read (`users.team`): the API's `AgentDirectory` (the database the call history's nodes
 * share, #18) or the users the API authenticates (`AuthStore`), both async.
 */
export type TeamSource = Pick<AgentDirectory, 'teamUserIds'>;

/**
 * The user ids whose calls a caller may see: `undefined` means everyone (supervisor, admin). Agents see their own;
 * team leads their team's (users with the same team in `teams`) and their own.
 */
export async function visibleUserIds(p: Principal, users: TeamSource): Promise<string[] | undefined> {
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
