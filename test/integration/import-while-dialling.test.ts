/**
 * Issue #11 items 1–2, end to end: the whole product on the embedded PBX dials its demo campaign in real time while
 * nine hostile files are uploaded at once through the API — eight shared-strings bombs (which used to cost
 * ~650 MB each and, eight at once, killed the process) and a CSV with a 40 MB name on row 17. Every bomb must be
 * refused with a job error naming the limit, the CSV imported without row 17, the engine must keep dialling, and
 * the process's memory must stay bounded.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../engine/config/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { startProduct, type Product } from '../../app/product.js';
import { writeSharedStringsBombs } from '../support/xlsx-bomb.js';
import { until } from '../support/until.js';

const ADMIN_PASSWORD = 'bombs-admin-password-long';
const PORT_MIN = 48000 + Math.floor(Math.random() * 400) * 4;


interface Job {
  state: string;
  message: string | null;
  accepted: number;
  errors: { items: Array<{ line: number; reason: string }> };
}

describe('hostile imports while the engine dials (embedded PBX)', () => {
  let dir: string;
  let product: Product;
  let base: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'centralita-bombs-'));
    await writeSharedStringsBombs({ honest: join(dir, 'bomb.xlsx'), lying: join(dir, 'bomb-lying.xlsx') });
    const rows = ['phone,name,city'];
    for (let i = 0; i < 30; i++) rows.push(`${83_000_000 + i},${i === 15 ? 'N'.repeat(40 * 1024 * 1024) : `Cliente ${i}`},Cartago`);
    writeFileSync(join(dir, 'long.csv'), rows.join('\n') + '\n');
    const config = loadConfig({
      DB_PATH: join(dir, 'c.db'),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      RTP_PORT_MIN: String(PORT_MIN),
      RTP_PORT_MAX: String(PORT_MIN + 3),
      ADMIN_PASSWORD,
    });
    product = await startProduct(config, silentLogger);
    base = `http://127.0.0.1:${product.httpPort}`;
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    auth = { authorization: `Bearer ${((await res.json()) as { access_token: string }).access_token}` };
  }, 60_000);

  afterAll(async () => {
    await product?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const callLogs = (): number => (product.store.sqlite.prepare('select count(*) as n from call_logs').get() as { n: number }).n;
  /** Calls placed, answered or ended since `t` (epoch ms): the engine's activity. */
  const callActivity = (t: number): number =>
    (product.store.sqlite.prepare('select count(*) as n from call_logs where created_at >= ? or answered_at >= ? or ended_at >= ?').get(t, t, t) as { n: number }).n;

  it('refuses eight bombs and the 40 MB field by name, keeps dialling, and keeps memory bounded', async () => {
    // The demo campaign is dialling before anything is uploaded.
    await until(() => (callLogs() > 0 ? true : undefined), 20_000);
    // The same loop's delay with the product dialling and nothing uploaded: the baseline for the figure below.
    const idle = monitorEventLoopDelay({ resolution: 10 });
    idle.enable();
    await new Promise((r) => setTimeout(r, 3000));
    idle.disable();
    const callsBefore = callLogs();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
    const t0 = Date.now();

    // Six as the issue built them, two that also lie about their sizes in the zip directory.
    const bombs = [readFileSync(join(dir, 'bomb.xlsx')), readFileSync(join(dir, 'bomb-lying.xlsx'))];
    const uploads: Array<Promise<string>> = [];
    const upload = async (campaignId: string, file: File): Promise<string> => {
      product.store.campaigns.create(campaignId, { name: campaignId }, Date.now());
      const fd = new FormData();
      fd.set('file', file);
      const res = await fetch(`${base}/api/campaigns/${campaignId}/leads/import`, { method: 'POST', headers: auth, body: fd });
      expect(res.status).toBe(202);
      return ((await res.json()) as { job_id: string }).job_id;
    };
    for (let i = 0; i < 8; i++) uploads.push(upload(`bomb-${i}`, new File([bombs[i < 6 ? 0 : 1]!], `leads-${i}.xlsx`)));
    uploads.push(upload('long', new File([readFileSync(join(dir, 'long.csv'))], 'long.csv')));
    const ids = await Promise.all(uploads);
    // From here the files are on disk and queued: what the engine's loop sees is the imports themselves.
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();

    // Visible as queued with a position while two run.
    const first = await Promise.all(ids.map(async (id) => (await (await fetch(`${base}/api/import-jobs/${id}`, { headers: auth })).json()) as Job & { position: number | null }));
    expect(first.some((j) => j.state === 'queued' && (j.position ?? 0) >= 1)).toBe(true);

    const jobs = await until(async () => {
      const all = await Promise.all(ids.map(async (id) => (await (await fetch(`${base}/api/import-jobs/${id}`, { headers: auth })).json()) as Job));
      return all.every((j) => j.state === 'done' || j.state === 'failed') ? all : undefined;
    }, 120_000);
    clearInterval(sampler);
    lag.disable();
    const seconds = (Date.now() - t0) / 1000;

    for (const [i, j] of jobs.slice(0, 8).entries()) {
      expect(j.state).toBe('failed');
      expect(j.message).toBe(
        i < 6 ? 'decompressed size exceeds 256 MB (the archive declares 506 MB); nothing was imported' : 'shared strings exceed 32 MB of text; nothing was imported',
      );
    }
    const long = jobs[8]!;
    expect(long).toMatchObject({ state: 'done', accepted: 29 });
    expect(long.errors.items).toEqual([{ line: 17, reason: 'field name: 40 MB exceeds 1,024 characters' }]);
    // No lead of any bomb exists.
    expect(product.store.sqlite.prepare("select count(*) as n from leads where campaign_id like 'bomb-%'").get()).toEqual({ n: 0 });

    // The engine kept dialling, and is healthy. The demo's calls last tens of seconds, so an import window of 4–9 s
    // held 1–4 call events in loaded runs and sometimes none (CI): wait for the first event since the first upload
    // (the dialler stalled by the bombs would show none at all), then count what the window itself held.
    await until(() => (callActivity(t0) > 0 ? true : undefined), 30_000);
    const callsDuring = (product.store.sqlite.prepare('select count(*) as n from call_logs where created_at between ? and ? or answered_at between ? and ? or ended_at between ? and ?').get(t0, t0 + seconds * 1000, t0, t0 + seconds * 1000, t0, t0 + seconds * 1000) as { n: number }).n;
    expect(callLogs()).toBeGreaterThanOrEqual(callsBefore);
    expect(product.health().ari.connected).toBe(true);
    const grownMb = (rssPeak - rssBefore) / 1024 / 1024;
    // Two workers at a time, each capped at 192 MB of heap; eight bombs at once used to need ~5 GB.
    expect(grownMb).toBeLessThan(800);
    console.log(
      `9 hostile uploads in ${seconds.toFixed(1)} s: ${callsDuring} calls placed, answered or ended meanwhile; RSS +${grownMb.toFixed(0)} MB at peak ` +
        `(from ${(rssBefore / 1024 / 1024).toFixed(0)} MB); main event-loop lag p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms, max ${(lag.max / 1e6).toFixed(1)} ms ` +
        `(before the uploads: p99 ${(idle.percentile(99) / 1e6).toFixed(1)} ms, max ${(idle.max / 1e6).toFixed(1)} ms)`,
    );
  }, 180_000);
});
