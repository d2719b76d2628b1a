import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { CAMPAIGN_STATES } from '../../engine/campaigns/index.js';
import type { EngineControl } from '../../engine/control/index.js';
import { type Store, type CallMetrics, type CampaignCatalog, EMPTY_AGGREGATE, sqliteCallMetrics, sqliteCampaignCatalog } from '../../engine/store/index.js';
import { startOfLocalDay } from '../../engine/clock/index.js';
import { authenticate, type ApiEnv, type HttpRequestCounter, protectedRoute, validationHook } from '../http/index.js';
import type { AuthService } from '../auth/index.js';
import type { HealthProbe, HealthReport } from '../health/index.js';
import { agentsByState } from './dashboard.js';
import type { AgentList } from './metrics.js';

/** Prometheus text exposition format, version 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Record<string, string>;

/** Builds the exposition text: one HELP/TYPE header per family, then its samples. */
export class Exposition {
  private readonly lines: string[] = [];

  family(name: string, type: 'gauge' | 'counter', help: string, samples: Array<[Labels, number]>): this {
    this.lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) this.lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
    return this;
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/**
 * Who may scrape: `Authorization: Bearer <access JWT>` or an API key, either as `X-API-Key` or as
 * `Authorization: Bearer ck_…`. The role check (`metrics.scrape`, admins) is the route's.
 */
export function scrapeAuthenticate(auth: AuthService): MiddlewareHandler<ApiEnv> {
  return authenticate(auth, { bearerApiKeys: true });
}

const scrape = protectedRoute('metrics.scrape', {
  method: 'get',
  path: '/metrics',
  tags: ['metrics'],
  summary: 'Prometheus metrics (text exposition format); admins, or an admin’s API key as bearer/X-API-Key',
  responses: { 200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: z.string() } } } },
});

/**
 * Ended calls by disposition since this process started, read from CallLogs through the ended_at index: rows that
 * ended more than a minute ago are counted once and kept, so each scrape reads only the last minute plus what
 * ended since the previous scrape — never the whole table (better-sqlite3 is synchronous: a full scan of millions
 * of rows would stall the engine's event loop). A restart resets the counter, as Prometheus counters may.
 */
export class EndedCallsCounter {
  private readonly kept = new Map<string, number>();
  private watermark: number;
  /** Reads one after the other: two scrapes at once must not both fold the same settled minute into `kept`. */
  private queue: Promise<unknown> = Promise.resolve();
  static readonly SETTLE_MS = 60_000;

  constructor(
    private readonly calls: Pick<CallMetrics, 'endedByDisposition'>,
    since: number,
  ) {
    this.watermark = since;
  }

