import { OpenAPIHono, z } from '@hono/zod-openapi';
import { ACCESS_TTL_SECONDS, type AuthService } from '../auth/index.js';
import { publicApiKey, publicUser } from '../../engine/store/index.js';
import { clientIp, type ApiEnv, ApiError, jsonBody, jsonResponse, protectedRoute, publicRoute, validationHook } from '../http/index.js';
import { UserSchema } from './users.js';
import { auditFrom } from './audit-context.js';

const TokensSchema = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().openapi({ description: 'Seconds until the access token expires' }),
  })
  .openapi('Tokens');

const LoginBody = z.strictObject({ username: z.string().min(1).max(100), password: z.string().min(1).max(1024) }).openapi('LoginRequest');
const RefreshBody = z.strictObject({ refresh_token: z.string().min(1).max(200) }).openapi('RefreshRequest');

const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    user_id: z.string(),
    created_at: z.number().int(),
    last_used_at: z.number().int().nullable(),
    revoked_at: z.number().int().nullable(),
  })
  .openapi('ApiKey');
const ApiKeyCreatedSchema = ApiKeySchema.extend({ key: z.string().openapi({ description: 'The key itself. Shown once, never again.' }) }).openapi('ApiKeyCreated');
const IdParam = z.strictObject({ id: z.string().min(1).max(64) });

const login = publicRoute({
  method: 'post',
  path: '/api/auth/login',
  tags: ['auth'],
  summary: 'Log in with username and password',
  request: { body: jsonBody(LoginBody) },
  responses: { 200: jsonResponse('Tokens and the user', TokensSchema.extend({ user: UserSchema })), 401: { description: 'Wrong username or password' }, 429: { description: 'Throttled: too many failures for this account from this address (growing delay), or too many attempts from this address; see Retry-After' } },
});
const refresh = publicRoute({
  method: 'post',
  path: '/api/auth/refresh',
  tags: ['auth'],
  summary: 'Trade a refresh token for new tokens (the old one stops working)',
  request: { body: jsonBody(RefreshBody) },
  responses: { 200: jsonResponse('New tokens', TokensSchema), 401: { description: 'Unknown, expired or reused token' } },
});
const logout = protectedRoute('session.logout', {
  method: 'post',
  path: '/api/auth/logout',
  tags: ['auth'],
  summary: 'Revoke a refresh token (and its rotations)',
  request: { body: jsonBody(RefreshBody) },
  responses: { 200: jsonResponse('Logged out', z.object({ message: z.string() })) },
});
const createKey = protectedRoute('apikeys.manage', {
  method: 'post',
  path: '/api/auth/api-keys',
  tags: ['auth'],
  summary: 'Create an API key for yourself (the key is in this answer only)',
  request: { body: jsonBody(z.strictObject({ name: z.string().trim().min(1).max(100) })) },
  responses: { 201: jsonResponse('The new key', ApiKeyCreatedSchema) },
});
const listKeys = protectedRoute('apikeys.manage', {
  method: 'get',
  path: '/api/auth/api-keys',
  tags: ['auth'],
  summary: 'Your API keys (without the keys themselves)',
  responses: { 200: jsonResponse('Keys', z.object({ items: z.array(ApiKeySchema) })) },
});
const revokeKey = protectedRoute('apikeys.manage', {
  method: 'delete',
  path: '/api/auth/api-keys/{id}',
  tags: ['auth'],
  summary: 'Revoke one of your API keys (admins: anyone’s)',
  request: { params: IdParam },
  responses: { 200: jsonResponse('Revoked', z.object({ message: z.string(), id: z.string() })), 404: { description: 'No such live key of yours' } },
});

function keyOut(k: ReturnType<typeof publicApiKey>) {
  return { id: k.id, name: k.name, prefix: k.prefix, user_id: k.userId, created_at: k.createdAt, last_used_at: k.lastUsedAt, revoked_at: k.revokedAt };
}

export function authRoutes(auth: AuthService): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });

  app.openapi(login, async (c) => {
    const { username, password } = c.req.valid('json');
    const ip = clientIp(c);
    const r = await auth.login(username, password, ip);
    if (!r.ok) {
      await auth.audit.record({ at: auth.now(), actorId: null, actorKind: 'anonymous', action: 'auth.login_failed', ip, details: { username, reason: r.reason } });
      if (r.reason === 'invalid') throw new ApiError(401, 'invalid_credentials', 'Wrong username or password');
      const retry = { 'Retry-After': String(r.retryAfterSeconds ?? 60) };
      throw new ApiError(
        429,
        r.reason,
        r.reason === 'throttled' ? `Too many failed logins for this account from this address; try again in ${retry['Retry-After']} s` : 'Too many login attempts from this address',
        undefined,
        retry,
      );
    }
    await auth.audit.record({ at: auth.now(), actorId: r.user.id, actorKind: 'user', action: 'auth.login', targetType: 'user', targetId: r.user.id, ip });
    return c.json(
      { access_token: r.accessToken, refresh_token: r.refreshToken, token_type: 'Bearer' as const, expires_in: r.expiresIn, user: UserSchema.parse(publicUser(r.user)) },
      200,
    );
  });

  app.openapi(refresh, async (c) => {
    const { refresh_token } = c.req.valid('json');
    const r = await auth.rotateRefresh(refresh_token);
    if (!r.ok) {
      if (r.reason === 'reused') await auth.audit.record({ at: auth.now(), actorId: null, actorKind: 'anonymous', action: 'auth.refresh_reused', ip: clientIp(c) });
      throw new ApiError(401, 'invalid_refresh_token', 'Refresh token is unknown, expired or already used');
    }
    const user = await auth.users.get(r.userId);
    if (user === undefined || !user.active) throw new ApiError(401, 'invalid_refresh_token', 'User is no longer active');
    return c.json({ access_token: auth.accessToken(user, r.family), refresh_token: r.token, token_type: 'Bearer' as const, expires_in: ACCESS_TTL_SECONDS }, 200);
  });

  app.openapi(logout, async (c) => {
    const me = c.get('principal');
    const { refresh_token } = c.req.valid('json');
    // The session ends now: its access tokens are refused and its sockets disconnected (AuthService.logout).
    if (await auth.logout(refresh_token, me.userId)) await auth.audit.record(auditFrom(c, auth, 'auth.logout', 'user', me.userId));
    return c.json({ message: 'Logged out' }, 200);
  });

  app.openapi(createKey, async (c) => {
    const me = c.get('principal');
    const { name } = c.req.valid('json');
    const { row, key } = await auth.apiKeys.create(me.userId, name, auth.now());
    await auth.audit.record(auditFrom(c, auth, 'apikey.create', 'api_key', row.id, { name, prefix: row.prefix }));
    return c.json({ ...keyOut(publicApiKey(row)), key }, 201);
  });

  app.openapi(listKeys, async (c) => {
    const me = c.get('principal');
    return c.json({ items: (await auth.apiKeys.listForUser(me.userId)).map((k) => keyOut(publicApiKey(k))) }, 200);
  });

  app.openapi(revokeKey, async (c) => {
    const me = c.get('principal');
    const { id } = c.req.valid('param');
    const row = await auth.apiKeys.get(id);
    if (row === undefined || (row.userId !== me.userId && me.role !== 'admin') || !(await auth.revokeApiKey(id))) {
      throw new ApiError(404, 'not_found', `No live API key ${id}`);
    }
    await auth.audit.record(auditFrom(c, auth, 'apikey.revoke', 'api_key', id, { owner: row.userId }));
    return c.json({ message: 'API key revoked', id }, 200);
  });

  return app;
}
