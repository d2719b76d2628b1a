/**
 * Today's figures of one campaign from the CallLogs (read-only SQL on the store's connection; the store's
 * repositories have no such aggregate yet). Dialer calls with a lead only: test calls are not the campaign's
 * traffic. US abandon rule: dropped / (connected + dropped).
 */
import type { Store } from '../index.js';

export interface CampaignToday {
  placed: number;
  answered: number;
  humans: number;
  machines: number;
  dropped: number;
  abandonPct: number;
}


export function campaignToday(store: Pick<Store, 'sqlite'>, campaignId: string, from: number): CampaignToday {
  const row = store.sqlite
    .prepare(
      `select count(*) as placed,
              coalesce(sum(answered_at is not null), 0) as answered,
              coalesce(sum(disposition = 'ANSWERED_HUMAN'), 0) as connected,
              coalesce(sum(disposition = 'DROPPED'), 0) as dropped,
              coalesce(sum(disposition = 'MACHINE'), 0) as machines
         from call_logs
        where campaign_id = ? and created_at >= ? and lead_id is not null and kind = 'dialer'`,
    )
    .get(campaignId, from) as { placed: number; answered: number; connected: number; dropped: number; machines: number };
  const humans = row.connected + row.dropped;
  return {
    placed: row.placed,
    answered: row.answered,
    humans,
    machines: row.machines,
    dropped: row.dropped,
    abandonPct: humans > 0 ? (row.dropped / humans) * 100 : 0,
  };
}
