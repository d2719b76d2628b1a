/**
 * Why a stored campaign may not start, one rule for both products (#18): the single-process product's engine
 * control (app/engine-control.ts) asks it before storing a start, and on PostgreSQL the campaign routes have the
 * catalog ask it inside the transaction that stores the start in the row the nodes follow, one start at a time across
 * API processes (engine/store/pg PgCampaigns.command) — so a start refused on SQLite is refused on PostgreSQL too.
 */
import { servesCampaign, type AgentConfig } from '../agents/index.js';
import { campaignLoadProblem, dialStringTemplateProblem } from '../campaigns/index.js';
import type { Campaign, StartCheck } from '../store/index.js';
import { ControlError } from './types.js';

/** A dial mode whose pacer counts every agent serving its campaign as its own seat (and so may overdial). */
export const overdials = (mode: string): boolean => mode === 'power' || mode === 'predictive';

/** The agents serving `campaignId` (assigned to it, or to no campaign) among `agents`. */
export function agentsServing(agents: Iterable<{ id: string } & Pick<AgentConfig, 'campaignIds'>>, campaignId: string): Set<string> {
  const out = new Set<string>();
  for (const a of agents) if (servesCampaign(a, campaignId)) out.add(a.id);
  return out;
}

/**
 * The refusal of starting `c` (a ControlError: `invalid` for settings the engine cannot load, `conflict` for a
 * shared overdial), or null. A power or predictive pacer counts every agent serving its campaign as its own: two
 * such campaigns running at once over a shared agent would each overdial for the same free seat and together break
 * the abandon limit. So one is refused while another power/predictive campaign of `running` shares agents with it
 * (`serving(id)`: the agents serving a campaign; an agent without assignments serves every one). Disjoint teams
 * run side by side; progressive and preview campaigns reserve an agent per call, so they share agents safely.
 */
export function startRefusal(
  c: Campaign,
  running: readonly Campaign[],
  serving: (campaignId: string) => ReadonlySet<string>,
  /** An agent's name as people know it (a screen shows the refusal); its id when unknown. */
  agentName: (agentId: string) => string = (id) => id,
): ControlError | null {
  const template = c.dialStringTemplate;
  const templateProblem = dialStringTemplateProblem(template);
  if (templateProblem !== null) return new ControlError('invalid', `dialStringTemplate ${JSON.stringify(template)} ${templateProblem}`);
  if (overdials(c.dialMode)) {
    const mine = serving(c.id);
    for (const other of running) {
      if (other.id === c.id || !overdials(other.dialMode)) continue;
      const shared = [...serving(other.id)].filter((a) => mine.has(a)).map(agentName).sort();
      if (shared.length === 0) continue;
      // Ten names at most; the rest as "+N", a count any language reads.
      const listed = shared.length > 10 ? [...shared.slice(0, 10), `+${shared.length - 10}`] : shared;
      return new ControlError(
        'conflict',
        `campaign ${JSON.stringify(other.name)} (${other.dialMode}) is running and shares agents with ${JSON.stringify(c.name)}: ${listed.join(', ')}; ` +
          'two power or predictive campaigns may run at once only with disjoint agents (assign campaign_ids)',
        // The setting that would make it safe is the dial mode (or the agents' campaigns, on the agents screen).
        { field: 'dialMode', rule: 'shared_agents', params: { campaign: other.name, agents: listed } },
      );
    }
  }
  const loadProblem = campaignLoadProblem(c);
  if (loadProblem !== null) return new ControlError('invalid', `campaign ${c.id} has settings the engine cannot load: ${loadProblem}`);
  return null;
}

/**
 * `startRefusal` as the PostgreSQL catalog asks it inside the transaction that stores a start (StartCheck: the
 * campaign, the running ones and every agent's assignments as that transaction reads them). Every path that starts
 * a campaign on PostgreSQL passes it: the API's start route and `centralita campaign:command … start`.
 */
export const startCheck: StartCheck = (c, running, agents) => {
  const configs = agents.map((a) => ({ id: a.id, ...(a.campaignIds && a.campaignIds.length > 0 ? { campaignIds: [...a.campaignIds] } : {}) }));
  const names = new Map(agents.map((a) => [a.id, a.name]));
  return startRefusal(c, running, (campaignId) => agentsServing(configs, campaignId), (id) => names.get(id) ?? id);
};
