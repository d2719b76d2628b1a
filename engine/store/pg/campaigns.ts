import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import {
  campaignLifecycle,
  parseCampaignSettings,
  type CampaignCommand,
  type CampaignEffect,
  type CampaignSettingsInput,
  type CampaignState,
} from '../../campaigns/index.js';
import { CampaignError, campaignFromRow, campaignSettingsToRow, mergeCampaignSettings, type Campaign } from '../repos/campaigns.js';
import type { StartCheck } from '../campaign-catalog.js';
import type { AgentRow } from '../schema/agents.js';
import type { CampaignRow } from '../schema/campaigns.js';
import type { LeadStatus } from '../schema/leads.js';
import { campaigns } from '../schema-pg/campaigns.js';
import { pgTransaction, type PgClient, type PgPool } from './connect.js';
import { pgDb, type PgDb } from './drizzle.js';
import { RELEASE_LEASE_SET } from './hopper.js';
import { rowMapper } from './rows.js';

/**
 * The advisory lock checked starts take, one for the whole database (hashed to its bigint key as refresh-tokens.ts
 * does). Checked agent assignments (./agents.ts) and checked settings changes (`update`) take it too: no two of them
 * pass each other's check.
 */
const START_LOCK = 'campaigns:checked-start';

/** Takes START_LOCK in `tx`, held to its commit. */
export async function lockCheckedStarts(tx: PgClient): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [START_LOCK]);
}

/** The running campaigns as `tx` reads them, in creation order (what a checked start or assignment is asked against). */
export async function runningCampaigns(tx: PgClient): Promise<Campaign[]> {
  const r = await tx.query(`select * from campaigns where state = 'running' order by created_at, id collate "C"`);
  return r.rows.map((row) => campaignFromRow(toRow(row)));
}

/** PostgreSQL's campaign row has the SQLite row's properties (the drift test keeps them one), typed by the driver. */
const toRow = rowMapper<CampaignRow>(campaigns);

/**
 * Campaigns on PostgreSQL: the stored settings and lifecycle state, as the same `Campaign` the SQLite repository
 * gives (so `campaignInputFromStore` builds the engine's input from either). An engine node reads them (`list`,
 * `get`) and writes only `failed` for settings it cannot load, like the single-node start does; the API's campaign
 * routes (`CampaignCatalog`, ../campaign-catalog.ts) create, change, delete and command them, and an operator
 * commands them (`centralita campaign:command`). One class, so the node, the API and the CLI share each statement.
 */
export class PgCampaigns {
  private readonly db: PgDb;
  constructor(private readonly pool: PgPool) {
    this.db = pgDb(pool);
  }

  async list(states?: readonly CampaignState[]): Promise<Campaign[]> {
    const r = await this.pool.query(`select * from campaigns where ($1::text[] is null or state = any($1::text[])) order by created_at, id collate "C"`, [
      states === undefined ? null : [...states],
    ]);
    return r.rows.map((row) => campaignFromRow(toRow(row)));
  }

  async get(id: string): Promise<Campaign | undefined> {
    const r = await this.pool.query(`select * from campaigns where id = $1`, [id]);
    return r.rows[0] === undefined ? undefined : campaignFromRow(toRow(r.rows[0]));
  }

  /**
   * start / pause / stop stored for every node (`centralita campaign:command`): the pure lifecycle reducer decides,
   * the row is locked so two operators' commands apply one after the other, and a stop gives back every node's
   * leases of the campaign in the same transaction (as `CampaignRepo.command` does on SQLite). Nodes follow the
   * row (app/node CampaignFollower); the Redis command only makes them read it at once.
   *
   * A start with `check` (the API's: a power/predictive campaign sharing agents with a running one is refused) takes
   * START_LOCK first, then reads what it checks. Without the lock two API processes starting two such campaigns at
   * once each read the other as not running, both pass and both store `running`: two pacers overdial for the same
   * seats and the abandon limit breaks. The row lock alone does not help: they are two rows.
   */
  async command(id: string, cmd: CampaignCommand, at: number, check?: StartCheck): Promise<{ campaign: Campaign; from: CampaignState; effects: CampaignEffect[] }> {
    return pgTransaction(this.pool, async (tx) => {
      const checked = cmd === 'start' && check !== undefined;
      // Held to the commit, so the next checked start's reads (read committed: each statement sees what was committed
      // when it began) see this one.
      if (checked) await lockCheckedStarts(tx);
      const r0 = await tx.query(`select * from campaigns where id = $1 for update`, [id]);
      if (r0.rows[0] === undefined) throw new CampaignError(`campaign ${id} not found`, 'not_found');
      const current = campaignFromRow(toRow(r0.rows[0]));
      if (checked) await this.checkRunning(tx, check, current);
      const r = campaignLifecycle(current.state, cmd);
      if (!r.ok) throw new CampaignError(r.error, 'invalid_transition');
      await tx.query(`update campaigns set state = $2, state_reason = null, updated_at = $3 where id = $1`, [id, r.state, at]);
      if (r.effects.some((e) => e.type === 'release-leases')) {
        await tx.query(`update leads set ${RELEASE_LEASE_SET}, updated_at = $1 where campaign_id = $2 and lease_owner is not null`, [at, id]);
      }
      return { campaign: { ...current, state: r.state, stateReason: null, updatedAt: at }, from: current.state, effects: r.effects };
    });
  }

