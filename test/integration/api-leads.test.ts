import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { api, e164, expectError, nat, type Api } from '../support/leads-api.js';
import { describeApiDialects } from '../unit/api/harness.js';

/**
 * /api/leads, imports through the upload route, import-job progress, export round trip, selection; adding, editing
 * (with its history), locking and deleting one lead. On both dialects (#18): on PostgreSQL every lead route reads and
 * writes PostgreSQL's `leads` (the table the nodes lease from), never the SQLite file. A lead a node holds
 * (`lease_owner` set, even past its expiry) is left alone by a reset; one with a live lease cannot be deleted.
 * The 100k-row import runs on SQLite only (its PostgreSQL twin, with the worker, is api-lead-imports').
 */
let t: Api;
afterEach(() => t.close());

type Lead = { id: string; campaignId: string; phone: string; name: string | null; city: string | null; priority: number; status: string; custom: Record<string, unknown> };
type Page = { items: Lead[]; total: number; limit: number; offset: number };
type Job = {
  id: string;
  state: string;
  processed: number;
  accepted: number;
  rejected: number;
  total: number | null;
  message: string | null;
  errors: { items: Array<{ line: number; reason: string }>; total: number; limit: number; offset: number };
};

const csvFile = (text: string, name = 'leads.csv') => new File([text], name, { type: 'text/csv' });

async function waitJob(jobId: string, who: Record<string, string>, seen?: number[]): Promise<Job> {
  // Imports run in a worker thread at their own pace: poll until the job ends (a deadline, not a count of polls).
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    const res = await t.get(`/api/import-jobs/${jobId}`, who);
    expect(res.status).toBe(200);
    const job = (await res.json()) as Job;
    seen?.push(job.processed);
    if (job.state === 'done' || job.state === 'failed') return job;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('import did not finish');
}

