import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Store } from '../../engine/store/index.js';
import type { AuthService } from '../auth/service.js';
import { queryDate } from '../calls/dates.js';
import { visibleUserIds } from '../calls/visibility.js';
import type { ApiEnv } from '../http/env.js';
import { ApiError } from '../http/errors.js';
import { jsonResponse, protectedRoute } from '../http/route.js';
import { validationHook } from '../http/validation.js';

const MetricsSchema = z
  .object({
    calls_made: z.number().int(),
    calls_success: z.number().int(),
    calls_failed: z.number().int(),
    total_talk_time: z.number(),
    avg_call_duration: z.number(),
    aht: z.number(),
    success_pct: z.number(),
    time_in_state: z.record(z.string(), z.number()),
  })
  .openapi('UserMetrics');

const me = protectedRoute('metrics.read', {
  method: 'get',
  path: '/api/metrics/me',
  tags: ['metrics'],
  summary: 'Your own metrics, optionally for a date range',
  request: { query: z.strictObject({ from: queryDate('start').optional(), to: queryDate('end').optional() }) },
  responses: { 200: jsonResponse('Metrics', MetricsSchema) },
});

const ofUser = protectedRoute('metrics.read', {
  method: 'get',
  path: '/api/metrics/users/{id}',
  tags: ['metrics'],
  summary: 'A user’s metrics (team leads: their team; supervisors and admins: anyone)',
  request: {
    params: z.strictObject({ id: z.string().min(1).max(64) }),
    query: z.strictObject({ from: queryDate('start').optional(), to: queryDate('end').optional() }),
  },
  responses: { 200: jsonResponse('Metrics', MetricsSchema), 404: { description: 'No such user, or not one you may see' } },
});

export function metricsRoutes({ store, auth }: { store: Store; auth: AuthService }): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.openapi(me, (c) => {
    const q = c.req.valid('query');
    // "to" defaults to now (exclusive, hence +1) so time in agent states is counted up to this moment.
    const m = store.metrics.userMetrics(c.get('principal').userId, { from: q.from, to: q.to ?? auth.now() + 1 });
    return c.json(m, 200);
  });
  app.openapi(ofUser, (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const visible = visibleUserIds(c.get('principal'), auth.users);
    // Same visibility as calls: someone outside your scope looks like nobody.
    if (auth.users.get(id) === undefined || (visible !== undefined && !visible.includes(id))) throw new ApiError(404, 'not_found', `No user ${id}`);
    return c.json(store.metrics.userMetrics(id, { from: q.from, to: q.to ?? auth.now() + 1 }), 200);
  });
  return app;
}
