/**
 * Replays a recorded trace against a simulator on a virtual clock: each recorded HTTP request is issued at
 * its recorded time (same paths, same client-chosen ids), then the app-visible events and the replies are
 * returned for comparison with the recording.
 */
import type { Simulator } from '../../engine/sim/index.js';
import { ari, connectApp, startVirtualSim, type HttpResult } from './sim-harness.js';
import type { AriEventJson, Trace } from './trace-loader.js';

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
