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
