/**
 * The stored half of a campaign's live figures (the campaign page's "placed today", humans, machines, abandon and
 * leads per status) for `npm start` on PostgreSQL. The control contract's `liveStats` is synchronous (the SQLite
 * product reads its file in the call) and PostgreSQL is not, so the figures of the campaigns this node has loaded
 * are read every `refreshMs` and answered from that copy; the engine's half (pacing, calls and agents now) is
 * read live at each ask (node-control.ts).
 */
import { startOfLocalDay, type Clock, type TimerHandle } from '../../engine/clock/index.js';
import type { Logger } from '../../engine/log/index.js';
import type { Campaign, CampaignCatalog, CampaignToday } from '../../engine/store/index.js';

export interface StoredCampaignFigures {
  campaign: Campaign;
  today: CampaignToday;
  leads: Partial<Record<string, number>>;
  /** Clock ms of the read. */
  readAt: number;
}

export interface CampaignFiguresDeps {
  /** The campaigns to keep figures of (the node's loaded campaigns). */
  campaignIds(): string[];
  campaigns: Pick<CampaignCatalog, 'get' | 'leadCounts'>;
  /** The campaign's dialer calls since `from` (engine/store `pgCampaignToday`). */
  today(campaignId: string, from: number): Promise<CampaignToday>;
  clock: Pick<Clock, 'now' | 'setInterval' | 'clearInterval'>;
  logger: Logger;
  refreshMs?: number;
}

export class CampaignFigures {
  private readonly figures = new Map<string, StoredCampaignFigures>();
  private timer: TimerHandle | undefined;
  private reading: Promise<void> | null = null;

  constructor(private readonly d: CampaignFiguresDeps) {}

  start(): void {
    this.timer = this.d.clock.setInterval(() => void this.refresh(), this.d.refreshMs ?? 2000);
  }

  stop(): void {
    this.d.clock.clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The last read of a campaign's stored figures; undefined before its first read. */
  get(campaignId: string): StoredCampaignFigures | undefined {
    return this.figures.get(campaignId);
  }

  /** One read of every loaded campaign (one at a time; a failed read keeps the last figures and is logged). */
  refresh(): Promise<void> {
    return (this.reading ??= this.read()
      .catch((err: unknown) => this.d.logger.warn({ err: String(err) }, 'could not read campaign figures; keeping the last ones'))
      .finally(() => {
        this.reading = null;
      }));
  }

  private async read(): Promise<void> {
    const ids = this.d.campaignIds();
    for (const id of [...this.figures.keys()]) if (!ids.includes(id)) this.figures.delete(id);
    for (const id of ids) {
      const campaign = await this.d.campaigns.get(id);
      if (!campaign) {
        this.figures.delete(id);
        continue;
      }
      const at = this.d.clock.now();
      // The campaign's own day: a Costa Rica campaign's today starts at local midnight there (as on SQLite).
      const [today, leads] = await Promise.all([this.d.today(id, startOfLocalDay(at, campaign.defaultTimeZone)), this.d.campaigns.leadCounts(id)]);
      this.figures.set(id, { campaign, today, leads, readAt: at });
    }
  }
}