  /** Asks `check` of `c` as it will be stored, with the running campaigns and the agents as `tx` reads them (under START_LOCK). */
  private async checkRunning(tx: PgClient, check: StartCheck, c: Campaign): Promise<void> {
    const running = await runningCampaigns(tx);
    const agents = await tx.query<Pick<AgentRow, 'id' | 'name' | 'campaignIds'>>(`select id, name, campaign_ids as "campaignIds" from agents order by name collate "C", id collate "C"`);
    const refusal = check(c, running, agents.rows);
    if (refusal !== null) throw refusal;
  }

  /** Validates (zod, defaults filled; the ZodError is thrown before any statement) and stores a new draft campaign. */
  async create(id: string, input: CampaignSettingsInput, at: number): Promise<Campaign> {
    const settings = parseCampaignSettings(input);
    const rows = await this.db
      .insert(campaigns)
      .values({ id, state: 'draft', stateReason: null, createdAt: at, updatedAt: at, ...campaignSettingsToRow(settings) })
      .returning();
    return campaignFromRow(rows[0] as CampaignRow);
  }

  /**
   * Settings merged over the current ones and re-validated (`mergeCampaignSettings`, as on SQLite); the state is not
   * touched. The row is locked from the read to the write, so two API processes' changes apply one after the other
   * (neither is lost) and `before` is exactly what this change replaced. Nodes reload a campaign whose updated_at
   * changed (app/node CampaignFollower).
   *
   * With `check`, a running campaign's merged settings are checked as a start's are (the nodes reload them within a
   * poll: an edit to power is a start's overlap), under START_LOCK taken before the row lock, in command's order: a
   * start or an assignment at the same instant never passes this check's reads, nor this change theirs.
   */
  async update(id: string, patch: Partial<CampaignSettingsInput>, at: number, check?: StartCheck): Promise<{ before: Campaign; after: Campaign }> {
    return pgTransaction(this.pool, async (tx) => {
      // Taken whatever the state: it is known only under the row lock, and the start lock must come first.
      if (check !== undefined) await lockCheckedStarts(tx);
      const r0 = await tx.query(`select * from campaigns where id = $1 for update`, [id]);
      if (r0.rows[0] === undefined) throw new CampaignError(`campaign ${id} not found`, 'not_found');
      const before = campaignFromRow(toRow(r0.rows[0]));
      const next = mergeCampaignSettings(before, patch);
      if (check !== undefined && before.state === 'running') await this.checkRunning(tx, check, { ...before, ...next });
      const rows = await drizzle(tx)
        .update(campaigns)
        .set({ ...campaignSettingsToRow(next), updatedAt: at })
        .where(eq(campaigns.id, id))
        .returning();
      return { before, after: campaignFromRow(rows[0] as CampaignRow) };
    });
  }

  /**
   * Deletes a campaign that is not running, with its leads (the foreign key cascades), in one statement: a start
   * committed by another process just before is seen, never deleted under the nodes' feet.
   */
  async remove(id: string): Promise<{ ok: true; campaign: Campaign } | { ok: false; reason: 'not_found' | 'running' }> {
    const r = await this.pool.query(`delete from campaigns where id = $1 and state <> 'running' returning *`, [id]);
    if (r.rows[0] !== undefined) return { ok: true, campaign: campaignFromRow(toRow(r.rows[0])) };
    const still = await this.pool.query(`select state from campaigns where id = $1`, [id]);
    return { ok: false, reason: still.rows[0] === undefined ? 'not_found' : 'running' };
  }

  /** How many of the campaign's leads are in each status (statuses with none are absent), statuses in byte order. */
  async leadCounts(id: string): Promise<Partial<Record<LeadStatus, number>>> {
    const r = await this.pool.query<{ status: LeadStatus; n: number }>(
      `select status, count(*)::int as n from leads where campaign_id = $1 group by status order by status collate "C"`,
      [id],
    );
    return Object.fromEntries(r.rows.map((row) => [row.status, row.n]));
  }

  /** Settings the engine cannot load: the campaign is `failed` with the reason (shown by the API and the web app). */
  async markFailed(id: string, reason: string, at: number): Promise<void> {
    await this.pool.query(`update campaigns set state = 'failed', state_reason = $2, updated_at = $3 where id = $1`, [id, reason, at]);
  }
}
