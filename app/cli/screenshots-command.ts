/**
 * `npm run screenshots` (`centralita screenshots [--out screenshots]`): starts the demo (the product on the embedded
 * PBX, a temp database), gives it people and data (a supervisor, a team lead, an agent on agent-1001, a second
 * campaign with an import that has bad rows), lets the demo campaign dial for a while, then saves a PNG of every
 * screen in English and Spanish under `screenshots/<lang>/`. The folder is git-ignored: it is for people to look at.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../engine/config/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { startProduct } from '../index.js';
import { ensureWebBuilt, freePort, launchBrowser, loginUi, newPage } from '../web/index.js';

const PASSWORD = 'screenshots-demo-password';

interface Shot {
  name: string;
  user: 'admin' | 'sofia' | 'tomas' | 'ana';
  path: string | ((ids: Ids) => string);
  /** Something to do on the page before the picture (open a panel, run a simulation…). */
  prepare?: (page: Page) => Promise<void>;
  fullPage?: boolean;
}

interface Ids {
  campaign: string;
  lead: string;
  call: string;
  job: string;
  recording: string;
}

const SHOTS: Shot[] = [
  { name: 'login', user: 'admin', path: '/login' },
  { name: 'wallboard', user: 'sofia', path: '/wallboard' },
  { name: 'wallboard-tv', user: 'sofia', path: '/wallboard?tv=1', fullPage: false },
  { name: 'wallboard-team', user: 'tomas', path: '/wallboard' },
  { name: 'agent-console', user: 'ana', path: '/agent' },
  { name: 'campaigns', user: 'sofia', path: '/campaigns' },
  {
    name: 'campaign-detail',
    user: 'sofia',
    path: (i) => `/campaigns/${i.campaign}`,
    prepare: async (p) => {
      await p.getByRole('button', { name: /^(Simulate|Simular)$/ }).click();
      await p.getByTestId('what-if-table').waitFor({ timeout: 60_000 });
    },
  },
  { name: 'campaign-edit', user: 'sofia', path: (i) => `/campaigns/${i.campaign}/edit` },
  { name: 'campaign-new-errors', user: 'sofia', path: '/campaigns/new', prepare: async (p) => void (await p.locator('button[type=submit]').click()) },
  { name: 'leads', user: 'sofia', path: (i) => `/leads?campaign=${i.campaign}` },
  {
    name: 'lead-import',
    user: 'sofia',
    path: (i) => `/leads/import?campaign=${i.campaign}`,
    prepare: async (p) => {
      await p.locator('input[type=file]').setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(IMPORT_CSV) });
      await p.getByTestId('mapping-preview').waitFor();
      await p.locator('button:not([type=submit])').filter({ hasText: /^(Import|Importar)$/ }).click();
      await p.getByTestId('rejected-rows').waitFor({ timeout: 20_000 });
    },
  },
  { name: 'lead-detail', user: 'sofia', path: (i) => `/leads/${i.lead}` },
  { name: 'dnc', user: 'sofia', path: '/dnc' },
  { name: 'calls', user: 'sofia', path: '/calls' },
  { name: 'call-detail', user: 'sofia', path: (i) => `/calls/${i.call}` },
  { name: 'recordings', user: 'sofia', path: '/recordings' },
  { name: 'recording-detail', user: 'sofia', path: (i) => `/recordings/${i.recording}` },
  { name: 'reports-org', user: 'sofia', path: '/reports' },
  { name: 'reports-agent', user: 'ana', path: '/reports' },
  { name: 'users', user: 'admin', path: '/admin/users' },
  { name: 'agents', user: 'admin', path: '/admin/agents' },
  {
    name: 'api-keys',
    user: 'admin',
    path: '/account/api-keys',
    prepare: async (p) => {
      await p.getByLabel(/^(Key name|Nombre de la clave)/).fill('prometheus');
      await p.getByRole('button', { name: /^(Create key|Crear clave)$/ }).click();
      await p.getByTestId('new-key').waitFor();
    },
  },
  { name: 'audit', user: 'admin', path: '/admin/audit' },
  { name: 'change-password', user: 'admin', path: '/password' },
  { name: 'not-found', user: 'sofia', path: '/no-such-page' },
];

const IMPORT_CSV = ['Teléfono,Nombre,Ciudad,Plan', '+14155552671,Ana Ruiz,San Francisco,Gold', '12345,Número malo,Nowhere,Silver', '+12125550123,Carlos Díaz,New York,Gold', ',Sin teléfono,Boston,Bronze'].join('\n');

