/**
 * Parser + aggregator wired together: push bytes from any source, read the result. Malformed lines are kept
 * (line, reason, and file when several) up to `maxMalformed` entries, counted beyond. Pure.
 */
import { QueueLogAggregator, type AgentInterval, type AggregatorState, type QueueCall } from './aggregate.js';
import { computeMetrics, type DayRange, type QueueLogMetrics } from './metrics.js';
import { QueueLogParser, type MalformedLine, type ParserCounts } from './parser.js';

export interface AnalysisOptions {
  serviceLevel: (queue: string) => number;
  timeZone: string;
  maxMalformed?: number;
  maxLineBytes?: number;
  duplicateWindowSeconds?: number;
  onCall?: (call: QueueCall) => void;
  onAgentInterval?: (i: AgentInterval) => void;
  /** Resume from a checkpoint (a live tail after a restart). */
  state?: AggregatorState;
}

export type MalformedEntry = MalformedLine & { file?: string };

export interface QueueLogResult extends ParserCounts {
  malformedLines: MalformedEntry[];
  metrics: QueueLogMetrics;
}

export class QueueLogAnalysis {
  readonly parser: QueueLogParser;
  readonly aggregator: QueueLogAggregator;
  readonly malformed: MalformedEntry[] = [];
  private file: string | undefined;
  private readonly maxMalformed: number;

  constructor(private readonly opts: AnalysisOptions) {
    this.maxMalformed = opts.maxMalformed ?? 10_000;
    const aggOpts = { serviceLevel: opts.serviceLevel, timeZone: opts.timeZone, onCall: opts.onCall, onAgentInterval: opts.onAgentInterval };
    this.aggregator = opts.state ? QueueLogAggregator.restore(opts.state, aggOpts) : new QueueLogAggregator(aggOpts);
    const agg = this.aggregator;
    this.parser = new QueueLogParser(
      {
        event: (ev) => agg.add(ev),
        malformed: (m) => {
          if (this.malformed.length < this.maxMalformed) this.malformed.push(this.file === undefined ? m : { ...m, file: this.file });
        },
      },
      { maxLineBytes: opts.maxLineBytes, duplicateWindowSeconds: opts.duplicateWindowSeconds },
    );
  }

  /** The next source; `file` is named in malformed entries (folders), omitted for a single file. */
  beginSource(file?: string): void {
    this.parser.beginSource();
    this.file = file;
  }

  push(chunk: Uint8Array): void {
    this.parser.push(chunk);
  }

  end(): void {
    this.parser.end();
  }

  /** A source that could not be read to its end (corrupt gzip, I/O error): listed with the malformed lines. */
  sourceError(reason: string): void {
    const m = { line: this.parser.linesDone + 1, reason };
    if (this.malformed.length < this.maxMalformed) this.malformed.push(this.file === undefined ? m : { ...m, file: this.file });
  }

  /** Counts and metrics; with `range`, the metrics of those local days only (the counts stay the whole source's). */
  result(asOf?: number, range?: DayRange): QueueLogResult {
    const c = this.parser.counts;
    return {
      lines: c.lines,
      kept: c.kept,
      malformed: c.malformed,
      unknownEvents: { ...c.unknownEvents },
      layout: { ...c.layout },
      malformedLines: [...this.malformed],
      metrics: computeMetrics(this.aggregator, this.opts.serviceLevel, asOf, range),
    };
  }
}

/**
 * The JSON object `queuelog:report --json` prints as its last line, keys exactly as issue #16 lists them.
 */
export function reportJson(r: QueueLogResult): {
  lines: number;
  kept: number;
  malformed: MalformedEntry[];
  queues: Record<string, Record<string, number>>;
  agents: Record<string, { calls_answered: number; talk_s: number; ringnoanswer: number }>;
} {
  const queues: Record<string, Record<string, number>> = {};
  for (const [name, q] of Object.entries(r.metrics.queues)) {
    queues[name] = {
      offered: q.offered,
      answered: q.answered,
      abandoned: q.abandoned,
      timeout: q.timeout,
      exitwithkey: q.exitwithkey,
      exitempty: q.exitempty,
      withdraw: q.withdraw,
      asa_s: q.asa_s,
      max_wait_answered_s: q.max_wait_answered_s,
      avg_talk_s: q.avg_talk_s,
      total_talk_s: q.total_talk_s,
      answered_within_sl: q.answered_within_sl,
      sl_pct_of_answered: q.sl_pct_of_answered,
      sl_pct_of_answered_plus_abandoned: q.sl_pct_of_answered_plus_abandoned,
      ringnoanswer: q.ringnoanswer,
    };
  }
  const agents: Record<string, { calls_answered: number; talk_s: number; ringnoanswer: number }> = {};
  for (const [name, a] of Object.entries(r.metrics.agents)) {
    agents[name] = { calls_answered: a.calls_answered, talk_s: a.talk_s, ringnoanswer: a.ringnoanswer };
  }
  return { lines: r.lines, kept: r.kept, malformed: r.malformedLines, queues, agents };
}
