import { OpenAPIHono, z } from '@hono/zod-openapi';
import { IMPORT_JOB_STATES, type ImportJobRow } from '../../engine/store/index.js';
import type { LeadImports } from '../../engine/store/index.js';
import type { LeadApiDeps } from '../leads/index.js';
import { type ApiEnv, ApiError, jsonResponse, protectedRoute, validationHook } from '../http/index.js';

const tags = ['leads'];
const IdParam = z.strictObject({ id: z.string().min(1).max(64) });

const RowError = z.object({ line: z.number().int(), reason: z.string() });
const JobSchema = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    fileName: z.string(),
    state: z.enum(IMPORT_JOB_STATES).openapi({
      description: 'queued (waiting for an import slot, see position) → running → committing (all rows in, becoming dialable) → done; or failed (nothing imported)',
    }),
    position: z.number().int().nullable().openapi({ description: 'Place in this node’s import queue while queued (1 = next)' }),
    processed: z.number().int(),
    accepted: z.number().int(),
    rejected: z.number().int(),
    total: z.number().int().nullable().openapi({ description: 'Data rows expected (CSV: counted up front; XLSX: known when done)' }),
    createdAt: z.number().int(),
    finishedAt: z.number().int().nullable(),
    message: z.string().nullable().openapi({ description: 'Why a failed job failed' }),
  })
  .openapi('ImportJob');
const JobDetail = JobSchema.extend({
  errors: z
    .object({ items: z.array(RowError), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
    .openapi({ description: 'Rejected rows by line number (the header is line 1); grows while the job runs, in line order once it ends' }),
}).openapi('ImportJobDetail');

const DetailQuery = z.strictObject({
  errors_limit: z.coerce.number().int().min(0).max(5000).default(100),
  errors_offset: z.coerce.number().int().min(0).max(100_000_000).default(0),
});

const get = protectedRoute('leads.read', {
  method: 'get',
  path: '/api/import-jobs/{id}',
  tags,
  summary: 'Progress of a lead import and its rejected rows (paginated)',
  request: { params: IdParam, query: DetailQuery },
  responses: {
    200: jsonResponse('The job', JobDetail),
    404: { description: 'No such job' },
    501: { description: 'The API keeps its leads in PostgreSQL and was built without its import port (leadImports)' },
  },
});
const list = protectedRoute('leads.read', {
  method: 'get',
  path: '/api/campaigns/{id}/import-jobs',
  tags,
  summary: 'Lead imports of a campaign, newest first',
  request: { params: IdParam },
  responses: {
    200: jsonResponse('Jobs', z.object({ items: z.array(JobSchema) })),
    404: { description: 'No such campaign' },
    501: { description: 'The API keeps its leads in PostgreSQL and was built without its import port (leadImports)' },
  },
});

const out = async (port: LeadImports, j: ImportJobRow): Promise<z.infer<typeof JobSchema>> => {
  return {
    id: j.id,
    campaignId: j.campaignId,
    fileName: j.fileName,
    state: j.status,
    position: await port.jobs.queuePosition(j),
    processed: j.processed,
    accepted: j.accepted,
    rejected: j.rejected,
    total: j.total,
    createdAt: j.createdAt,
    finishedAt: j.finishedAt,
    message: j.message,
  };
};

/** The jobs are where the leads are (#18): `leadImports`, absent when PostgreSQL leads have no import port. */
export function importJobRoutes({ leadImports, campaigns }: LeadApiDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  const port = (): LeadImports => {
    if (leadImports === undefined) throw new ApiError(501, 'not_implemented', 'Lead imports are not set up for this API’s lead database');
    return leadImports;
  };

  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const job = await port().jobs.get(id);
    if (job === undefined) throw new ApiError(404, 'not_found', `No import job ${id}`);
    const errors = job.errors.slice(q.errors_offset, q.errors_offset + q.errors_limit).map((e) => ({ line: e.line, reason: e.reason }));
    return c.json({ ...(await out(port(), job)), errors: { items: errors, total: job.errors.length, limit: q.errors_limit, offset: q.errors_offset } }, 200);
  });

  app.openapi(list, async (c) => {
    const { id } = c.req.valid('param');
    const p = port();
    // The campaign of the leads' database (the lead routes' catalog): 404 for one only the other database knows.
    if ((await campaigns.get(id)) === undefined) throw new ApiError(404, 'not_found', `No campaign ${id}`);
    const jobs = await p.jobs.list(id);
    return c.json({ items: await Promise.all(jobs.map((j) => out(p, j))) }, 200);
  });

  return app;
}
