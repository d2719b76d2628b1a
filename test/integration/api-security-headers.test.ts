import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../api/server.js';
import { harness, type Harness } from '../unit/api/harness.js';

/** Issue #11 item 7: security headers on every answer, and a CSP the browser actually enforces. */
let h: Harness;
let server: RunningServer;
let base: string;
beforeAll(async () => {
  h = harness();
  server = await listen(h.app, '127.0.0.1', 0);
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  h.close();
});

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

describe('security headers', () => {
  it('are sent on public, protected, failed and unknown routes alike', async () => {
    for (const [path, status] of [['/health', 200], ['/api/calls', 401], ['/api/nope', 401], ['/openapi.json', 200]] as const) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('content-security-policy'), path).toBe(CSP);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security'), path).toMatch(/max-age=\d+/);
      expect(res.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(res.headers.get('permissions-policy'), path).toBe('camera=(), geolocation=(), payment=(), usb=()');
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('the docs page works under its CSP (inline code allowed by hash only) and an injected script is blocked', async () => {
    const res = await fetch(`${base}/docs`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');

    const profile = mkdtempSync(join(tmpdir(), 'centralita-chromium-'));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      await page.goto(`${base}/docs`);
      await page.waitForSelector('#ops details');
      expect(await page.locator('#ops details').count()).toBeGreaterThan(50);
      // The page's own style applied (allowed by hash).
      // (Browser code as strings: the project's TypeScript has no DOM library.)
      expect(await page.evaluate('getComputedStyle(document.body).maxWidth')).toBe('960px');
      expect(violations).toEqual([]);
      // What an XSS would try: an inline script added to the page does not run.
      await page.evaluate("const s = document.createElement('script'); s.textContent = 'window.__pwned = true'; document.body.append(s)");
      expect(await page.evaluate('window.__pwned === true')).toBe(false);
      expect(violations.length).toBeGreaterThan(0);
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
