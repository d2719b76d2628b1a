import { describe, expect, it } from 'vitest';
import { runComparison } from '../../../engine/pacing/simulate/runner.js';
import { loadScenario } from '../../../engine/pacing/simulate/scenario.js';
import { run } from '../../../engine/pacing/simulate/simulate-command.js';

describe('simulate --first-seed', () => {
  it('runs seeds S … S+K−1 and says which in the report', async () => {
    const sc = await loadScenario('standard');
    const opts = { agents: 5, seeds: 1, shiftHours: 0.25, only: ['progressive'] } as const;
    const a = runComparison(sc, { ...opts, firstSeed: 1 });
    const b = runComparison(sc, { ...opts, firstSeed: 101 });
    const again = runComparison(sc, { ...opts, firstSeed: 101 });
    expect(a.firstSeed).toBe(1);
    expect(b.firstSeed).toBe(101);
    expect(b.results[0]?.callsPerHour).toBe(again.results[0]?.callsPerHour);
    expect(b.results[0]?.callsPerHour).not.toBe(a.results[0]?.callsPerHour);
  });

  it('rejects a bad --first-seed', async () => {
    expect(await run(['--first-seed', '0', '--hours', '0.01'])).toBe(1);
  });
});
