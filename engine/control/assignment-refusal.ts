/**
 * Why an agent may not take the campaign assignments it is given, the other door of startRefusal's rule
 * (./start-refusal.ts): a start is refused while a power/predictive campaign would share agents with a running one,
 * but the same overlap could be made afterwards by editing or creating an agent so it serves two such campaigns
 * already running side by side. The agent routes ask this as the assignment is stored, on both dialects (the
 * directory's `AssignmentCheck`, engine/store/agent-directory.ts): on PostgreSQL under the lock checked starts take.
 */
import { servesCampaign } from '../agents/index.js';
import type { AgentRow, Campaign } from '../store/index.js';
import { overdials } from './start-refusal.js';
import { ControlError } from './types.js';

/**
 * The refusal (ControlError `conflict`) of storing `agent` with its campaign assignments (null or []: every
 * campaign) while `running` are the campaigns running, or null. Refused when it would serve two or more running
 * power/predictive campaigns: both pacers would count it as their own free seat and overdial for it together.
 * Progressive and preview campaigns reserve an agent per call, so serving them alongside is safe.
 */
export function assignmentRefusal(agent: Pick<AgentRow, 'id' | 'campaignIds'> & { name?: string }, running: readonly Campaign[]): ControlError | null {
  const config = agent.campaignIds === null ? {} : { campaignIds: [...agent.campaignIds] };
  const served = running.filter((c) => c.state === 'running' && overdials(c.dialMode) && servesCampaign(config, c.id));
  if (served.length < 2) return null;
  // Named as people see them (a screen shows this message): campaigns and the agent by their names, ids aside.
  const named = served.map((c) => `${JSON.stringify(c.name)} (${c.dialMode})`);
  const list = `${named.slice(0, -1).join(', ')} and ${named.at(-1)!}`;
  const who = agent.name === undefined ? `agent ${agent.id}` : `agent ${JSON.stringify(agent.name)}`;
  return new ControlError(
    'conflict',
    `campaigns ${list} are running and ${who} would serve ${served.length === 2 ? 'both' : 'all of them'}; ` +
      'two power or predictive campaigns may run at once only with disjoint agents (assign campaign_ids)',
    // The field to change, and the names a client needs to say the same in its user's language.
    { field: 'campaign_ids', rule: 'shared_overdial', params: { campaigns: served.map((c) => c.name), agent: agent.name ?? agent.id } },
  );
}
