/**
 * Replays every recorded Asterisk 22.10.1 trace against the simulator AND against a real Asterisk 22.10.1 (the
 * same dialplan the traces were recorded with), and compares each, timing-independently, with the recording:
 * HTTP statuses and error bodies; the ordered app-visible events of every channel/bridge/playback; and the
 * global order of all events except the Local `;2` halves (which race with `;1` in Asterisk itself). A
 * difference on either PBX fails: Asterisk proves the recordings still hold, the simulator is held to them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../engine/audio/wav.js';
import { beep, render } from '../../engine/sim/audio/index.js';
import type { Simulator } from '../../engine/sim/index.js';
import { startRealAsterisk, type RealAsterisk } from '../support/real-asterisk.js';
import { replayTrace, replayTraceOnAsterisk } from '../support/trace-replay.js';
import { byKey, isHalfTwo, loadTrace, summarize, traceExists, type AriEventJson, type Trace } from '../support/trace-loader.js';
import type { HttpResult } from '../support/sim-harness.js';

const TRACES = ['answer-snoop-externalmedia-bridge', 'ring-timeout', 'congestion-invalid-early-bridge', 'agent-bridge-record-busy-machine'];

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A playback's reply races with its start on Asterisk: `queued` or already `playing`. */
const sameInstantState = (path: string, want: unknown, got: unknown): boolean =>
  /\/play\?/.test(path) && ['queued', 'playing'].includes(String(want)) && ['queued', 'playing'].includes(String(got));

/**
 * An externalMedia channel enters Stasis on a thread of its own while Asterisk builds the reply, and app_stasis sets
 * STASISSTATUS as it enters: the reply's snapshot lists it or not (a clean-clone CI rehearsal on 2026-12-07 got it;
 * the recording did not). The simulator is still held to the recording.
 */
const stasisStatusRaces = (path: string, variable: string): boolean => /\/channels\/externalMedia/.test(path) && variable === 'STASISSTATUS';

function expectSameReplies(trace: Trace, replies: { status: number; body: unknown }[], racy = false): void {
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
      const state = racy && sameInstantState(h.path, want['state'], got['state']) ? want['state'] : got['state'];
      expect({ id: got['id'], state }, `${h.method} ${h.path}`).toEqual({ id: want['id'], state: want['state'] });
      const vars = (o: unknown) => Object.keys(o as object).filter((k) => !(racy && stasisStatusRaces(h.path, k))).sort();
      if ('channelvars' in want) expect(vars(got['channelvars']), `${h.method} ${h.path} channelvars`).toEqual(vars(want['channelvars']));
    } else if (h.body && typeof h.body === 'object') {
      expect(r.body, `${h.method} ${h.path}`).toMatchObject(h.body as object);
    }
  });
}

function expectSameAsRecording(trace: Trace, result: { replies: HttpResult[]; events: AriEventJson[] }): void {
  expectSameReplies(trace, result.replies);
  const want = trace.events.map((e) => e.event);
  expect(result.events.filter((e) => !isHalfTwo(e)).map(summarize)).toEqual(want.filter((e) => !isHalfTwo(e)).map(summarize));
  expect(Object.fromEntries(byKey(result.events))).toEqual(Object.fromEntries(byKey(want)));
  expect(result.events.length).toBe(want.length);
}

/**
 * Asterisk publishes events from several threads: two events it raises in the same instant (a `;2` half's
 * state change and its hang-up request, a bridge recording ending as the last channel leaves) arrive in either
 * order from one run to the next. So on the real Asterisk every recorded event must arrive, no other, with the
 * same statuses and bodies, and in the recorded order wherever the recording has them more than RACE_MS apart
 * (globally for `;1` halves, bridges and playbacks; per channel for `;2` halves).
 */
const RACE_MS = 15;

/**
 * A bridge recording's `duration` is whole seconds of audio written, which a loaded machine's scheduling moves by
 * one around a boundary: compared within ±1 s apart from the rest of the line.
 */
const durationOf = (line: string): number | null => {
  const m = / duration=(\d+)$/.exec(line);
  return m ? Number(m[1]) : null;
};
const withoutDuration = (line: string): string => line.replace(/ duration=\d+$/, ' duration=~');

