import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { ianaZone } from '../../engine/campaigns/index.js';
import { LEAD_FIELDS, type MappingOverride, normalisePhone } from '../../engine/leads/index.js';
import { exportLeads } from '../../engine/lead-files/index.js';
import { ImportQueueFull } from '../../engine/imports/index.js';
import { LEAD_STATUSES, LeadPhoneTaken, type LeadRow, type LeadChange, LEAD_SORT_VALUES } from '../../engine/store/index.js';
import { assertMayRead, isManager, lockedBody, mustGetLead, type LeadApiDeps, LeadIdParam, LeadSchema, LockedSchema, publicLead, uploadRoute } from '../leads/index.js';
import { type ApiEnv, ApiError, jsonBody, jsonResponse, protectedRoute, issuesToDetails, validationHook } from '../http/index.js';
import { auditFrom } from './audit-context.js';

const tags = ['leads'];
const CampaignParam = z.strictObject({ id: z.string().min(1).max(64) });

const filterFields = {
  city: z.string().trim().min(1).max(200).optional(),
  status: z.enum(LEAD_STATUSES).optional(),
  priority: z.coerce.number().int().min(1).max(5).optional(),
  q: z.string().trim().min(1).max(200).optional().openapi({ description: 'Substring of name, phone or city' }),
};

const ListQuery = z.strictObject({
  campaign_id: z.string().min(1).max(64).optional(),
  ...filterFields,
  sort: z.enum(LEAD_SORT_VALUES).default('created_at').openapi({ description: 'Field, "-" prefix for descending' }),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).max(100_000_000).default(0),
});

const UpdateLead = z
  .strictObject({
    phone: z.string().trim().min(1).max(40).optional().openapi({ description: 'Re-normalised to E.164 in the campaign’s country' }),
    name: z.string().trim().max(200).nullable().optional(),
    city: z.string().trim().max(200).nullable().optional(),
    email: z.email().max(320).nullable().optional(),
    timeZone: ianaZone.nullable().optional(),
    priority: z.number().int().min(1).max(5).optional(),
    custom: z.record(z.string().max(100), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])).optional(),
  })
  .openapi('UpdateLead');

const CreateLead = z
  .strictObject({
    phone: z.string().trim().min(1).max(40).openapi({ description: 'Normalised to E.164 in the campaign’s country' }),
    name: z.string().trim().max(200).nullable().optional(),
    city: z.string().trim().max(200).nullable().optional(),
    email: z.email().max(320).nullable().optional(),
    timeZone: ianaZone.nullable().optional(),
    priority: z.number().int().min(1).max(5).optional(),
    custom: UpdateLead.shape.custom,
  })
  .openapi('CreateLead');

const SelectBody = z.strictObject({ city: filterFields.city, priority: z.number().int().min(1).max(5).optional(), q: filterFields.q }).openapi('LeadSelection');

const mappingSchema = z.strictObject(Object.fromEntries(LEAD_FIELDS.map((f) => [f, z.union([z.string().min(1).max(200), z.number().int().min(0).max(10_000)]).optional()])));
const ImportForm = z
  .strictObject({
    file: z.custom<File>((v) => v instanceof File, { message: 'must be a file (multipart field "file")' }).openapi({ type: 'string', format: 'binary' }),
    mapping: z
      .string()
      .max(10_000)
      .optional()
      .openapi({ description: 'JSON object: lead field (phone, name, firstName, lastName, city, email, priority, timeZone) → header text or 0-based column' }),
    default_country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code').optional(),
  })
  .openapi('LeadImport');

const ExportQuery = z.strictObject({ format: z.enum(['csv', 'xlsx']).default('csv') });

const notFound = { 404: { description: 'No such lead or campaign' } };

