/**
 * Debian's chromium driven by playwright-core (never a downloaded browser), shared by the browser tests, the
 * screenshots command and the wallboard benchmark; axe-core injected into pages for accessibility checks.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  // Loaded at first use: `npm start` imports this module (for the web build) and never launches a browser.
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // playwright gives every launch a fresh temporary profile (the --user-data-dir of a clean browser).
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export async function newPage(browser: Browser, o: { lang?: 'en' | 'es'; width?: number; height?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: o.width ?? 1280, height: o.height ?? 800 }, locale: o.lang === 'es' ? 'es-ES' : 'en-US' });
  // Every Content-Security-Policy violation the page meets is kept, for `cspViolations`.
  await context.addInitScript({
    content: `window.__cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + String(e.target && e.target.outerHTML).slice(0, 80)));`,
  });
  const page = await context.newPage();
  return { context, page };
}

/** The CSP violations the page has met since it was opened (directive and what was blocked). */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate('window.__cspViolations ?? []') as Promise<string[]>;
}

/** Signs in through the login form and waits for the landing page. */
export async function loginUi(page: Page, base: string, username: string, password: string, next?: string): Promise<void> {
  await page.goto(`${base}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Runs axe-core in the page; returns the violations of the given impacts (default: critical). */
export async function axeViolations(page: Page, impacts: string[] = ['critical']): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, not as an inline <script>: the page's CSP (script-src 'self') rightly
  // blocks inline scripts, and the test must not weaken it to audit the page.
  if (!(await page.evaluate("typeof window.axe === 'object'"))) await page.evaluate(AXE_SOURCE);
  // A string, so this file needs no DOM typings: it runs in the page.
  const all = (await page.evaluate(`window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`)) as AxeViolation[];
  return all.filter((v) => v.impact !== null && impacts.includes(v.impact));
}

/** A TCP port free on loopback right now (for a server that must know its port before it starts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}
