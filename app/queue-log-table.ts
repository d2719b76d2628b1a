/**
 * The queue_log on PostgreSQL (#18): every engine node appends its queue_log lines to the shared `queue_log` table
 * (besides its own QUEUE_LOG_FILE), and `/api/queues` on PostgreSQL follows that table — every node's queues,
 * agents and calls, through the same analysis as a file — instead of one node's file.
 *
 * - Writing (`QueueLogTableWriter`): each line gets the next number of this node's stream (`seq`, after the last one
 *   the table holds for the node) and goes, batched per turn of the event loop, through the engine's write queue
 *   (engine/shell write-queue.ts, as the CallLogs and agent events): one batch in flight at a time, so a node's lines
 *   commit in order; held in order and retried while PostgreSQL is away (the queue's own bound and /health `db`);
 *   a batch sent again after a lost answer inserts nothing twice (`(node_id, seq)` unique, ON CONFLICT DO NOTHING).
 *   Calls never wait for it.
 * - Reading (`startTableQueueStats`): a poll every 2 s asks each node's lines after the last `seq` read (engine/store
 *   `PgQueueLog.readAfter`), turns each row back into its line and pushes it into a `QueueLogAnalysis`: the same
 *   parser (a bad row is a malformed line, counted and listed with its row id, never fatal), the same aggregation and
 *   metrics. The cursor (each node's last `seq`), the counts and the aggregator's state are saved in a checkpoint
 *   file after each poll that read lines, so a restart goes on from there instead of reading the table again.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import {
  AGGREGATOR_STATE_VERSION,
  QueueLogAnalysis,
  type AggregatorState,
  type MalformedEntry,
  type ParserCounts,
  type TailStatus,
} from '../engine/analytics/index.js';
import type { Clock, TimerHandle } from '../engine/clock/index.js';
import type { Logger } from '../engine/log/index.js';
import type { StoreWriteQueue } from '../engine/shell/index.js';
import { describePgError } from '../engine/store/index.js';
import type { NodeQueueLogLine, PgQueueLog, QueueLogCursor, QueueLogTableRow } from '../engine/store/pg/index.js';
import type { QueueStats } from './queue-log.js';

/** A queue_log line `time|callid|queue|agent|event|data…` as the table's columns; null when it has fewer than 5 fields. */
export function queueLogColumns(line: string): Omit<NodeQueueLogLine, 'seq'> | null {
  const f = line.split('|');
  if (f.length < 5) return null;
  const time = Number(f[0]);
  if (!Number.isSafeInteger(time)) return null;
  const data = f.slice(5);
  // Five data columns, like Asterisk's realtime queue_log: anything beyond stays in the last one, as it was written.
  if (data.length > 5) data.splice(4, data.length - 4, data.slice(4).join('|'));
  return { time, callid: f[1]!, queuename: f[2]!, agent: f[3]!, event: f[4]!, data };
}

/** A row back as its queue_log line (data fields up to the first missing one, as written). */
export function queueLogLineOf(r: Pick<QueueLogTableRow, 'time' | 'callid' | 'queuename' | 'agent' | 'event' | 'data'>): string {
  const head = `${r.time}|${r.callid}|${r.queuename}|${r.agent}|${r.event}`;
  return r.data.length === 0 ? head : `${head}|${r.data.join('|')}`;
}

export interface QueueLogTableStatus {
  /** The node whose stream this is. */
  nodeId: string;
  /** Lines in the table (confirmed by PostgreSQL). */
  written: number;
  /** Lines waiting: in the engine's write queue while PostgreSQL is away, or in this turn's batch. */
  pending: number;
  /** The last `seq` given to a line. */
  seq: number;
}

type TableWrites = Pick<PgQueueLog, 'lastSeq' | 'append'>;

/**
 * One node's lines into the queue_log table. `open` reads where the node's stream stands; lines appended before
 * `bind` (the engine's events while it starts) wait for the write queue and go first.
 */
export class QueueLogTableWriter {
  private buffer: NodeQueueLogLine[] = [];
  private scheduled = false;
  private queue: StoreWriteQueue | null = null;
  private written = 0;
  private appended = 0;
  private fenced = false;

  private constructor(
    private readonly nodeId: string,
    private readonly table: TableWrites,
    private seq: number,
  ) {}

  static async open(nodeId: string, table: TableWrites): Promise<QueueLogTableWriter> {
    return new QueueLogTableWriter(nodeId, table, await table.lastSeq(nodeId));
  }

