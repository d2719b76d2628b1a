/**
 * Campaign commands reach every node through the database: the API stores start / pause / stop in the
 * campaigns table and each node reads it every `pollMs` (1 s by default) and brings its engine in line — a campaign
 * stored as running is loaded and dialled (also by a node that joins later), paused stops new dials, stopped also
 * gives back this node's leases. No message bus of our own: PostgreSQL already is the shared truth, and a node
 * that missed a message (it was down) still converges at its next read.
 */
import { campaignLoadProblem } from '../../engine/campaigns/index.js';
import type { Clock, TimerHandle } from '../../engine/clock/index.js';
import type { Logger } from '../../engine/log/index.js';
import { campaignInputFromStore, type AmdSource, type CampaignRunState, type Engine, type LeadSource } from '../../engine/shell/index.js';
import type { Campaign, NodeCampaigns } from '../../engine/store/index.js';

export interface CampaignFollowerDeps {
  engine: Pick<Engine, 'campaign' | 'putCampaign' | 'setCampaignState'>;
  /** Either store (engine/store NodeStore): PostgreSQL for `centralita node`. */
  campaigns: Pick<NodeCampaigns, 'list' | 'markFailed'>;
  leadsFor(c: Campaign): LeadSource;
  amdFor?(c: Campaign): AmdSource;
  clock: Clock;
  logger: Logger;
  pollMs: number;
}

const runStateOf = (s: Campaign['state']): CampaignRunState => (s === 'running' ? 'running' : s === 'paused' ? 'paused' : 'stopped');

export class CampaignFollower {
  private timer: TimerHandle | undefined;
  private polling: Promise<void> | null = null;
  /** The read queued behind the running one (at most one: any number of asks while it runs are served by it). */
  private again: Promise<void> | null = null;
  /** updated_at of each campaign as last applied: a change reloads its settings. */
  private readonly seen = new Map<string, number>();
  /** Each campaign's name as last read: the queue_log names a call's queue with it, synchronously. */
  private readonly names = new Map<string, string>();
  private failing = false;

  constructor(private readonly d: CampaignFollowerDeps) {}

  start(): void {
    this.timer = this.d.clock.setInterval(() => void this.poll(), this.d.pollMs);
  }

  stop(): void {
    this.d.clock.clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * One read of the campaigns table, applied (one at a time: a slow database never stacks reads). Asked while a
   * read runs, it reads once more after it: a command stored after that read began (a Redis command's fast path)
   * must not wait for the next period.
   */
  poll(): Promise<void> {
    if (this.polling) {
      return (this.again ??= this.polling.then(() => {
        this.again = null;
        return this.poll();
      }));
    }
    return (this.polling = this.apply().finally(() => {
      this.polling = null;
    }));
  }

  private async apply(): Promise<void> {
    let all: Campaign[];
    try {
      all = await this.d.campaigns.list();
      if (this.failing) this.d.logger.info('campaigns readable again');
      this.failing = false;
    } catch (err) {
      // The database is away: the engine's write queue degrades dialling; here one line, then quiet retries.
      if (!this.failing) this.d.logger.warn({ err: String(err) }, 'cannot read campaigns; retrying');
      this.failing = true;
      return;
    }
    for (const c of all) {
      try {
        await this.follow(c);
      } catch (err) {
        this.d.logger.error({ err, campaignId: c.id }, 'could not apply the stored campaign state');
      }
    }
  }

  /**
   * A campaign's name as this follower last read it. The follower reads a campaign's row before the engine dials it,
   * so the name is known from the first call on (a copy refreshed on its own clock could still miss a campaign
   * started a moment after it was created); a rename shows from the next read.
   */
  name(campaignId: string): string | undefined {
    return this.names.get(campaignId);
  }

  private async follow(c: Campaign): Promise<void> {
    this.names.set(c.id, c.name);
    const want = runStateOf(c.state);
    const loaded = this.d.engine.campaign(c.id);
    if (!loaded) {
      if (want === 'stopped') return;
      const problem = campaignLoadProblem(c);
      if (problem !== null) {
        await this.d.campaigns.markFailed(c.id, problem, this.d.clock.now());
        this.d.logger.warn({ campaignId: c.id, reason: problem }, 'campaign marked failed: its stored settings cannot be loaded');
        return;
      }
      this.d.engine.putCampaign(campaignInputFromStore(c, this.d.leadsFor(c), this.d.amdFor?.(c)));
      this.seen.set(c.id, c.updatedAt);
      this.d.logger.info({ campaignId: c.id, state: want, dialMode: c.dialMode }, 'campaign picked up');
      return;
    }
    if (this.seen.get(c.id) !== c.updatedAt && want !== 'stopped' && campaignLoadProblem(c) === null) {
      // Settings (or state) changed: reload them keeping the lead source and what the pacer learned.
      this.d.engine.putCampaign({ ...campaignInputFromStore(c, loaded.leads, this.d.amdFor?.(c)), state: loaded.state });
    }
    this.seen.set(c.id, c.updatedAt);
    if (loaded.state !== want) {
      await this.d.engine.setCampaignState(c.id, want);
      this.d.logger.info({ campaignId: c.id, from: loaded.state, to: want }, 'campaign state followed');
    }
  }
}
