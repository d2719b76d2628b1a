/**
 * What the API's campaign commands and agent changes come to on each dialect's product, over a `dialectPbxRigs` rig
 * and a started engine (#18): on SQLite the engine control (app/engine-control.ts) stores each command and acts on
 * the engine; on PostgreSQL the routes store it in the campaigns row (the campaign catalog) and the node's campaign
 * follower brings the engine in line, its agent follower the agents (app/node, as `centralita node` runs them).
 */
import { createEngineControl } from '../../app/engine-control.js';
import { AgentFollower, CampaignFollower } from '../../app/node/index.js';
import type { EngineControl } from '../../engine/control/index.js';
import { silentLogger } from '../../engine/log/index.js';
import type { Engine } from '../../engine/shell/index.js';
import type { DialectPbxRig } from './pbx-rig.js';

export interface DialectCommands {
  start(id: string): Promise<void>;
  pause(id: string): Promise<void>;
  stop(id: string): Promise<void>;
  /** The agent's row changed (the API's PATCH): the engine takes it. */
  agentChanged(id: string): Promise<void>;
  /** SQLite: the engine control itself (its refusals, test calls, live figures); null on PostgreSQL. */
  control: EngineControl | null;
  /** Stops the followers (PostgreSQL); before the engine stops. */
  close(): void;
}

/** `owner`: the node's NODE_ID (the rig's engines use 'n1'). */
export async function dialectCommands(r: DialectPbxRig, engine: Engine, owner = 'n1'): Promise<DialectCommands> {
  const { h } = r;
  const leadsFor = (c: { id: string }) => r.ports.leadsFor(c.id, owner);
  if (h.sqlite) {
    const control = createEngineControl({ engine, store: h.sqlite, clock: r.clock, logger: silentLogger, leadsFor });
    return {
      start: async (id) => void (await control.campaigns.start(id)),
      pause: async (id) => void (await control.campaigns.pause(id)),
      stop: async (id) => void (await control.campaigns.stop(id)),
      agentChanged: async (id) => control.agents.upsert(id),
      control,
      close: () => {},
    };
  }
  const campaigns = new CampaignFollower({ engine, campaigns: h.campaigns, leadsFor, clock: r.clock, logger: silentLogger, pollMs: 1000 });
  const agents = new AgentFollower({ nodeId: owner, engine, agents: h.agents, clock: r.clock, logger: silentLogger, pollMs: 1000 });
  // As a node starts: what is stored as running is loaded before it dials.
  await campaigns.poll();
  campaigns.start();
  agents.start();
  // The routes store the command in the row and publish it: the follower reads the table at once.
  const command = async (id: string, cmd: 'start' | 'pause' | 'stop') => {
    await h.campaignCatalog.command(id, cmd, r.clock.now());
    await campaigns.poll();
  };
  return {
    start: (id) => command(id, 'start'),
    pause: (id) => command(id, 'pause'),
    stop: (id) => command(id, 'stop'),
    agentChanged: () => agents.poll(),
    control: null,
    close: () => {
      campaigns.stop();
      agents.stop();
    },
  };
}
