import type { PredictiveState } from '../../../engine/pacing/predictive.js';
import { mulberry32 } from '../../../engine/pacing/simulate/rng.js';
import type { AgentView, LiveCallView, Pacer, PacingObservation } from '../../../engine/pacing/types.js';

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

/** Builds an observation from counts; `talkSince` gives the talk start of each talking agent. */
export function obs(opts: {
  ready?: number;
  talkSince?: number[];
  wrapSince?: number[];
  paused?: number;
  ringingAt?: number[];
  amd?: number;
  waiting?: number;
  now?: number;
  wrapUpMs?: number;
}): PacingObservation {
  const now = opts.now ?? T0;
  const agents: AgentView[] = [
    ...Array.from({ length: opts.ready ?? 0 }, () => ({ phase: 'ready' as const, sinceMs: now })),
    ...(opts.talkSince ?? []).map((t) => ({ phase: 'talk' as const, sinceMs: t })),
    ...(opts.wrapSince ?? []).map((t) => ({ phase: 'wrap' as const, sinceMs: t })),
    ...Array.from({ length: opts.paused ?? 0 }, () => ({ phase: 'paused' as const, sinceMs: now })),
  ];
  const calls: LiveCallView[] = [
    ...(opts.ringingAt ?? []).map((t) => ({ phase: 'ringing' as const, placedAtMs: t })),
    ...Array.from({ length: opts.amd ?? 0 }, () => ({ phase: 'amd' as const, placedAtMs: now - 10_000, answeredAtMs: now - 500 })),
    ...Array.from({ length: opts.waiting ?? 0 }, () => ({ phase: 'waiting' as const, placedAtMs: now - 12_000, answeredAtMs: now - 1_300 })),
  ];
  return { agents, calls, connected: (opts.talkSince ?? []).length, wrapUpMs: opts.wrapUpMs ?? 10_000 };
}

/** Feeds a pacer a plausible history: 25 % humans handed over 6–26 s after dialing, talks of 150–210 s. */
export function warmed(pacer: Pacer<PredictiveState>, now: number): PredictiveState {
  const rnd = mulberry32(3);
  let s = pacer.initial(now - 3_600_000);
  const start = now - 1_800_000;
  for (let i = 0; i < 400; i++) {
    const placed = start + i * 1000;
    const u = rnd();
    const ring = 5_000 + 20_000 * rnd();
    if (u < 0.25) {
      const at = placed + ring + 1_200;
      s = pacer.observe(s, { type: 'dial-result', placedAtMs: placed, atMs: at, result: 'human', answeredAtMs: placed + ring });
      s = pacer.observe(s, { type: 'human-outcome', atMs: at, answeredAtMs: placed + ring, verdictAtMs: at, dropped: false });
    } else if (u < 0.6) {
      s = pacer.observe(s, { type: 'dial-result', placedAtMs: placed, atMs: placed + ring + 2_500, result: 'machine', answeredAtMs: placed + ring });
    } else s = pacer.observe(s, { type: 'dial-result', placedAtMs: placed, atMs: placed + 25_000, result: 'no-answer' });
  }
  for (let i = 0; i < 100; i++) {
    const talkMs = 150_000 + 60_000 * rnd();
    s = pacer.observe(s, { type: 'talk-ended', atMs: start + i * 10_000, talkMs, live: true, answeredAtMs: 0, verdictAtMs: 1_200 });
  }
  return s;
}
