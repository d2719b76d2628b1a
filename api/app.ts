import { OpenAPIHono } from '@hono/zod-openapi';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ImportQueue } from '../engine/imports/index.js';
import { bodyLimit } from 'hono/body-limit';
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../engine/clock/index.js';
import type { Config } from '../engine/config/index.js';
import type { Logger } from '../engine/log/index.js';
import { secretBox, sqliteAgentDirectory, sqliteCallHistory, sqliteCallMetrics, sqliteCampaignCatalog, sqliteLeadCatalog, sqliteLeadImports, sqliteManualCallLog, sqliteQaStore, sqliteTrunkCatalog, type AgentDirectory, type AuthStore, type CallHistory, type CallMetrics, type CampaignCatalog, type LeadCatalog, type LeadImports, type QaStore, type RecordingCatalog, type ManualCallLog, type SecretBox, type Store, type TrunkCatalog } from '../engine/store/index.js';
import { ensureAdmin, type LoginGuardOptions, AuthService } from './auth/index.js';
import type { PasswordCost } from './auth/index.js';
import { authenticate, mountDocs, type ApiEnv, errorBody, toErrorResponse, validationHook, HttpRequestCounter, securityHeaders, jsonDepthLimit } from './http/index.js';
import type { HealthProbe } from './health/index.js';
import type { ClusterRows } from './live/index.js';
import { auditRoutes, authRoutes, callRoutes, compatCallRoutes, healthRoutes, metricsRoutes, userRoutes, agentRoutes, agentPhoneRoutes, dashboardRoutes, prometheusRoutes, scrapeAuthenticate, campaignRoutes, leadRoutes, leadLockRoutes, importJobRoutes, dncRoutes, queueRoutes, reportRoutes, trunkRoutes, type QueueStatsSource } from './routes/index.js';
import type { EngineControl } from '../engine/control/index.js';
import type { CallHangupPort, ConfigPushPort } from '../engine/cluster/index.js';
import { isUploadRoute } from './leads/index.js';
import { webAppRoutes, recordingRoutes, qaRoutes } from './routes/index.js';
import type { CampaignCommandPublisher, NodeRecordingsDeps, RecorderControl } from './routes/index.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Largest request body accepted (JSON commands are small; bulk imports get their own upload route). */
export const MAX_BODY_BYTES = 256 * 1024;

/** Paths reachable without credentials besides /health and the docs (which live outside /api). */
const PUBLIC_API = new Set(['POST /api/auth/login', 'POST /api/auth/refresh']);
/** A recording's audio is fetched by <audio> through a signed URL (no header): its own check, not the bearer. */
const SIGNED_AUDIO = /^\/api\/recordings\/[^/]+\/audio$/;
export const isPublicApi = (method: string, path: string): boolean =>
  PUBLIC_API.has(`${method} ${path}`) || ((method === 'GET' || method === 'HEAD') && SIGNED_AUDIO.test(path));

