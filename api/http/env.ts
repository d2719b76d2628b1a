import type { Principal } from '../auth/index.js';

/** Hono context variables set by the auth middleware. */
export interface ApiEnv {
  Variables: { principal: Principal };
}
