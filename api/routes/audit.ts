import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AuthService } from '../auth/index.js';
import { type ApiEnv, jsonResponse, protectedRoute, validationHook } from '../http/index.js';

const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: z.number().int(),
    actorId: z.string().nullable(),
    actorKind: z.string(),
    apiKeyId: z.string().nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    details: z.unknown().nullable(),
  })
  .openapi('AuditEntry');

const list = protectedRoute('audit.read', {
  method: 'get',
  path: '/api/audit',
  tags: ['audit'],
  summary: 'The newest audit entries (who changed what, when, from where)',
  request: { query: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) }) },
  responses: { 200: jsonResponse('Entries, newest first', z.object({ items: z.array(AuditEntrySchema) })) },
});

export function auditRoutes(auth: AuthService): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.openapi(list, async (c) => {
    const items = (await auth.audit.list(c.req.valid('query').limit)).map((a) => ({ ...a, details: a.details === null ? null : (JSON.parse(a.details) as unknown) }));
    return c.json({ items }, 200);
  });
  return app;
}