export interface ApiDeps {
  health: HealthProbe;
  store: Store;
  clock: Pick<Clock, 'now'>;
  logger: Logger;
  config: Pick<Config, 'NODE_ID' | 'JWT_SECRET' | 'ADMIN_PASSWORD'> & Partial<Pick<Config, 'LEAD_LOCK_MINUTES' | 'REPORT_TIME_ZONE' | 'ARI_URL' | 'ARI_USERNAME' | 'ARI_PASSWORD' | 'SECRETS_KEY'>>;
  /** The running engine (campaign lifecycle, test calls, live stats); absent → those routes answer 503. */
  control?: EngineControl;
  /**
   * Lead imports; absent → one is created over `leadImports` (spool beside the SQLite database file). When given
   * with `leadImports`, it must write the same database (built with `imports: leadImports`).
   */
  imports?: ImportQueue;
  /** The recorder (engine/recordings): deletion and pause/resume; absent → those routes answer 503. */
  recordings?: RecorderControl;
  /** The followed queue_log (issue #16); absent → /api/queues/* answer 503. */
  queues?: QueueStatsSource;
  /** Where the call-history routes read calls (#18); absent → the SQLite `store`. */
  callHistory?: CallHistory;
  /**
   * Where the campaign routes (list, detail, create, settings, delete, start/pause/stop) read and write campaigns
   * (#18); absent → the SQLite `store`, whose lifecycle commands go to `control` as always. On PostgreSQL a command is
   * stored in the row the engine nodes follow (no local engine needed).
   */
  campaignCatalog?: CampaignCatalog;
  /**
   * Where the lead routes (list, one lead, create/edit/delete, locks and history, selection, export; a lead's
   * attempts) read and write leads (#18); absent → the SQLite `store`. Its campaigns are looked up in
   * `campaignCatalog`, which must then be of the same database (the leads' foreign key). Its imports need
   * `leadImports` of the same database: without it, over PostgreSQL the import routes answer 501.
   */
  leadCatalog?: LeadCatalog;
  /**
   * Where lead imports write jobs and leads and the import-job routes read them (#18): `pgLeadImports(pool)` beside
   * a PostgreSQL `leadCatalog`; absent → the SQLite `store` when the leads are SQLite's.
   */
  leadImports?: LeadImports;
  /** With a PostgreSQL `campaignCatalog`: publishes each stored command to the nodes at once (Redis, engine/cluster). */
  campaignCommands?: CampaignCommandPublisher;
  /** Users, sessions, API keys, login throttling and the audit trail (#18); absent → the SQLite store's. */
  authStore?: AuthStore;
  /**
   * Where the agent routes (list, detail, create, change — node and campaign assignments included —, delete) read and
   * write agents, and where the call routes read a team's users to decide which calls a team lead sees (#18);
   * absent → the SQLite `store` for agents and the `authStore`'s users for teams, as before. Live agent state (log-in,
   * pause) stays the local engine's (`control`).
   */
  agentDirectory?: AgentDirectory;
  /**
   * Where the metrics, wallboard, dashboard, Prometheus and CallLog report (`/api/reports/*`) routes read the stored
   * call figures (CallLogs, agent events) (#18); absent → the SQLite `store`. Those routes read agents from
   * `agentDirectory` when it is given; the reports name campaigns from `campaignCatalog` when it is given.
   */
  callMetrics?: CallMetrics;
  /**
   * Where the QA routes (scorecards, a call's scores, averages, calibration) read and write scorecards and scores
   * (#18); absent → the SQLite `store`. The scored calls are looked up in `callHistory`, which must then be of the
   * same database (a score is of a call the nodes wrote there), and agents' averages scoped with `agentDirectory`.
   */
  qaStore?: QaStore;
  /**
   * Where every recordings route reads the rows (filters, paging, the call, AMD trace and jobs beside them) (#18);
   * absent → the SQLite `store`. The files are served from this process's disk, where `recordings` (the recorder of
   * this process's engine) wrote them; pause/resume and deletion go to it.
   */
  recordingCatalog?: RecordingCatalog;
  /**
   * Recordings of other engine nodes (#18): a row whose `nodeId` is not `localNodeId` is played (streamed, Range
   * passed through), deleted, paused and resumed through the node that holds it (engine/recordings
   * `nodeRecordingClient`); absent → every recording is served from this process's disk.
   */
  nodeRecordings?: NodeRecordingsDeps;
  /**
   * Asks the node that owns a call (its CallLog's `node_id`) to hang it up over Redis (#18, engine/cluster
   * `callHangupAsker`), for a console hang-up of a call this API's own engine does not hold; absent → such a call
   * answers 404 as before.
   */
  clusterHangup?: CallHangupPort;
  /**
   * Several nodes, each with its own Asterisk (#18): a trunk push also reaches every other running node's Asterisk,
   * an agent phone push goes to the agent's node's (engine/cluster config-push.ts); absent → only ARI_URL's, as before.
   */
  configPush?: ConfigPushPort;
  /**
   * Where the trunk routes read and write carrier trunks (their passwords sealed as on SQLite) and where the start
   * seals passwords left in clear (#18); absent → the SQLite `store`. Which campaigns dial through a trunk is read
   * from `campaignCatalog`, which must then be of the same database.
   */
  trunkCatalog?: TrunkCatalog;
  /**
   * Where the agents' manual calls (`POST /api/calls/start`, `/api/calls/end`) are written (#18); absent → the SQLite
   * `store`. Give it over the database of `callHistory` and `callMetrics`, which read those CallLogs back (the
   * figures `end` answers are counted by `callMetrics`).
   */
  manualCalls?: ManualCallLog;
  /**
   * The other engine nodes' live agents and calls (#18, PostgreSQL with REDIS_URL: api/live `ClusterRows`, read from
   * their boards in Redis): the wallboard's grid and calls list, the agent list's live states and the dashboard's
   * counts cover every node up. Absent → this node's only.
   */
  clusterRows?: () => ClusterRows | null;
  /** Tests tighten these; production uses the defaults. */
  limits?: { login?: LoginGuardOptions; apiKeyPerMinute?: number };
  /**
   * Tests only: the scrypt cost of the password hashes this app makes (first admin, users, password changes), so a
   * suite does not spend ~0.1 s of CPU per hash and per login. No configuration reaches it: the product's starts
   * never pass it (test/unit/api/password-cost.test.ts holds both), and every hash they make is at PASSWORD_COST.
   */
  testPasswordCost?: Readonly<PasswordCost>;
  /**
   * Where a first start writes the admin's random password (mode 0600; the product: beside DB_PATH), so it never
   * goes to a log; the first admin's password change deletes it. Absent → the password is only handed to the
   * caller (`generatedAdminPassword`), as tests want.
   */
  initialPasswordFile?: string;
}

