/**
 * The configuration of `centralita node` (#18): the product's own variables (engine/config: ARI_*, RTP_*,
 * LOG_LEVEL, SIM_SEED, SHUTDOWN_GRACE_SECONDS…) plus what only a cluster node reads. Every bad variable is named
 * on its own line, like `centralita start` does; secrets are never echoed.
 */
import { z } from 'zod';
import { ConfigError, loadConfig, type Config } from '../../engine/config/index.js';
import { isPostgresUrl, redactUrl } from '../../engine/store/index.js';

export interface NodeConfig {
  base: Config;
  /** postgres://… — the database every node of the call center shares. */
  databaseUrl: string;
  nodeId: string;
  /** /health's port; 0: a free one, printed at start. */
  healthPort: number;
  healthHost: string;
  /** A node whose heartbeat is older than this is reaped by any live node (ms). */
  ttlMs: number;
  heartbeatMs: number;
  /** How often the campaigns table is read for start / pause / stop (ms). */
  campaignPollMs: number;
  /** Lease of a lead; renewed while the node lives, so it only runs out for a dead node (ms). */
  leaseMs: number;
  /**
   * redis://… (REDIS_URL) or null: with it the node shares the campaign's abandon counts, hears campaign commands
   * at once and serves the cluster board (engine/cluster); without it, it governs on its own counts alone.
   */
  redisUrl: string | null;
  /** Prefix of every Redis key and channel (CLUSTER_PREFIX): the same on every node of one call center. */
  clusterPrefix: string;
  /**
   * NODE_PUBLIC_URL: the base URL API processes reach this node's health server at (its recordings' audio), e.g.
   * `http://10.0.0.12:8081`; null → the health server's own address (HEALTH_HOST:port), right only when the API
   * runs where that address reaches (the same machine with the default 127.0.0.1).
   */
  publicUrl: string | null;
}

/** NODE_PUBLIC_URL: http(s), a host, no credentials, query or fragment (a path prefix for a reverse proxy is kept). */
export const publicUrlSchema = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v))
  .superRefine((v, ctx) => {
    if (v === undefined) return;
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a URL such as http://10.0.0.12:8081 (where API processes reach this node\'s health server)' });
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must be an http:// or https:// URL' });
    else if (u.username || u.password) ctx.addIssue({ code: 'custom', message: 'must not carry credentials (the API signs each request with the shared SECRETS_KEY / JWT_SECRET)' });
    else if (u.search || u.hash) ctx.addIssue({ code: 'custom', message: 'must have no query or fragment' });
  });

export const DEFAULT_CLUSTER_PREFIX = 'centralita';
/** CLUSTER_PREFIX: several call centers (or test runs) on one Redis each use their own. */
export const clusterPrefixSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'may hold only letters, digits, "_", ".", ":" and "-" (at most 64)')
  .default(DEFAULT_CLUSTER_PREFIX);

const ms = (def: number, min: number) => z.coerce.number().int().min(min).max(3_600_000).default(def);

const nodeSchema = z
  .object({
    DATABASE_URL: z
      .string({ message: 'is required: the PostgreSQL database the nodes share (postgres://user:password@host:5432/db)' })
      .refine(isPostgresUrl, { message: 'must be a postgres:// URL (a node runs on PostgreSQL only)' }),
    NODE_ID: z
      .string({ message: 'is required: a name of this node, unique in the call center (e.g. node-1)' })
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'may hold only letters, digits, "_", "." and "-" (at most 64)'),
    HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
    NODE_TTL_MS: ms(5000, 500),
    NODE_HEARTBEAT_MS: ms(1000, 50),
    CAMPAIGN_POLL_MS: ms(1000, 50),
    LEAD_LEASE_MS: ms(60_000, 1000),
    CLUSTER_PREFIX: clusterPrefixSchema,
    NODE_PUBLIC_URL: publicUrlSchema,
  })
  .superRefine((c, ctx) => {
    if (c.NODE_HEARTBEAT_MS * 2 > c.NODE_TTL_MS) {
      ctx.addIssue({ code: 'custom', path: ['NODE_TTL_MS'], message: 'must be at least twice NODE_HEARTBEAT_MS (one late heartbeat must not look like a death)' });
    }
  });

export function loadNodeConfig(env: Record<string, string | undefined>): NodeConfig {
  const problems: string[] = [];
  let base: Config | undefined;
  try {
    base = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  const r = nodeSchema.safeParse(env);
  if (!r.success) {
    for (const issue of r.error.issues) {
      const name = issue.path.join('.') || '(config)';
      const v = env[name];
      // DATABASE_URL (and a NODE_PUBLIC_URL wrongly given one) carries a password: shown redacted, like every URL the node logs.
      const shown = v === undefined ? '' : name === 'DATABASE_URL' || name === 'NODE_PUBLIC_URL' ? ` (got ${redactUrl(v)})` : ` (got ${JSON.stringify(v)})`;
      problems.push(`${name}: ${issue.message}${shown}`);
    }
  }
  if (problems.length > 0 || !r.success || base === undefined) throw new ConfigError(problems);
  const c = r.data;
  return {
    base: { ...base, NODE_ID: c.NODE_ID },
    databaseUrl: c.DATABASE_URL,
    nodeId: c.NODE_ID,
    healthPort: c.HEALTH_PORT,
    healthHost: c.HEALTH_HOST,
    ttlMs: c.NODE_TTL_MS,
    heartbeatMs: c.NODE_HEARTBEAT_MS,
    campaignPollMs: c.CAMPAIGN_POLL_MS,
    leaseMs: c.LEAD_LEASE_MS,
    redisUrl: base.REDIS_URL ?? null,
    clusterPrefix: c.CLUSTER_PREFIX,
    publicUrl: c.NODE_PUBLIC_URL === undefined ? null : c.NODE_PUBLIC_URL.replace(/\/+$/, ''),
  };
}
