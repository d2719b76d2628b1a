import type { Role } from '../../engine/store/schema/users.js';

/**
 * THE permission matrix: every protected route names one permission, and only this table says which roles hold
 * it. Scopes (own / team / all) for reads are decided by `callScope` below, also from the role.
 */
export const PERMISSIONS = {
  /** End one's own session. */
  'session.logout': ['agent', 'teamlead', 'supervisor', 'admin'],
  /** Create, list and revoke one's own API keys (admins may revoke anyone's). */
  'apikeys.manage': ['agent', 'teamlead', 'supervisor', 'admin'],
  'users.manage': ['admin'],
  'audit.read': ['admin'],
  /** Place and end manual calls (compatibility endpoints). */
  'calls.place': ['agent', 'teamlead', 'supervisor', 'admin'],
  /** List/detail calls; what is visible depends on the scope. */
  'calls.read': ['agent', 'teamlead', 'supervisor', 'admin'],
  'metrics.read': ['agent', 'teamlead', 'supervisor', 'admin'],
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
