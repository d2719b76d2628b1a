import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';

/**
 * Counts HTTP requests by method, route pattern (`/api/agents/:id`, never the concrete path, so ids cannot blow up
 * the series) and status, for GET /metrics. Unmatched paths share one `unmatched` route label.
 */
export class HttpRequestCounter {
  private readonly counts = new Map<string, { method: string; route: string; status: number; n: number }>();

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      await next();
      this.record(c.req.method, routeOf(c), c.res.status);
    };
  }

  record(method: string, route: string, status: number): void {
    const key = `${method} ${route} ${status}`;
    const row = this.counts.get(key);
    if (row === undefined) this.counts.set(key, { method, route, status, n: 1 });
    else row.n++;
  }

  snapshot(): Array<{ method: string; route: string; status: number; n: number }> {
    return [...this.counts.values()].map((r) => ({ ...r }));
  }
}

function routeOf(c: Parameters<MiddlewareHandler>[0]): string {
  const routes = matchedRoutes(c);
  // The endpoint that answered, or (when a middleware answered first, e.g. 401) the endpoint the request was for.
  const answered = routes[c.req.routeIndex];
  if (answered !== undefined && answered.method !== 'ALL') return answered.path;
  const endpoint = routes.find((r) => r.method !== 'ALL');
  return endpoint?.path ?? 'unmatched';
}
