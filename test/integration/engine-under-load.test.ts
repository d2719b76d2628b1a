/**
 * Issue #10 item 2: a busy API must not make the dialler drop answered people. The product (engine in its own
 * thread) runs a predictive campaign on the embedded PBX in real time, first alone, then with 200 API clients cycling
 * /api/calls/start|end and GET /api/calls. Bounds are ratios to the baseline of the same run, never absolute timings:
 * the API thread's lag must rise (the load is real), the engine thread's must not follow it, and no more answered people may be
 * dropped. Run with `engineThread: 'main'` (the engine on the API's loop, as before) the engine's lag follows the
 * API's and this test fails — see the report of the change that added it.
 */
import { describe, expect, it } from 'vitest';
import { runEngineUnderLoad } from '../../app/load-bench/index.js';

const ENGINE_THREAD = (process.env['ENGINE_UNDER_LOAD_THREAD'] ?? 'worker') as 'worker' | 'main';

describe('engine under API load', () => {
  it('keeps the engine thread lag and the drop rate at the baseline while 200 API clients load the API thread', async () => {
    // Every third lead a person: with the demo's mix alone, a run once answered 10 calls, all machines (long
    // greetings), and had no person to drop.
    const r = await runEngineUnderLoad({ seconds: 12, clients: 200, agents: 10, engineThread: ENGINE_THREAD, rtpPorts: [46000, 46999], settleSeconds: 6, peopleEvery: 3 });
    const { baseline: b, load: l } = r;
    const detail = JSON.stringify(r);
    // The load was real: the API thread lagged, and the clients were answered.
    expect(l.api!.requests, detail).toBeGreaterThan(200);
    expect(l.apiLagMs.p99, detail).toBeGreaterThan(Math.max(2 * b.apiLagMs.p99, b.apiLagMs.p99 + 20));
    // The engine thread did not follow it: its p99 stays within 5× its own baseline (or +100 ms on a tiny one: the
    // API thread now takes a whole core of two) and far below the API thread's. On one shared loop the two are equal.
    expect(l.engineLagMs.p99, detail).toBeLessThanOrEqual(Math.max(5 * b.engineLagMs.p99, b.engineLagMs.p99 + 100));
    expect(l.engineLagMs.p99, detail).toBeLessThan(l.apiLagMs.p99 / 4);
    // People were answered, and no more of them were dropped under load than at baseline (one call of slack: the
    // predictive pacer may abandon up to 3 % in any phase). How many answer in the load phase depends on how many of
    // the agents the baseline left talking (20–120 s calls), so it is not asserted; bench:engine-under-load runs
    // 60 s phases for the rates.
    expect(b.humans + l.humans, detail).toBeGreaterThan(0);
    expect(l.dropped, detail).toBeLessThanOrEqual(b.dropped + 1);
    // AMD kept deciding: no more undecided (NOTSURE) verdicts than at baseline, give or take one call in ten.
    const notSure = (p: typeof b) => (p.amd['NOTSURE'] ?? 0) / Math.max(1, p.answered);
    expect(notSure(l), detail).toBeLessThanOrEqual(notSure(b) + 0.1);
  }, 150_000);
});
