import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { RouteConfig } from '@hono/zod-openapi';
import { requirePermission, errorBody, protectedRoute } from '../http/index.js';
import type { Permission } from '../auth/index.js';

/** Largest lead file accepted by the import route (a 100k-row CSV is ~5 MB; XLSX less). */
export const UPLOAD_MAX_BYTES = 50 * 1024 * 1024;

/** The upload routes: exempt from the global 256 KB limit, each with its own (checked after the permission). */
const UPLOADS: Array<{ method: string; re: RegExp }> = [
  { method: 'POST', re: /^\/api\/campaigns\/[^/]+\/leads\/import$/ },
  { method: 'POST', re: /^\/api\/dnc\/import$/ },
];

export function isUploadRoute(method: string, path: string): boolean {
  return UPLOADS.some((u) => u.method === method && u.re.test(path));
}

export function uploadLimit(maxSize: number = UPLOAD_MAX_BYTES): MiddlewareHandler {
  return bodyLimit({ maxSize, onError: (c) => c.json(errorBody('payload_too_large', `Upload exceeds ${maxSize} bytes`), 413) });
}

/** A protected route whose body may be larger than the global limit: permission first, then this route's limit. */
export function uploadRoute<R extends RouteConfig>(permission: Permission, route: R, maxSize: number = UPLOAD_MAX_BYTES) {
  const r = protectedRoute(permission, route);
  return { ...r, middleware: [requirePermission(permission), uploadLimit(maxSize)] };
}
