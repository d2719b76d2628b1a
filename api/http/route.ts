import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { requirePermission } from './auth-middleware.js';
import type { Permission } from '../auth/index.js';
import { ErrorSchema } from './errors.js';

/** Either credential works on every protected route. */
const SECURITY: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKeyAuth: [] }];

const err = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

/** Error answers every protected route may give; documented once here. */
export const COMMON_ERRORS = {
  401: err('Missing or invalid credentials'),
  403: err('The caller’s role lacks the permission'),
  422: err('Input failed validation (field and problem named)'),
  429: err('Rate limited'),
} as const;

/**
 * A route behind the permission matrix. The permission is also written into the OpenAPI document
 * (`x-permission`) so the route-audit test and API readers see which roles reach it.
 */
export function protectedRoute<R extends RouteConfig>(permission: Permission, route: R) {
  return createRoute({
    ...route,
    middleware: [requirePermission(permission)],
    security: SECURITY,
    'x-permission': permission,
    responses: { ...COMMON_ERRORS, ...route.responses },
  });
}

/** A route anyone may call (login, refresh). */
export function publicRoute<R extends RouteConfig>(route: R) {
  return createRoute({ ...route, security: [], 'x-public': true, responses: { 422: COMMON_ERRORS[422], 429: COMMON_ERRORS[429], ...route.responses } });
}

/** JSON request body, required (so a missing or non-JSON body is a validation error, not silently `{}`). */
export function jsonBody<S>(schema: S) {
  return { required: true, content: { 'application/json': { schema } } } as const;
}

export function jsonResponse<S>(description: string, schema: S) {
  return { description, content: { 'application/json': { schema } } } as const;
}
