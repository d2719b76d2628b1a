import type { Role } from '../../engine/store/index.js';
import type { Principal } from '../auth/index.js';

/** What the live feed needs from api/auth: the same two resolvers the HTTP middleware uses. */
export interface LiveAuth extends Partial<Pick<import('../auth/index.js').AuthService, 'onRevoked'>> {
  /** As AuthService's (which answers through the async auth store; a test double may answer at once). */
  fromBearer(token: string): Promise<Principal | null> | Principal | null;
  fromApiKey(key: string): Promise<Principal | null> | Principal | null;
}

/**
 * The store lookups the feed needs, behind functions so the feed does not depend on the store's shape (and tests
 * can pass a Map). `agentIdsOfUser` maps a login to the agent(s) it drives (agents.user_id); `teamOfAgent` decides
 * which team lead sees an agent's events.
 */
export interface AgentDirectory {
  agentIdsOfUser(userId: string): string[];
  teamOfAgent(agentId: string): string | null;
}

export interface LiveIdentity {
  userId: string;
  role: Role;
  team: string | null;
  agentIds: string[];
  /** The JWT's session, or the API key, the socket authenticated with: revoking either disconnects it. */
  sessionId?: string | null;
  apiKeyId?: string | null;
}

/** Room names. One place so routing and joining cannot drift apart. */
export const rooms = {
  /** Supervisors and admins without a campaign filter: every event. */
  all: 'all',
  /** Every supervisor/admin socket (filtered or not): agent, engine and metrics events. */
  privileged: 'privileged',
  role: (r: Role) => `role:${r}`,
  team: (t: string) => `team:${t}`,
  campaign: (c: string) => `campaign:${c}`,
  agent: (a: string) => `agent:${a}`,
  user: (u: string) => `user:${u}`,
  session: (s: string) => `session:${s}`,
  apiKey: (k: string) => `apikey:${k}`,
};

export const isPrivileged = (role: Role): boolean => role === 'supervisor' || role === 'admin';

/**
 * When the handshake's access token expires (epoch ms), read from its `exp` claim; null for API keys (they do not
 * expire by time) and for anything that is not a JWT. Only called after `fromBearer` verified the signature.
 */
export function tokenExpiresAt(handshakeAuth: Record<string, unknown>): number | null {
  if (typeof handshakeAuth['apiKey'] === 'string') return null;
  const token = handshakeAuth['token'];
  if (typeof token !== 'string') return null;
  const body = token.split('.')[1];
  if (body === undefined) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

export type HandshakeVerdict = { ok: true; principal: Principal } | { ok: false; code: 'unauthenticated' | 'invalid_credentials'; message: string };

/** `auth.token` (an access JWT) or `auth.apiKey` from the Socket.IO handshake; anything else is refused. */
export async function resolveHandshake(auth: LiveAuth, handshakeAuth: Record<string, unknown>): Promise<HandshakeVerdict> {
  const token = handshakeAuth['token'];
  const apiKey = handshakeAuth['apiKey'];
  if (typeof token !== 'string' && typeof apiKey !== 'string') {
    return { ok: false, code: 'unauthenticated', message: 'Authentication required: pass auth.token (JWT) or auth.apiKey' };
  }
  const principal = typeof apiKey === 'string' ? await auth.fromApiKey(apiKey) : await auth.fromBearer(token as string);
  if (principal === null) return { ok: false, code: 'invalid_credentials', message: 'Invalid or expired credentials' };
  return { ok: true, principal };
}

/**
 * Rooms a socket joins. Agents only their own agents' rooms; team leads their team's; supervisors/admins either
 * everything or (with `auth.campaigns`) only the call events of those campaigns plus the agent/engine/metrics
 * stream. The per-user room is for messages addressed to one login.
 */
export function roomsFor(id: LiveIdentity, campaigns: string[] | null): string[] {
  const out = [rooms.user(id.userId), rooms.role(id.role)];
  if (id.sessionId) out.push(rooms.session(id.sessionId));
  if (id.apiKeyId) out.push(rooms.apiKey(id.apiKeyId));
  if (isPrivileged(id.role)) {
    out.push(rooms.privileged);
    if (campaigns === null) out.push(rooms.all);
    else for (const c of campaigns) out.push(rooms.campaign(c));
  } else if (id.role === 'teamlead') {
    if (id.team !== null) out.push(rooms.team(id.team));
  } else {
    for (const a of id.agentIds) out.push(rooms.agent(a));
  }
  return out;
}
