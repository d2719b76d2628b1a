/**
 * Replays a recorded trace against a simulator on a virtual clock: each recorded HTTP request is issued at
 * its recorded time (same paths, same client-chosen ids), then the app-visible events and the replies are
 * returned for comparison with the recording.
 */
import type { Simulator } from '../../engine/sim/index.js';
import { ari, connectApp, startVirtualSim, type HttpResult } from './sim-harness.js';
import type { AriEventJson, Trace } from './trace-loader.js';
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
      replies.push(await ariCall(target, h.method, h.path));
    }
    const last = Math.max(...trace.items.map((i) => i.t));
    await wait(start + last + 500 - performance.now());
    // A loaded machine delivers the last events late: wait (up to 4 s more) for as many as were recorded.
    const until = performance.now() + 4000;
    while (socket.events.length < trace.events.length && performance.now() < until) await wait(50);
    await wait(100);
    return { replies, events: [...socket.events] };
  } finally {
    await socket.close();
  }
}
