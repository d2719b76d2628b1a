/** What `GET /health` reports. Each part is read from the running product at request time. */
export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  nodeId: string;
  uptimeSeconds: number;
  ari: {
    connected: boolean;
    simulated: boolean;
    url: string;
    app: string;
    /** The engine rebuilt its view of Asterisk after the last (re)connect; it dials only when reconciled. */
    reconciled: boolean;
    /** Seconds the engine has been without a reconciled view (0 while reconciled). */
    unreconciledSeconds: number;
    /** Asterisk's startup time at the last reconciliation (it changes when Asterisk restarts). */
    asteriskStartupTime: string | null;
  };
  db: { ok: boolean; path: string };
  redis: { configured: boolean; ok: boolean | null };
  media: { activeSessions: number } | null;
  calls: { active: number } | null;
  /**
   * The dialer: `dialing` when it places calls now (running, reconciled, connected, a campaign running);
   * `state` idle | running | stopping | stopped; `lastDialAt` ISO time of the last call placed.
   */
  dialer: { state: string; dialing: boolean; lastDialAt: string | null } | null;
  /**
   * The engine's own thread (absent where no engine runs in this process): `thread` worker (the product) or main;
   * `responsive` it sent its status within the last 5 s (else degraded); `statusAgeMs` since the last one;
   * `lagMs` its event-loop lag (p50/p99/max ms) over its last full 5 s window — what ARI events and AMD verdicts wait.
   */
  engine?: {
    thread: string;
    responsive: boolean;
    statusAgeMs: number;
    lagMs: { p50: number; p99: number; max: number; windowMs: number };
  };
}

/**
 * A reconnect is followed by a reconciliation that takes a moment; not reconciled for longer than this means
 * something holds it (Asterisk answers nothing, a request hangs): degraded, 503.
 */
export const RECONCILE_GRACE_SECONDS = 15;

export type HealthProbe = () => HealthReport | Promise<HealthReport>;

/**
 * Degraded when anything the dialer needs is down — ARI not connected, not reconciled for longer than the grace,
 * the database, a configured Redis; callers decide the HTTP status from it.
 */
export function overallStatus(parts: Pick<HealthReport, 'ari' | 'db' | 'redis' | 'engine'>): HealthReport['status'] {
  if (!parts.ari.connected || !parts.db.ok) return 'degraded';
  if (parts.engine !== undefined && !parts.engine.responsive) return 'degraded';
  if (!parts.ari.reconciled && parts.ari.unreconciledSeconds > RECONCILE_GRACE_SECONDS) return 'degraded';
  if (parts.redis.configured && parts.redis.ok === false) return 'degraded';
  return 'ok';
}

/**
 * Wraps a probe so `redis.ok` says whether Redis answers PING now (the live feed's `redisOk`, or `pingRedisUrl`
 * from api/live/redis.ts), and recomputes `status` from it. `ping` answering null (no Redis in use) leaves the
 * probe's own value.
 */
export function withRedisPing(probe: HealthProbe, ping: () => Promise<boolean | null>): HealthProbe {
  return async () => {
    const report = await probe();
    if (!report.redis.configured) return report;
    let ok: boolean | null;
    try {
      ok = await ping();
    } catch {
      ok = false;
    }
    if (ok === null) return report;
    const redis = { configured: true, ok };
    return { ...report, redis, status: overallStatus({ ari: report.ari, db: report.db, redis, engine: report.engine }) };
  };
}
