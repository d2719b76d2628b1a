/**
 * The API's `control` (engine/control EngineControl) when `npm start` runs on PostgreSQL: the engine node running
 * in this process (app/node runNode), driven directly. The SQLite product's control (app/engine-control.ts) stores
 * campaign commands itself and reads SQLite's agents; here the campaign routes store commands in the PostgreSQL
 * row the node follows (api/routes/campaigns.ts) and agents are PostgreSQL's, so this control only acts on the
 * live engine — an agent's log-in, ready, pause and log-out, its live state, hanging up a live call, a test call —
 * and answers a campaign's live figures from the engine and the figures read in the background (campaign-figures.ts).
 */
import { agentConfigFromRow, agentLiveState, campaignEngineView } from '../index.js';
import type { CampaignFigures } from './campaign-figures.js';
import { ControlError, type EngineControl } from '../../engine/control/index.js';
import type { Engine } from '../../engine/shell/index.js';
import { DEFAULT_NODE_ID, type AgentDirectory } from '../../engine/store/index.js';

export interface NodeControlDeps {
  engine: Engine;
  /** PostgreSQL's agents (the table the node follows). */
  agents: Pick<AgentDirectory, 'get'>;
  /** This process's node (NODE_ID): only its agents' phones are on its Asterisk. */
  nodeId: string;
  /** The stored half of the campaigns' live figures, read from PostgreSQL in the background. */
  figures: Pick<CampaignFigures, 'get'>;
}

/** Campaign lifecycle over PostgreSQL is the campaigns row's (the routes store it); never asked of this control. */
const storedByRoutes = (): never => {
  throw new ControlError('unavailable', 'on PostgreSQL a campaign command is stored in the campaigns table, which the engine nodes follow');
};

export function nodeEngineControl(d: NodeControlDeps): EngineControl {
  const { engine } = d;

  /**
   * An agent the engine does not hold yet (created a moment ago, before the node's next read of the agents table)
   * joins now when it belongs to this node; another node's agent has its phone on that node's Asterisk, where this
   * process cannot reach it (503, naming the node).
   */
  const onThisNode = async (agentId: string): Promise<void> => {
    if (engine.agentState(agentId)) return;
    const row = await d.agents.get(agentId);
    if (!row) throw new ControlError('not_found', `agent ${agentId} not found`);
    const node = row.nodeId ?? DEFAULT_NODE_ID;
    if (node !== d.nodeId) throw new ControlError('unavailable', `agent ${agentId} belongs to node ${node}: its state is that node's, not this process's (${d.nodeId})`);
    engine.upsertAgent(agentConfigFromRow(row));
  };

  return {
    campaigns: {
      start: async () => storedByRoutes(),
      pause: async () => storedByRoutes(),
      stop: async () => storedByRoutes(),
      async testCall(id, phoneE164) {
        // The node loads a campaign once it is started (its follower); before that it has no settings to dial with.
        if (!engine.campaign(id)) throw new ControlError('unavailable', `campaign ${id} is not loaded on node ${d.nodeId}: start it first, then place the test call`);
        try {
          return { callId: engine.testCall(id, phoneE164) };
        } catch (err) {
          throw new ControlError('unavailable', err instanceof Error ? err.message : String(err));
        }
      },
      liveStats(id) {
        // This contract is synchronous and PostgreSQL is not: the stored half comes from the last background read.
        const stored = d.figures.get(id);
        if (!engine.campaign(id)) throw new ControlError('unavailable', `campaign ${id} is not loaded on node ${d.nodeId}: its live figures start with it`);
        if (!stored) throw new ControlError('unavailable', `the figures of campaign ${id} are being read; ask again in a moment`);
        const n = campaignEngineView(engine, id)?.counts ?? null;
        return {
          campaignId: id,
          state: stored.campaign.state,
          pacing: engine.campaign(id)?.pacing ?? null,
          calls: { ringing: n?.ringing ?? 0, amd: n?.amd ?? 0, waiting: n?.waiting ?? 0, connected: n?.connected ?? 0 },
          agents: { ready: n?.ready ?? 0, talk: n?.talk ?? 0, wrap: n?.wrap ?? 0, paused: n?.paused ?? 0, loggedIn: n?.loggedIn ?? 0 },
          today: stored.today,
          leads: stored.leads,
        };
      },
    },
    agents: {
      async login(agentId) {
        await onThisNode(agentId);
        engine.agentReady(agentId);
      },
      async ready(agentId) {
        await onThisNode(agentId);
        engine.agentReady(agentId);
      },
      async pause(agentId, reason) {
        await onThisNode(agentId);
        engine.agentPause(agentId, reason);
      },
      logout(agentId) {
        if (!engine.agentState(agentId)) throw new ControlError('not_found', `agent ${agentId} is not known to the engine of node ${d.nodeId}`);
        engine.agentLogout(agentId);
      },
      // The node follows the agents row (app/node AgentFollower): a create or change reaches it at its next read.
      upsert() {},
      remove(agentId) {
        if (!engine.removeAgent(agentId)) throw new ControlError('not_found', `agent ${agentId} is not known to the engine of node ${d.nodeId}`);
      },
      state(agentId) {
        const a = engine.agentState(agentId);
        return a ? agentLiveState(a) : null;
      },
      list() {
        return engine.agentStates().map(agentLiveState);
      },
    },
    calls: {
      hangup(callId) {
        if (!engine.hangupCall(callId)) throw new ControlError('not_found', `call ${callId} is not live on node ${d.nodeId}`);
      },
    },
  };
}
