/**
 * `centralita bench:pg-loop [--json] [--seconds 30] [--clients 8] [--sockets 100] [--agents 10] [--db postgres://…]`
 *
 * Does a busy API make the PostgreSQL product's engine late? (./run.ts) A predictive campaign on the embedded PBX,
 * a baseline phase and a phase with heavy API requests (exports, reports, imports, live-feed sockets), in the same
 * run: the event-loop delay of the engine's thread, how late it heard the PBX's ARI events, answer → AMD and answer
 * → bridge of the calls answered in each phase. Prints a table, then one JSON object last (--json). Not a test.
 */
import { parseArgs } from 'node:util';
import { runPgLoop, type PgLoopPhase } from './run.js';

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean', default: false },
        db: { type: 'string' },
        seconds: { type: 'string', default: '30' },
        clients: { type: 'string', default: '8' },
        sockets: { type: 'string', default: '100' },
        agents: { type: 'string', default: '10' },
        'export-leads': { type: 'string', default: '20000' },
        'import-rows': { type: 'string', default: '20000' },
        seed: { type: 'string', default: '7' },
      },
    }));
  } catch (err) {
    process.stderr.write(`bench:pg-loop: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const int = (name: string, v: string, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  let opts;
  try {
    opts = {
      server: values.db ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/centralita_test',
      seconds: int('seconds', values.seconds, 5, 3600),
      clients: int('clients', values.clients, 1, 200),
      sockets: int('sockets', values.sockets, 0, 2000),
      agents: int('agents', values.agents, 1, 99),
      exportLeads: int('export-leads', values['export-leads'], 1, 1_000_000),
      importRows: int('import-rows', values['import-rows'], 1, 500_000),
      seed: int('seed', values.seed, 0, 2 ** 31),
    };
  } catch (err) {
    process.stderr.write(`bench:pg-loop: ${(err as Error).message}\n`);
    return 2;
  }
  let r;
  try {
    r = await runPgLoop({ ...opts, onProgress: (l) => process.stderr.write(`${l}\n`) });
  } catch (err) {
    process.stderr.write(`bench:pg-loop failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
  const row = (label: string, f: (p: PgLoopPhase) => string) => `${label.padEnd(34)}${f(r.baseline).padEnd(30)}${f(r.load)}`;
  const d = (x: { p50: number; p99: number; max: number }) => `${x.p50} / ${x.p99} / ${x.max}`;
  const lines = [
    `PostgreSQL product under API load — predictive campaign, embedded PBX in a child process (real time), ${opts.agents} agents, engine: ${r.engineOn}`,
    `${''.padEnd(34)}${'baseline'.padEnd(30)}load (${opts.clients} clients, ${opts.sockets} sockets)`,
    row('seconds', (p) => String(p.seconds)),
    row('engine loop delay p50/p99/max ms', (p) => d(p.engineLoopMs)),
    row('API loop delay p50/p99/max ms', (p) => d(p.apiLoopMs)),
    row('ARI event heard p50/p99/max ms', (p) => `${d(p.ariEventMs)} (${p.ariEventMs.n})`),
    row('  StasisStart/Up p50/p99/max ms', (p) => `${d(p.ariCallEventMs)} (${p.ariCallEventMs.n})`),
    row('answered calls (humans, dropped)', (p) => `${p.calls.answered} (${p.calls.humans}, ${p.calls.dropped})`),
    row('answer→AMD p50/p99/max ms', (p) => d(p.calls.amdWaitMs)),
    row('answer→bridge p50/p99/max ms', (p) => d(p.calls.bridgeWaitMs)),
    row('API MB served, sockets connected', (p) => (p.api ? `${p.api.megabytes} MB, ${p.api.sockets.connected}/${p.api.sockets.asked}` : '-')),
  ];
  for (const [k, v] of Object.entries(r.load.api?.kinds ?? {})) lines.push(`  ${k.padEnd(12)} ${v.requests} requests (${v.errors} errors), p50 ${v.p50Ms} ms, max ${v.maxMs} ms`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  return 0;
}
