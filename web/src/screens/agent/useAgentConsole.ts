/**
 * The agent console's state: which agent the signed-in user is, its live state (API, then the feed's agent.state
 * events), and the call it is on (the feed's call.bridged, or the live state's calls after a reload).
 */
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { useLiveEvent } from '../../live/LiveProvider';
import type { AgentStateEvent, CallBridgedEvent } from '../../live/events';
import { setServerOffset } from '../../components/Elapsed';

export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: () => unwrap(api.GET('/api/auth/me')) });
}

export interface ConsoleState {
  status: string;
  since: number;
  pauseReason: string | null;
  wrapUpMs: number | null;
  /** The call the agent is on, or just finished (kept through wrap-up for the disposition). */
  callId: string | null;
}

export function useAgentState(agentId: string | undefined) {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['agent-state', agentId],
    enabled: agentId !== undefined,
    queryFn: async () => {
      const res = await unwrap(api.GET('/api/agents/{id}/state', { params: { path: { id: agentId! } } }));
      return res;
    },
  });
  const [state, setState] = useState<ConsoleState | null>(null);
  useEffect(() => {
    if (q.data === undefined) return;
    const d = q.data;
    // null: the engine does not know the agent yet (it joins on its first log-in).
    if (d === null) {
      setState({ status: 'LOGGED_OUT', since: 0, pauseReason: null, wrapUpMs: null, callId: null });
      return;
    }
    setState((prev) => ({
      status: d.status,
      since: d.since,
      pauseReason: d.pauseReason,
      wrapUpMs: d.wrapUpMs ?? null,
      callId: d.calls[0] ?? (d.status === 'WRAP_UP' ? (prev?.callId ?? null) : null),
    }));
  }, [q.data]);

  useLiveEvent('agent.state', (p) => {
    const e = p as AgentStateEvent;
    if (e.agentId !== agentId) return;
    setServerOffset(e.at);
    setState((prev) => ({
      status: e.to,
      since: e.at,
      pauseReason: e.to === 'PAUSED' ? e.reason : null,
      wrapUpMs: prev?.wrapUpMs ?? null,
      // The call stays on screen through wrap-up so it can be dispositioned; a new call replaces it.
      callId: e.callId ?? (e.to === 'WRAP_UP' || e.to === 'READY' || e.to === 'PAUSED' ? (prev?.callId ?? null) : null),
    }));
  });
  useLiveEvent('call.bridged', (p) => {
    const e = p as CallBridgedEvent;
    if (e.agentId !== agentId) return;
    setState((prev) => (prev ? { ...prev, callId: e.callId } : prev));
    void qc.invalidateQueries({ queryKey: ['call', e.callId] });
  });
  return { state, query: q, setState };
}
