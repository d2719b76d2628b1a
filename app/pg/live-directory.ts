/**
 * The live feed's agent directory (api/live AgentDirectory: which agents a user is, an agent's team) over
 * PostgreSQL's agents. The feed asks it synchronously for every event it routes, and a PostgreSQL read is async,
 * so it answers from a copy of the agents table refreshed every `refreshMs`: a login assigned to an agent reaches
 * the feed within that period (the SQLite directory reads the file each time).
 */
import type { AgentDirectory as LiveDirectory } from '../../api/live/index.js';
import type { Clock, TimerHandle } from '../../engine/clock/index.js';
import type { Logger } from '../../engine/log/index.js';
import type { AgentDirectory, AgentRow } from '../../engine/store/index.js';

export interface CachedLiveDirectory extends LiveDirectory {
  /** One read now (the first before the feed opens); a failed read keeps the last copy and is logged. */
  refresh(): Promise<void>;
  stop(): void;
}

export function cachedLiveDirectory(agents: Pick<AgentDirectory, 'list'>, clock: Pick<Clock, 'setInterval' | 'clearInterval'>, logger: Logger, refreshMs = 2000): CachedLiveDirectory {
  let rows: AgentRow[] = [];
  let reading: Promise<void> | null = null;
  const refresh = (): Promise<void> =>
    (reading ??= agents
      .list()
      .then((r) => {
        rows = r;
      })
      .catch((err: unknown) => logger.warn({ err: String(err) }, 'could not read the agents for the live feed; keeping the last copy'))
      .finally(() => {
        reading = null;
      }));
  const timer: TimerHandle = clock.setInterval(() => void refresh(), refreshMs);
  return {
    agentIdsOfUser: (userId) => rows.filter((a) => a.userId === userId).map((a) => a.id),
    teamOfAgent: (agentId) => rows.find((a) => a.id === agentId)?.team ?? null,
    refresh,
    stop: () => clock.clearInterval(timer),
  };
}
