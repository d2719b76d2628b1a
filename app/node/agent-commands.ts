/**
 * The node's answer to a console command for one of its agents asked by another process (#18, engine/cluster
 * agent-commands.ts): applied to this node's engine the way app/pg/node-control.ts does for the agents of its own
 * process, and answered with the agent's live state after it, or a refusal the asker's console can word.
 */
import type { AgentCommandAnswer, AgentCommandHandler } from '../../engine/cluster/index.js';
import type { Engine } from '../../engine/shell/index.js';
import { DEFAULT_NODE_ID, type AgentRow } from '../../engine/store/index.js';
import { agentConfigFromRow, agentLiveState } from '../engine-parts.js';

export interface AgentCommandDeps {
  /** The node's engine, or undefined while it starts (Redis is served before the engine runs). */
  engine: () => Engine | undefined;
  /** The agents table the node follows. */
  agents: { get(id: string): Promise<AgentRow | undefined> };
  nodeId: string;
}

export function agentCommandHandler(d: AgentCommandDeps): AgentCommandHandler {
  return async ({ agentId, verb, reason }): Promise<AgentCommandAnswer> => {
    const engine = d.engine();
    // Thrown, not refused: the asker answers 503 with this reason (the node is there but cannot act yet).
    if (!engine) throw new Error(`the engine of node ${d.nodeId} is still starting`);
    if (!engine.agentState(agentId)) {
      const unknown: AgentCommandAnswer = { result: 'unknown-agent', reason: `agent ${agentId} is not known to the engine of node ${d.nodeId}` };
      // Reading or logging out an agent the engine never held changes nothing: said as such, like this process would.
      if (verb === 'state' || verb === 'logout') return unknown;
      // Created a moment ago, before this node's next read of the agents table: it joins now, if it is still ours.
      const row = await d.agents.get(agentId);
      if (!row) return { result: 'unknown-agent', reason: `agent ${agentId} not found` };
      const owner = row.nodeId ?? DEFAULT_NODE_ID;
      if (owner !== d.nodeId) return { result: 'not-this-node', reason: `agent ${agentId} now belongs to node ${owner}, not ${d.nodeId}` };
      engine.upsertAgent(agentConfigFromRow(row));
    }
    if (verb === 'login' || verb === 'ready') engine.agentReady(agentId);
    else if (verb === 'pause') engine.agentPause(agentId, reason ?? 'pause');
    else if (verb === 'logout') engine.agentLogout(agentId);
    const after = engine.agentState(agentId);
    if (!after) return { result: 'unknown-agent', reason: `agent ${agentId} is not known to the engine of node ${d.nodeId}` };
    return { result: 'done', state: agentLiveState(after) };
  };
}
