/**
 * The Queues screen (issue #16) on a real product following an Asterisk queue_log written by the test (today, in
 * the center's zone): every queue with offered / answered / abandoned, service level and waits, a queue's hours
 * and days as charts, the agents with talk as m:ss, the caller still waiting (live: a line appended later shows
 * without a reload), the date filter, and the XLSX download. English and Spanish, axe and CSP clean. Screenshots
 * at 1280 px in $TMPDIR/centralita-queues/queues-{en,es}.png.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zoneWithRoom, type FixedOffsetZone } from '../support/today-with-room.js';
import { ADMIN_PASSWORD, axeViolations, cspViolations, launchBrowser, loginUi, newPage, startRig, type ProductRig } from './support.js';

let rig: ProductRig;
let browser: Browser;
const OUT = join(tmpdir(), 'centralita-queues');
/** Costa Rica, or Bogotá in Costa Rica's first 30 minutes of the day (the fixture needs 330 s of today behind it). */
let ZONE: FixedOffsetZone;
let file: string;
let base: number;

/** Seconds since the epoch, `s` after the fixture's start (within today in ZONE, before now). */
const at = (s: number) => base + s;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const dir = join(OUT, `log-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  file = join(dir, 'queue_log');
  const now = Math.floor(Date.now() / 1000);
  const today = zoneWithRoom(now, 1800, ['America/Costa_Rica', 'America/Bogota']);
  ZONE = today.zone;
  base = Math.max(today.dayStart + 1, now - 1200);
  writeFileSync(
    file,
    [
      `${at(0)}|NONE|ventas|Ana|ADDMEMBER|`,
      `${at(0)}|NONE|ventas|Bea|ADDMEMBER|`,
      `${at(0)}|NONE|soporte|Bea|ADDMEMBER|`,
      `${at(10)}|c1|ventas|NONE|ENTERQUEUE||50688880001|1`,
      `${at(18)}|c1|ventas|Ana|CONNECT|8|c1b|3`,
      `${at(20)}|c2|ventas|NONE|ENTERQUEUE||50688880002|2`,
      `${at(65)}|c2|ventas|NONE|ABANDON|2|2|45`,
      `${at(70)}|c3|soporte|NONE|ENTERQUEUE||50688880003|1`,
      `${at(100)}|c3|soporte|Bea|CONNECT|30|c3b|4`,
      `${at(195)}|c3|soporte|Bea|COMPLETEAGENT|30|95|1`,
      `${at(200)}|NONE|soporte|Bea|PAUSE|Almuerzo`,
      `${at(296)}|c1|ventas|Ana|COMPLETECALLER|8|278|1`,
      `${at(300)}|c4|ventas|NONE|ENTERQUEUE||50688880004|1`,
      '',
    ].join('\n'),
  );
  [rig, browser] = await Promise.all([startRig({ QUEUE_LOG_SOURCE: file, REPORT_TIME_ZONE: ZONE }), launchBrowser()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

describe('Queues screen', () => {
  it('Spanish: queues, service level, a queue’s hours, agents, the caller waiting, live lines, the date filter, XLSX', async () => {
    const { page, context } = await newPage(browser, { lang: 'es' });
    try {
      await loginUi(page, rig.base, 'admin', ADMIN_PASSWORD, '/queues');
      await page.getByRole('heading', { name: 'Colas', level: 1 }).waitFor();
      const table = page.getByTestId('queue-table');
      await table.getByRole('button', { name: 'ventas' }).waitFor();
      const text = await table.innerText();
      expect(text).toContain('Ofrecidas');
      expect(text).toContain('NS % atendidas');
      // ventas: 3 offered, 1 answered, 1 abandoned (33,3 %), ASA 0:08, longest wait 0:08, talk 4:38, SL 100 %.
      expect(text).toMatch(/ventas[\s\S]*?3\s+1\s+1\s+33,3 %\s+0:08\s+0:08\s+4:38\s+100,0 %\s+50,0 %/);
      expect(text).toMatch(/Todas las colas\s+4\s+2\s+1\s+25,0 %/);
      // The tiles' live count comes with the live state, which can follow the table (a loaded CI run read "0" first).
      await expect.poll(() => page.getByTestId('queue-tiles').innerText(), { timeout: 15_000 }).toMatch(/En espera ahora\s+1/);
      expect(await page.getByTestId('queue-tiles').innerText()).toContain('Nivel de servicio');
      await page.getByTestId('queue-live-calls').getByText('50688880004').waitFor();
      await page.getByText('Nadie atendido desde una cola está hablando ahora.').waitFor();
      const agents = await page.getByTestId('queue-agent-table').innerText();
      expect(agents).toMatch(/Ana\s+1\s+4:38/);
      expect(agents).toContain('Almuerzo');

      await table.getByRole('button', { name: 'ventas' }).click();
      await page.getByRole('heading', { name: 'Cola ventas' }).waitFor();
      await page.getByRole('img', { name: 'ventas por hora' }).waitFor();
      expect(await page.getByRole('button', { name: 'ventas' }).getAttribute('aria-pressed')).toBe('true');

      // Live: the waiting caller is answered; the next refresh shows it without a reload.
      appendFileSync(file, `${at(330)}|c4|ventas|Bea|CONNECT|30|c4b|2\n`);
      await expectEventually(async () => /ventas[\s\S]*?3\s+2\s+1/.test(await table.innerText()), 15_000);
      // Answered, c4 leaves "in queue now" (nobody waits: tile 0) and is listed as talking with Bea.
      await page.getByTestId('queue-talking-calls').getByText('50688880004').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('queue-talking-calls').innerText()).toMatch(/ventas\s+50688880004\s+Bea\s+0:30/);
      await page.getByText('No hay nadie en cola en este momento.').waitFor();
      expect(await page.getByTestId('queue-tiles').innerText()).toMatch(/En espera ahora\s+0/);
      await page.screenshot({ path: join(OUT, 'queues-es.png'), fullPage: true });

      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Descargar XLSX' }).click();
      expect((await download).suggestedFilename()).toBe('queues-es.xlsx');

      expect(await cspViolations(page)).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);

      // Yesterday: nothing.
      const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format((base - 86_400) * 1000);
      await page.getByLabel('Desde').fill(yesterday);
      await page.getByLabel('Hasta').fill(yesterday);
      await page.getByText('No hubo actividad en las colas esos días.').waitFor();
      await page.getByRole('button', { name: 'Hoy' }).click();
      await table.getByRole('button', { name: 'ventas' }).waitFor();
    } finally {
      await context.close();
    }
  }, 90_000);

  it('English at 1280 px: the same figures, axe and CSP clean', async () => {
    const { page, context } = await newPage(browser, { lang: 'en', width: 1280 });
    try {
      await loginUi(page, rig.base, 'admin', ADMIN_PASSWORD, '/queues');
      await page.getByRole('heading', { name: 'Queues', level: 1 }).waitFor();
      const table = page.getByTestId('queue-table');
      await table.getByRole('button', { name: 'soporte' }).waitFor();
      expect(await table.innerText()).toMatch(/soporte[\s\S]*?1\s+1\s+0\s+0\.0 %\s+0:30\s+0:30\s+1:35\s+0\.0 %\s+0\.0 %/);
      // The first test answered c4: talking, not in queue.
      await page.getByRole('heading', { name: 'Answered, talking now' }).waitFor();
      await page.getByTestId('queue-talking-calls').getByText('50688880004').waitFor();
      await page.getByText('Nobody is in a queue right now.').waitFor();
      await page.screenshot({ path: join(OUT, 'queues-en.png'), fullPage: true });
      expect(await cspViolations(page)).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});

async function expectEventually(probe: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error('not true in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}
