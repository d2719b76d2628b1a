/**
 * Replays a recorded trace against a simulator on a virtual clock: each recorded HTTP request is issued at
 * its recorded time (same paths, same client-chosen ids), then the app-visible events and the replies are
 * returned for comparison with the recording.
 */
import type { Simulator } from '../../engine/sim/index.js';
import { ari, connectApp, startVirtualSim, type HttpResult } from './sim-harness.js';
import { eventChannelId, type AriEventJson, type Trace } from './trace-loader.js';
import { ariCall, connectWire, type AriEndpoint } from './ari-wire.js';

export interface ReplayResult {
  sim: Simulator;
  replies: HttpResult[];
  events: AriEventJson[];
}

export async function replayTrace(trace: Trace, app = 'dialer'): Promise<ReplayResult> {
  const { sim, clock } = await startVirtualSim();
  const socket = await connectApp(sim, app);
  const start = clock.now();
  const replies: HttpResult[] = [];
  try {
    for (const h of trace.http) {
      const due = start + h.t - clock.now();
      if (due > 0) await clock.advanceAsync(due, 20);
      replies.push(await ari(sim, h.method, h.path));
    }
    const last = Math.max(...trace.items.map((i) => i.t));
    const rest = start + last + 200 - clock.now();
    if (rest > 0) await clock.advanceAsync(rest, 20);
    await socket.caughtUp();
    return { sim, replies, events: [...socket.events] };
  } finally {
    await socket.close();
  }
}

/**
 * Replays a recorded trace against a real Asterisk (wall clock): each recorded request is issued at its recorded
 * time since the start, then the app-visible events and the replies are returned, as `replayTrace` does for the
 * simulator. The instance must run the test dialplan (test/fixtures/asterisk-dialplan) the traces were recorded
 * with, and have `sound:beep`.
 */
export async function replayTraceOnAsterisk(trace: Trace, target: AriEndpoint, app = 'dialer'): Promise<{ replies: HttpResult[]; events: AriEventJson[] }> {
  const socket = await connectWire(target, app);
  const start = performance.now();
  const wait = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
  const replies: HttpResult[] = [];
  try {
    for (const h of trace.http) {
      await wait(start + h.t - performance.now());
      // Keep the recorded causal order: a request naming a channel whose StasisStart the recording had already seen
      // waits for that StasisStart here too (≤ 8 s). On a loaded machine Asterisk can be slower than the recorded
      // timing, and addChannel before StasisStart is a 422 "Channel not in Stasis application" (a CI run hit it).
      const needed = stasisStartsBefore(trace, h.t).filter((id) => referencesChannel(h.path, id));
      const deadline = performance.now() + 8000;
      while (needed.some((id) => !socket.events.some((e) => e.type === 'StasisStart' && eventChannelId(e) === id)) && performance.now() < deadline) await wait(20);
      replies.push(await ariCall(target, h.method, h.path));
    }
    const last = Math.max(...trace.items.map((i) => i.t));
    await wait(start + last + 500 - performance.now());
    // A loaded machine delivers the last events late: wait for as many as were recorded, up to 12 s more (a run at
    // load 9 still lacked a bridge recording's RecordingFinished 4 s after the last request). Costs nothing when they came.
    const until = performance.now() + 12_000;
    while (socket.events.length < trace.events.length && performance.now() < until) await wait(50);
    await wait(100);
    return { replies, events: [...socket.events] };
  } finally {
    await socket.close();
  }
}

/** Channel ids whose StasisStart the recording saw before `t` (ms since the trace's start). */
export function stasisStartsBefore(trace: Trace, t: number): string[] {
  return trace.events.filter((e) => e.t < t && e.event.type === 'StasisStart').map((e) => eventChannelId(e.event)).filter((id): id is string => id !== null);
}

/** Whether a request path names the channel: `/channels/<id>…` or a `channel=<id>` query parameter. */
export function referencesChannel(path: string, id: string): boolean {
  const enc = encodeURIComponent(id);
  return path.includes(`/channels/${id}/`) || path.endsWith(`/channels/${id}`) || path.includes(`/channels/${enc}/`) || new RegExp(`[?&]channel=(${escapeRegExp(id)}|${escapeRegExp(enc)})(&|$)`).test(path);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
