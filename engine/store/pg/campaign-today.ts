/**
 * One campaign's dial attempts since `from` on PostgreSQL: the twin of the SQLite `CallLogRepo.campaignToday`
 * (repos/call-logs.ts) — the same WHERE (the campaign's dialer calls of a lead, created since the campaign's local
 * midnight) and the same sums — for the campaign page's live figures of `npm start` on PostgreSQL (app/pg).
 */
import type { CampaignToday } from '../repos/call-logs.js';
import type { PgPool } from './connect.js';

export async function pgCampaignToday(pool: Pick<PgPool, 'query'>, campaignId: string, from: number): Promise<CampaignToday> {
  const r = await pool.query(
    `select count(*)::int as placed,
            count(*) filter (where answered_at is not null)::int as answered,
            count(*) filter (where disposition = 'ANSWERED_HUMAN')::int as connected,
            count(*) filter (where disposition = 'DROPPED')::int as dropped,
            count(*) filter (where disposition = 'MACHINE')::int as machines
       from call_logs
      where campaign_id = $1 and created_at >= $2 and lead_id is not null and kind = 'dialer'`,
    [campaignId, from],
  );
  const row = r.rows[0] as { placed: number; answered: number; connected: number; dropped: number; machines: number };
  const humans = row.connected + row.dropped;
  return { placed: row.placed, answered: row.answered, humans, machines: row.machines, dropped: row.dropped, abandonPct: humans > 0 ? (row.dropped / humans) * 100 : 0 };
}
