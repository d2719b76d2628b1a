/**
 * Wires the engine's own queue_log (issue #16): every domain event goes through the pure CampaignQueueLog
 * translator (campaign → queue name, agent id → agent name, from the store) into the append-only file.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { QueueStatsSource } from '../api/index.js';
import {
  CampaignQueueLog,
  DEFAULT_SERVICE_LEVEL_S,
  QueueLogAnalysis,
  QueueLogFile,
  QueueLogTail,
  parseQueuesConf,
  parseServiceLevelList,
  serviceLevelResolver,
  type QueueLogFileStatus,
} from '../engine/analytics/index.js';
import type { Clock } from '../engine/clock/index.js';
import type { Logger } from '../engine/log/index.js';
import type { DomainEvents } from '../engine/events/index.js';
import type { Store } from '../engine/store/index.js';

export interface AttachedQueueLog {
  /** The file's status; null when only the table is written (QUEUE_LOG_FILE=off on PostgreSQL). */
  status(): QueueLogFileStatus | null;
  close(): Promise<void>;
}

/** Where the file goes: QUEUE_LOG_FILE, `queue_log` beside the database when unset, null when `off`. */
export function queueLogPath(config: { QUEUE_LOG_FILE?: string | undefined; DB_PATH: string }): string | null {
  if (config.QUEUE_LOG_FILE === 'off') return null;
  return config.QUEUE_LOG_FILE ?? join(dirname(config.DB_PATH), 'queue_log');
}

/** Names the queue_log lines carry, asked synchronously for every event (a read from a store or a cached copy). */
export interface QueueLogNames {
  campaign(id: string): string | undefined;
  agent(id: string): string | undefined;
}

export function attachQueueLog(events: DomainEvents, store: Pick<Store, 'campaigns' | 'agents'>, file: string): AttachedQueueLog {
  return attachQueueLogWith(events, { campaign: (id) => store.campaigns.get(id)?.name, agent: (id) => store.agents.get(id)?.name }, file);
}

/**
 * The same writer over any name source: on PostgreSQL the names come from copies refreshed every few seconds
 * (a PostgreSQL read is async and the translator is not), so a campaign renamed a moment ago may be written under
 * its old name for one refresh period.
 */
export function attachQueueLogWith(events: DomainEvents, names: QueueLogNames, file: string): AttachedQueueLog;
/**
 * On PostgreSQL the same lines also go to the queue_log table (`table`, ./queue-log-table.ts), one translator for
 * both, so the file and the table hold the same lines; `file` null (QUEUE_LOG_FILE=off): the table only.
 */
export function attachQueueLogWith(events: DomainEvents, names: QueueLogNames, file: string | null, sinks: { table?: { append(line: string): void } }): AttachedQueueLog;
export function attachQueueLogWith(events: DomainEvents, names: QueueLogNames, file: string | null, sinks: { table?: { append(line: string): void } } = {}): AttachedQueueLog {
  const out = file === null ? null : new QueueLogFile(file);
  const table = sinks.table;
  const log = new CampaignQueueLog(
    {
      campaign: (id) => names.campaign(id) ?? `campaign-${id}`,
      agent: (id) => names.agent(id) ?? id,
    },
    (line) => {
      out?.append(line);
      table?.append(line);
    },
  );
  const off = events.on('*', (e) => log.handle(e));
  return {
    status: () => out?.status() ?? null,
    close: async () => {
      off();
      await out?.flush();
    },
  };
}

export interface QueueStats extends QueueStatsSource {
  stop(): Promise<void>;
}

/**
 * Follows a queue_log live (QUEUE_LOG_SOURCE, or the engine's own file) for /api/queues: a tail polling every
 * 2 s, its checkpoint beside the database so a restart resumes where it was. Catching up on a long file runs in
 * the background; figures grow as it reads. Service levels: queues.conf (QUEUES_CONF), then QUEUE_SERVICE_LEVELS.
 */
export async function startQueueStats(o: {
  file: string;
  checkpointFile: string;
  queuesConf?: string | undefined;
  serviceLevels: string;
  timeZone: string;
  clock: Clock;
  logger: Logger;
}): Promise<QueueStats> {
  const serviceLevel = await queueServiceLevels(o);
  const tail = new QueueLogTail({
    file: o.file,
    checkpointFile: o.checkpointFile,
    clock: o.clock,
    pollMs: 2000,
    createAnalysis: (state) => new QueueLogAnalysis({ serviceLevel, timeZone: o.timeZone, state }),
  });
  const started = tail.start().catch((err: unknown) => o.logger.warn({ err, file: o.file }, 'queue_log tail did not start'));
  return {
    result: (range) => tail.analysis.result(o.clock.now() / 1000, range),
    openCalls: () => tail.analysis.aggregator.openCalls(),
    status: () => tail.status(),
    stop: async () => {
      await started;
      await tail.stop();
    },
  };
}

/**
 * Service levels per queue: queues.conf (QUEUES_CONF), then QUEUE_SERVICE_LEVELS, then 20 s — for a followed file
 * and for the queue_log table alike.
 */
export async function queueServiceLevels(o: { queuesConf?: string | undefined; serviceLevels: string; logger: Logger }): Promise<(queue: string) => number> {
  let conf: Record<string, number> = {};
  if (o.queuesConf) {
    try {
      const parsed = parseQueuesConf(await readFile(o.queuesConf, 'utf8'));
      conf = parsed.serviceLevels;
      for (const n of parsed.notes) o.logger.warn({ file: o.queuesConf }, `queues.conf: ${n}`);
    } catch (err) {
      o.logger.warn({ err, file: o.queuesConf }, 'queues.conf not read; service levels from QUEUE_SERVICE_LEVELS');
    }
  }
  return serviceLevelResolver({}, conf, parseServiceLevelList(o.serviceLevels), DEFAULT_SERVICE_LEVEL_S);
}
