/**
 * The API's `control` (engine/control EngineControl) when `npm start` runs on PostgreSQL: the engine node running
 * in this process (app/node runNode), driven directly. The SQLite product's control (app/engine-control.ts) stores
 * campaign commands itself and reads SQLite's agents; here the campaign routes store commands in the PostgreSQL
 * row the node follows (api/routes/campaigns.ts) and agents are PostgreSQL's, so this control only acts on the
 * live engine — an agent's log-in, ready, pause and log-out, its live state (an agent of another node: asked of
 * that node over Redis, ./remote-agents.ts), hanging up a live call, a test call —
 * and answers a campaign's live figures from the engine and the figures read in the background (campaign-figures.ts).
 */
import { agentConfigFromRow, agentLiveState, campaignEngineView } from '../engine-parts.js';
import type { CampaignFigures } from './campaign-figures.js';
import { remoteAgentCommand } from './remote-agents.js';
import type { AgentCommandPort, AgentVerb } from '../../engine/cluster/index.js';
import { ControlError, type AgentLiveState, type EngineControl } from '../../engine/control/index.js';
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
  /** With REDIS_URL: asks the node that owns an agent of another node (else such an agent answers 503). */
  agentCommands?: AgentCommandPort;
}

/** Campaign lifecycle over PostgreSQL is the campaigns row's (the routes store it); never asked of this control. */
const storedByRoutes = (): never => {
  throw new ControlError('unavailable', 'on PostgreSQL a campaign command is stored in the campaigns table, which the engine nodes follow');
};

export function nodeEngineControl(d: NodeControlDeps): EngineControl {
  const { engine } = d;

  /**
   * Where an agent's commands go: this engine (an agent it does not hold yet — created a moment ago, before the
   * node's next read of the agents table — joins now when it belongs to this node), or the node named by its row
   * (its phone is on that node's Asterisk). `join`: false for a log-out or a read, which never add an agent.
   */
  const whereIs = async (agentId: string, join: boolean): Promise<'here' | { node: string }> => {
    if (engine.agentState(agentId)) return 'here';
    const row = await d.agents.get(agentId);
    if (!row) throw new ControlError('not_found', `agent ${agentId} not found`);
    const node = row.nodeId ?? DEFAULT_NODE_ID;
    if (node !== d.nodeId) return { node };
    if (!join) throw new ControlError('not_found', `agent ${agentId} is not known to the engine of node ${d.nodeId}`);
    engine.upsertAgent(agentConfigFromRow(row));
    return 'here';
  };
  const onThisNode = async (agentId: string, verb: AgentVerb, pauseReason?: string): Promise<AgentLiveState | undefined> => {
    const where = await whereIs(agentId, verb !== 'logout' && verb !== 'state');
    if (where === 'here') return undefined;
    return remoteAgentCommand(d.agentCommands, d.nodeId, where.node, agentId, verb, pauseReason);
  };

  return {
    campaigns: {
      start: async () => storedByRoutes(),
      pause: async () => storedByRoutes(),
      stop: async () => storedByRoutes(),
      applySettings: async () => storedByRoutes(),
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
      // Another node's agent: its node applies it and answers the state after (undefined: it is this engine's).
      async login(agentId) {
        const remote = await onThisNode(agentId, 'login');
        if (remote) return remote;
        engine.agentReady(agentId);
      },
      async ready(agentId) {
        const remote = await onThisNode(agentId, 'ready');
        if (remote) return remote;
        engine.agentReady(agentId);
      },
      async pause(agentId, reason) {
        const remote = await onThisNode(agentId, 'pause', reason);
        if (remote) return remote;
        engine.agentPause(agentId, reason);
      },
      async logout(agentId) {
        const remote = await onThisNode(agentId, 'logout');
        if (remote) return remote;
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
      async ask(agentId) {
        const remote = await onThisNode(agentId, 'state').catch((err: unknown) => {
          // An agent no engine holds (here, or as its node answered) has no live state: the route's 404, as `state` says.
          if (err instanceof ControlError && err.code === 'not_found') return null;
          throw err;
        });
        if (remote === null) return null;
        if (remote) return remote;
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
