import type { EngineControl } from '../../engine/control/index.js';
import type { Store } from '../../engine/store/index.js';
import type { Principal } from '../auth/index.js';

/**
 * The calls the engine has given to the caller's own agents right now (reserved for them or talking). A CallLog
 * names its agent and user only from the bridge on, so without this an agent could not open the call (and its
 * lead) that is ringing on their phone: the console showed "No call …" for the whole reservation.
 */
export function liveCallIdsOf(p: Principal, store: Pick<Store, 'agents'>, control: Pick<EngineControl, 'agents'> | undefined): string[] {
  if (control === undefined) return [];
  const ids: string[] = [];
  for (const a of store.agents.list({ userId: p.userId })) {
    let calls: string[] = [];
    try {
      calls = control.agents.state(a.id)?.calls ?? [];
    } catch {
      // An engine that cannot answer grants nothing.
    }
    ids.push(...calls);
  }
  return ids;
}

/** Whether `leadId` is the lead of a call live on one of the caller's agents. */
export function isLeadOfLiveCall(p: Principal, store: Pick<Store, 'agents' | 'callLogs'>, control: Pick<EngineControl, 'agents'> | undefined, leadId: string): boolean {
  return liveCallIdsOf(p, store, control).some((id) => store.callLogs.get(id)?.leadId === leadId);
}
