/**
 * Lead imports through the API (#18), on both dialects (describeApiDialects): the app takes a CSV or XLSX upload
 * (202), parses it in an import worker thread and writes the leads in one transaction per batch — on SQLite the worker
 * on its own connection to the file, on PostgreSQL through the app's pool into `leads` (the table the nodes lease
 * from); the job and its line-by-line report are the `import_jobs` row the import-job routes read. Good rows are kept,
 * each bad one reported (duplicate in the file or in the campaign, a bad number, a too-long field, a shifted row); a
 * number on the DNC list arrives `dnc`; on PostgreSQL nothing lands in the SQLite file. PostgreSQL only: a campaign
 * deleted between two batches the pool writes fails the job with that message and leaves none of its rows, and the app
 * refuses imports into another database than its leads'. (4xx naming the field and roles: api-leads.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiApp } from '../../api/app.js';
import { VirtualClock } from '../../engine/clock/index.js';
import { ImportQueue } from '../../engine/imports/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { openStore, type LeadImports, type NewLead } from '../../engine/store/index.js';
import { pgCampaignCatalog, pgLeadCatalog, pgLeadImports } from '../../engine/store/pg/index.js';
import type { PgPool } from '../../engine/store/pg/index.js';
import { api, type Api } from '../support/leads-api.js';
import { emptyTables, openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';
import { ADMIN_PASSWORD, describeApiDialects, healthReport } from '../unit/api/harness.js';

type Job = {
  id: string;
  campaignId: string;
  state: string;
  processed: number;
  accepted: number;
  rejected: number;
  total: number | null;
  message: string | null;
  errors: { items: Array<{ line: number; reason: string }>; total: number; limit: number; offset: number };
};

let db: MigratedTestDatabase;
let pool: PgPool;
let t: Api;
/** Runs before each batch the app's import port writes (the n-th, 1-based); a test sets it to act mid-import. */
let beforeBatch: ((n: number) => Promise<void>) | undefined;

/** PostgreSQL's import port with a hook before each staged batch (the worker's writes reach it through the queue). */
function hooked(port: LeadImports): LeadImports {
  let n = 0;
  return Object.assign(Object.create(port) as LeadImports, {
    stageBatch: async (rows: readonly NewLead[], at: number) => {
      await beforeBatch?.(++n);
      return port.stageBatch(rows, at);
    },
  });
}

