/**
 * The engine thread: everything on the time-critical path of a call — the embedded PBX (when no ARI_URL), the ARI
 * gateway, the media plane (AMD workers), the engine shell (dial loop, bridging, reconciliation), the recorder
 * (engine/recordings: bridges recorded, stored files fetched and deleted over ARI, the AMD window, its job queue
 * and transcodes, the retention sweep) and its own SQLite connection (WAL, busy_timeout: engine/store's openDb) — in one event loop that HTTP handlers, imports and exports
 * never run on. It answers EngineControl's commands, streams domain events and sends its status (snapshot, agents,
 * campaigns' engine view, event-loop lag) several times a second over one MessagePort (app/engine-protocol.ts).
 *
 * `runEngineHost` is what app/engine-worker.ts runs in the worker thread; the same function runs on the caller's
 * thread in the documented control mode (`engineThread: 'main'`), which the load test uses to show it can fail.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { MessagePort } from 'node:worker_threads';
import { defaultAmdParams } from '../engine/amd/index.js';
import { amdParamsFor } from '../engine/campaigns/index.js';
import { systemClock } from '../engine/clock/index.js';
import type { EngineControl } from '../engine/control/index.js';
import { DomainEvents } from '../engine/events/index.js';
import type { AriGateway } from '../engine/ari/index.js';
import { lateRecordingAri, Recordings, type RecordingsStatus } from '../engine/recordings/index.js';
import { createLogger } from '../engine/log/index.js';
import { createMediaPlane, mediaPlaneOptions, type MediaPlane } from '../engine/media/index.js';
import { campaignInputFromStore, mediaPlaneAmdSource, refuseSynthetic, storeLeadSource, type Engine, type LeadSource } from '../engine/shell/index.js';
import { startSimulator, type Simulator } from '../engine/sim/index.js';
import { AuditLog, openStore, type Campaign, type Store } from '../engine/store/index.js';
import { recordingsDirOf } from '../engine/config/index.js';
import { agentConfigFromRow, campaignEngineView, campaignsToResume, createEngineControl, type CampaignEngineView } from './engine-control.js';
import { DEMO_CAMPAIGN_ID } from './demo-data.js';
import { ENGINE_COMMANDS, type EngineHostInit, type EngineStatus, type FromEngine, type LagFigures, type ToEngine } from './engine-protocol.js';
import { startEngine } from './start-engine.js';
import { closerStack } from './closers.js';
import { answerCommand } from './engine-command.js';
import { simScenarioRules } from './sim-scenario.js';
import { serializeError, serveThread } from './thread-channel.js';

/** Audio kept for the AMD window of recorded calls (the analysis lasts at most a few seconds; the late watch longer). */
const AMD_WINDOW_MS = 8000;
/** The recorder's status (disk usage, counts from the store) is read at most this often for the status messages. */
const RECORDINGS_STATUS_MS = 1000;

/** The health window of the engine thread's lag: /health shows the last full one. */
const LAG_WINDOW_MS = 5000;

export function lagFigures(h: IntervalHistogram, windowMs: number): LagFigures {
  // An empty histogram reports a huge min and NaN mean; nothing measured is 0.
  if (h.count === 0) return { p50: 0, p99: 0, max: 0, windowMs };
  // monitorEventLoopDelay measures the timer's delay including its own resolution (10 ms): subtract it.
  const lag = (ns: number) => Math.max(0, Math.round((ns / 1e6 - 10) * 10) / 10);
  return { p50: lag(h.percentile(50)), p99: lag(h.percentile(99)), max: lag(h.max), windowMs };
}

