/**
 * The agents screen's filters, applied in the browser: the list is every agent of the call center (hundreds at most),
 * already loaded for the live states. Pure, so the screen and its unit test share it.
 */

/** What the filter bar holds; null or '' is "any". */
export interface AgentFilter {
  /** Words that must all appear in the name or the endpoint, ignoring case and accents ("solis" finds "Solís"). */
  text: string;
  team: string | null;
  /** Agents that serve this campaign: assigned to it, or assigned to none (they serve every campaign). */
  campaignId: string | null;
  /** A live state (READY, TALKING…); LOGGED_OUT also matches an agent with no live state. */
  state: string | null;
}

export const NO_AGENT_FILTER: AgentFilter = { text: '', team: null, campaignId: null, state: null };

/** The fields of an agent the filters read. */
export interface FilterableAgent {
  name: string;
  endpoint: string;
  team?: string | null;
  campaignIds?: string[] | null;
  live?: { status: string } | null;
}

/** Lower case without accents, for a match that finds "Solís" by "solis" and "NÚÑEZ" by "nunez". */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{Mn}/gu, '').toLocaleLowerCase('en');
}

export const isFiltered = (f: AgentFilter): boolean => f.text.trim() !== '' || f.team !== null || f.campaignId !== null || f.state !== null;

export function filterAgents<A extends FilterableAgent>(agents: readonly A[], f: AgentFilter): A[] {
  const words = fold(f.text).split(/\s+/).filter(Boolean);
  return agents.filter((a) => {
    if (f.team !== null && (a.team ?? null) !== f.team) return false;
    if (f.campaignId !== null && a.campaignIds && a.campaignIds.length > 0 && !a.campaignIds.includes(f.campaignId)) return false;
    if (f.state !== null && (a.live?.status ?? 'LOGGED_OUT') !== f.state) return false;
    if (words.length > 0) {
      const hay = fold(`${a.name} ${a.endpoint}`);
      if (!words.every((w) => hay.includes(w))) return false;
    }
    return true;
  });
}

/** The teams the agents belong to, sorted in the user's language; agents with no team add none. */
export function teamsOf(agents: readonly FilterableAgent[], locale: string): string[] {
  const teams = new Set(agents.flatMap((a) => (a.team ? [a.team] : [])));
  return [...teams].sort((a, b) => a.localeCompare(b, locale));
}