export async function run(argv: string[]): Promise<number> {
  const outIdx = argv.indexOf('--out');
  const out = resolve(outIdx >= 0 ? argv[outIdx + 1]! : 'screenshots');
  const onlyIdx = argv.indexOf('--only');
  const only = onlyIdx >= 0 ? argv[onlyIdx + 1]!.split(',') : null;
  await ensureWebBuilt((l) => process.stdout.write(`${l}\n`));
  const dir = mkdtempSync(join(tmpdir(), 'centralita-shots-'));
  const port = await freePort();
  const config = loadConfig({ DB_PATH: join(dir, 'c.db'), HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port), ADMIN_PASSWORD: PASSWORD, RTP_PORT_MIN: '47000', RTP_PORT_MAX: '47999', LOG_LEVEL: 'error' });
  const product = await startProduct(config, silentLogger);
  const base = `http://127.0.0.1:${port}`;
  const browser = await launchBrowser();
  try {
    const token = ((await (await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) })).json()) as { access_token: string }).access_token;
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return (await res.json()) as any;
    };
    await api('POST', '/api/users', { username: 'sofia', password: PASSWORD, role: 'supervisor' });
    await api('POST', '/api/users', { username: 'tomas', password: PASSWORD, role: 'teamlead', team: 'A' });
    const ana = await api('POST', '/api/users', { username: 'ana', password: PASSWORD, role: 'agent', team: 'A' });
    await api('PATCH', '/api/agents/agent-1001', { name: 'Ana Gómez', user_id: ana.id, team: 'A' });
    await api('PATCH', '/api/agents/agent-1002', { name: 'Bruno Díaz', team: 'A' });
    const campaign = await api('POST', '/api/campaigns', { name: 'Renovaciones 2026', dialMode: 'predictive', maxConcurrent: 20, callingHours: { start: '08:00', end: '21:00' }, defaultCountry: 'US', defaultTimeZone: 'America/New_York' });
    const form = new FormData();
    form.set('file', new Blob([IMPORT_CSV], { type: 'text/csv' }), 'leads.csv');
    const job = (await (await fetch(`${base}/api/campaigns/${campaign.id}/leads/import`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })).json()) as { job_id: string };
    await api('POST', '/api/dnc', { phone: '+50688001234', reason: 'asked not to be called' });
    // Recordings: the demo campaign records (a talking call is hung up below so one has audio); a scorecard exists.
    await api('PATCH', '/api/campaigns/demo', { recording: true });
    await api('POST', '/api/qa/scorecards', {
      name: 'Llamada estándar',
      criteria: [
        { id: 'greeting', label: 'Saluda y se identifica / Greets and identifies', type: 'yesno', weight: 1 },
        { id: 'tone', label: 'Tono y cortesía / Tone and courtesy', type: 'scale5', weight: 2 },
        { id: 'offer', label: 'Oferta / Offer', type: 'points', max: 10, weight: 1 },
      ],
    });
    process.stdout.write('Letting the demo campaign dial for 25 s…\n');
    await new Promise((r) => setTimeout(r, 25_000));
    const calls = await api('GET', '/api/calls?status=ended&disposition=ANSWERED_HUMAN&limit=1');
    const anyCall = calls.items[0] ?? (await api('GET', '/api/calls?limit=1')).items[0];
    const leads = await api('GET', `/api/leads?campaign_id=${campaign.id}&limit=1`);
    const live = ((await api('GET', '/api/calls?status=in_progress&limit=50')).items as Array<{ id: string; bridgedAt: number | null }>).find((c) => c.bridgedAt !== null);
    if (live) {
      await api('POST', `/api/calls/${live.id}/hangup`);
      for (let i = 0; i < 40 && (await api('GET', `/api/recordings/${live.id}`)).state !== 'ready'; i++) await new Promise((r) => setTimeout(r, 250));
    }
    const recs = (await api('GET', '/api/recordings?limit=50')).items as Array<{ callId: string; state: string; hasAudio: boolean }>;
    const recording = recs.find((r) => r.hasAudio)?.callId ?? recs[0]?.callId ?? '';
    const ids: Ids = { campaign: campaign.id, lead: leads.items[0]?.id ?? '', call: anyCall?.id ?? '', job: job.job_id, recording };

    const written: string[] = [];
    for (const lang of ['en', 'es'] as const) {
      mkdirSync(join(out, lang), { recursive: true });
      for (const [n, shot] of SHOTS.entries()) {
        if (only && !only.includes(shot.name)) continue;
        const { context, page } = await newPage(browser, { lang, width: 1280, height: 800 });
        try {
          await page.addInitScript(`localStorage.setItem('centralita.lang', '${lang}')`);
          if (shot.name !== 'login') await loginUi(page, base, shot.user, PASSWORD);
          const path = typeof shot.path === 'function' ? shot.path(ids) : shot.path;
          await page.goto(`${base}${path}`);
          await page.waitForLoadState('networkidle').catch(() => undefined);
          await page.waitForTimeout(1200);
          if (shot.prepare) await shot.prepare(page);
          await page.waitForTimeout(400);
          await page.evaluate('window.scrollTo(0, 0)');
          const file = join(out, lang, `${String(n + 1).padStart(2, '0')}-${shot.name}.png`);
          await page.screenshot({ path: file, fullPage: shot.fullPage ?? true });
          written.push(file);
        } catch (err) {
          process.stderr.write(`${lang}/${shot.name}: ${err instanceof Error ? err.message : String(err)}\n`);
        } finally {
          await context.close();
        }
      }
    }
    process.stdout.write(`${written.length} screenshots in ${out}\n`);
    return written.length === (only?.length ?? SHOTS.length) * 2 ? 0 : 1;
  } finally {
    await browser.close();
    await product.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