  append(line: string): void {
    if (this.fenced) return;
    const cols = queueLogColumns(line);
    if (!cols) return;
    this.buffer.push({ ...cols, seq: ++this.seq });
    this.appended++;
    this.schedule();
  }

  /** The write queue the batches go through (the engine's, once it exists). */
  bind(queue: StoreWriteQueue): void {
    this.queue = queue;
    this.schedule();
  }

  status(): QueueLogTableStatus {
    return { nodeId: this.nodeId, written: this.written, pending: this.appended - this.written, seq: this.seq };
  }

  /**
   * Sends what waits and gives it at most `timeoutMs` to reach the table; true when every line is in. At a stop the
   * engine's queue no longer retries by itself (and returns at once while PostgreSQL is away): it is tried here every
   * quarter second meanwhile, so a PostgreSQL back within the time still takes the lines (and the engine's other
   * writes queued before them). What is still out then is in the file only: the next start catches the table up.
   */
  async flush(timeoutMs = 5000): Promise<boolean> {
    this.submit();
    const q = this.queue;
    if (!q) return this.appended === this.written;
    const until = Date.now() + timeoutMs;
    while (this.appended !== this.written && !this.fenced) {
      const left = until - Date.now();
      if (left <= 0) break;
      q.flush();
      await q.idle(Math.min(left, 500));
      if (this.appended !== this.written) await new Promise((r) => setTimeout(r, Math.max(0, Math.min(250, until - Date.now()))));
    }
    return this.appended === this.written;
  }

  /**
   * Writes nothing more, not even what waits: another process took this NODE_ID over (app/node/node-claim.ts) and
   * numbers the stream from here on; a line of this one under the same seq would take its place.
   */
  stopWriting(): void {
    this.fenced = true;
    this.buffer = [];
  }

  private schedule(): void {
    if (this.scheduled || !this.queue || this.buffer.length === 0) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.submit();
    });
  }

  private submit(): void {
    if (!this.queue || this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.queue.run('queueLog', () =>
      this.fenced
        ? undefined
        : this.table.append(this.nodeId, batch).then(() => {
            this.written += batch.length;
          }),
    );
  }
}

interface TableCheckpoint {
  v: 1;
  kind: 'queue_log table';
  cursor: QueueLogCursor;
  rows: number;
  line: number;
  counts: ParserCounts;
  malformed: MalformedEntry[];
  state: AggregatorState;
}

/** What the table source adds to a tail's status: each node's last line read (`seq`). */
export interface TableQueueStatsStatus extends TailStatus {
  nodes: QueueLogCursor;
}

export interface TableQueueStats extends QueueStats {
  status(): TableQueueStatsStatus;
  /** One poll now (also run every `pollMs`). */
  poll(): Promise<void>;
  nodeOfCall(callid: string): string | null;
  nodeOfAgent(name: string): string | null;
}

type TableReads = Pick<PgQueueLog, 'readAfter' | 'heads'>;

/**
 * Follows the queue_log table for /api/queues: every node's lines, polled every `pollMs` (2 s), `batch` rows per
 * node per query (several queries per poll while catching up). Never throws: a failed poll (PostgreSQL away) is
 * kept in `status().lastError` and the next one tries again from the same cursor.
 */
