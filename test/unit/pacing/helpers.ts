import type { AgentView, LiveCallView, PacingObservation } from '../../../engine/pacing/types.js';

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
