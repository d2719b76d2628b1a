import { OpenAPIHono, z } from '@hono/zod-openapi';
import { IMPORT_JOB_STATES, type ImportJobRow } from '../../engine/store/index.js';
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
  responses: { 200: jsonResponse('The job', JobDetail), 404: { description: 'No such job' } },
});
const list = protectedRoute('leads.read', {
  method: 'get',
  path: '/api/campaigns/{id}/import-jobs',
  tags,
  summary: 'Lead imports of a campaign, newest first',
  request: { params: IdParam },
  responses: { 200: jsonResponse('Jobs', z.object({ items: z.array(JobSchema) })), 404: { description: 'No such campaign' } },
});

const out = (store: LeadApiDeps['store']) => (j: ImportJobRow): z.infer<typeof JobSchema> => {
  return {
    id: j.id,
    campaignId: j.campaignId,
    fileName: j.fileName,
    state: j.status,
    position: store.importJobs.queuePosition(j),
    processed: j.processed,
    accepted: j.accepted,
    rejected: j.rejected,
    total: j.total,
    createdAt: j.createdAt,
    finishedAt: j.finishedAt,
    message: j.message,
  };
};

export function importJobRoutes({ store }: LeadApiDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });

  app.openapi(get, (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const job = store.importJobs.get(id);
    if (job === undefined) throw new ApiError(404, 'not_found', `No import job ${id}`);
    const errors = job.errors.slice(q.errors_offset, q.errors_offset + q.errors_limit).map((e) => ({ line: e.line, reason: e.reason }));
    return c.json({ ...out(store)(job), errors: { items: errors, total: job.errors.length, limit: q.errors_limit, offset: q.errors_offset } }, 200);
  });

  app.openapi(list, (c) => {
    const { id } = c.req.valid('param');
    if (store.campaigns.get(id) === undefined) throw new ApiError(404, 'not_found', `No campaign ${id}`);
    return c.json({ items: store.importJobs.list(id).map(out(store)) }, 200);
  });

  return app;
}