const list = protectedRoute('leads.read', {
  method: 'get',
  path: '/api/leads',
  tags,
  summary: 'Leads, filtered (campaign, city, status, priority, text), sorted and paginated',
  request: { query: ListQuery },
  responses: {
    200: jsonResponse('A page of leads', z.object({ items: z.array(LeadSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })),
  },
});
const detail = protectedRoute('leads.open', {
  method: 'get',
  path: '/api/leads/{id}',
  tags,
  summary: 'One lead (agents: only while holding its lock)',
  request: { params: LeadIdParam },
  responses: { 200: jsonResponse('The lead', LeadSchema.extend({ lock: z.object({ userId: z.string(), username: z.string(), expiresAt: z.number().int() }).nullable() })), ...notFound },
});
const update = protectedRoute('leads.open', {
  method: 'patch',
  path: '/api/leads/{id}',
  tags,
  summary: 'Edit a lead; needs its lock (supervisors and admins: unless someone else holds it). Every change goes to the history.',
  request: { params: LeadIdParam, body: jsonBody(UpdateLead) },
  responses: { 200: jsonResponse('The lead', LeadSchema), ...notFound, 409: jsonResponse('Locked by another user, lock required, or phone already in the campaign', LockedSchema) },
});
const remove = protectedRoute('leads.manage', {
  method: 'delete',
  path: '/api/leads/{id}',
  tags,
  summary: 'Delete a lead (refused while it is being dialled)',
  request: { params: LeadIdParam },
  responses: { 200: jsonResponse('Deleted', z.object({ message: z.string(), id: z.string() })), ...notFound, 409: { description: 'Lead is being dialled' } },
});
const create = protectedRoute('leads.manage', {
  method: 'post',
  path: '/api/campaigns/{id}/leads',
  tags,
  summary: 'Add one lead to a campaign (status no_selected, or dnc when its number is on a DNC list)',
  request: { params: CampaignParam, body: jsonBody(CreateLead) },
  responses: { 201: jsonResponse('The lead', LeadSchema), ...notFound, 409: { description: 'The campaign already has a lead with this number' } },
});
const importRoute = uploadRoute('leads.manage', {
  method: 'post',
  path: '/api/campaigns/{id}/leads/import',
  tags,
  summary: 'Upload a CSV or XLSX lead file (≤ 50 MB); imported in the background, follow GET /api/import-jobs/{job_id}',
  request: { params: CampaignParam, body: { required: true, content: { 'multipart/form-data': { schema: ImportForm } } } },
  responses: {
    202: jsonResponse('Import queued (state queued, then running)', z.object({ job_id: z.string(), status_url: z.string() })),
    ...notFound,
    413: { description: 'File larger than 50 MB' },
    501: { description: 'The API keeps its leads in PostgreSQL and was built without its import port (leadImports)' },
    503: { description: 'Too many imports waiting (Retry-After)' },
    507: { description: 'The server’s disk is full' },
  },
});
const exportRoute = protectedRoute('leads.read', {
  method: 'get',
  path: '/api/campaigns/{id}/leads/export',
  tags,
  summary: 'The campaign’s leads with their results (status, attempts, last disposition), streamed as CSV or XLSX',
  request: { params: CampaignParam, query: ExportQuery },
  responses: {
    200: {
      description: 'The file',
      content: {
        'text/csv': { schema: z.string() },
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
    ...notFound,
  },
});
const selection = (path: 'select' | 'reset-selection', summary: string) =>
  protectedRoute('leads.manage', {
    method: 'post',
    path: `/api/campaigns/{id}/leads/${path}`,
    tags,
    summary,
    request: { params: CampaignParam, body: jsonBody(SelectBody) },
    responses: { 200: jsonResponse('How many leads changed', z.object({ updated: z.number().int() })), ...notFound },
  });
const select = selection('select', 'Mark the matching no_selected leads selected (leads not being dialled)');
const resetSelection = selection('reset-selection', 'Put the matching selected leads back to no_selected (leads not being dialled)');

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function leadRoutes(deps: LeadApiDeps): OpenAPIHono<ApiEnv> {
  const { leads, campaigns, auth, logger, imports, leadImports } = deps;
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  const mustGetCampaign = async (id: string) => {
    const c = await campaigns.get(id);
    if (c === undefined) throw new ApiError(404, 'not_found', `No campaign ${id}`);
    return c;
  };

  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const { items, total } = await leads.search(
      { campaignId: q.campaign_id, city: q.city, status: q.status, priority: q.priority, q: q.q },
      { sort: q.sort, limit: q.limit, offset: q.offset },
    );
    return c.json({ items: items.map(publicLead), total, limit: q.limit, offset: q.offset }, 200);
  });

  app.openapi(detail, async (c) => {
    const { id } = c.req.valid('param');
    const lead = await mustGetLead(leads, id);
    const lock = await assertMayRead(leads, c.get('principal'), id, auth.now());
    return c.json({ ...publicLead(lead), lock: lock === undefined ? null : { userId: lock.userId, username: lock.username, expiresAt: lock.expiresAt } }, 200);
  });

  app.openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const me = c.get('principal');
    const now = auth.now();
    const lead = await mustGetLead(leads, id);
    const lock = await leads.locks.current(id, now);
    if (lock !== undefined && lock.userId !== me.userId) return c.json(lockedBody(id, lock), 409);
    if (lock === undefined && !isManager(me)) {
      throw new ApiError(409, 'lock_required', `Lock lead ${id} first (POST /api/leads/${id}/lock)`);
    }

    const set: Partial<LeadRow> = {};
    const changes: LeadChange[] = [];
    const change = <K extends keyof LeadRow>(field: string, key: K, to: LeadRow[K]) => {
      if (JSON.stringify(lead[key]) === JSON.stringify(to)) return;
      set[key] = to;
      changes.push({ field, from: lead[key], to });
    };
    if (body.phone !== undefined) {
      const campaign = await mustGetCampaign(lead.campaignId);
      const p = normalisePhone(body.phone, campaign.defaultCountry);
      if (!p.ok) throw new ApiError(422, 'validation_failed', `Invalid json: phone ${p.reason}`, [{ field: 'phone', problem: p.reason, code: 'invalid_phone' }]);
      if (p.e164 !== lead.phoneE164) {
        const clash = await leads.idByPhone(lead.campaignId, p.e164);
        if (clash !== undefined) throw new ApiError(409, 'conflict', `Lead ${clash} of this campaign already has ${p.e164}`);
      }
      change('phone', 'phoneE164', p.e164);
      change('phoneRaw', 'phoneRaw', p.raw);
    }
    if (body.name !== undefined) change('name', 'name', body.name === '' ? null : body.name);
    if (body.city !== undefined) change('city', 'city', body.city === '' ? null : body.city);
    if (body.email !== undefined) change('email', 'email', body.email);
    if (body.timeZone !== undefined) change('timeZone', 'timeZone', body.timeZone);
    if (body.priority !== undefined) change('priority', 'priority', body.priority);
    if (body.custom !== undefined) change('custom', 'custom', body.custom);

    const user = { id: me.userId, username: me.username };
    // One transaction: the fields, one history row per change and, for a number on a DNC list, the lead retired.
    const updated =
      changes.length === 0
        ? lead
        : await leads.edit(id, set, changes, user, now).catch((err: unknown) => {
            // Checked above; this is another write taking the number in between.
            if (err instanceof LeadPhoneTaken) throw new ApiError(409, 'conflict', `Another lead of this campaign already has ${err.phoneE164}`);
            throw err;
          });
    if (updated === undefined) throw new ApiError(404, 'not_found', `No lead ${id}`);
    if (changes.length > 0) {
      await auth.audit.record(
        auditFrom(c, auth, 'lead.update', 'lead', id, Object.fromEntries(changes.map((ch) => [ch.field, { from: ch.from, to: ch.to }]))),
      );
    }
    return c.json(publicLead(updated), 200);
  });

  app.openapi(create, async (c) => {
    const { id: campaignId } = c.req.valid('param');
    const body = c.req.valid('json');
    const campaign = await mustGetCampaign(campaignId);
    const p = normalisePhone(body.phone, campaign.defaultCountry);
    if (!p.ok) throw new ApiError(422, 'validation_failed', `Invalid json: phone ${p.reason}`, [{ field: 'phone', problem: p.reason, code: 'invalid_phone' }]);
    const blank = (v: string | null | undefined) => (v === undefined || v === '' ? null : v);
    const r = await leads.create(
      {
        campaignId,
        phoneE164: p.e164,
        phoneRaw: p.raw,
        name: blank(body.name),
        city: blank(body.city),
        email: body.email ?? null,
        timeZone: body.timeZone ?? null,
        ...(body.priority !== undefined ? { priority: body.priority } : {}),
        ...(body.custom !== undefined ? { custom: body.custom } : {}),
      },
      auth.now(),
    );
    if (!r.ok) throw new ApiError(409, 'conflict', `Lead ${r.id} of this campaign already has ${p.e164}`);
    await auth.audit.record(auditFrom(c, auth, 'lead.create', 'lead', r.lead.id, { campaignId, phone: r.lead.phoneE164 }));
    return c.json(publicLead(r.lead), 201);
  });

  app.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    const now = auth.now();
    // Checked and deleted in the port (on PostgreSQL in the deleting statement, against the nodes' leases).
    const r = await leads.remove(id, now);
    if (!r.ok && r.reason === 'not_found') throw new ApiError(404, 'not_found', `No lead ${id}`);
    if (!r.ok) throw new ApiError(409, 'conflict', `Lead ${id} is being dialled; try again when the call ends`);
    const lead = r.lead;
    await auth.audit.record(auditFrom(c, auth, 'lead.delete', 'lead', id, { campaignId: lead.campaignId, phone: lead.phoneE164 }));
    return c.json({ message: 'Lead deleted', id }, 200);
  });

  app.openapi(importRoute, async (c) => {
    const { id: campaignId } = c.req.valid('param');
    const form = c.req.valid('form');
    const campaign = await mustGetCampaign(campaignId);
    if (leadImports === undefined || imports.dialect !== leads.dialect) {
      // Leads on PostgreSQL, but no import port of that database was given to the API (docs/scale-out.md).
      throw new ApiError(501, 'not_implemented', 'Lead imports are not set up for this API’s lead database; add leads one by one (POST /api/campaigns/{id}/leads)');
    }
    let mapping: MappingOverride | undefined;
    if (form.mapping !== undefined && form.mapping.trim() !== '') {
      let raw: unknown;
      try {
        raw = JSON.parse(form.mapping);
      } catch {
        throw new ApiError(422, 'validation_failed', 'Invalid form: mapping is not valid JSON', [{ field: 'mapping', problem: 'is not valid JSON' }]);
      }
      const parsed = mappingSchema.safeParse(raw);
      if (!parsed.success) {
        const details = issuesToDetails(parsed.error.issues).map((d) => ({ ...d, field: d.field === '(body)' ? 'mapping' : `mapping.${d.field}` }));
        throw new ApiError(422, 'validation_failed', `Invalid form: ${details[0]!.field} ${details[0]!.problem}`, details);
      }
      mapping = parsed.data as MappingOverride;
    }
    const file = form.file;
    const fileName = file.name === '' ? 'upload.csv' : file.name;
    if (!/\.(csv|txt|tsv|xlsx)$/i.test(fileName)) {
      throw new ApiError(422, 'validation_failed', 'Invalid form: file must be .csv, .txt, .tsv or .xlsx', [{ field: 'file', problem: 'must be .csv, .txt, .tsv or .xlsx' }]);
    }
    // Spool to disk (the importer streams it, counts CSV rows up front, and reads an XLSX's zip directory), then
    // queue it: parsing and inserting happen in an import worker thread, never on this event loop.
    const at = auth.now();
    const jobId = imports.newJobId(at);
    const spoolPath = imports.spoolPathFor(jobId, fileName);
    try {
      await pipeline(Readable.fromWeb(file.stream() as Parameters<typeof Readable.fromWeb>[0]), createWriteStream(spoolPath));
    } catch (err) {
      await rm(spoolPath, { force: true });
      if ((err as { code?: string }).code === 'ENOSPC') throw new ApiError(507, 'insufficient_storage', 'The server’s disk is full: the file could not be stored for import');
      throw err;
    }
    try {
      await imports.submit({ jobId, campaignId, fileName, spoolPath, at, mapping, defaultCountry: form.default_country ?? campaign.defaultCountry });
    } catch (err) {
      await rm(spoolPath, { force: true });
      if (err instanceof ImportQueueFull) throw new ApiError(503, 'import_queue_full', err.message, undefined, { 'Retry-After': '60' });
      throw err;
    }
    await auth.audit.record(auditFrom(c, auth, 'leads.import', 'campaign', campaignId, { jobId, fileName, bytes: file.size, mapping: mapping ?? null }));
    return c.json({ job_id: jobId, status_url: `/api/import-jobs/${jobId}` }, 202);
  });

  app.openapi(exportRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { format } = c.req.valid('query');
    await mustGetCampaign(id);
    const out = new PassThrough();
    // A client that goes away destroys the stream; wake the writer (it may be waiting for 'drain') so it stops.
    out.on('error', () => undefined); // reported through exportLeads' rejection below, never as an uncaught error
    out.on('close', () => {
      if (!out.writableFinished) out.emit('error', new Error('export aborted: the client went away'));
    });
    exportLeads(leads, id, format, out)
      .then(() => {
        if (!out.writableEnded) out.end();
      })
      .catch((err: unknown) => {
        logger.error({ err, campaignId: id }, 'lead export failed');
        out.destroy(err instanceof Error ? err : new Error(String(err)));
      });
    await auth.audit.record(auditFrom(c, auth, 'leads.export', 'campaign', id, { format }));
    const name = `leads-${id}.${format}`;
    return new Response(Readable.toWeb(out) as ReadableStream, {
      status: 200,
      headers: {
        'content-type': format === 'xlsx' ? XLSX_TYPE : 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}"`,
      },
    });
  });

  const selectionHandler = (from: 'no_selected' | 'selected', to: 'no_selected' | 'selected', action: string) =>
    app.openapi(from === 'no_selected' ? select : resetSelection, async (c) => {
      const { id } = c.req.valid('param');
      const f = c.req.valid('json');
      await mustGetCampaign(id);
      const now = auth.now();
      const updated = await leads.setSelection({ campaignId: id, city: f.city, priority: f.priority, q: f.q }, from, to, now);
      await auth.audit.record(auditFrom(c, auth, action, 'campaign', id, { filter: f, updated }));
      return c.json({ updated }, 200);
    });
  selectionHandler('no_selected', 'selected', 'leads.select');
  selectionHandler('selected', 'no_selected', 'leads.reset_selection');

  return app;
}
