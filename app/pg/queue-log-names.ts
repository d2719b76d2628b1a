/**
 * The names the engine's queue_log writes (campaign → queue name, agent id → agent name: app/queue-log.ts) over
 * PostgreSQL's campaigns and agents. The translator asks synchronously for every event and a PostgreSQL read is
 * async, so it answers from a copy of both tables refreshed every `refreshMs` (and at once on a name it does not
 * know, so an agent created a moment ago is named from its next event on). A campaign's name is first the node's
 * own (`campaignName`: the node reads the row before it dials the campaign, so its first call is named right). A failed read keeps the last copy and
 * is logged; the queue_log never waits for PostgreSQL.
 */
import type { Clock, TimerHandle } from '../../engine/clock/index.js';
import type { Logger } from '../../engine/log/index.js';
import type { AgentDirectory, CampaignCatalog } from '../../engine/store/index.js';
import type { QueueLogNames } from '../index.js';

export interface CachedQueueLogNames extends QueueLogNames {
  /** One read now (the first before the writer is attached). */
  refresh(): Promise<void>;
  stop(): void;
}

export function cachedQueueLogNames(
  src: {
    campaigns: Pick<CampaignCatalog, 'list'>;
    agents: Pick<AgentDirectory, 'list'>;
    /** The node's own read of a campaign's name (RunningNode.campaignName): current before its first call. */
    campaignName?: (id: string) => string | undefined;
  },
  clock: Pick<Clock, 'setInterval' | 'clearInterval'>,
  logger: Logger,
  refreshMs = 5000,
): CachedQueueLogNames {
  let campaigns = new Map<string, { name: string }>();
  let agents = new Map<string, { name: string }>();
  let reading: Promise<void> | null = null;
  const refresh = (): Promise<void> =>
    (reading ??= Promise.all([src.campaigns.list(), src.agents.list()])
      .then(([c, a]) => {
        campaigns = new Map(c.map((r) => [r.id, { name: r.name }]));
        agents = new Map(a.map((r) => [r.id, { name: r.name }]));
      })
      .catch((err: unknown) => logger.warn({ err: String(err) }, 'could not read campaign and agent names for the queue_log; keeping the last copy'))
      .finally(() => {
        reading = null;
      }));
  const timer: TimerHandle = clock.setInterval(() => void refresh(), refreshMs);
  const known = (m: () => Map<string, { name: string }>) => ({
    get: (id: string) => {
      const hit = m().get(id);
      if (!hit) void refresh();
      return hit;
    },
  });
  const cached = known(() => campaigns);
  const campaignsByName = {
    get: (id: string) => {
      const name = src.campaignName?.(id);
      return name !== undefined ? { name } : cached.get(id);
    },
  };
  return { campaigns: campaignsByName, agents: known(() => agents), refresh, stop: () => clock.clearInterval(timer) };
}
