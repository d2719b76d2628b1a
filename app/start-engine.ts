/**
 * How `npm start` builds the engine: connect the ARI gateway from Config (or the embedded PBX's address),
 * wire the store as a subscriber, start. Everything else (AMD source, leads, agents, campaign) is passed in,
 * so the same function serves the demo, the CLI and the tests.
 */
import type { AgentConfig } from '../engine/agents/index.js';
import { connectAri, describeAriFailure } from '../engine/ari/index.js';
import { systemClock, type Clock } from '../engine/clock/index.js';
import type { Config } from '../engine/config/index.js';
import type { Logger } from '../engine/log/index.js';
import type { DomainEvents } from '../engine/events/index.js';
import { Engine, attachAgentEventWriter, type AgentEventWriter, type AmdSource, type CallLogWriter, type CampaignDialPlan, type LeadSource, type CampaignInput, type SharedAbandonPort } from '../engine/shell/index.js';

export interface StartEngineOptions {
  config: Pick<Config, 'ARI_URL' | 'ARI_USERNAME' | 'ARI_PASSWORD' | 'ARI_APP' | 'NODE_ID'>;
  /** Overrides ARI_URL/credentials, e.g. with the embedded simulator's `{url, username, password}`. */
  ari?: { url: string; username: string; password: string };
  /** `probeWrite`: one real write, probed while the database refuses writes (Store.probeWrite). */
  store?: { callLogs: CallLogWriter; agentEvents?: AgentEventWriter; probeWrite?: () => unknown };
  amd: AmdSource;
  /** One campaign the original way ('fixed' concurrency); or `campaigns`, paced by their dial modes. */
  leads?: LeadSource;
  campaign?: CampaignDialPlan;
  concurrency?: number;
  campaigns?: CampaignInput[];
  leadOutcomes?: Pick<LeadSource, 'complete'>;
  agents: AgentConfig[];
  logger: Logger;
  clock?: Clock;
  signal?: AbortSignal;
  /** The domain event bus (subscribers attached before the first call, e.g. the recorder); one is created when omitted. */
  events?: DomainEvents;
  /** Several nodes on one campaign: the abandon counts shared with the other nodes (engine/cluster `startClusterServices`). */
  sharedAbandon?: SharedAbandonPort;
}

export async function startEngine(o: StartEngineOptions): Promise<Engine> {
  const url = o.ari?.url ?? o.config.ARI_URL;
  if (!url) throw new Error('startEngine: no ARI_URL and no embedded PBX address');
  const clock = o.clock ?? systemClock;
  const username = o.ari?.username ?? o.config.ARI_USERNAME;
  // One clear line per kind of failure (wrong credentials, nobody listening, not ARI); the retries in between
  // are debug lines, so a night of Asterisk being down is not a wall of warnings.
  let lastLine = '';
  const gateway = await connectAri(
    {
      url,
      username,
      password: o.ari?.password ?? o.config.ARI_PASSWORD ?? '',
      app: o.config.ARI_APP,
      clock,
      logger: o.logger,
      startRetryMaxMs: 15_000,
      onRetry: (err, attempt, delayMs) => {
        const line = describeAriFailure(err, { url, username });
        if (line !== lastLine) o.logger.warn({ attempt, retryInMs: delayMs }, `${line}; retrying`);
        else o.logger.debug({ attempt, retryInMs: delayMs }, `${line}; retrying`);
        lastLine = line;
      },
    },
    o.signal,
  );
  const engine = new Engine({
    gateway,
    nodeId: o.config.NODE_ID,
    clock,
    logger: o.logger,
    amd: o.amd,
    ...(o.leads ? { leads: o.leads } : {}),
    ...(o.campaign ? { campaign: o.campaign } : {}),
    ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
    ...(o.campaigns ? { campaigns: o.campaigns } : {}),
    ...(o.leadOutcomes ? { leadOutcomes: o.leadOutcomes } : {}),
    agents: o.agents,
    ...(o.store ? { callLogs: o.store.callLogs } : {}),
    ...(o.events ? { events: o.events } : {}),
    ...(o.store?.probeWrite ? { storeProbe: o.store.probeWrite } : {}),
    ...(o.sharedAbandon ? { sharedAbandon: o.sharedAbandon } : {}),
  });
  if (o.store?.agentEvents) attachAgentEventWriter(engine.events, o.store.agentEvents, engine.storeWrites);
  await engine.start();
  return engine;
}
