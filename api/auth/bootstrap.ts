import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import type { Logger } from '../../engine/log/index.js';
import { passwordProblem } from './password-policy.js';
import type { AuthService } from './service.js';

export const ADMIN_USERNAME = 'admin';
/** The generated first-admin password's file name, beside the database (DB_PATH's folder). */
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

/** Refuses a weak ADMIN_PASSWORD for the first admin. The value itself is never repeated: it would land in logs. */
function checkAdminPassword(adminPassword?: string): void {
  if (adminPassword === undefined) return;
  const problem = passwordProblem(adminPassword, { username: ADMIN_USERNAME });
  if (problem !== null) throw new Error(`ADMIN_PASSWORD ${problem}; choose another (or leave it unset for a random one, written to a file only you can read)`);
}

/** The first admin's generated password, and the file that holds it for the person who started the product. */
export interface GeneratedAdmin {
  password: string;
  /** Where it was written (mode 0600), or null when the caller keeps it (tests, embedded use with no data folder). */
  file: string | null;
}

/**
 * Writes the generated password where only this user can read it. The mode is set again after writing because
 * `mode` applies only when the file is created: one left from an earlier start keeps its own mode otherwise.
 */
function writePasswordFile(file: string, password: string): void {
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Deletes the generated password's file (after the first admin chose their own); absent already is fine. */
export function removePasswordFile(file: string): void {
  rmSync(file, { force: true });
}

/**
 * The first admin's insert, or null when it failed because another process (an API beside this one on the same
 * PostgreSQL, started at the same moment) created `admin` in between: both saw no user, one insert wins. Any other
 * failure is thrown.
 */
async function createOrLose<T>(auth: AuthService, create: () => Promise<T>): Promise<T | null> {
  try {
    return await create();
  } catch (err) {
    if ((await auth.users.byUsername(ADMIN_USERNAME)) !== undefined) return null;
    throw err;
  }
}

function lost(logger: Logger): undefined {
  logger.info({ username: ADMIN_USERNAME }, 'first start: another process created the admin user at the same moment; nothing created here');
  return undefined;
}

/**
 * First start: with no users at all, creates `admin` with ADMIN_PASSWORD or a random password (no working default
 * password ever exists). The random password never goes to a log or the console — logs are shipped, kept and read
 * by others: it is written to `passwordFile` (mode 0600, beside the database) and only the file's path is logged;
 * the first login must replace it, and that change deletes the file (api/routes/account.ts). The app holds every
 * request until this has finished (ApiApp.ready), so the admin exists before the first request.
 */
export async function ensureAdmin(auth: AuthService, logger: Logger, adminPassword?: string, passwordFile?: string): Promise<GeneratedAdmin | undefined> {
  if ((await auth.users.count()) > 0) {
    // A file left by an earlier start whose password was since changed (through another API process, say) goes.
    if (passwordFile !== undefined && existsSync(passwordFile) && (await auth.users.byUsername(ADMIN_USERNAME))?.mustChangePassword !== true) removePasswordFile(passwordFile);
    return undefined;
  }
  checkAdminPassword(adminPassword);
  if (adminPassword !== undefined) {
    const at = auth.now();
    const user = await createOrLose(auth, () => auth.users.create({ username: ADMIN_USERNAME, passwordHash: auth.hashPasswordSync(adminPassword), role: 'admin', mustChangePassword: false, at }));
    if (user === null) return lost(logger);
    await auth.audit.record({ at, actorId: null, actorKind: 'system', action: 'user.create', targetType: 'user', targetId: user.id, details: { username: ADMIN_USERNAME, role: 'admin', bootstrap: true } });
    logger.info({ username: ADMIN_USERNAME }, 'first start: created the admin user with ADMIN_PASSWORD');
    return undefined;
  }
  const password = randomBytes(18).toString('base64url');
  // The file first: if it cannot be written, no admin exists whose password nobody could learn (the next start retries).
  if (passwordFile !== undefined) writePasswordFile(passwordFile, password);
  const at = auth.now();
  // A generated password must be replaced at the first login (the API refuses all else until then).
  const user = await createOrLose(auth, () => auth.users.create({ username: ADMIN_USERNAME, passwordHash: auth.hashPasswordSync(password), role: 'admin', mustChangePassword: true, at })).catch((err: unknown) => {
    // No admin holds this password: its file must not suggest one does.
    if (passwordFile !== undefined) removePasswordFile(passwordFile);
    throw err;
  });
  if (user === null) {
    if (passwordFile !== undefined) removePasswordFile(passwordFile);
    return lost(logger);
  }
  await auth.audit.record({ at, actorId: null, actorKind: 'system', action: 'user.create', targetType: 'user', targetId: user.id, details: { username: ADMIN_USERNAME, role: 'admin', bootstrap: true } });
  if (passwordFile !== undefined) {
    logger.warn({ username: ADMIN_USERNAME, file: passwordFile }, 'first start: created the admin user with a random password, written to this file (readable by this user only; deleted when the first login changes it)');
  } else {
    logger.warn({ username: ADMIN_USERNAME }, 'first start: created the admin user with a random password, handed to the caller (not logged)');
  }
  return { password, file: passwordFile ?? null };
}
