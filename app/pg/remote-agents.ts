/**
 * A console command for an agent of another node, as the API's engine control words it (#18): asked of the owning
 * node over Redis (engine/cluster agent-commands.ts) when this process has the asker (REDIS_URL), its outcome
 * turned into the state after the command or a ControlError the routes map to HTTP:
 *
 * - the node applied it: the agent's live state, as that node's engine has it;
 * - the node does not hold the agent (unknown-agent): 404; its row names yet another node now (it moved): 409;
 * - no answer within the bound, or the node failed: 503 `node_unreachable`, naming the node and why;
 * - no asker (no REDIS_URL): 503 `engine_unavailable`, worded as before this path existed.
 */
import type { AgentCommandPort, AgentVerb } from '../../engine/cluster/index.js';
import { ControlError, type AgentLiveState } from '../../engine/control/index.js';

export async function remoteAgentCommand(
  asker: AgentCommandPort | undefined,
  thisNode: string,
  owner: string,
  agentId: string,
  verb: AgentVerb,
  pauseReason?: string,
): Promise<AgentLiveState> {
  if (!asker) throw new ControlError('unavailable', `agent ${agentId} belongs to node ${owner}: its state is that node's, not this process's (${thisNode})`);
  const r = await asker.ask(owner, agentId, verb, pauseReason);
  if (r.outcome === 'done') return r.state;
  if (r.outcome === 'no-answer') throw new ControlError('unreachable', `Agent ${agentId} belongs to node ${owner}, which could not be asked (Redis): ${r.reason}`);
  if (r.refusal === 'not-this-node') throw new ControlError('conflict', r.reason);
  throw new ControlError('not_found', r.reason);
}
