/**
 * Reports (issue #16): `GET /api/reports/{type}` as JSON and `GET /api/reports/{type}/export?format=xlsx|pdf`.
 * `queues`: queue statistics of the followed queue_log (503 without one; filter `queue`). `daily`, `hourly`,
 * `dispositions`, `agents`, `campaigns`: the CallLogs (ended calls created in [from, to), days and hours in the
 * center's time zone or `tz`; filters `campaign_id`, `agent_id`). A filter that does not apply to the type is
 * refused naming it. `queues` takes `from` / `to` as local days (YYYY-MM-DD, both included) in the queue_log's zone.
 * Supervisors and admins only (`metrics.org`): team leads are not scoped to their team here.
 */
import { PassThrough, Readable, type Writable } from 'node:stream';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { writeQueueReportXlsx } from '../../engine/analytics/index.js';
import { ianaZone } from '../../engine/campaigns/index.js';
import { buildCallReport, queueReportDocument, writeReportPdf, writeReportXlsx, type CallReportType } from '../../engine/reports/index.js';
import type { AgentDirectory, CallMetrics, CampaignCatalog } from '../../engine/store/index.js';
import type { AuthService } from '../auth/index.js';
import { zonedQueryDate } from '../calls/index.js';
import { type ApiEnv, ApiError, jsonResponse, protectedRoute, validationHook } from '../http/index.js';
import { AgentStats, QueueDayRange, QueueDetail, dayRange, type QueueStatsSource } from './queues.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PDF_TYPE = 'application/pdf';
const ReportType = z.enum(['queues', 'daily', 'hourly', 'dispositions', 'agents', 'campaigns']);
const ReportQuery = z.strictObject({
  lang: z.enum(['en', 'es']).default('en'),
  queue: z.string().min(1).max(128).optional().openapi({ description: '`queues` only: one queue' }),
  from: zonedQueryDate('start').optional().openapi({ description: 'CallLog reports: YYYY-MM-DD (a local day in tz) or an ISO date-time; `queues`: a local day YYYY-MM-DD' }),
  to: zonedQueryDate('end').optional().openapi({ description: 'CallLog reports: YYYY-MM-DD (through that local day in tz) or an ISO date-time, exclusive' }),
  campaign_id: z.string().min(1).max(64).optional().openapi({ description: 'CallLog reports: one campaign' }),
  agent_id: z.string().min(1).max(64).optional().openapi({ description: 'CallLog reports: one agent' }),
  tz: ianaZone.optional().openapi({ description: 'IANA zone of days and hours (default REPORT_TIME_ZONE)' }),
});

const Figures = { calls: z.number().int(), humans: z.number().int(), machines: z.number().int(), drops: z.number().int(), abandon_pct: z.number(), talk_s: z.number() };
const CallReportRow = z.union([
  z.object({ day: z.string(), ...Figures }).openapi('DailyReportRow'),
  z.object({ hour: z.number().int(), ...Figures }).openapi('HourlyReportRow'),
  z.object({ disposition: z.string(), label: z.string(), calls: z.number().int(), pct: z.number() }).openapi('DispositionReportRow'),
  z.object({ agent_id: z.string(), agent: z.string(), calls: z.number().int(), connected: z.number().int(), talk_s: z.number(), aht_s: z.number() }).openapi('AgentReportRow'),
  z
    .object({ campaign_id: z.string().nullable(), campaign: z.string(), ...Figures, connected: z.number().int(), no_answer: z.number().int(), busy: z.number().int(), failed: z.number().int(), success_pct: z.number() })
    .openapi('CampaignReportRow'),
]);
const QueueReport = z.object({ type: z.literal('queues'), queues: z.array(QueueDetail), agents: z.array(AgentStats) }).openapi('QueueReport');
const CallReport = z
  .object({ type: ReportType.exclude(['queues']), time_zone: z.string(), from: z.number().int().nullable(), to: z.number().int(), rows: z.array(CallReportRow) })
  .openapi('CallReport');

const report = protectedRoute('metrics.org', {
  method: 'get',
  path: '/api/reports/{type}',
  tags: ['reports'],
  summary: 'A report as JSON: queue statistics of the followed queue_log, or daily / hourly / dispositions / agents / campaigns from the CallLogs',
  request: { params: z.strictObject({ type: ReportType }), query: ReportQuery },
  responses: { 200: jsonResponse('Report', z.union([QueueReport, CallReport])), 503: { description: 'No queue_log is followed (type queues)' } },
});
const reportExport = protectedRoute('metrics.org', {
  method: 'get',
  path: '/api/reports/{type}/export',
  tags: ['reports'],
  summary: 'A report as a file: XLSX (streamed) or a printable PDF (A4, table and chart), in English or Spanish',
  request: { params: z.strictObject({ type: ReportType }), query: ReportQuery.extend({ format: z.enum(['xlsx', 'pdf']) }) },
  responses: {
    200: {
      description: 'The file',
      content: { [XLSX_TYPE]: { schema: z.string().openapi({ format: 'binary' }) }, [PDF_TYPE]: { schema: z.string().openapi({ format: 'binary' }) } },
    },
    503: { description: 'No queue_log is followed (type queues)' },
  },
});

