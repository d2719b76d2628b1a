/**
 * `npm run queuelog:report -- --file <queue_log|folder> [--queues-conf <queues.conf>] [--servicelevel q=20,…]
 * [--tz <IANA zone>] [--json]`: reads a queue_log (plain, gzip'd, or a folder of rotated files), prints per-queue
 * and per-agent figures, and with --json prints as its last line the one JSON object of issue #16.
 * Service levels: --servicelevel, then queues.conf, then QUEUE_SERVICE_LEVELS (settings), then 20 s.
 * Exit code 0 even when lines are malformed (they are listed); 2 for bad options or an unreadable file.
 */
import { readFile, stat } from 'node:fs/promises';
import { QueueLogAnalysis, reportJson, type QueueLogResult } from './analysis.js';
import { DEFAULT_SERVICE_LEVEL_S, parseQueuesConf, parseServiceLevelList, serviceLevelResolver } from './queues-conf.js';
import { readQueueLogFile, readQueueLogFolder } from './sources/read-file.js';

interface Options {
  file: string;
  queuesConf: string | null;
  servicelevel: string | null;
  tz: string;
  json: boolean;
}

function parseArgs(argv: string[]): Options | string {
  const o: Options = { file: '', queuesConf: null, servicelevel: null, tz: process.env.REPORT_TIME_ZONE || 'UTC', json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = (): string | null => (i + 1 < argv.length ? argv[++i]! : null);
    if (a === '--json') o.json = true;
    else if (a === '--file') o.file = val() ?? '';
    else if (a === '--queues-conf') o.queuesConf = val();
    else if (a === '--servicelevel') o.servicelevel = val();
    else if (a === '--tz') o.tz = val() ?? '';
    else return `unknown option ${a}`;
  }
  if (!o.file) return '--file <queue_log> is required';
  try {
    new Intl.DateTimeFormat('en', { timeZone: o.tz });
  } catch {
    return `--tz "${o.tz}" is not an IANA time zone`;
  }
  return o;
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

function printHuman(r: QueueLogResult, sl: (q: string) => number): void {
  const out: string[] = [];
  out.push(`lines ${r.lines}, kept ${r.kept}, malformed ${r.malformed} (layouts: ${r.layout.multi_data} data1…data5, ${r.layout.single_data} single data)`);
  const unknown = Object.entries(r.unknownEvents);
  if (unknown.length > 0) out.push(`unknown events: ${unknown.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  for (const m of r.malformedLines.slice(0, 20)) out.push(`  ${m.file ? `${m.file}:` : ''}line ${m.line}: ${m.reason}`);
  if (r.malformed > 20) out.push(`  … ${r.malformed - 20} more`);
  out.push('');
  out.push('queue              offered answered abandon  ASA s  avgTalk  SL%ans  SL%ans+ab  app_queue SL / SL2   SL s');
  for (const [name, q] of Object.entries(r.metrics.queues)) {
    out.push(
      `${name.padEnd(18)} ${pad(q.offered, 7)} ${pad(q.answered, 8)} ${pad(q.abandoned, 7)} ${pad(q.asa_s, 6)} ${pad(q.avg_talk_s, 8)} ${pad(q.sl_pct_of_answered, 7)} ${pad(q.sl_pct_of_answered_plus_abandoned, 10)} ${pad(q.app_queue.sl_pct, 12)} / ${pad(q.app_queue.sl2_pct, 6)} ${pad(sl(name), 6)}`,
    );
  }
  out.push('');
  out.push('agent                 answered  talk s  ring-no-answer  logged-in s  pause s  occupancy %');
  for (const [name, a] of Object.entries(r.metrics.agents)) {
    out.push(`${name.padEnd(21)} ${pad(a.calls_answered, 8)} ${pad(a.talk_s, 7)} ${pad(a.ringnoanswer, 15)} ${pad(a.logged_in_s, 12)} ${pad(a.pause_s, 8)} ${pad(a.occupancy_pct ?? '-', 12)}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

export async function run(argv: string[]): Promise<number> {
  const o = parseArgs(argv);
  if (typeof o === 'string') {
    process.stderr.write(`queuelog:report: ${o}\n`);
    return 2;
  }
  let conf: Record<string, number> = {};
  let cli: Record<string, number> = {};
  let settings: Record<string, number> = {};
  try {
    if (o.servicelevel) cli = parseServiceLevelList(o.servicelevel);
    if (process.env.QUEUE_SERVICE_LEVELS) settings = parseServiceLevelList(process.env.QUEUE_SERVICE_LEVELS);
    if (o.queuesConf) {
      const parsed = parseQueuesConf(await readFile(o.queuesConf, 'utf8'));
      conf = parsed.serviceLevels;
      for (const n of parsed.notes) process.stderr.write(`queues.conf: ${n}\n`);
    }
  } catch (err) {
    process.stderr.write(`queuelog:report: ${(err as Error).message}\n`);
    return 2;
  }
  const serviceLevel = serviceLevelResolver(cli, conf, settings, DEFAULT_SERVICE_LEVEL_S);
  const analysis = new QueueLogAnalysis({ serviceLevel, timeZone: o.tz });
  try {
    const st = await stat(o.file);
    if (st.isDirectory()) await readQueueLogFolder(analysis, o.file);
    else await readQueueLogFile(analysis, o.file);
  } catch (err) {
    process.stderr.write(`queuelog:report: cannot read ${o.file}: ${(err as Error).message}\n`);
    return 2;
  }
  const result = analysis.result();
  printHuman(result, serviceLevel);
  if (o.json) process.stdout.write(`${JSON.stringify(reportJson(result))}\n`);
  return 0;
}
