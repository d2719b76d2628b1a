/** The human-readable table of a comparison. */
import type { SimulationReport } from './runner.js';

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

export function formatReport(r: SimulationReport): string {
  const head = [
    'algorithm',
    'talk min/agent-h',
    'occupancy',
    'abandon US',
    'Ofcom (+AMD FP)',
    'worst 1h rolling',
    'worst clock h',
    'worst h any seed',
    'calls/h',
    'cancelled/h',
    'wait s',
    'limits',
  ];
  const rows = r.results.map((x) => [
    x.name,
    x.talkMinPerAgentHour.toFixed(1),
    pct(x.occupancy),
    pct(x.abandonUs),
    pct(x.abandonOfcom),
    pct(x.worstHourUs),
    pct(x.worstHourMeanUs),
    pct(x.maxWorstHourUs),
    x.callsPerHour.toFixed(0),
    x.cancelledPerHour.toFixed(0),
    x.meanWaitS.toFixed(2),
    x.pass.shift && x.pass.everyHour ? (x.pass.everySeed ? 'pass' : 'pass (mean)') : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [
    `scenario ${r.scenario}: ${r.agents} agents, ${r.shiftHours} h, mean of ${r.seeds} seeds; abandon target ${pct(r.target)} (US rule, on the seeds' mean: shift and every clock hour; "pass (mean)" = some single seed broke it)`,
    `upper bound E[talk]/(E[talk]+wrap) = ${r.upperBoundTalkMin.toFixed(1)} talk min/agent-hour`,
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}
