import type { Role } from '../../engine/store/index.js';

/**
 * THE permission matrix: every protected route names one permission, and only this table says which roles hold
 * it. Scopes (own / team / all) for reads are decided by `callScope` below, also from the role.
 */
export const PERMISSIONS = {
  /** End one's own session. */
  'session.logout': ['agent', 'teamlead', 'supervisor', 'admin'],
  /** Read one's own user (and linked agents) and change one's own password. */
  'account.self': ['agent', 'teamlead', 'supervisor', 'admin'],
  /** Create, list and revoke one's own API keys (admins may revoke anyone's). */
  'apikeys.manage': ['agent', 'teamlead', 'supervisor', 'admin'],
  'users.manage': ['admin'],
  'audit.read': ['admin'],
  /** Place and end manual calls (compatibility endpoints). */
  'calls.place': ['agent', 'teamlead', 'supervisor', 'admin'],
  /** List/detail calls; what is visible depends on the scope. */
  'calls.read': ['agent', 'teamlead', 'supervisor', 'admin'],
  /** Record a call's outcome and notes (scoped like calls.read: agents their own calls). */
  'calls.outcome': ['agent', 'teamlead', 'supervisor', 'admin'],
  'metrics.read': ['agent', 'teamlead', 'supervisor', 'admin'],
  /** Campaigns: team leads read, campaign managers (supervisor, admin) create, change, run and delete. */
  'campaigns.read': ['teamlead', 'supervisor', 'admin'],
  'campaigns.manage': ['supervisor', 'admin'],
  /** Lead lists, exports and import progress (any lead, without a lock). */
  'leads.read': ['teamlead', 'supervisor', 'admin'],
  /** Import, select, delete leads. */
  'leads.manage': ['supervisor', 'admin'],
  /** Open one lead through a contact lock (agents: leads of their own calls), read it, edit it, see its history. */
  'leads.open': ['agent', 'teamlead', 'supervisor', 'admin'],
  'dnc.read': ['teamlead', 'supervisor', 'admin'],
  'dnc.manage': ['supervisor', 'admin'],
  /** Read agents and their live state (scoped: agents their own, team leads their team). */
  'agents.read': ['agent', 'teamlead', 'supervisor', 'admin'],
  /** Create, change and delete agents. */
  'agents.manage': ['supervisor', 'admin'],
  /** An agent phone's PJSIP config and a new SIP password for it (it goes into Asterisk's config, like a trunk's). */
  'agents.phone': ['admin'],
  /** Log in / ready / pause / log out an agent (scoped like agents.read). */
  'agents.control': ['agent', 'teamlead', 'supervisor', 'admin'],
  /** Team metrics (team leads: their own team). */
  'metrics.team': ['teamlead', 'supervisor', 'admin'],
  /** Organisation metrics and the dashboard summary. */
  'metrics.org': ['supervisor', 'admin'],
  /** The wallboard (team leads: their team). */
  'wallboard.read': ['teamlead', 'supervisor', 'admin'],
  /** Recordings: list, metadata, signed audio URLs (scoped like calls.read: agents their own calls, team leads their team's). */
  'recordings.read': ['agent', 'teamlead', 'supervisor', 'admin'],
  /** Pause / resume the recording of a call in progress (agents: their own calls). */
  'recordings.control': ['agent', 'teamlead', 'supervisor', 'admin'],
  /** Delete a recording (the CallLog stays; audited). */
  'recordings.delete': ['supervisor', 'admin'],
  /** Score calls with a scorecard, see scores and averages (team leads: their team). */
  'qa.score': ['teamlead', 'supervisor', 'admin'],
  /** Define scorecards. */
  'qa.manage': ['supervisor', 'admin'],
  /** Carrier trunks: supervisors read them (to write dial strings), admins manage them and read their PJSIP config. */
  'trunks.read': ['supervisor', 'admin'],
  'trunks.manage': ['admin'],
  /** Prometheus scrape of GET /metrics (use an admin's API key). */
  'metrics.scrape': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Which calls a role may see: agents their own, team leads their team's, supervisors and admins all. */
export type Scope = 'own' | 'team' | 'all';
export function callScope(role: Role): Scope {
  if (role === 'agent') return 'own';
  if (role === 'teamlead') return 'team';
  return 'all';
}
