/**
 * Wires the engine's own queue_log (issue #16): every domain event goes through the pure CampaignQueueLog
 * translator (campaign → queue name, agent id → agent name, from the store) into the append-only file.
 */
import { dirname, join } from 'node:path';
import { CampaignQueueLog, QueueLogFile, type QueueLogFileStatus } from '../engine/analytics/index.js';
import type { DomainEvents } from '../engine/events/index.js';
import type { Store } from '../engine/store/index.js';

export interface AttachedQueueLog {
  status(): QueueLogFileStatus;
  close(): Promise<void>;
}

/** Where the file goes: QUEUE_LOG_FILE, `queue_log` beside the database when unset, null when `off`. */
export function queueLogPath(config: { QUEUE_LOG_FILE?: string | undefined; DB_PATH: string }): string | null {
  if (config.QUEUE_LOG_FILE === 'off') return null;
  return config.QUEUE_LOG_FILE ?? join(dirname(config.DB_PATH), 'queue_log');
}

export function attachQueueLog(events: DomainEvents, store: Pick<Store, 'campaigns' | 'agents'>, file: string): AttachedQueueLog {
  const out = new QueueLogFile(file);
  const log = new CampaignQueueLog(
    {
      campaign: (id) => store.campaigns.get(id)?.name ?? `campaign-${id}`,
      agent: (id) => store.agents.get(id)?.name ?? id,
    },
    (line) => out.append(line),
  );
  const off = events.on('*', (e) => log.handle(e));
  return {
    status: () => out.status(),
    close: async () => {
      off();
      await out.flush();
    },
  };
}
