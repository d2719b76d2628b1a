/**
 * The whole product in one process: the embedded PBX when no ARI_URL is set, the store, the media plane, the
 * call engine and the HTTP server. `start-command.ts` is the thin CLI around it; tests start it too.
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { systemClock } from '../clock/index.js';
import { openStore, type Store } from '../store/index.js';
import { createMediaPlane, mediaPlaneOptions, type MediaPlane } from '../media/index.js';
import { startSimulator, type Simulator } from '../sim/index.js';
import { createApiApp } from '../../api/app.js';
import { listen, type RunningServer } from '../../api/server.js';
import { overallStatus, type HealthReport } from '../../api/health.js';
import { attachLiveFeed, boardSnapshot, storeAgentDirectory } from '../../api/live/index.js';
import type { AgentConfig } from '../agents/types.js';
import { defaultAmdParams } from '../amd/index.js';
import { defaultCallPolicy } from '../calls/types.js';
import { mediaPlaneAmdSource } from './engine-amd-media.js';
import { startEngine } from './engine-factory.js';
import type { Engine } from './engine.js';
import type { LeadSource } from './engine-types.js';
import { storeLeadSource } from './engine-leads.js';
import { amdParamsFor, callPolicyFor, dialStringFor } from './campaign-policy.js';
import { ensureDemoData, DEMO_CAMPAIGN_ID } from './demo-data.js';
import { refuseSynthetic } from './synthetic-guard.js';

export interface Product {
  simulated: boolean;
  ariUrl: string;
  httpPort: number;
  store: Store;
  engine: Engine;
  health(): HealthReport;
  close(): Promise<void>;
}

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** An idle hopper: a real Asterisk with no running campaign stays connected and dials nothing. */
const noLeads: LeadSource = { next: () => null, complete: () => {} };

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

    // One campaign per engine for now: the demo campaign on the embedded PBX, else the first running one.
    const campaign = sim ? store.campaigns.get(DEMO_CAMPAIGN_ID) : store.campaigns.list('running')[0];
    const agents: AgentConfig[] = store.agents.list().map((a) => ({
      id: a.id,
      kind: a.kind,
      endpoint: a.endpoint,
      maxConcurrent: a.kind === 'bot' ? a.concurrency : 1,
      wrapUpMs: (campaign?.wrapUpS ?? 10) * 1000,
    }));
    if (!campaign) logger.info('no running campaign: the engine is connected and idle until one is started');

    const leads = campaign
      ? storeLeadSource(store.leads, { campaignId: campaign.id, owner: config.NODE_ID, now: () => systemClock.now() })
      : noLeads;
    const engine = await startEngine({
      config,
      ...(sim ? { ari: { url: sim.url, username: sim.username, password: sim.password } } : {}),
      store: { callLogs: store.callLogs, agentEvents: store.agentEvents },
      amd: mediaPlaneAmdSource(plane, campaign ? amdParamsFor(campaign) : defaultAmdParams()),
      // Synthetic (demo) numbers never reach a real carrier.
      leads: sim ? leads : refuseSynthetic(leads, store, systemClock),
      agents,
      campaign: {
        id: campaign?.id ?? 'none',
        policy: campaign ? callPolicyFor(campaign) : defaultCallPolicy,
        endpointFor: campaign ? dialStringFor(campaign) : (p) => `PJSIP/${p}@trunk`,
      },
      concurrency: campaign?.maxConcurrent ?? 1,
      logger: logger.child({ part: 'engine' }),
    });
    closers.push(() => engine.stop({ hangup: true, timeoutMs: 5000 }));

    const health = (): HealthReport => {
      const snap = engine.snapshot();
      let dbOk = true;
      try {
        store.sqlite.prepare('select 1').get();
      } catch {
        dbOk = false;
      }
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

    const api = createApiApp({ health, store, clock: systemClock, logger, config });
    const server: RunningServer = await listen(api, config.HTTP_HOST, config.HTTP_PORT);
    closers.push(() => server.close());
    // The live feed (Socket.IO) shares the API's port; with REDIS_URL the boards of several API nodes are one.
    const live = await attachLiveFeed({
      httpServer: server.server,
      events: engine.events,
      auth: api.auth,
      directory: storeAgentDirectory(store.agents),
      snapshot: () => boardSnapshot(engine.snapshot()),
      clock: systemClock,
      logger,
      redisUrl: config.REDIS_URL,
    });
    closers.push(() => live.close());

    return { simulated: Boolean(sim), ariUrl, httpPort: server.port, store, engine, health, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
