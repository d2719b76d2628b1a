/**
 * `centralita campaign:command <campaign-id> start|pause|stop [--json]`: an operator commands a campaign on every
 * node of a call center (#18). The command is stored in PostgreSQL (DATABASE_URL), the truth every node follows
 * (PgCampaigns.command: the lifecycle rules, a stop gives back every node's leases), then published over Redis
 * when REDIS_URL is set so the nodes apply it at once instead of at their next read (CAMPAIGN_POLL_MS). Redis
 * failing after the store took the command is a warning, not a failure: the nodes still follow the table.
 * A start is refused as the API refuses it (engine/control startCheck, inside the transaction that stores it: a
 * power/predictive campaign sharing agents with a running one, settings the engine cannot load).
 * Exit 0 done, 1 refused (unknown campaign, a transition the lifecycle forbids, a refused start, the database
 * away), 2 bad usage.
 */
import { z } from 'zod';
import { CAMPAIGN_ACTIONS, clusterRedisClient, publishCampaignCommand } from '../../engine/cluster/index.js';
import { ControlError, startCheck } from '../../engine/control/index.js';
import { CampaignError, isPostgresUrl, redactUrl } from '../../engine/store/index.js';
import { PgCampaigns, describePgError, openPgPool } from '../../engine/store/pg/index.js';
import { clusterPrefixSchema, DEFAULT_CLUSTER_PREFIX } from './node-config.js';

const USAGE = 'Usage: centralita campaign:command <campaign-id> start|pause|stop [--json]\n(DATABASE_URL=postgres://…; REDIS_URL to reach the nodes at once; CLUSTER_PREFIX as the nodes have it)\n';

const argsSchema = z.object({
  campaignId: z.string({ message: 'is required' }).regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'may hold only letters, digits, "_", ".", ":" and "-"'),
  action: z.enum(CAMPAIGN_ACTIONS, { message: `must be one of ${CAMPAIGN_ACTIONS.join(', ')}` }),
});

const envSchema = z.object({
  DATABASE_URL: z
    .string({ message: 'is required: the PostgreSQL database of the nodes (postgres://…)' })
    .refine(isPostgresUrl, { message: 'must be a postgres:// URL (campaign:command commands the nodes of a PostgreSQL call center)' }),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  CLUSTER_PREFIX: clusterPrefixSchema,
});

export interface CampaignCommandOutcome {
  campaignId: string;
  action: (typeof CAMPAIGN_ACTIONS)[number];
  from: string;
  to: string;
  /** Epoch ms stored as the campaign's updated_at (and the Redis command's `at`). */
  at: number;
  /** Epoch ms when Redis took the command; null without REDIS_URL or when publishing failed. */
  publishedAt: number | null;
  /** Nodes that received the Redis command; null without REDIS_URL or when publishing failed. */
  receivers: number | null;
  warning: string | null;
}

const problemsOf = (e: z.ZodError, names: Record<string, string> = {}): string[] =>
  e.issues.map((i) => `${names[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`);

interface Output {
  write(text: string): unknown;
}

export async function run(argv: string[], env: Record<string, string | undefined> = process.env, out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  const json = argv.includes('--json');
  const positional = argv.filter((a) => a !== '--json');
  const unknown = positional.filter((a) => a.startsWith('-'));
  if (argv.includes('--help') || argv.includes('-h')) {
    out.write(USAGE);
    return 0;
  }
  const problems: string[] = unknown.map((a) => `unknown option ${a}`);
  if (positional.length > 2 && unknown.length === 0) problems.push(`too many arguments (${positional.slice(2).join(' ')})`);
  const a = argsSchema.safeParse({ campaignId: positional[0], action: positional[1] });
  if (!a.success) problems.push(...problemsOf(a.error, { campaignId: '<campaign-id>', action: 'action' }));
  const e = envSchema.safeParse(env);
  if (!e.success) {
    for (const i of e.error.issues) {
      const name = String(i.path[0]);
      const v = env[name];
      const shown = v === undefined ? '' : name === 'DATABASE_URL' ? ` (got ${redactUrl(v)})` : name === 'REDIS_URL' ? '' : ` (got ${JSON.stringify(v)})`;
      problems.push(`${name}: ${i.message}${shown}`);
    }
  }
  if (problems.length > 0 || !a.success || !e.success) {
    err.write(`${problems.join('\n')}\n${USAGE}`);
    return 2;
  }
  const { campaignId, action } = a.data;
  // Redis connects while the database takes the command: the nodes hear it the moment the row is committed.
  const redis = e.data.REDIS_URL ? clusterRedisClient(e.data.REDIS_URL) : null;
  const connecting = redis ? deadline(redis.connect(), 3000, 'Redis did not answer within 3000 ms') : null;
  connecting?.catch(() => undefined);
  const pool = openPgPool(e.data.DATABASE_URL, { max: 1, applicationName: 'centralita-campaign-command' });
  pool.on('error', () => undefined);
  let stored: Awaited<ReturnType<PgCampaigns['command']>>;
  const at = Date.now();
  try {
    stored = await new PgCampaigns(pool).command(campaignId, action, at, action === 'start' ? startCheck : undefined);
  } catch (x) {
    if (x instanceof CampaignError || x instanceof ControlError) err.write(`campaign ${campaignId}: ${x.message}\n`);
    else err.write(`campaign ${campaignId}: the database did not take the command: ${describePgError(x)} (${redactUrl(e.data.DATABASE_URL)})\n`);
    await pool.end().catch(() => undefined);
    await closeRedis(redis);
    return 1;
  }
  const closingPool = pool.end().catch(() => undefined);

  let receivers: number | null = null;
  let warning: string | null = null;
  let publishedAt: number | null = null;
  if (redis) {
    try {
      await connecting;
      receivers = await publishCampaignCommand(redis, { campaignId, action, at, from: 'campaign:command' }, { prefix: e.data.CLUSTER_PREFIX });
      publishedAt = Date.now();
    } catch (x) {
      warning = `stored, but not published over Redis (${x instanceof Error ? x.message : String(x)}): the nodes follow it at their next read of the campaigns table`;
    } finally {
      await closeRedis(redis);
    }
  }
  await closingPool;
  const outcome: CampaignCommandOutcome = { campaignId, action, from: stored.from, to: stored.campaign.state, at, publishedAt, receivers, warning };
  if (warning) err.write(`warning: ${warning}\n`);
  if (json) out.write(`${JSON.stringify(outcome)}\n`);
  else {
    const reach = receivers === null ? (e.data.REDIS_URL ? 'nodes follow at their next read' : 'no REDIS_URL: nodes follow at their next read') : `published to ${receivers} node(s)`;
    out.write(`campaign ${campaignId}: ${stored.from} → ${stored.campaign.state} · ${reach}\n`);
  }
  return 0;
}

async function closeRedis(redis: ReturnType<typeof clusterRedisClient> | null): Promise<void> {
  if (!redis) return;
  await deadline(redis.close(), 1000, '').catch(() => undefined);
  try {
    redis.destroy();
  } catch {
    // Already closed.
  }
}

async function deadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(what)), ms)))]);
  } finally {
    clearTimeout(t);
  }
}
