/**
 * The whole product in one process: the embedded PBX when no ARI_URL is set, the store, the media plane, the
 * call engine and the HTTP server. `start-command.ts` is the thin CLI around it; tests start it too.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ImportQueue } from '../engine/imports/index.js';
import type { Config } from '../engine/config/index.js';
import type { Logger } from '../engine/log/index.js';
import { systemClock } from '../engine/clock/index.js';
import { openStore, type Store, type Campaign } from '../engine/store/index.js';
import { createMediaPlane, mediaPlaneOptions, type MediaPlane } from '../engine/media/index.js';
import { startSimulator, type Simulator } from '../engine/sim/index.js';
import { createApiApp, listen, type RunningServer, overallStatus, withRedisPing, type HealthReport } from '../api/index.js';
import { attachLiveFeed, boardSnapshot, storeAgentDirectory, type LiveFeed } from '../api/live/index.js';
import { defaultAmdParams } from '../engine/amd/index.js';
import { mediaPlaneAmdSource, type Engine, type LeadSource, storeLeadSource, campaignInputFromStore, refuseSynthetic } from '../engine/shell/index.js';
import { startEngine } from './start-engine.js';
import { amdParamsFor } from '../engine/campaigns/index.js';
import type { EngineControl } from '../engine/control/index.js';
import { withWebApp } from '../api/web/index.js';
import { WEB_DIST } from './web/index.js';
import { agentConfigFromRow, campaignsToResume, createEngineControl } from './engine-control.js';
import { ensureDemoData, DEMO_CAMPAIGN_ID } from './demo-data.js';

export interface Product {
  simulated: boolean;
  ariUrl: string;
  httpPort: number;
  store: Store;
  engine: Engine;
  /** Campaign lifecycle, test calls, agents and live figures (the API's handle on the engine). */
  control: EngineControl;
  health(): HealthReport;
  /** The first admin's random password when this start created it (the banner shows it once). */
  generatedAdminPassword: string | undefined;
  close(): Promise<void>;
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function startProduct(config: Config, logger: Logger): Promise<Product> {
  const startedAt = systemClock.now();
  const closers: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (err) {
        logger.warn({ err }, 'error while shutting down');
      }
    }
  };
  try {
    let sim: Simulator | undefined;
    if (!config.ARI_URL) {
      sim = await startSimulator({ seed: config.SIM_SEED, mediaMode: 'realtime', logger: logger.child({ part: 'sim' }) });
      closers.push(() => sim!.close());
    }
    const ariUrl = sim?.url ?? config.ARI_URL!;

    const store = openStore(config.DB_PATH);
    closers.push(() => store.close());
    if (sim) ensureDemoData(store, { seed: config.SIM_SEED, at: systemClock.now() });

    const plane: MediaPlane = await createMediaPlane({ ...mediaPlaneOptions(config), logger: logger.child({ part: 'media' }) });
    closers.push(() => plane.close());

    // Every campaign stored as running is resumed (state survives a restart); on the embedded PBX the demo
    // campaign is loaded too, in whatever state it is stored.
    const leadsFor = (c: Campaign): LeadSource => {
      const leads = storeLeadSource(store.leads, { campaignId: c.id, owner: config.NODE_ID, now: () => systemClock.now() });
      // Synthetic (demo) numbers never reach a real carrier.
      return sim ? leads : refuseSynthetic(leads, store, systemClock);
    };
    const amdFor = (c: Campaign) => mediaPlaneAmdSource(plane, amdParamsFor(c));
    const resumed = campaignsToResume(store, sim ? [DEMO_CAMPAIGN_ID] : []);
    if (resumed.length === 0) logger.info('no running campaign: the engine is connected and idle until one is started');
    const wrapUpMs = (resumed[0]?.wrapUpS ?? 10) * 1000;
    const agents = store.agents.list().map((a) => agentConfigFromRow(a, wrapUpMs));

    const engine = await startEngine({
      config,
      ...(sim ? { ari: { url: sim.url, username: sim.username, password: sim.password } } : {}),
      store: { callLogs: store.callLogs, agentEvents: store.agentEvents },
      amd: mediaPlaneAmdSource(plane, defaultAmdParams()),
      campaigns: resumed.map((c) => campaignInputFromStore(c, leadsFor(c), amdFor(c))),
      // Outcomes of CallLogs a previous process left open, for campaigns not running now.
      leadOutcomes: { complete: (leadId, d, at) => void store.leads.completeAttempt(leadId, d, at, { owner: config.NODE_ID }) },
      agents,
      logger: logger.child({ part: 'engine' }),
    });
    const control = createEngineControl({ engine, store, clock: systemClock, logger: logger.child({ part: 'control' }), leadsFor, amdFor, defaultWrapUpMs: wrapUpMs });
    closers.push(() => engine.stop({ hangup: true, timeoutMs: 5000 }));

    const health = (): HealthReport => {
      const snap = engine.snapshot();
      const dbOk = store.ping();
      const parts = {
        ari: { connected: snap.connected, simulated: Boolean(sim), url: ariUrl, app: config.ARI_APP },
        db: { ok: dbOk, path: config.DB_PATH },
        redis: { configured: Boolean(config.REDIS_URL), ok: null },
      };
      return {
        status: overallStatus(parts),
        version: VERSION,
        nodeId: config.NODE_ID,
        uptimeSeconds: Math.round((systemClock.now() - startedAt) / 1000),
        ...parts,
        media: { activeSessions: plane.size },
        calls: { active: snap.calls.length },
      };
    };

    // Lead imports run in worker threads; what a previous run left unfinished is reconciled before the API opens.
    const imports = new ImportQueue({ store, nodeId: config.NODE_ID, spoolDir: join(dirname(config.DB_PATH), 'import-spool', config.NODE_ID), logger });
    closers.push(() => imports.close());
    await imports.ready;

    // GET /health also pings Redis (when REDIS_URL is set) on the live feed's adapter connection.
    let live: LiveFeed | undefined;
    const api = createApiApp({
      health: withRedisPing(health, async () => (live ? live.redisOk() : null)),
      store,
      clock: systemClock,
      logger,
      config,
      control,
      imports,
    });
    // The browser app (web/dist) on the same port: API paths to the API, the rest to the static files.
    const server: RunningServer = await listen(withWebApp(api, WEB_DIST), config.HTTP_HOST, config.HTTP_PORT);
    closers.push(() => server.close());
    // The live feed (Socket.IO) shares the API's port; with REDIS_URL the boards of several API nodes are one.
    live = await attachLiveFeed({
      httpServer: server.server,
      events: engine.events,
      auth: api.auth,
      directory: storeAgentDirectory(store.agents),
      snapshot: () => boardSnapshot(engine.snapshot()),
      clock: systemClock,
      logger,
      redisUrl: config.REDIS_URL,
    });
    closers.push(() => live?.close());

    return { simulated: Boolean(sim), ariUrl, httpPort: server.port, store, engine, control, health, generatedAdminPassword: api.generatedAdminPassword, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
