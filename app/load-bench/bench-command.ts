/**
 * `centralita bench:engine-under-load [--json] [--seconds 60] [--clients 200] [--agents 20] [--engine-thread worker|main]
 *   [--seed 7] [--people-every N]`
 *
 * Issue #10 item 2 ("a busy API makes the dialler drop answered people"): a predictive campaign on the embedded PBX
 * in real time, a baseline phase and a phase with `--clients` API clients cycling POST /api/calls/start, POST
 * /api/calls/end and GET /api/calls. Side by side: drop rate (answered humans dropped / answered humans), AMD
 * verdicts, event-loop lag p50/p99/max of the engine thread and of the API thread. `--engine-thread main` runs the
 * engine on the API's loop, as it was before it had its own thread. `--people-every N` makes every N-th lead one of the
 * simulator's people (the demo's random mix alone can answer no person in a short phase). Prints a table, then one
 * JSON object last.
 */
import { parseArgs } from 'node:util';
import { runEngineUnderLoad, type PhaseFigures } from './run.js';

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean', default: false },
        seconds: { type: 'string', default: '60' },
        clients: { type: 'string', default: '200' },
        agents: { type: 'string', default: '20' },
        'engine-thread': { type: 'string', default: 'worker' },
        seed: { type: 'string', default: '7' },
        'people-every': { type: 'string' },
      },
    }));
  } catch (err) {
    process.stderr.write(`bench:engine-under-load: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const int = (name: string, v: string, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  const thread = values['engine-thread'];
  if (thread !== 'worker' && thread !== 'main') {
    process.stderr.write('bench:engine-under-load: --engine-thread must be worker or main\n');
    return 2;
  }
  let opts;
  try {
    opts = {
      seconds: int('seconds', values.seconds, 5, 3600),
      clients: int('clients', values.clients, 1, 2000),
      agents: int('agents', values.agents, 1, 99),
      seed: int('seed', values.seed, 0, 2 ** 31),
      ...(values['people-every'] === undefined ? {} : { peopleEvery: int('people-every', values['people-every'], 1, 1000) }),
    };
  } catch (err) {
    process.stderr.write(`bench:engine-under-load: ${(err as Error).message}\n`);
    return 2;
  }
  const r = await runEngineUnderLoad({ ...opts, engineThread: thread, onProgress: (l) => process.stderr.write(`${l}\n`) });
  const row = (label: string, f: (p: PhaseFigures) => string) => `${label.padEnd(28)}${f(r.baseline).padEnd(34)}${f(r.load)}`;
  const lag = (l: PhaseFigures['engineLagMs']) => `${l.p50} / ${l.p99} / ${l.max}`;
  const counts = (c: Record<string, number>) => Object.entries(c).sort().map(([k, v]) => `${k} ${v}`).join(', ') || '-';
  const lines = [
    `engine under API load — predictive campaign, embedded PBX (real time), ${opts.agents} agents, engine thread: ${r.engineThread}`,
    `${''.padEnd(28)}${'baseline'.padEnd(34)}load (${opts.clients} API clients)`,
    row('seconds', (p) => String(p.seconds)),
    row('answered calls', (p) => String(p.answered)),
    row('answered humans', (p) => String(p.humans)),
    row('dropped', (p) => String(p.dropped)),
    row('drop rate', (p) => `${(p.dropRate * 100).toFixed(1)} %`),
    row('AMD verdicts', (p) => counts(p.amd)),
    row('AMD causes', (p) => counts(p.amdCauses)),
    row('answer→AMD p50/max ms', (p) => `${p.amdWaitMs.p50} / ${p.amdWaitMs.max}`),
    row('answer→bridge p50/max ms', (p) => `${p.bridgeWaitMs.p50} / ${p.bridgeWaitMs.max}`),
    row('engine lag p50/p99/max ms', (p) => lag(p.engineLagMs)),
    row('API lag p50/p99/max ms', (p) => lag(p.apiLagMs)),
    row('API requests (errors)', (p) => (p.api ? `${p.api.requests} (${p.api.errors})` : '-')),
    row('API latency p50/p99 ms', (p) => (p.api ? `${p.api.p50Ms} / ${p.api.p99Ms}` : '-')),
    `engine p99 lag ratio load/baseline: ${r.compare.engineLagP99Ratio}; API p99 lag ratio: ${r.compare.apiLagP99Ratio}; drop rate difference: ${r.compare.dropRateDiffPp} pp`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  return 0;
}
