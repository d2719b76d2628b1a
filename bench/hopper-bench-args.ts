/** What the hopper benchmarks (bench/hopper-*.ts) share: their flags and the median they print. */
import { parseArgs } from 'node:util';

export interface HopperBenchArgs {
  /** The PostgreSQL server whose scratch database the benchmark creates and drops. */
  server: string;
  leads: number;
  batch: number;
  calls: number;
}

/** `--db postgres://… --leads N --batch N --calls N`, with `defaultCalls` timed leases unless told. */
export function hopperBenchArgs(defaultCalls: number): HopperBenchArgs {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      leads: { type: 'string', default: '20000' },
      batch: { type: 'string', default: '20' },
      calls: { type: 'string', default: String(defaultCalls) },
    },
  });
  return {
    server: values.db ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/centralita_test',
    leads: Number(values.leads),
    batch: Number(values.batch),
    calls: Number(values.calls),
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