/**
 * A bridge recording ends as the bridge's last channel leaves, and its RecordingFinished goes to the apps subscribed
 * to that bridge. When the trace deletes the bridge in the same instant (within RACE_MS, as the product does once the
 * call is over), Asterisk may tear the subscription down first and the event never reaches the app: two clean-clone
 * rehearsals on 2026-12-07 lacked it (one idle, after 12 s of waiting), earlier ones had it. On the real Asterisk such a
 * RecordingFinished may be missing — never different, never extra; the simulator is still held to the recording.
 */
function bridgeRecordingEndsLostWithTheBridge(trace: Trace, got: readonly string[]): Set<AriEventJson> {
  const lost = new Set<AriEventJson>();
  for (const { t, event } of trace.events) {
    const target = (event as { recording?: { target_uri?: string } }).recording?.target_uri ?? '';
    if (event.type !== 'RecordingFinished' || !target.startsWith('bridge:')) continue;
    const bridgeId = target.slice('bridge:'.length);
    const deletedThen = trace.http.some((h) => h.method === 'DELETE' && h.path.split('?')[0] === `/bridges/${bridgeId}` && Math.abs(h.t - t) <= RACE_MS);
    const line = withoutDuration(summarize(event));
    if (deletedThen && !got.some((g) => withoutDuration(g) === line)) lost.add(event);
  }
  return lost;
}

function expectSameAsRecordingUpToRaces(trace: Trace, result: { replies: HttpResult[]; events: AriEventJson[] }): void {
  expectSameReplies(trace, result.replies, true);
  const got = result.events.map(summarize);
  const lost = bridgeRecordingEndsLostWithTheBridge(trace, got);
  const want = trace.events.filter((e) => !lost.has(e.event)).map((e) => summarize(e.event));
  expect([...got.map(withoutDuration)].sort()).toEqual([...want.map(withoutDuration)].sort());
  const durations = (lines: string[]) => lines.map(durationOf).filter((d): d is number => d !== null).sort();
  durations(got).forEach((d, i) => expect(Math.abs(d - durations(want)[i]!), `recording duration ${d} s, recorded ${durations(want)[i]} s`).toBeLessThanOrEqual(1));
  // Recorded time of each received event: its n-th occurrence of the same summary in the recording.
  const times = new Map<string, number[]>();
  for (const e of trace.events) {
    const k = withoutDuration(summarize(e.event));
    times.set(k, [...(times.get(k) ?? []), e.t]);
  }
  const seen = new Map<string, number>();
  const timed = result.events.map((e) => {
    const k = withoutDuration(summarize(e));
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    return { line: k, t: times.get(k)![n]!, key: [...byKey([e]).keys()][0]!, halfTwo: isHalfTwo(e) };
  });
  const inversions = (list: typeof timed): string[] => {
    const out: string[] = [];
    let latest = { line: '', t: -Infinity };
    for (const x of list) {
      if (x.t < latest.t - RACE_MS) out.push(`"${x.line}" (recorded at ${x.t} ms) arrived after "${latest.line}" (recorded at ${latest.t} ms)`);
      if (x.t > latest.t) latest = x;
    }
    return out;
  };
  expect(inversions(timed.filter((x) => !x.halfTwo))).toEqual([]);
  for (const key of new Set(timed.map((x) => x.key))) expect(inversions(timed.filter((x) => x.key === key)), key).toEqual([]);
}

describe.each(TRACES.filter(traceExists))('trace %s replays on the simulator', (name) => {
  it('gives the same statuses, error bodies and event sequences', async () => {
    const trace = loadTrace(name);
    const result = await replayTrace(trace);
    sim = result.sim;
    expectSameAsRecording(trace, result);
  });
});

describe('the recorded traces replay on a real Asterisk 22.10.1', () => {
  let asterisk: RealAsterisk;
  beforeAll(async () => {
    asterisk = await startRealAsterisk({ name: 'trace-replay', app: 'dialer' });
    // The recording instance had Asterisk's core `beep` (the test bundle ships no sounds): a 0.5 s 1 kHz tone.
    writeFileSync(join(asterisk.rundir, 'var/lib/asterisk/sounds/en/beep.wav'), encodeWav(render(beep(500))));
  }, 120_000);
  afterAll(async () => asterisk?.close());

  it.each(TRACES.filter(traceExists))('%s: same statuses, error bodies and event sequences as recorded', async (name) => {
    const trace = loadTrace(name);
    const result = await replayTraceOnAsterisk(trace, asterisk);
    expectSameAsRecordingUpToRaces(trace, result);
  }, 60_000);
});
