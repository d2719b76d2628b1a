import type { Principal } from '../auth/service.js';

/** Hono context variables set by the auth middleware. */
export interface ApiEnv {
  Variables: { principal: Principal };
}
