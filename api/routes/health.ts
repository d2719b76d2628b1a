import { Hono } from 'hono';
import type { HealthProbe } from '../health/index.js';

/**
 * Liveness and readiness for load balancers and engineers. Public on purpose (no secrets in it): 200 when
 * everything the dialer needs is up, 503 with the same body when degraded.
 */
export function healthRoutes(probe: HealthProbe): Hono {
  const app = new Hono();
  app.get('/health', async (c) => {
    const report = await probe();
    return c.json(report, report.status === 'ok' ? 200 : 503);
  });
  return app;
}
