import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../api/server.js';
import { IMMUTABLE, withWebApp } from '../../api/web/index.js';
import { harness, type Harness } from '../unit/api/harness.js';

/** The web app and the API on one port over real HTTP: static files, caching, SPA fallback, API paths untouched. */
describe('web app serving', () => {
  let h: Harness;
  let dist: string;
  let server: RunningServer;
  let base: string;

  beforeAll(async () => {
    h = harness();
    dist = mkdtempSync(join(tmpdir(), 'centralita-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dist, 'favicon.svg'), '<svg/>');
    writeFileSync(join(dist, '.source-hash'), 'secret-ish');
    server = await listen(withWebApp(h.app, dist), '127.0.0.1', 0);
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    h.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves hashed assets with a year-long immutable cache and the right type', async () => {
    const res = await fetch(`${base}/assets/index-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await res.text()).toBe('console.log(1)');
  });

  it('answers index.html (never cached) for the app’s own routes, so a reload of /wallboard works', async () => {
    for (const path of ['/', '/wallboard', '/leads/42?x=1', '/admin/users']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('index.html carries a CSP whose style nonce is fresh per response and is the one handed to the app', async () => {
    const nonces = [];
    for (const path of ['/', '/wallboard']) {
      const res = await fetch(`${base}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      const inPage = /<meta name="csp-nonce" content="([^"]+)"/.exec(await res.text())?.[1];
      expect(inPage, path).toBeDefined();
      expect(csp).toContain(`style-src 'self' 'nonce-${inPage}'`);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      nonces.push(inPage);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it('a missing asset is a 404, not HTML; dotfiles and paths outside dist are refused', async () => {
    expect((await fetch(`${base}/assets/index-old.js`)).status).toBe(404);
    expect((await fetch(`${base}/missing.png`)).status).toBe(404);
    expect((await fetch(`${base}/.source-hash`)).status).toBe(404);
    const escape = await fetch(`${base}/%2e%2e/%2e%2e/etc/passwd`);
    expect(await escape.text()).not.toContain('root:');
  });

  it('API paths still reach the API (JSON errors, not the app)', async () => {
    const res = await fetch(`${base}/api/nope`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(((await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string }).openapi).toBe('3.0.3');
  });

  it('without a build it says how to make one (503), and the API keeps working', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'centralita-nodist-'));
    const s = await listen(withWebApp(h.app, empty), '127.0.0.1', 0);
    try {
      const res = await fetch(`http://127.0.0.1:${s.port}/wallboard`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm run build:web');
      expect((await fetch(`http://127.0.0.1:${s.port}/health`)).status).toBe(200);
    } finally {
      await s.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
