import { Readable } from 'node:stream';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { detectColumns, normalisePhone, cellText, csvRecords } from '../../engine/leads/index.js';
import { INTERNAL_DNC, type CallHistory, type DncRow } from '../../engine/store/index.js';
import { type LeadApiDeps, uploadRoute } from '../leads/index.js';
import { type ApiEnv, ApiError, jsonBody, jsonResponse, protectedRoute, validationHook } from '../http/index.js';
import { auditFrom } from './audit-context.js';

const tags = ['dnc'];
/** Country for numbers written without a country code when neither the request nor a campaign says (the product's default). */
const FALLBACK_COUNTRY = 'CR';
const DNC_UPLOAD_MAX_BYTES = 20 * 1024 * 1024;

const campaignId = z.string().min(1).max(64);
const country = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code');

const DncEntry = z
  .object({
    phone: z.string(),
    campaignId: z.string().nullable().openapi({ description: 'null: the internal list (every campaign)' }),
    reason: z.string().nullable(),
    createdAt: z.number().int(),
  })
  .openapi('DncEntry');

const ListQuery = z.strictObject({
  campaign_id: campaignId.optional().openapi({ description: 'A campaign’s own list; absent: the internal list' }),
  phone: z.string().trim().min(1).max(40).optional().openapi({ description: 'Substring of the E.164 number' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(100_000_000).default(0),
});
const AddBody = z
  .strictObject({
    phone: z.string().trim().min(1).max(40),
    campaign_id: campaignId.nullable().optional().openapi({ description: 'Absent or null: the internal list' }),
    reason: z.string().trim().max(500).optional(),
    country: country.optional().openapi({ description: 'For numbers without a country code; default the campaign’s, else CR' }),
  })
  .openapi('AddDnc');
const RemoveQuery = z.strictObject({ campaign_id: campaignId.optional(), country: country.optional() });
const PhoneParam = z.strictObject({ phone: z.string().min(1).max(40).openapi({ description: 'The number (URL-encode the "+": %2B)' }) });
const ImportForm = z
  .strictObject({
    file: z.custom<File>((v) => v instanceof File, { message: 'must be a file (multipart field "file")' }).openapi({ type: 'string', format: 'binary' }),
    campaign_id: campaignId.optional(),
    country: country.optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .openapi('DncImport');

const list = protectedRoute('dnc.read', {
  method: 'get',
  path: '/api/dnc',
  tags,
  summary: 'Do-not-call numbers of the internal list or of one campaign',
  request: { query: ListQuery },
  responses: {
    200: jsonResponse('A page of the list', z.object({ items: z.array(DncEntry), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })),
    404: { description: 'No such campaign' },
  },
});
const add = protectedRoute('dnc.manage', {
  method: 'post',
  path: '/api/dnc',
  tags,
  summary: 'Add a number (normalised to E.164); matching leads still to dial become dnc',
  request: { body: jsonBody(AddBody) },
  responses: { 201: jsonResponse('Listed', DncEntry.extend({ leadsMarked: z.number().int() })), 404: { description: 'No such campaign' } },
});
const remove = protectedRoute('dnc.manage', {
  method: 'delete',
  path: '/api/dnc/{phone}',
  tags,
  summary: 'Remove a number from a list (leads already marked dnc stay so)',
  request: { params: PhoneParam, query: RemoveQuery },
  responses: { 200: jsonResponse('Removed', z.object({ message: z.string(), phone: z.string() })), 404: { description: 'Not on that list' } },
});
const bulk = uploadRoute(
  'dnc.manage',
  {
    method: 'post',
    path: '/api/dnc/import',
    tags,
    summary: 'Add every number of a CSV file (a phone column by header, else the first column); each bad line reported',
    request: { body: { required: true, content: { 'multipart/form-data': { schema: ImportForm } } } },
    responses: {
      200: jsonResponse(
        'Outcome',
        z.object({
          added: z.number().int(),
          alreadyListed: z.number().int(),
          rejected: z.number().int(),
          errors: z.array(z.object({ line: z.number().int(), reason: z.string() })),
        }),
      ),
      404: { description: 'No such campaign' },
      413: { description: 'File larger than 20 MB' },
    },
  },
  DNC_UPLOAD_MAX_BYTES,
);

const out = (r: DncRow) => ({ phone: r.phoneE164, campaignId: r.campaignId === INTERNAL_DNC ? null : r.campaignId, reason: r.reason, createdAt: r.createdAt });

/**
 * The lists live in the call history's database (#18, `calls.dnc`: SQLite or PostgreSQL, the `dnc` table the nodes'
 * hopper checks), so a number an agent's do_not_call put there shows here. The campaign a list belongs to (and its
 * default country) is looked up where the lead routes look campaigns up (`campaigns`: the leads' database).
 */
export function dncRoutes(deps: LeadApiDeps & { calls: CallHistory }): OpenAPIHono<ApiEnv> {
  const { auth, calls, campaigns } = deps;
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  /** The campaign (404 when named but missing) and the country to read national numbers in. */
  const scope = async (id: string | null | undefined, explicitCountry: string | undefined) => {
    if (id === null || id === undefined) return { campaignId: null, country: explicitCountry ?? FALLBACK_COUNTRY };
    const c = await campaigns.get(id);
    if (c === undefined) throw new ApiError(404, 'not_found', `No campaign ${id}`);
    return { campaignId: id, country: explicitCountry ?? c.defaultCountry };
  };
  const normalise = (raw: string, ctry: string, field: string) => {
    const p = normalisePhone(raw, ctry);
    if (!p.ok) throw new ApiError(422, 'validation_failed', `Invalid input: ${field} ${p.reason}`, [{ field, problem: p.reason, code: 'invalid_phone' }]);
    return p.e164;
  };

  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const { campaignId: cid } = await scope(q.campaign_id, undefined);
    const { items, total } = await calls.dnc.page(cid, { phoneLike: q.phone, limit: q.limit, offset: q.offset });
    return c.json({ items: items.map(out), total, limit: q.limit, offset: q.offset }, 200);
  });

  app.openapi(add, async (c) => {
    const b = c.req.valid('json');
    const s = await scope(b.campaign_id, b.country);
    const phone = normalise(b.phone, s.country, 'phone');
    const at = auth.now();
    const leadsMarked = await calls.dnc.add(phone, s.campaignId, at, b.reason);
    // The entry as listed: the first one's when the number was already there.
    const row = await calls.dnc.get(phone, s.campaignId);
    if (row === undefined) throw new Error(`DNC entry ${phone} missing right after it was added`);
    await auth.audit.record(auditFrom(c, auth, 'dnc.add', 'dnc', phone, { campaignId: s.campaignId, reason: b.reason ?? null, leadsMarked }));
    return c.json({ ...out(row), leadsMarked }, 201);
  });

  app.openapi(remove, async (c) => {
    const q = c.req.valid('query');
    const s = await scope(q.campaign_id, q.country);
    const phone = normalise(c.req.valid('param').phone, s.country, 'phone');
    if (!(await calls.dnc.remove(phone, s.campaignId))) throw new ApiError(404, 'not_found', `${phone} is not on the ${s.campaignId === null ? 'internal' : `campaign ${s.campaignId}`} list`);
    await auth.audit.record(auditFrom(c, auth, 'dnc.remove', 'dnc', phone, { campaignId: s.campaignId }));
    return c.json({ message: 'Removed from the do-not-call list', phone }, 200);
  });

  app.openapi(bulk, async (c) => {
    const form = c.req.valid('form');
    const s = await scope(form.campaign_id, form.country);
    const at = auth.now();
    const errors: Array<{ line: number; reason: string }> = [];
    let added = 0;
    let alreadyListed = 0;
    let phoneIdx: number | undefined;
    const seen = new Set<string>();
    const stream = Readable.fromWeb(form.file.stream() as Parameters<typeof Readable.fromWeb>[0]);
    for await (const recs of csvRecords(stream)) {
      const good: string[] = [];
      for (const rec of recs) {
        if ('error' in rec) {
          errors.push({ line: rec.line, reason: `malformed row: ${rec.error}` });
          continue;
        }
        const cells = rec.cells.map((x) => cellText(x));
        if (phoneIdx === undefined) {
          // A header row names a phone column and holds no number; a file without one is a plain list of numbers.
          const detected = detectColumns(cells);
          const anyPhone = cells.some((x) => normalisePhone(x, s.country).ok);
          phoneIdx = detected.ok && !anyPhone ? detected.mapping.fields.phone! : 0;
          if (detected.ok && !anyPhone) continue;
        }
        if (cells.every((x) => x === '')) continue;
        const p = normalisePhone(cells[phoneIdx] ?? '', s.country);
        if (!p.ok) errors.push({ line: rec.line, reason: p.reason });
        else if (seen.has(p.e164)) errors.push({ line: rec.line, reason: `duplicate: ${p.e164} already earlier in the file` });
        else {
          seen.add(p.e164);
          good.push(p.e164);
        }
      }
      // One transaction per chunk of the file, as the lists' database takes it.
      const chunk = await calls.dnc.addMany(good, s.campaignId, at, form.reason);
      added += chunk.added;
      alreadyListed += chunk.alreadyListed;
      await new Promise((r) => setImmediate(r));
    }
    errors.sort((a, b) => a.line - b.line);
    await auth.audit.record(
      auditFrom(c, auth, 'dnc.import', 'dnc', s.campaignId ?? 'internal', { campaignId: s.campaignId, fileName: form.file.name, added, alreadyListed, rejected: errors.length }),
    );
    return c.json({ added, alreadyListed, rejected: errors.length, errors }, 200);
  });

  return app;
}