export interface ReportDeps {
  /** The CallLog sums (#18): SQLite's store, or the PostgreSQL `call_logs` the nodes write. */
  metrics: CallMetrics;
  /** The agents and campaigns whose names the reports show: the same database as `metrics`. */
  agents: Pick<AgentDirectory, 'get'>;
  campaigns: Pick<CampaignCatalog, 'get'>;
  auth: AuthService;
  source?: QueueStatsSource;
  /** Default zone of days and hours (REPORT_TIME_ZONE). */
  timeZone?: string;
}

type Query = z.infer<typeof ReportQuery>;

function refuseFilters(type: string, q: Query): void {
  const notFor = type === 'queues' ? (['campaign_id', 'agent_id', 'tz'] as const) : (['queue'] as const);
  for (const f of notFor) if (q[f] !== undefined) throw new ApiError(422, 'validation_failed', `${f}: does not apply to report type ${type}`);
}

const queueDays = z.strictObject(QueueDayRange);

/** `queues` reads whole local days: the raw `from` / `to` must be YYYY-MM-DD (422 naming the field otherwise). */
function queueRange(raw: { from?: string | undefined; to?: string | undefined }) {
  const r = queueDays.safeParse({ ...(raw.from !== undefined ? { from: raw.from } : {}), ...(raw.to !== undefined ? { to: raw.to } : {}) });
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ApiError(422, 'validation_failed', `${issue.path.join('.')}: ${issue.message}`);
  }
  return dayRange(r.data);
}

/** A file streamed as it is written; a failure mid-way ends the download (the client sees a cut response). */
function streamed(write: (out: Writable) => Promise<void>, contentType: string, filename: string): Response {
  const out = new PassThrough();
  out.on('error', () => undefined);
  write(out)
    .then(() => {
      if (!out.writableEnded) out.end();
    })
    .catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return new Response(Readable.toWeb(out) as ReadableStream, { status: 200, headers: { 'content-type': contentType, 'content-disposition': `attachment; filename="${filename}"` } });
}

export function reportRoutes({ metrics, agents, campaigns, auth, source, timeZone = 'UTC' }: ReportDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  const reportSource = {
    metrics,
    agentName: async (id: string) => (await agents.get(id))?.name,
    campaignName: async (id: string) => (await campaigns.get(id))?.name,
  };
  const need = (): QueueStatsSource => {
    if (!source) throw new ApiError(503, 'unavailable', 'No queue_log is followed (set QUEUE_LOG_SOURCE)');
    return source;
  };
  const callReport = (type: CallReportType, q: Query, text: { from?: string; to?: string }) => {
    const zone = q.tz ?? timeZone;
    const at = auth.now();
    return buildCallReport(reportSource, {
      fromText: text.from,
      toText: text.to,
      type,
      from: q.from?.(zone),
      to: q.to?.(zone) ?? at + 1,
      campaignId: q.campaign_id,
      agentId: q.agent_id,
      timeZone: zone,
      lang: q.lang,
      at,
    });
  };
  app.openapi(report, async (c) => {
    const { type } = c.req.valid('param');
    const q = c.req.valid('query');
    refuseFilters(type, q);
    if (type === 'queues') {
      const m = need().result(queueRange({ from: c.req.query('from'), to: c.req.query('to') })).metrics;
      const queues = Object.entries(m.queues)
        .filter(([n]) => q.queue === undefined || n === q.queue)
        .map(([name, x]) => ({ name, ...x }));
      return c.json({ type, queues, agents: Object.entries(m.agents).map(([name, a]) => ({ name, ...a })) }, 200);
    }
    const r = await callReport(type, q, {});
    return c.json({ type, time_zone: r.time_zone, from: r.from, to: r.to, rows: r.rows }, 200);
  });
  app.openapi(reportExport, async (c) => {
    const { type } = c.req.valid('param');
    const q = c.req.valid('query');
    refuseFilters(type, q);
    const filename = `${type}-${q.lang}.${q.format}`;
    if (type === 'queues') {
      const range = queueRange({ from: c.req.query('from'), to: c.req.query('to') });
      const m = need().result(range).metrics;
      if (q.format === 'xlsx') return streamed((out) => writeQueueReportXlsx(m, q.lang, out, q.queue), XLSX_TYPE, filename);
      const doc = queueReportDocument(m, q.lang, q.queue, auth.now(), timeZone, range);
      return streamed((out) => writeReportPdf(doc, out), PDF_TYPE, filename);
    }
    const r = await callReport(type, q, { from: c.req.query('from'), to: c.req.query('to') });
    if (q.format === 'xlsx') return streamed((out) => writeReportXlsx(r.document, out), XLSX_TYPE, filename);
    return streamed((out) => writeReportPdf(r.document, out), PDF_TYPE, filename);
  });
  return app;
}
