/**
 * The built web app on the API's port: one fetch handler that sends API paths to the API app and everything else
 * to the static files of `web/dist` — hashed assets with a year-long immutable cache, index.html never cached,
 * and index.html for any other path so the browser app's own routes (/wallboard, /leads/42…) survive a reload.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { cspHeader } from '../http/index.js';
import type { FetchApp } from '../index.js';

/** Paths the API (and the live feed, which Socket.IO answers before Hono sees it) owns. */
const API_PREFIXES = ['/api/', '/socket.io/'];
const API_EXACT = new Set(['/api', '/health', '/metrics', '/openapi.json', '/docs']);

export function isApiPath(path: string): boolean {
  return API_EXACT.has(path) || API_PREFIXES.some((p) => path.startsWith(p));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export const IMMUTABLE = 'public, max-age=31536000, immutable';
const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin', 'x-frame-options': 'DENY' };

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Centralita</title>
<body style="font:16px system-ui;margin:3rem"><h1>The web app is not built</h1>
<p>Run <code>npm run build:web</code> (<code>npm start</code> builds it by itself). The API is up: <a href="/health">/health</a>, <a href="/docs">/docs</a>.</p></body></html>`;

/** Static files of `distDir` with the SPA fallback; null path escapes and dotfiles are refused. */
export function webAppHandler(distDir: string): (req: Request) => Response {
  const root = normalize(distDir + sep);
  const indexPath = join(distDir, 'index.html');
  const file = (path: string, cache: string, status = 200): Response => {
    const body = readFileSync(path);
    const type = TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
    return new Response(body, { status, headers: { 'content-type': type, 'cache-control': cache, ...SECURITY_HEADERS } });
  };
  // The page itself carries the API's CSP. Mantine writes its CSS variables into a <style> element at run time:
  // each index.html gets a fresh nonce (in a <meta> the app hands to Mantine) that allows exactly those elements.
  const page = (): Response => {
    const nonce = randomBytes(16).toString('base64');
    const meta = `<meta name="csp-nonce" content="${nonce}" />`;
    const source = readFileSync(indexPath, 'utf8');
    const html = /<head[^>]*>/i.test(source) ? source.replace(/<head[^>]*>/i, (head) => `${head}\n    ${meta}`) : `${meta}${source}`;
    const csp = cspHeader({ styleSrc: [`'nonce-${nonce}'`] });
    return new Response(html, {
      headers: { 'content-type': TYPES['.html']!, 'cache-control': 'no-cache', 'content-security-policy': csp, ...SECURITY_HEADERS },
    });
  };
  return (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, HEAD' } });
    if (!existsSync(indexPath)) return new Response(NOT_BUILT, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url).pathname);
    } catch {
      return new Response('Bad request', { status: 400 });
    }
    // Dotfiles (.source-hash) and anything resolving outside dist are not served.
    if (path.split('/').some((seg) => seg.startsWith('.'))) return new Response('Not found', { status: 404 });
    const target = normalize(join(distDir, path));
    if (target === indexPath) return page();
    if (target.startsWith(root) && existsSync(target) && statSync(target).isFile()) {
      // Vite puts content-hashed names under /assets/: they never change, so browsers may keep them for a year.
      return file(target, path.startsWith('/assets/') ? IMMUTABLE : 'no-cache');
    }
    // A missing asset is a 404 (a stale tab asking for an old chunk must not get HTML back).
    if (path.startsWith('/assets/') || extname(path) !== '') return new Response('Not found', { status: 404, headers: { 'cache-control': 'no-store' } });
    return page();
  };
}

/** The API app for API paths, the web app for the rest. */
export function withWebApp(api: FetchApp, distDir: string): FetchApp {
  const web = webAppHandler(distDir);
  const fetch: FetchApp['fetch'] = (req, ...rest) => (isApiPath(new URL(req.url).pathname) ? api.fetch(req, ...rest) : web(req));
  return { fetch };
}
