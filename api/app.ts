import { Hono } from 'hono';
import type { HealthProbe } from './health.js';
import { healthRoutes } from './routes/health.js';

export interface ApiDeps {
  health: HealthProbe;
}

/** The HTTP application. Resource routes (with auth and roles) mount here as they land. */
export function createApiApp(deps: ApiDeps): Hono {
  const app = new Hono();
  app.route('/', healthRoutes(deps.health));
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((err, c) => c.json({ error: { code: 'internal', message: err.message } }, 500));
  return app;
}
