import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { WallboardAgent } from '../../api/types';
import { Elapsed } from '../../components/Elapsed';
import { NodeBadge } from '../../components/NodeBadge';

const AgentTile = memo(function AgentTile({ agent, campaignName, showNode }: { agent: WallboardAgent; campaignName: string | null; showNode: boolean }) {
  const { t } = useTranslation();
  const state = t(`agentState.${agent.status}`, { defaultValue: agent.status });
  const node = showNode && agent.status !== 'LOGGED_OUT' ? agent.node_id : null;
  return (
    <li className="agent-tile" data-status={agent.status} data-testid={`agent-tile-${agent.id}`} aria-label={`${agent.name}: ${state}`}>
      <div className="tile-row">
        <span className="name">{agent.name}</span>
        <Elapsed since={agent.status === 'LOGGED_OUT' ? null : agent.since} />
      </div>
      <div className="tile-row">
        <span data-testid="agent-state">{agent.status === 'PAUSED' && agent.pause_reason ? `${state} · ${agent.pause_reason}` : state}</span>
        {node && <NodeBadge node={node} />}
      </div>
      {agent.call_id && (
        <div className="tile-row">
          <span className="muted">{campaignName ?? agent.campaign_id ?? ''}</span>
          <Elapsed since={agent.call_since} />
        </div>
      )}
    </li>
  );
});

/**
 * Every agent as a tile: name, state (and pause reason), time in state; campaign and call time while on a call;
 * with several engine nodes (`showNode`), the node a logged-in agent is on.
 */
export function AgentGrid({ agents, campaignNames, label, showNode = false }: { agents: WallboardAgent[]; campaignNames: Map<string, string>; label: string; showNode?: boolean }) {
  return (
    <ul className="agent-grid" aria-label={label}>
      {agents.map((a) => (
        <AgentTile key={a.id} agent={a} campaignName={a.campaign_id ? (campaignNames.get(a.campaign_id) ?? null) : null} showNode={showNode} />
      ))}
    </ul>
  );
}
