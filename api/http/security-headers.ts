import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * The Content-Security-Policy of every response (API, docs, and the web app when it is served from this port).
 * Made for a same-origin single-page app built by Vite:
 *
 * - scripts and styles only from this origin (`'self'`): no inline `<script>`/`<style>`, no `eval`. A bundled app
 *   that injects a `<style>` element at run time (CSS-in-JS) must use static CSS files or a nonce instead;
 *   styles React sets through `element.style` are not affected;
 * - images from this origin and `data:` URLs (icons inlined by the bundler);
 * - `connect-src 'self' ws: wss:` — fetch/XHR to this API and the Socket.IO feed, over ws: or wss:;
 * - nothing may frame the app but itself; no plugins; forms and `<base>` only to this origin.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'", 'ws:', 'wss:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'self'"],
};

/** The policy as a header value, for a handler that needs to extend it (the docs page's inline code). */
export function cspHeader(extra: { scriptSrc?: string[]; styleSrc?: string[] } = {}): string {
  const policy: Record<string, string[]> = { ...CONTENT_SECURITY_POLICY };
  if (extra.scriptSrc) policy['scriptSrc'] = [...CONTENT_SECURITY_POLICY.scriptSrc, ...extra.scriptSrc];
  if (extra.styleSrc) policy['styleSrc'] = [...CONTENT_SECURITY_POLICY.styleSrc, ...extra.styleSrc];
  return Object.entries(policy)
    .map(([k, v]) => `${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)} ${v.join(' ')}`)
    .join('; ');
}

/** `'sha256-…'` of an inline script or style, the CSP way to allow exactly that code and nothing else. */
export function cspHash(code: string): string {
  return `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`;
}

/**
 * Hono's secure-headers with our CSP: nosniff, no referrer, frame only by this origin, HSTS (browsers honour it
 * only over HTTPS), cross-origin isolation of resources and windows, X-Powered-By removed. A handler that set its
 * own Content-Security-Policy keeps it (`overwrite: false`).
 */
export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    permissionsPolicy: { camera: [], geolocation: [], payment: [], usb: [] },
    overwrite: false,
  });
}
