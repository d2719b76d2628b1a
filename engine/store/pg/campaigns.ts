import { campaignLifecycle, type CampaignCommand, type CampaignEffect, type CampaignState } from '../../campaigns/index.js';
import { CampaignError, campaignFromRow, type Campaign } from '../repos/campaigns.js';
import type { CampaignRow } from '../schema/campaigns.js';
import { campaigns } from '../schema-pg/campaigns.js';
import { pgTransaction, type PgPool } from './connect.js';
import { RELEASE_LEASE_SET } from './hopper.js';
import { rowMapper } from './rows.js';

/** PostgreSQL's campaign row has the SQLite row's properties (the drift test keeps them one), typed by the driver. */
const toRow = rowMapper<CampaignRow>(campaigns);

/**
 * Campaigns as an engine node reads them from PostgreSQL: the stored settings and lifecycle state, as the same
 * `Campaign` the SQLite repository gives (so `campaignInputFromStore` builds the engine's input from either).
 * A node follows what the API (or an operator, `command`) stores; it writes only `failed` for settings it cannot
 * load, like the single-node start does.
 */
export class PgCampaigns {
  constructor(private readonly pool: PgPool) {}

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
   */
  async command(id: string, cmd: CampaignCommand, at: number): Promise<{ campaign: Campaign; from: CampaignState; effects: CampaignEffect[] }> {
    return pgTransaction(this.pool, async (tx) => {
      const r0 = await tx.query(`select * from campaigns where id = $1 for update`, [id]);
      if (r0.rows[0] === undefined) throw new CampaignError(`campaign ${id} not found`, 'not_found');
      const current = campaignFromRow(toRow(r0.rows[0]));
      const r = campaignLifecycle(current.state, cmd);
      if (!r.ok) throw new CampaignError(r.error, 'invalid_transition');
      await tx.query(`update campaigns set state = $2, state_reason = null, updated_at = $3 where id = $1`, [id, r.state, at]);
      if (r.effects.some((e) => e.type === 'release-leases')) {
        await tx.query(`update leads set ${RELEASE_LEASE_SET}, updated_at = $1 where campaign_id = $2 and lease_owner is not null`, [at, id]);
      }
      return { campaign: { ...current, state: r.state, stateReason: null, updatedAt: at }, from: current.state, effects: r.effects };
    });
  }

  /** Settings the engine cannot load: the campaign is `failed` with the reason (shown by the API and the web app). */
  async markFailed(id: string, reason: string, at: number): Promise<void> {
    await this.pool.query(`update campaigns set state = 'failed', state_reason = $2, updated_at = $3 where id = $1`, [id, reason, at]);
  }
}
