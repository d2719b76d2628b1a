import type { Context } from 'hono';
import type { AuditEntry } from '../../engine/store/index.js';
import type { AuthService } from '../auth/index.js';
import { clientIp, type ApiEnv } from '../http/index.js';

/** An audit entry for a change made by the authenticated caller of this request. */
export function auditFrom(
  c: Context<ApiEnv>,
  auth: AuthService,
  action: string,
  targetType: string,
  targetId: string,
  details?: Record<string, unknown>,
): AuditEntry {
  const p = c.get('principal');
  return {
    at: auth.now(),
    actorId: p.userId,
    actorKind: p.apiKeyId === null ? 'user' : 'api_key',
    apiKeyId: p.apiKeyId,
    action,
    targetType,
    targetId,
    ip: clientIp(c),
    ...(details === undefined ? {} : { details }),
  };
}
