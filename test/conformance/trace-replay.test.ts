/**
 * Replays every recorded Asterisk 22.10.1 trace against the simulator and compares, timing-independently:
 * HTTP statuses and error bodies; the ordered app-visible events of every channel/bridge/playback; and the
 * global order of all events except the Local `;2` halves (which race with `;1` in Asterisk itself).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../engine/sim/index.js';
import { replayTrace } from '../support/trace-replay.js';
import { byKey, isHalfTwo, loadTrace, summarize, traceExists, type Trace } from '../support/trace-loader.js';

const TRACES = ['answer-snoop-externalmedia-bridge', 'ring-timeout', 'congestion-invalid-early-bridge', 'agent-bridge-record-busy-machine'];

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function expectSameReplies(trace: Trace, replies: { status: number; body: unknown }[]): void {
  const got = trace.http.map((h, i) => `${h.method} ${h.path} → ${replies[i]?.status}`);
  const want = trace.http.map((h) => `${h.method} ${h.path} → ${h.status}`);
  expect(got).toEqual(want);
  trace.http.forEach((h, i) => {
    const r = replies[i]!;
    if (h.status >= 400) expect(r.body, `${h.method} ${h.path}`).toEqual(h.body);
    else if (Array.isArray(h.body)) expect(r.body).toHaveLength(h.body.length);
    else if (h.body && typeof h.body === 'object' && 'id' in h.body) {
      const want = h.body as Record<string, unknown>;
      const got = r.body as Record<string, unknown>;
      expect({ id: got['id'], state: got['state'] }, `${h.method} ${h.path}`).toEqual({ id: want['id'], state: want['state'] });
      if ('channelvars' in want) expect(Object.keys(got['channelvars'] as object).sort()).toEqual(Object.keys(want['channelvars'] as object).sort());
    } else if (h.body && typeof h.body === 'object') {
      expect(r.body, `${h.method} ${h.path}`).toMatchObject(h.body as object);
    }
  });
}

describe.each(TRACES.filter(traceExists))('trace %s replays on the simulator', (name) => {
  it('gives the same statuses, error bodies and event sequences', async () => {
    const trace = loadTrace(name);
    const result = await replayTrace(trace);
    sim = result.sim;
    expectSameReplies(trace, result.replies);
    const want = trace.events.map((e) => e.event);
    expect(result.events.length).toBe(want.length);
    expect(result.events.filter((e) => !isHalfTwo(e)).map(summarize)).toEqual(want.filter((e) => !isHalfTwo(e)).map(summarize));
    expect(Object.fromEntries(byKey(result.events))).toEqual(Object.fromEntries(byKey(want)));
  });
});
