import { randomBytes } from 'node:crypto';
import type { Logger } from '../../engine/log/index.js';
import { passwordProblem } from './password-policy.js';
import type { AuthService } from './service.js';

export const ADMIN_USERNAME = 'admin';

/** Refuses a weak ADMIN_PASSWORD for the first admin. The value itself is never repeated: it would land in logs. */
function checkAdminPassword(adminPassword?: string): void {
  if (adminPassword === undefined) return;
  const problem = passwordProblem(adminPassword, { username: ADMIN_USERNAME });
  if (problem !== null) throw new Error(`ADMIN_PASSWORD ${problem}; choose another (or leave it unset for a random one, printed once)`);
}

/**
 * First start: with no users at all, creates `admin` with ADMIN_PASSWORD or a random password printed once (no
 * working default password ever exists). The app holds every request until this has finished (ApiApp.ready), so the
 * admin exists before the first request. Returns the generated password, if any, for the caller to show.
 */
export async function ensureAdmin(auth: AuthService, logger: Logger, adminPassword?: string): Promise<string | undefined> {
  if ((await auth.users.count()) > 0) return undefined;
  checkAdminPassword(adminPassword);
  const password = adminPassword ?? randomBytes(18).toString('base64url');
  const at = auth.now();
  // A generated password was written to a log: it must be replaced at the first login (the API refuses all else).
  const user = await auth.users.create({ username: ADMIN_USERNAME, passwordHash: auth.hashPasswordSync(password), role: 'admin', mustChangePassword: adminPassword === undefined, at });
  await auth.audit.record({ at, actorId: null, actorKind: 'system', action: 'user.create', targetType: 'user', targetId: user.id, details: { username: ADMIN_USERNAME, role: 'admin', bootstrap: true } });
  if (adminPassword === undefined) {
    // Printed exactly once: it is not stored anywhere in clear and will not be shown again.
    logger.warn({ username: ADMIN_USERNAME, password }, 'first start: created the admin user with this random password (shown once — change it)');
    return password;
  }
  logger.info({ username: ADMIN_USERNAME }, 'first start: created the admin user with ADMIN_PASSWORD');
  return undefined;
}