export async function startTableQueueStats(o: {
  table: TableReads;
  /** Where the cursor and the figures are saved (beside DB_PATH); none: read the table from its start each time. */
  checkpointFile?: string | undefined;
  serviceLevel: (queue: string) => number;
  timeZone: string;
  clock: Clock;
  logger: Logger;
  pollMs?: number;
  batch?: number;
}): Promise<TableQueueStats> {
  const create = (state?: AggregatorState) => new QueueLogAnalysis({ serviceLevel: o.serviceLevel, timeZone: o.timeZone, ...(state ? { state } : {}) });
  let analysis = create();
  let cursor: QueueLogCursor = {};
  let rows = 0;
  let lastPollAt: number | null = null;
  let lastError: string | null = null;
  let following = true;
  const callNode = new Map<string, string>();
  const agentNode = new Map<string, string>();
  const batch = o.batch ?? 5000;

  if (o.checkpointFile) {
    try {
      const cp = JSON.parse(await readFile(o.checkpointFile, 'utf8')) as TableCheckpoint;
      if (cp.v !== 1 || cp.kind !== 'queue_log table' || cp.state?.v !== AGGREGATOR_STATE_VERSION) {
        lastError = 'checkpoint of another version: reading the queue_log table again from its start';
      } else {
        const heads = await o.table.heads();
        const beyond = Object.entries(cp.cursor).find(([node, seq]) => seq > (heads[node] ?? 0));
        if (beyond) {
          lastError = `checkpoint ahead of the table (node ${beyond[0]} at ${beyond[1]}, the table at ${heads[beyond[0]] ?? 0}: another database or an emptied table): reading it again from its start`;
        } else {
          analysis = create(cp.state);
          analysis.parser.resume(cp.line, cp.counts);
          analysis.malformed.push(...cp.malformed);
          cursor = { ...cp.cursor };
          rows = cp.rows;
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') lastError = `checkpoint not read, reading the queue_log table from its start: ${describePgError(err)}`;
    }
  }
  analysis.beginSource();

  const save = async (): Promise<void> => {
    if (!o.checkpointFile) return;
    const cp: TableCheckpoint = {
      v: 1,
      kind: 'queue_log table',
      cursor,
      rows,
      line: analysis.parser.linesDone,
      counts: analysis.parser.counts,
      malformed: analysis.malformed.slice(0, 1000),
      state: analysis.aggregator.exportState(),
    };
    const tmp = `${o.checkpointFile}.tmp`;
    await writeFile(tmp, JSON.stringify(cp));
    await rename(tmp, o.checkpointFile);
  };

  const consume = (r: QueueLogTableRow): void => {
    const before = analysis.malformed.length;
    analysis.push(Buffer.from(`${queueLogLineOf(r)}\n`, 'utf8'));
    // A bad row is a malformed line like a bad line of a file, named by its row so it can be found.
    for (let i = before; i < analysis.malformed.length; i++) analysis.malformed[i] = { ...analysis.malformed[i]!, file: `queue_log id ${r.id} (${r.nodeId} #${r.seq})` };
    cursor[r.nodeId] = r.seq;
    rows++;
    if (r.callid !== 'NONE' && r.callid !== '') callNode.set(r.callid, r.nodeId);
    if (r.agent !== 'NONE' && r.agent !== '') agentNode.set(r.agent, r.nodeId);
  };

  let running: Promise<void> = Promise.resolve();
  const pollOnce = async (): Promise<void> => {
    lastPollAt = o.clock.now();
    let read = 0;
    try {
      // Catching up on a long table: a few queries per poll, the rest at the next one (figures grow as it reads).
      for (let round = 0; round < 20; round++) {
        const got = await o.table.readAfter(cursor, batch);
        for (const r of got) consume(r);
        read += got.length;
        const perNode = new Map<string, number>();
        for (const r of got) perNode.set(r.nodeId, (perNode.get(r.nodeId) ?? 0) + 1);
        if (![...perNode.values()].some((n) => n >= batch)) break;
      }
      lastError = null;
    } catch (err) {
      lastError = describePgError(err);
    }
    if (read > 0) {
      if (callNode.size > 10_000) {
        const open = new Set(analysis.aggregator.openCalls().map((c) => c.callid));
        for (const id of callNode.keys()) if (!open.has(id)) callNode.delete(id);
      }
      try {
        await save();
      } catch (err) {
        o.logger.warn({ err, file: o.checkpointFile }, 'queue_log table checkpoint not saved');
      }
    }
  };
  const poll = (): Promise<void> => {
    running = running.then(pollOnce);
    return running;
  };

  let timer: TimerHandle | undefined;
  const started = poll().then(() => {
    if (following) timer = o.clock.setInterval(() => void poll(), o.pollMs ?? 2000);
  });

  return {
    result: (range) => analysis.result(o.clock.now() / 1000, range),
    openCalls: () => analysis.aggregator.openCalls(),
    status: () => ({
      file: 'postgresql: queue_log',
      following,
      offset: rows,
      line: analysis.parser.linesDone,
      rotations: 0,
      truncations: 0,
      lastPollAt,
      lastError,
      nodes: { ...cursor },
    }),
    poll,
    nodeOfCall: (callid) => callNode.get(callid) ?? null,
    nodeOfAgent: (name) => agentNode.get(name) ?? null,
    stop: async () => {
      following = false;
      await started;
      o.clock.clearInterval(timer);
      await running;
    },
  };
}
