export { ACCESS_TTL_SECONDS, AuthService } from './service.js';
export type { Principal } from './service.js';
export { callScope } from './permissions.js';
export type { Permission } from './permissions.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { ensureAdmin } from './bootstrap.js';
export type { LoginGuardOptions } from './login-guard.js';
export { can } from './permissions.js';
