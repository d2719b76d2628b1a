import { mergeAgentPatch, type AgentPatch } from './repos/agents.js';
import type { Campaign } from './repos/campaigns.js';
import { UsersRepo } from './repos/users.js';
import type { AgentRow, NewAgentRow } from './schema/agents.js';
import type { Store } from './store.js';

/**
 * Asked before an agent's campaign assignments are stored, with the agent as it would be stored and the campaigns
 * running as they are when it is: the refusal to throw (nothing stored), or null. The API passes engine/control's
 * `assignmentRefusal` (no two running power/predictive campaigns over one agent); the store only knows when to ask.
 */
export type AssignmentCheck = (agent: Pick<AgentRow, 'id' | 'name' | 'campaignIds'>, running: readonly Campaign[]) => Error | null;

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
  /**
   * A new agent as given; undefined (nothing written) when the id is taken. With `check`, the check and the insert
   * are one step (on PostgreSQL under the lock checked campaign starts take): no start comes between them.
   */
  create(row: NewAgentRow, check?: AssignmentCheck): Promise<AgentRow | undefined>;
  /**
   * The change merged over the stored agent (`mergeAgentPatch`); undefined when there is no such agent. With
   * `check`, asked of the merged agent in the same step as the write, as on `create`.
   */
  update(id: string, patch: AgentPatch, check?: AssignmentCheck): Promise<{ before: AgentRow; after: AgentRow } | undefined>;
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
  const refuse = (check: AssignmentCheck | undefined, agent: Pick<AgentRow, 'id' | 'name' | 'campaignIds'>): void => {
    const refusal = check?.(agent, store.campaigns.list('running'));
    if (refusal) throw refusal;
  };
  return {
    dialect: 'sqlite',
    list: async (filter) => agents.list(filter),
    get: async (id) => agents.get(id),
    // One process, one write transaction at a time: the check reads what the write will be stored over.
    create: async (row, check) =>
      store.transaction(() => {
        if (agents.get(row.id) !== undefined) return undefined;
        refuse(check, { id: row.id, name: row.name, campaignIds: row.campaignIds ?? null });
        return agents.upsert(row);
      }),
    update: async (id, patch, check) =>
      store.transaction(() => {
        const before = agents.get(id);
        if (before === undefined) return undefined;
        const next = mergeAgentPatch(before, patch);
        refuse(check, next);
        return { before, after: agents.upsert(next) };
      }),
    remove: async (id) => agents.remove(id),
    unknownCampaigns: async (ids) => ids.filter((id) => store.campaigns.get(id) === undefined),
    teamUserIds: async (team) => users.teamUserIds(team),
  };
}