  read(now: number): Promise<Map<string, number>> {
    const next = this.queue.then(() => this.readNow(now));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async readNow(now: number): Promise<Map<string, number>> {
    const add = async (into: Map<string, number>, from: number, to: number) => {
      for (const r of await this.calls.endedByDisposition(from, to)) {
        into.set(r.disposition ?? 'NONE', (into.get(r.disposition ?? 'NONE') ?? 0) + r.n);
      }
    };
    const settled = now - EndedCallsCounter.SETTLE_MS;
    if (settled > this.watermark) {
      // Counted into a copy first: a failed read leaves `kept` and the watermark as they were.
      const kept = new Map(this.kept);
      await add(kept, this.watermark, settled);
      for (const [k, v] of kept) this.kept.set(k, v);
      this.watermark = settled;
    }
    const out = new Map(this.kept);
    await add(out, this.watermark, Number.MAX_SAFE_INTEGER);
    return out;
  }
}

export interface PrometheusDeps {
  store: Store;
  auth: AuthService;
  health: HealthProbe;
  control?: EngineControl;
  http: HttpRequestCounter;
  /** Defaults to one counting from the moment the routes are created. */
  ended?: EndedCallsCounter;
  /** Zone whose midnight starts "today" (REPORT_TIME_ZONE). */
  timeZone?: string;
  /** Where the stored call figures and agent states are read (#18); absent → the SQLite `store`. */
  metrics?: CallMetrics;
  /** Where the agents are read (#18); absent → the SQLite `store`. */
  agents?: AgentList;
  /** Where the campaigns (`centralita_campaign_state`) are read (#18); absent → the SQLite `store`. */
  campaigns?: Pick<CampaignCatalog, 'list'>;
}

/** Event-loop delay, sampled continuously (10 ms resolution) from the first scrape on. One per process. */
let loopDelay: IntervalHistogram | undefined;
function eventLoopDelay(): IntervalHistogram {
  if (loopDelay === undefined) {
    loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
  }
  return loopDelay;
}

/** Everything GET /metrics reports, as exposition text. Engine figures come from the health probe and `control`. */
export async function collectMetrics(d: PrometheusDeps): Promise<string> {
  const out = new Exposition();
  const now = d.auth.now();
  let health: HealthReport | null = null;
  try {
    health = await d.health();
  } catch {
    health = null;
  }

  out.family('centralita_up', 'gauge', 'Health status: 1 ok, 0 degraded', [[{}, health?.status === 'ok' ? 1 : 0]]);
  out.family('centralita_ari_connected', 'gauge', 'The engine is connected to Asterisk ARI (1) or not (0)', [[{}, health?.ari.connected ? 1 : 0]]);
  out.family('centralita_ari_reconciled', 'gauge', 'The engine has a reconciled view of Asterisk (1) or not (0)', [[{}, health?.ari.reconciled ? 1 : 0]]);
  if (health?.dialer) out.family('centralita_dialing', 'gauge', 'The dialer places calls now (1) or not (0)', [[{}, health.dialer.dialing ? 1 : 0]]);
  out.family('centralita_db_ok', 'gauge', 'SQLite answers (1) or not (0)', [[{}, health?.db.ok ? 1 : 0]]);
  if (health?.redis.configured) out.family('centralita_redis_ok', 'gauge', 'Redis answers PING (1) or not (0)', [[{}, health.redis.ok === true ? 1 : 0]]);
  if (health?.media) out.family('centralita_media_sessions', 'gauge', 'Active media (RTP/AMD) sessions', [[{}, health.media.activeSessions]]);
  if (health?.calls) out.family('centralita_calls_active', 'gauge', 'Calls the engine has up', [[{}, health.calls.active]]);

  // Per-campaign engine figures: phases, pacing.
  const campaigns = await (d.campaigns ?? sqliteCampaignCatalog(d.store)).list();
  out.family(
    'centralita_campaign_state',
    'gauge',
    'Campaign lifecycle state (1 for the current state)',
    campaigns.flatMap((c) => CAMPAIGN_STATES.map((s): [Labels, number] => [{ campaign: c.id, state: s }, c.state === s ? 1 : 0])),
  );
  if (d.control !== undefined) {
    const phases: Array<[Labels, number]> = [];
    const levels: Array<[Labels, number]> = [];
    const places: Array<[Labels, number]> = [];
    for (const c of campaigns) {
      let s;
      try {
        s = d.control.campaigns.liveStats(c.id);
      } catch {
        continue; // not run by this engine
      }
      for (const [phase, n] of Object.entries(s.calls)) phases.push([{ campaign: c.id, phase }, n]);
      if (s.pacing !== null) {
        places.push([{ campaign: c.id, mode: s.pacing.mode }, s.pacing.place]);
        if (s.pacing.level !== null) levels.push([{ campaign: c.id, mode: s.pacing.mode }, s.pacing.level]);
      }
    }
    out.family('centralita_calls_active_by_phase', 'gauge', 'Live calls per campaign and phase (ringing, amd, waiting, connected)', phases);
    out.family('centralita_pacing_level', 'gauge', 'Dial level (calls per available agent) of the pacing rule', levels);
    out.family('centralita_pacing_place', 'gauge', 'Calls the last pacing tick decided to place', places);
  }

  const metrics = d.metrics ?? sqliteCallMetrics(d.store);
  const agents = await agentsByState(d.agents ?? { list: async (f) => d.store.agents.list(f) }, metrics, d.control, now);
  out.family(
    'centralita_agents',
    'gauge',
    `Agents per state (source: ${agents.source})`,
    Object.entries(agents.counts).map(([state, n]): [Labels, number] => [{ state }, n]),
  );

  const ended = await (d.ended ?? new EndedCallsCounter(metrics, 0)).read(now);
  out.family(
    'centralita_calls_total',
    'counter',
    'Calls ended (CallLogs) since this process started, by disposition',
    [...ended].map(([disposition, n]): [Labels, number] => [{ disposition }, n]),
  );

  const since = startOfLocalDay(now, d.timeZone ?? 'UTC');
  const today = (await metrics.aggregate(undefined, { from: since, to: now + 1 })).get(0) ?? EMPTY_AGGREGATE;
  const humans = today.success + today.dropped;
  out.family('centralita_abandon_ratio_today', 'gauge', 'Dropped / humans answered since local midnight in REPORT_TIME_ZONE (0-1)', [[{}, humans === 0 ? 0 : today.dropped / humans]]);

  out.family(
    'centralita_http_requests_total',
    'counter',
    'HTTP requests by method, route pattern and status',
    d.http.snapshot().map((r): [Labels, number] => [{ method: r.method, route: r.route, status: String(r.status) }, r.n]),
  );

  const h = eventLoopDelay();
  const sec = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
  out.family('centralita_event_loop_lag_seconds', 'gauge', 'Event-loop delay since the previous scrape (quantiles and max)', [
    [{ quantile: '0.5' }, h.count === 0 ? 0 : sec(h.percentile(50))],
    [{ quantile: '0.99' }, h.count === 0 ? 0 : sec(h.percentile(99))],
    [{ quantile: '1' }, h.count === 0 ? 0 : sec(h.max)],
  ]);
  h.reset();

  return out.text();
}

export function prometheusRoutes(deps: PrometheusDeps): OpenAPIHono<ApiEnv> {
  const d: PrometheusDeps = { ...deps, ended: deps.ended ?? new EndedCallsCounter(deps.metrics ?? sqliteCallMetrics(deps.store), deps.auth.now()) };
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.openapi(scrape, async (c) => {
    const body = await collectMetrics(d);
    return c.text(body, 200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
  });
  return app;
}