export interface ApiApp extends OpenAPIHono<ApiEnv> {
  /** The auth service behind the app (tests and the future Socket.IO server authenticate with it). */
  readonly auth: AuthService;
  /** The first admin's random password when this start created it (never logged: in-process callers only); known once `ready`. */
  readonly generatedAdminPassword: string | undefined;
  /** The file the first admin's random password was written to when this start created it (the banner names it); known once `ready`. */
  readonly initialPasswordFile: string | undefined;
  /** Settles when the first-start bootstrap (the admin user) is done; requests wait for it; rejects when it failed. */
  readonly ready: Promise<void>;
  /** The lead-import queue the upload route feeds (close it on shutdown). */
  readonly imports: ImportQueue;
}

/**
 * The key that seals trunk passwords at rest (SECRETS_KEY, else JWT_SECRET), and the sealing in place of any
 * password a database from before encryption still holds in clear (migration 0012's rows): encrypted on first start
 * with a key. No key: none is sealed, and the API refuses to store a new password. The sealing is part of the
 * start's bootstrap (requests wait for it); on SQLite it is done before this returns, as it always was.
 */
function trunkSecrets(deps: ApiDeps, trunks: TrunkCatalog, logger: Logger): { box: SecretBox | null; sealing: Promise<void> } {
  const box = secretBox(deps.config);
  if (box === null) {
    logger.warn('neither SECRETS_KEY nor JWT_SECRET is set: trunk passwords cannot be stored (and any stored in clear stay so)');
    return { box: null, sealing: Promise.resolve() };
  }
  const sealing = trunks.sealPlaintext(box).then((sealed) => {
    if (sealed > 0) logger.info({ trunks: sealed }, 'trunk passwords stored in clear were encrypted');
  });
  return { box, sealing };
}

/**
 * The HTTP application. /health, /openapi.json and /docs are public; under /api everything needs a JWT or an
 * API key except login and refresh, and each route checks its permission against api/auth/permissions.ts.
 */
