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
  };
  db: { ok: boolean; path: string };
  redis: { configured: boolean; ok: boolean | null };
  media: { activeSessions: number } | null;
  calls: { active: number } | null;
}

export type HealthProbe = () => HealthReport | Promise<HealthReport>;

/** Degraded when anything the dialer needs is down; callers decide the HTTP status from it. */
export function overallStatus(parts: Pick<HealthReport, 'ari' | 'db' | 'redis'>): HealthReport['status'] {
  if (!parts.ari.connected || !parts.db.ok) return 'degraded';
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
    return { ...report, redis, status: overallStatus({ ari: report.ari, db: report.db, redis }) };
  };
}
