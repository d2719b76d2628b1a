import type { EngineSnapshot } from '../../engine/shell/index.js';

export interface BoardSnapshot {
  connected: boolean;
  state: string;
  activeCalls: number;
  callsByPhase: Record<string, number>;
  agentsByStatus: Record<string, number>;
  waitingForAgent: number;
}

/** The wallboard's view of the engine: counts, not the per-channel detail /health and the engine keep. */
export function boardSnapshot(s: EngineSnapshot): BoardSnapshot {
  const count = (keys: string[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const k of keys) out[k] = (out[k] ?? 0) + 1;
    return out;
  };
  return {
    connected: s.connected,
    state: s.state,
    activeCalls: s.calls.length,
    callsByPhase: count(s.calls.map((c) => String(c.phase))),
    agentsByStatus: count(s.agents.map((a) => a.status)),
    waitingForAgent: s.waitingForAgent.length,
  };
}