async function campaign(name: string): Promise<string> {
  const res = await t.send('POST', '/api/campaigns', { name }, t.as.supervisor);
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function upload(campaignId: string, file: File): Promise<string> {
  const res = await t.upload(`/api/campaigns/${campaignId}/leads/import`, { file }, t.as.supervisor);
  expect(res.status).toBe(202);
  return ((await res.json()) as { job_id: string }).job_id;
}

async function waitJob(jobId: string): Promise<Job> {
  // The worker thread runs at its own pace: poll until the job ends (a deadline, not a count of polls).
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const res = await t.get(`/api/import-jobs/${jobId}?errors_limit=50`, t.as.teamlead);
    expect(res.status).toBe(200);
    const job = (await res.json()) as Job;
    if (job.state === 'done' || job.state === 'failed') return job;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('import did not finish');
}

const sqliteCount = (table: 'leads' | 'import_jobs') => (t.store.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

/** A campaign's leads as stored in the database the app reads, by number (byte order). */
const leadsOf = async (campaignId: string) => (await t.db.read.leads(campaignId)).sort((x, y) => (x.phoneE164 < y.phoneE164 ? -1 : x.phoneE164 > y.phoneE164 ? 1 : 0));

describeApiDialects(
  'lead imports through the API',
  (make, dialect) => {
    beforeEach(async () => {
      t = await api({}, { make });
      await t.app.imports.ready;
    });
    afterEach(async () => {
      await t.app.imports.close();
      t.close();
    });

    it('imports a CSV: good rows kept, each bad one reported by line, the job in the database the leads are in (on PostgreSQL nothing in SQLite)', async () => {
      const k = await campaign('Norte');
      const added = await t.send('POST', `/api/campaigns/${k}/leads`, { phone: '8888 1000', name: 'Old' }, t.as.supervisor);
      expect(added.status).toBe(201);
      await t.db.seed.dnc('+50688881005', null, 0);
      const csv = [
        'phone,name,city',
        '8888 1001,Ana,San José', // 2 good
        '8888-1002,Bruno,Heredia', // 3 good
        '88881001,Ana otra vez,', // 4 duplicate in the file
        '8888 1000,Old again,', // 5 already in the campaign
        'abc,Nadie,', // 6 not a number
        `8888 1006,${'x'.repeat(1100)},`, // 7 name longer than 1,024 characters
        '8888 1005,Listed,', // 8 good, on PostgreSQL's internal DNC list
        '8888 1007,Carla,Cartago,extra', // 9 a field more than the header
      ].join('\n');
      const jobId = await upload(k, new File([csv], 'mixed.csv', { type: 'text/csv' }));
      const job = await waitJob(jobId);
      expect(job).toMatchObject({ campaignId: k, state: 'done', processed: 8, accepted: 3, rejected: 5, total: 8, message: null });
      expect(job.errors.items.map((e) => e.line)).toEqual([4, 5, 6, 7, 9]);
      expect(job.errors.items[0]!.reason).toBe('duplicate: +50688881001 already on line 2');
      expect(job.errors.items[1]!.reason).toBe('duplicate: +50688881000 is already in the campaign');
      expect(job.errors.items[3]!.reason).toMatch(/^field name: .* exceeds 1,024 characters$/);
      expect(job.errors.items[4]!.reason).toBe('has 4 fields, the header has 3');

      const rows = await leadsOf(k);
      expect(rows.map((r) => [r.phoneE164, r.name, r.status, r.importJobId])).toEqual([
        ['+50688881000', 'Old', 'no_selected', null],
        ['+50688881001', 'Ana', 'no_selected', jobId],
        ['+50688881002', 'Bruno', 'no_selected', jobId],
        ['+50688881005', 'Listed', 'dnc', jobId],
      ]);
      // Dialable at the upload's time (the API's clock), the listed number never.
      expect(rows.map((r) => r.nextDueAt)).toEqual([t.clock.now(), t.clock.now(), t.clock.now(), null]);
      const stored = (await t.db.read.rows('importJobs')).find((r) => r.id === jobId)!;
      expect(stored).toMatchObject({ status: 'done', accepted: 3, rejected: 5, spoolPath: null, nodeId: 'node-test' });
      expect((stored.errors as unknown[]).length).toBe(5);
      if (dialect === 'pg') expect([sqliteCount('leads'), sqliteCount('import_jobs')]).toEqual([0, 0]);

      const listed = (await (await t.get(`/api/campaigns/${k}/import-jobs`, t.as.teamlead)).json()) as { items: Job[] };
      expect(listed.items.map((j) => [j.id, j.state, j.accepted])).toEqual([[jobId, 'done', 3]]);
      // The lead routes see what the import wrote.
      const page = (await (await t.get(`/api/leads?campaign_id=${k}&status=dnc`, t.as.supervisor)).json()) as { total: number };
      expect(page.total).toBe(1);
    });

    it('imports an XLSX the same way', async () => {
      const k = await campaign('Sur');
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Leads');
      ws.addRow(['Teléfono', 'Nombre', 'Ciudad']);
      ws.addRow(['8888 3001', 'Diana', 'Limón']);
      ws.addRow([88883002, 'Esteban', 'Cartago']);
      ws.addRow(['12', 'Corto', '']);
      ws.addRow(['8888 3001', 'Diana dos', '']);
      const file = new File([new Uint8Array(await wb.xlsx.writeBuffer())], 'leads.xlsx');
      const job = await waitJob(await upload(k, file));
      expect(job).toMatchObject({ state: 'done', processed: 4, accepted: 2, rejected: 2 });
      expect(job.errors.items.map((e) => e.line)).toEqual([4, 5]);
      expect((await leadsOf(k)).map((r) => [r.phoneE164, r.name, r.status])).toEqual([
        ['+50688883001', 'Diana', 'no_selected'],
        ['+50688883002', 'Esteban', 'no_selected'],
      ]);
      if (dialect === 'pg') expect(sqliteCount('leads')).toBe(0);
    });
  },
  { prefix: 'apipg_suite_imports' },
);

// PostgreSQL only: a hook between the batches the app's pool writes (on SQLite the import worker writes its own
// connection: the deletion mid-import on both dialects is store-dialect-lead-imports'), and the app's refusal to
// import into another database than its leads'.
describe('lead imports over PostgreSQL', () => {
  beforeAll(async () => {
    ({ pool } = db = await openMigratedTestDatabase('pg_import_api'));
  }, 60_000);
  afterAll(() => db?.close());

  beforeEach(async () => {
    await emptyTables(pool);
    beforeBatch = undefined;
    t = await api({ campaignCatalog: pgCampaignCatalog(pool), leadCatalog: pgLeadCatalog(pool), leadImports: hooked(pgLeadImports(pool)) });
    await t.app.imports.ready;
  });
  afterEach(async () => {
    await t.app.imports.close();
    t.close();
  });

  it('a campaign deleted mid-import: the job fails with that message and none of its rows stays', async () => {
    const k = await campaign('Efímera');
    const csv = ['phone,name', ...Array.from({ length: 1200 }, (_, i) => `8${String(7_000_000 + i)},L${i}`)].join('\n');
    beforeBatch = async (n) => {
      // The first batch (500 rows) is staged; the campaign goes before the second.
      if (n === 2) expect(await pgCampaignCatalog(pool).remove(k)).toMatchObject({ ok: true });
    };
    const jobId = await upload(k, new File([csv], 'big.csv', { type: 'text/csv' }));
    const job = await waitJob(jobId);
    expect(job).toMatchObject({ state: 'failed', accepted: 0, message: 'the campaign was deleted during the import; nothing was imported' });
    expect((await pool.query(`select count(*)::int as n from leads where import_job_id = $1`, [jobId])).rows[0].n).toBe(0);
    expect(sqliteCount('leads')).toBe(0);
  });

  it('refuses to start with imports writing another database than its leads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'centralita-api-imports-'));
    const store = openStore(join(dir, 'db.sqlite'));
    const base = { health: () => healthReport(), store, clock: new VirtualClock(0), logger: silentLogger, config: { NODE_ID: 'n', JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD } };
    const sqliteQueue = new ImportQueue({ store, nodeId: 'n', spoolDir: join(dir, 'spool'), logger: silentLogger });
    try {
      // SQLite leads, PostgreSQL imports.
      expect(() => createApiApp({ ...base, leadImports: pgLeadImports(pool) })).toThrow("leadImports (postgres) must be of the leadCatalog's database (sqlite)");
      // PostgreSQL leads and imports, but a queue that writes SQLite (npm start's own queue, not rebuilt).
      const pg = { campaignCatalog: pgCampaignCatalog(pool), leadCatalog: pgLeadCatalog(pool), leadImports: pgLeadImports(pool) };
      expect(() => createApiApp({ ...base, ...pg, imports: sqliteQueue })).toThrow("imports (sqlite) must write the leadImports' database (postgres)");
    } finally {
      await sqliteQueue.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