export async function runEngineHost(port: MessagePort, init: EngineHostInit): Promise<void> {
  const { config } = init;
  const logger = createLogger(init.logLevel as Parameters<typeof createLogger>[0], { pretty: init.pretty });
  const abort = new AbortController();
  const { closers, closeAll } = closerStack(logger);

  const health = monitorEventLoopDelay({ resolution: 10 });
  health.enable();
  let healthLag: LagFigures = { p50: 0, p99: 0, max: 0, windowMs: 0 };
  let healthFrom = systemClock.now();
  const measured = monitorEventLoopDelay({ resolution: 10 });
  measured.enable();
  let measuredFrom = systemClock.now();
  closers.push(() => {
    health.disable();
    measured.disable();
  });

  let engine: Engine | undefined;
  let control: EngineControl | undefined;
  let plane: MediaPlane | undefined;
  let recordings: Recordings | undefined;
  let recordingsStatus: RecordingsStatus | null = null;
  let recordingsStatusAt = -Infinity;
  let stopping: Promise<void> | undefined;

  const status = (): EngineStatus => {
    const now = systemClock.now();
    if (now - healthFrom >= LAG_WINDOW_MS) {
      healthLag = lagFigures(health, now - healthFrom);
      health.reset();
      healthFrom = now;
    }
    const campaigns: Record<string, CampaignEngineView> = {};
    for (const id of engine!.campaignIds()) {
      const v = campaignEngineView(engine!, id);
      if (v) campaigns[id] = v;
    }
    if (recordings && now - recordingsStatusAt >= RECORDINGS_STATUS_MS) {
      recordingsStatusAt = now;
      try {
        recordingsStatus = recordings.status();
      } catch (err) {
        logger.warn({ err }, 'recordings status unavailable');
        recordingsStatus = null;
      }
    }
    return {
      at: now,
      thread: init.thread,
      snapshot: engine!.snapshot(),
      agents: control!.agents.list(),
      campaigns,
      media: { activeSessions: plane?.size ?? 0 },
      lag: healthLag,
      recordings: recordingsStatus,
    };
  };

  const stop = (m: Extract<ToEngine, { type: 'stop' }>): Promise<void> =>
    (stopping ??= (async () => {
      abort.abort();
      if (engine) {
        try {
          await engine.stop(m.hangup ? { hangup: true } : { graceMs: m.graceMs ?? 0 });
        } catch (err) {
          logger.error({ err }, 'engine stop failed');
        }
      }
      await closeAll();
      post({ type: 'stopped' });
      port.close();
    })());

  const channel = serveThread<ToEngine, FromEngine>(port, {
    notice(m) {
      if (m.type === 'abort') abort.abort();
      else void stop(m);
    },
    async answer(m) {
      if (m.type === 'lag') {
        const now = systemClock.now();
        const value = lagFigures(measured, now - measuredFrom);
        if (m.reset) {
          measured.reset();
          measuredFrom = now;
        }
        return value;
      }
      const value = await answerCommand({ control, recorder: recordings, commands: ENGINE_COMMANDS }, m.command, m.args);
      // The status first (same port, same order): a read right after the command sees its effect.
      if (engine && control) post({ type: 'status', status: status() });
      return value;
    },
  });
  const post = channel.post;

  try {
    let sim: Simulator | undefined;
    if (!config.ARI_URL) {
      const scenarios = await simScenarioRules(config.SIM_SCENARIO, config.SIM_SEED);
      sim = await startSimulator({ seed: config.SIM_SEED, mediaMode: 'realtime', scenarios, logger: logger.child({ part: 'sim' }) });
      closers.push(() => sim!.close());
    }
    const ariUrl = sim?.url ?? config.ARI_URL!;

    // The engine's own connection to the same file (the API thread opened it first and ran the migrations).
    const store: Store = openStore(config.DB_PATH);
    closers.push(() => store.close());

    plane = await createMediaPlane({ ...mediaPlaneOptions(config), logger: logger.child({ part: 'media' }) });
    const mediaPlane = plane;
    closers.push(() => mediaPlane.close());

    // Every campaign stored as running is resumed (state survives a restart); on the embedded PBX the demo
    // campaign is loaded too, in whatever state it is stored.
    const leadsFor = (c: Campaign): LeadSource => {
      const leads = storeLeadSource(store.leads, { campaignId: c.id, owner: config.NODE_ID, now: () => systemClock.now() });
      // Synthetic (demo) numbers never reach a real carrier.
      return sim ? leads : refuseSynthetic(leads, store, systemClock);
    };
    // Recordings: subscribed to the engine's events before the first call; ARI through the engine's gateway once
    // it is connected (a command before that fails and is reported on the recording).
    const events = new DomainEvents((err, e) => logger.error({ err, event: e.type }, 'event subscriber failed'));
    let gateway: AriGateway | null = null;
    const ari = lateRecordingAri(() => gateway);
    const audit = new AuditLog(store.db);
    const recorder = new Recordings({
      events,
      ari,
      store,
      clock: systemClock,
      logger: logger.child({ part: 'recordings' }),
      nodeId: config.NODE_ID,
      dir: recordingsDirOf(config),
      ...(config.RECORDINGS_SPOOL ? { spoolDir: config.RECORDINGS_SPOOL } : {}),
      format: config.RECORDINGS_FORMAT,
      concurrency: config.RECORDINGS_CONCURRENCY,
      audit: (e) => audit.record(e),
    });
    recorder.start();
    recordings = recorder;
    closers.push(() => recorder.close());
    const amdFor = (c: Campaign) => recorder.amdSource(mediaPlaneAmdSource(mediaPlane, amdParamsFor(c), { captureMs: AMD_WINDOW_MS }));
    // A campaign whose stored settings cannot load is marked failed (with the reason) and skipped, never fatal.
    const resumed = campaignsToResume(store, sim ? [DEMO_CAMPAIGN_ID] : [], { at: systemClock.now(), logger: logger.child({ part: 'control' }) });
    if (resumed.length === 0) logger.info('no running campaign: the engine is connected and idle until one is started');
    const wrapUpMs = (resumed[0]?.wrapUpS ?? 10) * 1000;
    const agents = store.agents.list().map((a) => agentConfigFromRow(a, wrapUpMs));

    engine = await startEngine({
      config,
      ...(sim ? { ari: { url: sim.url, username: sim.username, password: sim.password } } : {}),
      store: { callLogs: store.callLogs, agentEvents: store.agentEvents, probeWrite: () => store.probeWrite() },
      amd: recorder.amdSource(mediaPlaneAmdSource(mediaPlane, defaultAmdParams(), { captureMs: AMD_WINDOW_MS })),
      events,
      campaigns: resumed.map((c) => campaignInputFromStore(c, leadsFor(c), amdFor(c))),
      // Outcomes of CallLogs a previous process left open, for campaigns not running now.
      leadOutcomes: { complete: (leadId, d, at) => void store.leads.completeAttempt(leadId, d, at, { owner: config.NODE_ID }) },
      agents,
      logger: logger.child({ part: 'engine' }),
      signal: abort.signal,
    });
    gateway = engine.gateway;
    // Asterisk's RecordingFinished tells the recorder when a stopped recording's file is complete.
    closers.push(gateway.on('event', (e) => recorder.ariEvent(e)));
    control = createEngineControl({ engine, store, clock: systemClock, logger: logger.child({ part: 'control' }), leadsFor, amdFor, defaultWrapUpMs: wrapUpMs });

    // Domain events to the API side (live feed), batched per turn of the loop.
    closers.push(engine.events.on('*', channel.event));
    const timer = setInterval(() => post({ type: 'status', status: status() }), init.statusIntervalMs ?? 250);
    closers.push(() => clearInterval(timer));

    post({ type: 'ready', simulated: Boolean(sim), ariUrl, status: status() });
  } catch (err) {
    await closeAll();
    post({ type: 'failed', error: abort.signal.aborted ? { kind: 'error', message: 'aborted', code: 'ABORT_ERR' } : serializeError(err) });
    port.close();
  }
}
