import { mergeAgentPatch, type AgentPatch } from './repos/agents.js';
import { UsersRepo } from './repos/users.js';
import type { AgentRow, NewAgentRow } from './schema/agents.js';
import type { Store } from './store.js';

/**
 * The API's agent directory (#18): what the agent routes read and write — list, detail, create, change (node and
 * campaign assignments included), delete — and whose calls a team lead sees (the team's users), as one async shape
 * over both dialects, the sibling of `CampaignCatalog` and `CallHistory`. On PostgreSQL it is the `agents` table the
 * engine nodes follow (`PgAgents`: a node dials for the agents whose `node_id` is its own), so an agent moved to
 * another node there is logged out by the old node and joins the new one.
 *
 * Both list by name, ties by id, in byte order; merge a change by one rule (`mergeAgentPatch`); check assignments
 * against the campaigns of the same database. An agent's live state (log-in, pause, calls) is not here: it is the
 * engine's that dials for it (`EngineControl`).
 */
export interface AgentDirectory {
  readonly dialect: 'sqlite' | 'postgres';
  /** By name, ties by id (byte order); only a team's or a user's when asked. */
  list(filter?: { team?: string; userId?: string }): Promise<AgentRow[]>;
  get(id: string): Promise<AgentRow | undefined>;
  /** A new agent as given; undefined (nothing written) when the id is taken. */
  create(row: NewAgentRow): Promise<AgentRow | undefined>;
  /** The change merged over the stored agent (`mergeAgentPatch`); undefined when there is no such agent. */
  update(id: string, patch: AgentPatch): Promise<{ before: AgentRow; after: AgentRow } | undefined>;
  /** false when there was no such agent. */
  remove(id: string): Promise<boolean>;
  /** The ids among `ids` that name no campaign of this database, in the order given. */
  unknownCampaigns(ids: readonly string[]): Promise<string[]>;
  /** The user ids of a team (`users.team`) in this database, by id: whose calls the team's lead sees. */
  teamUserIds(team: string): Promise<string[]>;
}

/** Over the SQLite store: the repositories the routes always called (synchronous; awaiting them is free). */
export function sqliteAgentDirectory(store: Pick<Store, 'db' | 'agents' | 'campaigns' | 'transaction'>): AgentDirectory {
  const { agents } = store;
  const users = new UsersRepo(store.db);
  return {
    dialect: 'sqlite',
    list: async (filter) => agents.list(filter),
    get: async (id) => agents.get(id),
    create: async (row) => store.transaction(() => (agents.get(row.id) === undefined ? agents.upsert(row) : undefined)),
    update: async (id, patch) =>
      store.transaction(() => {
        const before = agents.get(id);
        if (before === undefined) return undefined;
        return { before, after: agents.upsert(mergeAgentPatch(before, patch)) };
      }),
    remove: async (id) => agents.remove(id),
    unknownCampaigns: async (ids) => ids.filter((id) => store.campaigns.get(id) === undefined),
    teamUserIds: async (team) => users.teamUserIds(team),
  };
}
