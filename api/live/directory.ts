import type { AgentRepo } from '../../engine/store/index.js';
import type { AgentDirectory } from './access.js';

/**
 * The agent directory read from the store's agents table (user_id and team columns). Looked up per connection /
 * per event rather than cached, so assigning a login to an agent takes effect without a restart; both are
 * indexed single-row reads on SQLite.
 */
export function storeAgentDirectory(agents: Pick<AgentRepo, 'list' | 'get'>): AgentDirectory {
  return {
    agentIdsOfUser: (userId) => agents.list({ userId }).map((a) => a.id),
    teamOfAgent: (agentId) => agents.get(agentId)?.team ?? null,
  };
}
