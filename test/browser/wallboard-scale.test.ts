/**
 * The wallboard at call-center scale (500 agents, 300 live calls, ~60 feed events a second): the figure (long tasks
 * over 50 ms on the browser's main thread) is printed, not asserted — it depends on what else the machine runs;
 * what is asserted is that the board kept up with the feed. The measurement is `npm run bench:wallboard`.
 */
import { describe, expect, it } from 'vitest';
import { runWallboardBench } from '../../app/web/index.js';

describe('wallboard at scale', () => {
  it('stays responsive and in step with the feed', async () => {
    const r = await runWallboardBench({ seconds: 8 });
    process.stdout.write(`wallboard-scale: ${JSON.stringify(r)}\n`);
    expect(r.eventsPerSecond).toBeGreaterThan(40);
    // The board's count of calls in progress follows the feed (every ended call was replaced by a new one).
    expect(r.boardActiveCalls).toBe(300);
    // The observer ran (a figure, whatever its size, was taken over the whole window).
    expect(r.seconds).toBeGreaterThanOrEqual(8);
  }, 90_000);
});