describeApiDialects('lead routes', (make, dialect) => {
  describe('GET /api/leads', () => {
    it('filters, searches, sorts and paginates, with total; agents are refused', async () => {
      t = await api({}, { make });
      const k1 = await t.addCampaign('k1');
      const k2 = await t.addCampaign('k2');
      await t.addLeads(k1, [
        { i: 1, name: 'Ana Mora', city: 'San José', priority: 1 },
        { i: 2, name: 'Bruno Díaz', city: 'Cartago', priority: 3 },
        { i: 3, name: 'Carla Solís', city: 'san josé', priority: 5 },
        { i: 4, name: 'Diego 100%', city: 'Heredia', priority: 2 },
      ]);
      await t.addLeads(k2, [{ i: 5, name: 'Eva', city: 'San José' }]);
      const page = async (qs: string) => {
        const res = await t.get(`/api/leads${qs}`, t.as.teamlead);
        expect(res.status).toBe(200);
        return (await res.json()) as Page;
      };
      expect((await page('?campaign_id=k1')).total).toBe(4);
      expect((await page('')).total).toBe(5);
      expect((await page(`?campaign_id=k1&city=${encodeURIComponent('SAN josé')}`)).items.map((l) => l.name).sort()).toEqual(['Ana Mora', 'Carla Solís']);
      expect((await page(`?q=${encodeURIComponent('san jos')}`)).items.map((l) => l.name).sort()).toEqual(['Ana Mora', 'Carla Solís', 'Eva']);
      expect((await page(`?q=${nat(2)}`)).items.map((l) => l.name)).toEqual(['Bruno Díaz']);
      expect((await page(`?q=${encodeURIComponent('8300 0003')}`)).items.map((l) => l.name)).toEqual(['Carla Solís']);
      // LIKE wildcards are literal.
      expect((await page('?q=100%25')).items.map((l) => l.name)).toEqual(['Diego 100%']);
      expect((await page('?q=_')).total).toBe(0);
      expect((await page('?priority=5')).items.map((l) => l.name)).toEqual(['Carla Solís']);
      expect((await page('?campaign_id=k1&sort=-priority')).items.map((l) => l.priority)).toEqual([5, 3, 2, 1]);
      expect((await page('?campaign_id=k1&sort=name&limit=2&offset=1')).items.map((l) => l.name)).toEqual(['Bruno Díaz', 'Carla Solís']);
      const p = await page('?campaign_id=k1&sort=name&limit=2&offset=1');
      expect(p).toMatchObject({ total: 4, limit: 2, offset: 1 });
      expect(p.items[0]).toMatchObject({ phone: e164(2), status: 'no_selected', campaignId: k1 });
      expect((await page(`?campaign_id=${k2}&status=dnc`)).total).toBe(0);

      const bad = await expectError(await t.get('/api/leads?sort=phone_raw', t.as.teamlead), 422, 'validation_failed');
      expect(bad.error.details![0]!.field).toBe('sort');
      const unk = await expectError(await t.get('/api/leads?campaign=k1', t.as.teamlead), 422, 'validation_failed');
      expect(unk.error.details).toMatchObject([{ field: 'campaign', problem: 'is not a known field' }]);
      expect((await t.get('/api/leads', t.as.agent)).status).toBe(403);
    });
  });

  describe('lead import through the API', () => {
    it('keeps good rows, reports each bad row with its line and reason (paginated), honours a mapping', async () => {
      t = await api({}, { make });
      const id = await t.addCampaign('k1');
      await t.addLeads(id, [{ i: 9 }]);
      const csv = [
        'Teléfono;Cliente;Ciudad;Prioridad;Plan',
        `${nat(1)};Ana;San José;1;oro`,
        '12345;Corto;Cartago;3;plata',
        `${nat(2)};Bruno;Heredia;9;plata`,
        `${nat(3)};"Carla;Heredia;2;oro`,
        `${nat(4)};Diego;Limón;2;oro`,
        `${nat(9)};Ya existe;Limón;2;oro`,
        `${nat(4)};Repetido;Limón;2;oro`,
        '',
        `+506 ${nat(5).slice(0, 4)}-${nat(5).slice(4)};Eva;Liberia;4;bronce`,
      ].join('\n');
      const res = await t.upload(`/api/campaigns/${id}/leads/import`, { file: csvFile(csv) }, t.as.supervisor);
      expect(res.status).toBe(202);
      const { job_id, status_url } = (await res.json()) as { job_id: string; status_url: string };
      expect(status_url).toBe(`/api/import-jobs/${job_id}`);
      const job = await waitJob(job_id, t.as.teamlead);
      expect(job).toMatchObject({ state: 'done', accepted: 3, rejected: 5, processed: 8 });
      expect(job.errors.total).toBe(5);
      expect(job.errors.items.map((e) => e.line)).toEqual([3, 4, 5, 7, 8]);
      expect(job.errors.items[0]!.reason).toMatch(/invalid phone number/);
      expect(job.errors.items[1]!.reason).toMatch(/priority/);
      expect(job.errors.items[3]!.reason).toMatch(/duplicate/);
      const page2 = (await (await t.get(`/api/import-jobs/${job_id}?errors_limit=2&errors_offset=2`, t.as.teamlead)).json()) as Job;
      expect(page2.errors).toMatchObject({ total: 5, limit: 2, offset: 2 });
      expect(page2.errors.items.map((e) => e.line)).toEqual([5, 7]);

      const leads = (await (await t.get(`/api/leads?campaign_id=${id}&sort=phone`, t.as.supervisor)).json()) as Page;
      expect(leads.items.map((l) => l.phone)).toEqual([e164(1), e164(4), e164(5), e164(9)]);
      expect(leads.items.find((l) => l.phone === e164(5))).toMatchObject({ name: 'Eva', city: 'Liberia', priority: 4 });

      // Explicit mapping (header text or column index) and a default country.
      const mapped = await t.upload(
        `/api/campaigns/${id}/leads/import`,
        { file: csvFile(`a,b\nZoe,${nat(20)}\n`, 'x.csv'), mapping: JSON.stringify({ phone: 'b', name: 0 }), default_country: 'CR' },
        t.as.admin,
      );
      expect(mapped.status).toBe(202);
      expect(await waitJob(((await mapped.json()) as { job_id: string }).job_id, t.as.admin)).toMatchObject({ state: 'done', accepted: 1 });
      const listed = (await (await t.get(`/api/campaigns/${id}/import-jobs`, t.as.teamlead)).json()) as { items: Job[] };
      expect(listed.items).toHaveLength(2);
      expect((await t.audit()).filter((a) => a === 'leads.import')).toHaveLength(2);
    });

    it('refuses bad uploads: roles, missing file, bad mapping, unknown fields, unknown campaign, file too large; a headerless file fails the job with a message', async () => {
      t = await api({}, { make });
      const id = await t.addCampaign('k1');
      const url = `/api/campaigns/${id}/leads/import`;
      const file = csvFile(`phone\n${nat(1)}\n`);
      expect((await t.upload(url, { file }, t.as.teamlead)).status).toBe(403);
      expect((await t.upload(url, { file }, t.as.agent)).status).toBe(403);
      const missing = await expectError(await t.upload(url, { mapping: '{}' }, t.as.supervisor), 422, 'validation_failed');
      expect(missing.error.details!.map((d) => d.field)).toContain('file');
      const badJson = await expectError(await t.upload(url, { file, mapping: '{phone:' }, t.as.supervisor), 422, 'validation_failed');
      expect(badJson.error.details).toMatchObject([{ field: 'mapping', problem: 'is not valid JSON' }]);
      const badKey = await expectError(await t.upload(url, { file, mapping: '{"telefono": 0}' }, t.as.supervisor), 422, 'validation_failed');
      expect(badKey.error.details).toMatchObject([{ field: 'mapping.telefono', problem: 'is not a known field' }]);
      const extra = await expectError(await t.upload(url, { file, notes: 'x' }, t.as.supervisor), 422, 'validation_failed');
      expect(extra.error.details).toMatchObject([{ field: 'notes', problem: 'is not a known field' }]);
      const country = await expectError(await t.upload(url, { file, default_country: 'cr' }, t.as.supervisor), 422, 'validation_failed');
      expect(country.error.details![0]!.field).toBe('default_country');
      const pdf = await expectError(await t.upload(url, { file: csvFile('x', 'leads.pdf') }, t.as.supervisor), 422, 'validation_failed');
      expect(pdf.error.details?.map((d) => d.field)).toEqual(['file']);
      await expectError(await t.upload('/api/campaigns/nope/leads/import', { file }, t.as.supervisor), 404, 'not_found');
      // The route's own limit is 50 MB (announced size checked before reading).
      const big = await t.app.request(url, {
        method: 'POST',
        headers: { ...t.as.supervisor, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(51 * 1024 * 1024) },
        body: '--x--',
      });
      await expectError(big, 413, 'payload_too_large');
      expect(((await (await t.get(`/api/campaigns/${id}/import-jobs`, t.as.supervisor)).json()) as { items: Job[] }).items).toEqual([]);
      // No job row at all, of any campaign.
      expect(await t.db.read.rows('importJobs')).toEqual([]);
      await expectError(await t.get('/api/campaigns/nope/import-jobs', t.as.supervisor), 404, 'not_found');
      expect((await t.get(`/api/campaigns/${id}/import-jobs`, t.as.agent)).status).toBe(403);

      const res = await t.upload(url, { file: csvFile(`nombre,ciudad\nAna,Cartago\n`) }, t.as.supervisor);
      expect(res.status).toBe(202);
      const job = await waitJob(((await res.json()) as { job_id: string }).job_id, t.as.supervisor);
      expect(job.state).toBe('failed');
      expect(job.message).toMatch(/no phone column/);
      await expectError(await t.get('/api/import-jobs/nope', t.as.supervisor), 404, 'not_found');
      expect((await t.get(`/api/import-jobs/${job.id}`, t.as.agent)).status).toBe(403);
    });

  });

  describe('lead export', () => {
    it('streams CSV and XLSX with results, and the CSV re-imports unchanged', async () => {
      t = await api({}, { make });
      const id = await t.addCampaign('k1');
      await t.addLeads(id, [
        { i: 1, name: 'Ana, "la jefa"', city: 'San José', priority: 1 },
        { i: 2, name: 'Bruno', city: 'Cartago' },
        { i: 3, name: 'Carla', city: 'Heredia' },
      ]);
      const l2 = (await t.leadOf(id, e164(2))).id;
      await t.db.hopper.completeAttempt(l2, 'BUSY', t.clock.now());

      expect((await t.get(`/api/campaigns/${id}/leads/export`, t.as.agent)).status).toBe(403);
      const res = await t.get(`/api/campaigns/${id}/leads/export?format=csv`, t.as.teamlead);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toContain(`leads-${id}.csv`);
      const csv = await res.text();
      const rows = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(rows[0]).toMatch(/^phone,phone_raw,name,city,email,time_zone,priority,status,attempts,last_attempt_at,next_due_at,last_disposition/);
      expect(rows).toHaveLength(4);
      const bruno = rows.find((r) => r.startsWith(e164(2)))!;
      expect(bruno).toContain(',busy,1,');
      expect(bruno).toContain(',BUSY,');
      expect(rows.find((r) => r.startsWith(e164(1)))).toContain('"Ana, ""la jefa"""');

      const xres = await t.get(`/api/campaigns/${id}/leads/export?format=xlsx`, t.as.supervisor);
      expect(xres.status).toBe(200);
      expect(xres.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await xres.arrayBuffer());
      const ws = wb.worksheets[0]!;
      expect(ws.rowCount).toBe(4);
      expect(ws.getRow(1).getCell(1).value).toBe('phone');

      // Round trip: the exported CSV imported into another campaign gives the same leads.
      const k2 = await t.addCampaign('k2');
      const up = await t.upload(`/api/campaigns/${k2}/leads/import`, { file: csvFile(csv, 'export.csv') }, t.as.supervisor);
      const job = await waitJob(((await up.json()) as { job_id: string }).job_id, t.as.supervisor);
      expect(job).toMatchObject({ state: 'done', accepted: 3, rejected: 0 });
      const again = (await (await t.get(`/api/leads?campaign_id=${k2}&sort=phone`, t.as.supervisor)).json()) as Page;
      const before = (await (await t.get(`/api/leads?campaign_id=${id}&sort=phone`, t.as.supervisor)).json()) as Page;
      const pick = (l: Lead) => [l.phone, l.name, l.city, l.priority];
      expect(again.items.map(pick)).toEqual(before.items.map(pick));
      // Also the XLSX.
      const k3 = await t.addCampaign('k3');
      const xup = await t.upload(`/api/campaigns/${k3}/leads/import`, { file: new File([new Uint8Array(await (await t.get(`/api/campaigns/${id}/leads/export?format=xlsx`, t.as.supervisor)).arrayBuffer())], 'export.xlsx') }, t.as.supervisor);
      expect(await waitJob(((await xup.json()) as { job_id: string }).job_id, t.as.supervisor)).toMatchObject({ state: 'done', accepted: 3 });
      await expectError(await t.get('/api/campaigns/nope/leads/export', t.as.supervisor), 404, 'not_found');
      await expectError(await t.get(`/api/campaigns/${id}/leads/export?format=pdf`, t.as.supervisor), 422, 'validation_failed');
    });
  });

  describe('selection and deletion', () => {
    it('selects and resets leads by filter, skipping leads being dialled; deletes leads (supervisor+)', async () => {
      t = await api({}, { make });
      const id = await t.addCampaign('k1', { callingHours: { start: '00:00', end: '24:00' }, weekdays: [1, 2, 3, 4, 5, 6, 7] });
      await t.addLeads(id, [
        { i: 1, city: 'Cartago', priority: 1 },
        { i: 2, city: 'Cartago', priority: 2 },
        { i: 3, city: 'Heredia', priority: 1 },
      ]);
      expect((await t.send('POST', `/api/campaigns/${id}/leads/select`, { city: 'Cartago' }, t.as.teamlead)).status).toBe(403);
      const sel = await t.send('POST', `/api/campaigns/${id}/leads/select`, { city: 'cartago' }, t.as.supervisor);
      expect(await sel.json()).toEqual({ updated: 2 });
      expect(await t.db.read.countByStatus(id)).toEqual({ selected: 2, no_selected: 1 });
      const reset = await t.send('POST', `/api/campaigns/${id}/leads/reset-selection`, { priority: 1 }, t.as.admin);
      expect(await reset.json()).toEqual({ updated: 1 });
      expect(await t.db.read.countByStatus(id)).toEqual({ selected: 1, no_selected: 2 });
      const unk = await expectError(await t.send('POST', `/api/campaigns/${id}/leads/select`, { status: 'dnc' }, t.as.supervisor), 422, 'validation_failed');
      expect(unk.error.details).toMatchObject([{ field: 'status', problem: 'is not a known field' }]);
      await expectError(await t.send('POST', '/api/campaigns/nope/leads/select', {}, t.as.supervisor), 404, 'not_found');

      // A lead being dialled is neither reset nor deletable.
      await t.db.campaigns.command(id, 'start', t.clock.now());
      const leased = await t.db.hopper.lease({ campaignId: id, owner: 'node-x', now: t.clock.now(), limit: 1, leaseMs: 60_000 });
      expect(leased).toHaveLength(1);
      expect(await (await t.send('POST', `/api/campaigns/${id}/leads/reset-selection`, {}, t.as.supervisor)).json()).toEqual({ updated: 1 });
      await expectError(await t.send('DELETE', `/api/leads/${leased[0]!.id}`, undefined, t.as.supervisor), 409, 'conflict');

      const victim = (await t.leadOf(id, e164(3) === leased[0]!.phoneE164 ? e164(2) : e164(3))).id;
      expect((await t.send('DELETE', `/api/leads/${victim}`, undefined, t.as.teamlead)).status).toBe(403);
      expect((await t.send('DELETE', `/api/leads/${victim}`, undefined, t.as.agent)).status).toBe(403);
      expect((await t.send('DELETE', `/api/leads/${victim}`, undefined, t.as.supervisor)).status).toBe(200);
      expect(await t.db.read.lead(victim)).toBeUndefined();
      await expectError(await t.send('DELETE', `/api/leads/${victim}`, undefined, t.as.supervisor), 404, 'not_found');
      expect((await t.audit()).filter((a) => a.startsWith('lead'))).toEqual(['leads.select', 'leads.reset_selection', 'leads.reset_selection', 'lead.delete']);
    });
  });

  describe('one lead: add, list, show, edit (with its history), lock, select, reset, export, delete', () => {
    /** A campaign that may dial at any hour (the hopper leases whenever the test's clock says). */
    async function campaign(name: string): Promise<string> {
      const res = await t.send('POST', '/api/campaigns', { name, callingHours: { start: '00:00', end: '23:59' }, weekdays: [1, 2, 3, 4, 5, 6, 7] }, t.as.supervisor);
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    }
    async function add(campaignId: string, body: Record<string, unknown>): Promise<Lead> {
      const res = await t.send('POST', `/api/campaigns/${campaignId}/leads`, body, t.as.supervisor);
      expect(res.status).toBe(201);
      return (await res.json()) as Lead;
    }
    async function list(query: string, who = t.as.supervisor): Promise<Page> {
      const res = await t.get(`/api/leads?${query}`, who);
      expect(res.status).toBe(200);
      return (await res.json()) as Page;
    }
    /** On PostgreSQL the SQLite file never gets a lead. */
    const noSqliteLeads = () => {
      if (dialect === 'pg') expect((t.store.sqlite.prepare('select count(*) as n from leads').get() as { n: number }).n).toBe(0);
    };

    it('adds, lists (filters, sort, paging, total), shows, edits and deletes leads in the API\'s database', async () => {
      t = await api({}, { make });
      const sup = t.as.supervisor;
      const k = await campaign('Norte');
      const other = await campaign('Sur');
      await t.db.seed.dnc('+50688884444', null, t.clock.now());
      const ana = await add(k, { phone: '8888 1111', name: 'Ana', city: 'San José', priority: 1, custom: { plan: 'oro' } });
      expect(ana).toMatchObject({ campaignId: k, phone: '+50688881111', name: 'Ana', city: 'San José', priority: 1, status: 'no_selected', custom: { plan: 'oro' } });
      expect(await t.db.read.lead(ana.id)).toMatchObject({ phoneE164: '+50688881111', nextDueAt: t.clock.now() });
      t.clock.advance(1);
      const bruno = await add(k, { phone: '+506 8888 2222', name: 'bruno', city: 'san josé' });
      t.clock.advance(1);
      const carla = await add(k, { phone: '2222 3333', name: 'Carla', city: 'Heredia', priority: 4 });
      await add(other, { phone: '8888 1111', name: 'Ana' });
      // A number on the DNC list arrives dnc.
      expect((await add(other, { phone: '8888 4444' })).status).toBe('dnc');

      const all = await list(`campaign_id=${k}`);
      expect({ ids: all.items.map((l) => l.id), total: all.total }).toEqual({ ids: [ana.id, bruno.id, carla.id], total: 3 });
      expect((await list(`campaign_id=${k}&city=SAN%20JOS%C3%A9`)).items.map((l) => l.name)).toEqual(['Ana', 'bruno']);
      expect((await list(`campaign_id=${k}&q=8888%202222`)).items.map((l) => l.name)).toEqual(['bruno']);
      expect((await list(`campaign_id=${k}&priority=4`)).items.map((l) => l.name)).toEqual(['Carla']);
      // Byte order on both: 'Ana' < 'Carla' < 'bruno'.
      expect((await list(`campaign_id=${k}&sort=name`)).items.map((l) => l.name)).toEqual(['Ana', 'Carla', 'bruno']);
      const p2 = await list(`campaign_id=${k}&sort=-created_at&limit=1&offset=1`);
      expect({ names: p2.items.map((l) => l.name), total: p2.total, limit: p2.limit, offset: p2.offset }).toEqual({ names: ['bruno'], total: 3, limit: 1, offset: 1 });
      expect((await list('')).total).toBe(5);
      // The campaign's detail counts the same leads (its port's database).
      expect(((await (await t.get(`/api/campaigns/${k}`, sup)).json()) as { leads: Record<string, number> }).leads).toEqual({ no_selected: 3 });
      noSqliteLeads();

      // Detail; a supervisor edits without a lock; the history is the API database's.
      expect(await (await t.get(`/api/leads/${bruno.id}`, sup)).json()).toMatchObject({ id: bruno.id, name: 'bruno', lock: null });
      const edited = await t.send('PATCH', `/api/leads/${bruno.id}`, { name: 'Bruno', phone: '8888 2299' }, sup);
      expect(edited.status).toBe(200);
      expect(await edited.json()).toMatchObject({ name: 'Bruno', phone: '+50688882299' });
      const hist = (await (await t.get(`/api/leads/${bruno.id}/history`, sup)).json()) as { items: Array<{ field: string; from: unknown; to: unknown; username: string }>; total: number };
      expect(hist.items.map((e) => [e.field, e.from, e.to, e.username])).toEqual([
        ['phone', '+50688882222', '+50688882299', 'sup1'],
        ['phoneRaw', '+506 8888 2222', '8888 2299', 'sup1'],
        ['name', 'bruno', 'Bruno', 'sup1'],
      ]);
      expect(await t.db.read.lead(bruno.id)).toMatchObject({ name: 'Bruno', phoneE164: '+50688882299' });

      // Delete: gone; again → 404.
      expect(await (await t.send('DELETE', `/api/leads/${carla.id}`, undefined, sup)).json()).toEqual({ message: 'Lead deleted', id: carla.id });
      await expectError(await t.send('DELETE', `/api/leads/${carla.id}`, undefined, sup), 404, 'not_found');
      expect(await t.db.read.leads(k)).toHaveLength(2);
      noSqliteLeads();
    });

    it('answers 4xx naming the field: bad or duplicate phone, unknown field, unknown campaign or lead', async () => {
      t = await api({}, { make });
      const sup = t.as.supervisor;
      const k = await campaign('Norte');
      const ana = await add(k, { phone: '8888 1111', name: 'Ana' });
      const bad = await expectError(await t.send('POST', `/api/campaigns/${k}/leads`, { phone: '12' }, sup), 422, 'validation_failed');
      expect(bad.error.details?.[0]?.field).toBe('phone');
      const missing = await expectError(await t.send('POST', `/api/campaigns/${k}/leads`, { name: 'x' }, sup), 422, 'validation_failed');
      expect(missing.error.details?.map((d) => d.field)).toEqual(['phone']);
      const prio = await expectError(await t.send('POST', `/api/campaigns/${k}/leads`, { phone: '8888 4444', priority: 9 }, sup), 422, 'validation_failed');
      expect(prio.error.details?.map((d) => d.field)).toEqual(['priority']);
      const unknown = await expectError(await t.send('POST', `/api/campaigns/${k}/leads`, { phone: '8888 4444', colour: 'red' }, sup), 422, 'validation_failed');
      expect(unknown.error.message).toContain('colour');
      const dup = await expectError(await t.send('POST', `/api/campaigns/${k}/leads`, { phone: '+50688881111' }, sup), 409, 'conflict');
      expect(dup.error.message).toContain(ana.id);
      await expectError(await t.send('POST', '/api/campaigns/nope/leads', { phone: '8888 4444' }, sup), 404, 'not_found');
      await expectError(await t.get('/api/leads/nope', sup), 404, 'not_found');
      await expectError(await t.send('POST', '/api/campaigns/nope/leads/select', {}, sup), 404, 'not_found');
      const email = await expectError(await t.send('PATCH', `/api/leads/${ana.id}`, { email: 'not-an-email' }, sup), 422, 'validation_failed');
      expect(email.error.details?.map((d) => d.field)).toEqual(['email']);
      expect(await t.db.read.leads(k)).toHaveLength(1);
    });

    if (dialect === 'pg') {
      it('PostgreSQL leads without an import port of the same database: the import answers 501 and writes nothing', async () => {
        t = await api({ leadImports: undefined }, { make });
        const k = await campaign('Norte');
        const form = new FormData();
        form.set('file', new File(['phone\n88885555\n'], 'leads.csv', { type: 'text/csv' }));
        const imp = await t.app.request(`/api/campaigns/${k}/leads/import`, { method: 'POST', body: form, headers: t.as.supervisor });
        await expectError(imp, 501, 'not_implemented');
        await expectError(await t.get('/api/import-jobs/nope', t.as.supervisor), 501, 'not_implemented');
        expect(await t.db.read.leads(k)).toEqual([]);
        noSqliteLeads();
      });
    }

    it('locks: an agent locks a lead of a call the nodes wrote for them, another user gets 409 naming the holder', async () => {
      t = await api({}, { make });
      const k = await campaign('Norte');
      const ana = await add(k, { phone: '8888 1111', name: 'Ana' });
      // Not one of the agent's calls yet.
      await expectError(await t.send('POST', `/api/leads/${ana.id}/lock`, undefined, t.as.agent), 403, 'forbidden');
      await expectError(await t.get(`/api/leads/${ana.id}`, t.as.agent), 403, 'forbidden');
      // A node's CallLog for this lead, answered by the agent's user.
      await t.db.callLogs.create({ id: 'c1', campaignId: k, leadId: ana.id, phone: '+50688881111', nodeId: 'node-2', channelId: 'ch-1', at: t.clock.now() });
      await t.db.seed.callUser('c1', t.ids.agent);
      const locked = await t.send('POST', `/api/leads/${ana.id}/lock`, undefined, t.as.agent);
      expect(locked.status).toBe(200);
      expect(await locked.json()).toMatchObject({ leadId: ana.id, userId: t.ids.agent, username: 'agent1' });
      expect((await t.db.read.rows('leadLocks')).map((r) => [r.leadId, r.userId])).toEqual([[ana.id, t.ids.agent]]);
      expect(await (await t.get(`/api/leads/${ana.id}`, t.as.agent)).json()).toMatchObject({ id: ana.id, lock: { username: 'agent1' } });
      const held = (await expectError(await t.send('PATCH', `/api/leads/${ana.id}`, { name: 'X' }, t.as.supervisor), 409, 'locked')) as { error: { lock?: { username: string } } };
      expect(held.error.lock?.username).toBe('agent1');
      expect((await t.send('PATCH', `/api/leads/${ana.id}`, { name: 'Ana B' }, t.as.agent)).status).toBe(200);
      await expectError(await t.send('DELETE', `/api/leads/${ana.id}/lock`, undefined, t.as.teamlead), 409, 'locked');
      expect(await (await t.send('DELETE', `/api/leads/${ana.id}/lock`, undefined, t.as.agent)).json()).toEqual({ released: true });
      // Roles: agents cannot list, add, select or delete; team leads cannot add.
      await expectError(await t.get('/api/leads', t.as.agent), 403, 'forbidden');
      await expectError(await t.send('POST', `/api/campaigns/${k}/leads`, { phone: '8888 4444' }, t.as.teamlead), 403, 'forbidden');
      await expectError(await t.send('POST', `/api/campaigns/${k}/leads/select`, {}, t.as.agent), 403, 'forbidden');
      await expectError(await t.send('DELETE', `/api/leads/${ana.id}`, undefined, t.as.agent), 403, 'forbidden');
      expect((await list('', t.as.teamlead)).total).toBe(1);
    });

    it('select and reset by filter leave alone the leads a node holds; a leased lead cannot be deleted; the export reads the same leads', async () => {
      // SQLite: the API's own engine (here a store-backed double) starts it; PostgreSQL: the stored command the nodes read.
      t = await api({}, { make, control: true });
      const sup = t.as.supervisor;
      const k = await campaign('Norte');
      const made: Lead[] = [];
      for (let i = 0; i < 5; i++) made.push(await add(k, { phone: `8888 100${i}`, name: `L${i}`, city: i < 3 ? 'Heredia' : 'Cartago', priority: i === 0 ? 1 : 3, custom: { n: i } }));
      const sel = await t.send('POST', `/api/campaigns/${k}/leads/select`, { city: 'heredia' }, sup);
      expect(await sel.json()).toEqual({ updated: 3 });
      expect((await t.send('POST', `/api/campaigns/${k}/start`, undefined, sup)).status).toBe(200);
      // A node leases two leads (the first by priority, then by due time); their lease then runs out unreturned.
      const leased = await t.db.hopper.lease({ campaignId: k, owner: 'node-2', now: t.clock.now(), limit: 2, leaseMs: 60_000 });
      expect(leased.map((l) => l.id)).toEqual([made[0]!.id, made[1]!.id]);
      await expectError(await t.send('DELETE', `/api/leads/${made[0]!.id}`, undefined, sup), 409, 'conflict');
      t.clock.advance(120_000);
      const reset = await t.send('POST', `/api/campaigns/${k}/leads/reset-selection`, {}, sup);
      expect(await reset.json()).toEqual({ updated: 1 });
      const byId = new Map((await t.db.read.leads(k)).map((l) => [l.id, l]));
      expect(made.map((m) => [byId.get(m.id)!.status, byId.get(m.id)!.leaseOwner])).toEqual([
        ['selected', 'node-2'],
        ['selected', 'node-2'],
        ['no_selected', null],
        ['no_selected', null],
        ['no_selected', null],
      ]);
      // The export streams the same leads, custom keys as columns.
      const csv = await (await t.get(`/api/campaigns/${k}/leads/export?format=csv`, sup)).text();
      const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines[0]!.split(',').at(-1)).toBe('n');
      expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(made.map((l) => l.phone).sort());
      const xlsx = await t.get(`/api/campaigns/${k}/leads/export?format=xlsx`, sup);
      expect(xlsx.status).toBe(200);
      expect((await xlsx.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      // A lease past its expiry no longer blocks a deletion.
      expect((await t.send('DELETE', `/api/leads/${made[1]!.id}`, undefined, sup)).status).toBe(200);
    });
  });
}, { prefix: 'pg_suite_leads' });

/** One dialect: a 100k-row file is the import worker's speed, not the routes' (PostgreSQL's: api-lead-imports). */
describe('lead import through the API, a large file', () => {
  it('imports a 100k-row file (over the global 256 KB limit) in the background, with progress going up', async () => {
    t = await api();
    const id = t.campaign('big');
    const ROWS = 100_000;
    const lines = ['phone,name,city,priority'];
    const bad = new Set<number>();
    for (let i = 0; i < ROWS; i++) {
      if (i % 1000 === 7) {
        lines.push(`12${i},Bad ${i},Nowhere,3`);
        bad.add(i + 2);
      } else lines.push(`${nat(i)},Lead ${i},City ${i % 50},${(i % 5) + 1}`);
    }
    const text = lines.join('\n') + '\n';
    expect(text.length).toBeGreaterThan(256 * 1024);
    const started = Date.now();
    const res = await t.upload(`/api/campaigns/${id}/leads/import`, { file: csvFile(text, 'big.csv') }, t.as.supervisor);
    expect(res.status).toBe(202);
    const { job_id } = (await res.json()) as { job_id: string };
    const seen: number[] = [];
    const job = await waitJob(job_id, t.as.supervisor, seen);
    const ms = Date.now() - started;
    expect(job).toMatchObject({ state: 'done', processed: ROWS, accepted: ROWS - bad.size, rejected: bad.size, total: ROWS });
    expect(job.errors.total).toBe(bad.size);
    expect(job.errors.items.slice(0, 3).map((e) => e.line)).toEqual([...bad].slice(0, 3));
    // Progress was observed between the start and the end, never going down.
    const middle = seen.filter((p) => p > 0 && p < ROWS);
    expect(middle.length).toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect((await (await t.get(`/api/leads?campaign_id=${id}&limit=1`, t.as.supervisor)).json()) as Page).toMatchObject({ total: ROWS - bad.size });
    console.log(`100k import via API: ${ms} ms, ${seen.length} polls, ${middle.length} in progress`);
  }, 300_000);
});
