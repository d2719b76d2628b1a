import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

/** Campaign fields the screens read (the API answers the full settings; the schema is loose). */
export interface CampaignView {
  id: string;
  name: string;
  state: 'draft' | 'running' | 'paused' | 'stopped' | 'failed';
  /** Why it is `failed` (its stored settings could not be loaded when the engine started). */
  stateReason?: string | null;
  dialMode: string;
  dialRatio: number;
  maxConcurrent: number;
  dialStringTemplate: string;
  callerId: string | null;
  ringTimeoutS: number;
  callingHours: { start: string; end: string };
  weekdays: number[];
  defaultTimeZone: string;
  defaultCountry: string;
  maxAttempts: number;
  wrapUpS: number;
  dropTarget: number;
  machineAction: 'hangup' | 'message';
  voicemailMessage: string | null;
  notsurePolicy?: 'human' | 'machine';
  safeHarborMessage?: string;
  retryDelays?: Record<string, number>;
  recording: boolean;
  leads?: Record<string, number>;
}

/**
 * The campaigns, as every screen reads them: one query key holds one shape (the list's items), so a screen that
 * reads the cache another screen filled gets what it expects.
 */
export function useCampaignList(o: { enabled?: boolean } = {}) {
  return useQuery({ queryKey: ['campaigns'], enabled: o.enabled ?? true, queryFn: async () => (await unwrap(api.GET('/api/campaigns'))).items as unknown as CampaignView[] });
}

export function useCampaign(id: string | undefined) {
  return useQuery({ queryKey: ['campaign', id], enabled: id !== undefined, queryFn: async () => (await unwrap(api.GET('/api/campaigns/{id}', { params: { path: { id: id! } } }))) as unknown as CampaignView });
}

export function useCampaignStats(id: string, refetchInterval = 5000) {
  return useQuery({ queryKey: ['campaign-stats', id], queryFn: () => unwrap(api.GET('/api/campaigns/{id}/stats', { params: { path: { id } } })), refetchInterval, retry: false });
}