export function createApiApp(deps: ApiDeps): ApiApp {
  const logger = deps.logger.child({ part: 'api' });
  const auth = new AuthService({
    store: deps.store,
    ...(deps.authStore ? { authStore: deps.authStore } : {}),
    clock: deps.clock,
    logger,
    jwtSecret: deps.config.JWT_SECRET,
    loginGuard: deps.limits?.login,
    apiKeyPerMinute: deps.limits?.apiKeyPerMinute,
    ...(deps.testPasswordCost ? { passwordCost: deps.testPasswordCost } : {}),
  });
  // The admin is created through the (async) auth store; every /api and /metrics request waits for it.
  let generatedAdminPassword: string | undefined;
  let initialPasswordFile: string | undefined;
  const trunks = deps.trunkCatalog ?? sqliteTrunkCatalog(deps.store);
  const { box: secrets, sealing } = trunkSecrets(deps, trunks, logger);
  const sealed = sealing.catch((err: unknown) => logger.error({ err }, 'could not encrypt the trunk passwords stored in clear'));
  const ready = Promise.all([
    ensureAdmin(auth, logger, deps.config.ADMIN_PASSWORD, deps.initialPasswordFile).then((made) => {
      generatedAdminPassword = made?.password;
      initialPasswordFile = made?.file ?? undefined;
    }),
    sealed,
  ]).then(() => undefined);
  ready.catch((err: unknown) => logger.error({ err }, 'could not create the first admin user'));
  const afterBootstrap: MiddlewareHandler<ApiEnv> = async (_c, next) => {
    await ready;
    return next();
  };

  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));
  // Storage failures (disk full…) answer 503; they are logged once per failure kind per minute, not per request.
  const storageWarned = new Map<string, number>();
  const onStorage = (failure: string, path: string) => {
    const now = deps.clock.now();
    if ((storageWarned.get(failure) ?? -Infinity) > now - 60_000) return;
    storageWarned.set(failure, now);
    logger.warn({ failure, path }, 'a request could not write to the database: answered 503');
  };
  app.onError((err, c) =>
    toErrorResponse(
      err,
      c,
      (e) => logger.error({ err: e, path: c.req.path }, 'unhandled error in API route'),
      (f) => onStorage(f, c.req.path),
    ),
  );

  // Counts every request (route pattern + status) for GET /metrics; first, so 401s and 404s are counted too.
  const httpRequests = new HttpRequestCounter();
  app.use('*', httpRequests.middleware());
  // Security headers on every answer, errors included (api/http/security-headers.ts documents the CSP).
  app.use('*', securityHeaders());
  app.route('/', healthRoutes(deps.health));
  // Prometheus scrape, outside /api (the conventional path): admins' JWTs or API keys (also as Bearer ck_…).
  app.use('/metrics', afterBootstrap, scrapeAuthenticate(auth));
  const timeZone = deps.config.REPORT_TIME_ZONE ?? 'UTC';
  // The supervisors' figures and the agents they are counted over, from one database (#18).
  const callMetrics = deps.callMetrics ?? sqliteCallMetrics(deps.store);
  const agentDirectory = deps.agentDirectory ?? sqliteAgentDirectory(deps.store);
  app.route('/', prometheusRoutes({ store: deps.store, auth, health: deps.health, control: deps.control, http: httpRequests, timeZone, metrics: callMetrics, agents: agentDirectory, campaigns: deps.campaignCatalog ?? sqliteCampaignCatalog(deps.store) }));
  mountDocs(app, VERSION);

  // Authentication first: an anonymous caller learns nothing, not even that its body was too large.
  app.use('/api/*', afterBootstrap, authenticate(auth, { isPublic: isPublicApi }));
  const globalBodyLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json(errorBody('payload_too_large', `Request body exceeds ${MAX_BODY_BYTES} bytes`), 413),
  });
  // File uploads (lead import, DNC import) carry their own, larger limit on the route.
  app.use('/api/*', (c, next) => (isUploadRoute(c.req.method, c.req.path) ? next() : globalBodyLimit(c, next)));
  // JSON nested absurdly deep is refused before any parser or schema walks it (422 naming the field).
  app.use('/api/*', jsonDepthLimit());

  app.route('/', authRoutes(auth));
  app.route('/', userRoutes(auth));
  app.route('/', auditRoutes(auth));
  // Compatibility routes first: /api/calls/log must win over /api/calls/{id}.
  const calls = deps.callHistory ?? sqliteCallHistory(deps.store);
  // Whose calls a team lead sees: the team's users in the agent directory's database when it is given (the one the
  // nodes' call history names), else the users the API authenticates, as before.
  const teams = deps.agentDirectory ?? auth.users;
  // Manual calls and the figures their end answers come from one database: SQLite's unless a port is given.
  const manualCalls = deps.manualCalls ?? sqliteManualCallLog(deps.store);
  const manualMetrics = deps.manualCalls === undefined ? sqliteCallMetrics(deps.store) : callMetrics;
  if (manualMetrics.dialect !== manualCalls.dialect) throw new Error(`manualCalls (${manualCalls.dialect}) needs a callMetrics on the same database (got ${manualMetrics.dialect})`);
  app.route('/', compatCallRoutes({ manualCalls, metrics: manualMetrics, calls, teams, auth, nodeId: deps.config.NODE_ID }));
  app.route('/', callRoutes({ store: deps.store, calls, teams, auth, control: deps.control }));
  app.route('/', qaRoutes({ qa: deps.qaStore ?? sqliteQaStore(deps.store), calls, teams, agents: agentDirectory, auth }));
  app.route('/', recordingRoutes({ store: deps.store, auth, ...(deps.recordings ? { recordings: deps.recordings } : {}), ...(deps.recordingCatalog ? { catalog: deps.recordingCatalog } : {}), ...(deps.nodeRecordings ? { nodeRecordings: deps.nodeRecordings } : {}) }));
  app.route('/', metricsRoutes({ store: deps.store, auth, timeZone, metrics: callMetrics, agents: agentDirectory, teams }));
  app.route('/', queueRoutes({ source: deps.queues }));
  // The CallLog reports read the same sums; agents and campaigns are named from the directory and catalog given.
  const reportCampaigns = deps.campaignCatalog ?? sqliteCampaignCatalog(deps.store);
  app.route('/', reportRoutes({ metrics: callMetrics, agents: agentDirectory, campaigns: reportCampaigns, auth, source: deps.queues, timeZone }));
  // With several engine nodes (PostgreSQL + Redis) the agent list, dashboard and wallboard cover every node up.
  const cluster = deps.clusterRows ? { nodeId: deps.config.NODE_ID, rows: deps.clusterRows } : undefined;
  app.route('/', agentRoutes({ agents: agentDirectory, auth, control: deps.control, ...(cluster ? { cluster } : {}) }));
  // Trunks and agent phones are pushed live to the Asterisk the engine dials through (none on the embedded PBX).
  const ari = deps.config.ARI_URL ? { url: deps.config.ARI_URL, username: deps.config.ARI_USERNAME ?? '', password: deps.config.ARI_PASSWORD ?? '' } : null;
  const nodes = deps.configPush ? { nodes: deps.configPush, nodeId: deps.config.NODE_ID } : {};
  app.route('/', agentPhoneRoutes({ agents: agentDirectory, auth, ari, ...nodes }));
  // Which campaigns dial through a trunk: those of the trunks' database (SQLite's beside SQLite's trunks, as before).
  const trunkCampaigns = deps.trunkCatalog === undefined ? sqliteCampaignCatalog(deps.store) : (deps.campaignCatalog ?? sqliteCampaignCatalog(deps.store));
  if (trunkCampaigns.dialect !== trunks.dialect) throw new Error(`trunkCatalog (${trunks.dialect}) needs a campaignCatalog on the same database (got ${trunkCampaigns.dialect})`);
  app.route('/', trunkRoutes({ trunks, campaigns: trunkCampaigns, auth, ari, secrets, ...(deps.configPush ? { nodes: deps.configPush } : {}) }));
  app.route('/', dashboardRoutes({ store: deps.store, auth, health: deps.health, control: deps.control, timeZone, metrics: callMetrics, agents: agentDirectory, ...(cluster ? { cluster } : {}) }));
  const campaigns = deps.campaignCatalog ?? sqliteCampaignCatalog(deps.store);
  const leads = deps.leadCatalog ?? sqliteLeadCatalog(deps.store);
  // Imports write where the leads are; PostgreSQL leads without a PostgreSQL import port → no imports (501).
  const leadImports = deps.leadImports ?? (leads.dialect === 'sqlite' ? sqliteLeadImports(deps.store) : undefined);
  if (leadImports !== undefined && leadImports.dialect !== leads.dialect) throw new Error(`leadImports (${leadImports.dialect}) must be of the leadCatalog's database (${leads.dialect})`);
  if (deps.imports !== undefined && leadImports !== undefined && deps.imports.dialect !== leadImports.dialect) {
    throw new Error(`imports (${deps.imports.dialect}) must write the leadImports' database (${leadImports.dialect})`);
  }
  const imports =
    deps.imports ??
    new ImportQueue({
      imports: leadImports ?? sqliteLeadImports(deps.store),
      nodeId: deps.config.NODE_ID,
      spoolDir: join(dirname(deps.store.path), 'import-spool', deps.config.NODE_ID),
      logger,
    });
  // The lead routes look campaigns up where their leads are (404, default country): SQLite's leads keep SQLite's
  // campaigns as before, whatever the campaign routes use; leads elsewhere need the campaign port of that database.
  const leadCampaigns = deps.leadCatalog === undefined ? sqliteCampaignCatalog(deps.store) : campaigns;
  if (leadCampaigns.dialect !== leads.dialect) throw new Error(`leadCatalog (${leads.dialect}) needs a campaignCatalog on the same database (got ${leadCampaigns.dialect})`);
  const leadDeps = { store: deps.store, leads, campaigns: leadCampaigns, auth, control: deps.control, logger, lockMinutes: deps.config.LEAD_LOCK_MINUTES ?? 10, imports, leadImports };
  app.route('/', campaignRoutes({ ...leadDeps, campaigns, commands: deps.campaignCommands }));
  app.route('/', importJobRoutes(leadDeps));
  app.route('/', leadLockRoutes(leadDeps));
  app.route('/', leadRoutes(leadDeps));
  app.route('/', dncRoutes({ ...leadDeps, calls }));
  // Routes the web app needs (account, wallboard, agent console, what-if…): api/routes/web-app.ts.
  app.route('/', webAppRoutes({ ...leadDeps, timeZone, ...(deps.initialPasswordFile !== undefined ? { initialPasswordFile: deps.initialPasswordFile } : {}), health: deps.health, calls, teams, metrics: callMetrics, agents: agentDirectory, campaignCatalog: campaigns, nodeId: deps.config.NODE_ID, ...(deps.clusterHangup ? { clusterHangup: deps.clusterHangup } : {}), ...(cluster ? { cluster } : {}) }));

  return Object.defineProperties(Object.assign(app, { auth, imports, ready }), {
    generatedAdminPassword: { get: () => generatedAdminPassword, enumerable: true },
    initialPasswordFile: { get: () => initialPasswordFile, enumerable: true },
  }) as ApiApp;
}
