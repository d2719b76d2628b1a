import { OpenAPIHono, z } from '@hono/zod-openapi';
import { publicUser, type Store } from '../../engine/store/index.js';
import type { AgentList } from './metrics.js';
import { ACCESS_TTL_SECONDS, ADMIN_USERNAME, PASSWORD_MAX, PASSWORD_MIN, passwordDetail, passwordRefusal, removePasswordFile, verifyPassword, type AuthService } from '../auth/index.js';
import { ApiError, jsonBody, jsonResponse, protectedRoute, validationHook, type ApiEnv } from '../http/index.js';
import { auditFrom } from './audit-context.js';
import { UserSchema } from './users.js';

/**
 * The caller's own account: who am I (and which agent rows are mine, for the agent console), and the password
 * change the generated first admin must make before anything else works (api/auth/middleware.ts).
 */
const tags = ['auth'];

const MeSchema = z
  .object({
    user: UserSchema,
    agents: z.array(z.object({ id: z.string(), name: z.string(), endpoint: z.string(), team: z.string().nullable() })),
    /** The call center's time zone (REPORT_TIME_ZONE): dates typed in the web app are days of this zone. */
    time_zone: z.string(),
  })
  .openapi('Me');

const PasswordBody = z
  .strictObject({
    current_password: z.string().min(1).max(1024),
    /** Length here; the rest of the policy (common, trivial, based on the username) in `passwordProblem`. */
    new_password: z.string().min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`).max(PASSWORD_MAX),
  })
  .openapi('PasswordChangeRequest');

const me = protectedRoute('account.self', {
  method: 'get',
  path: '/api/auth/me',
  tags,
  summary: 'The signed-in user and the agents linked to them',
  responses: { 200: jsonResponse('You', MeSchema) },
});

const password = protectedRoute('account.self', {
  method: 'post',
  path: '/api/auth/password',
  tags,
  summary: 'Change your own password; ends your other sessions and answers fresh tokens for this one',
  request: { body: jsonBody(PasswordBody) },
  responses: {
    200: jsonResponse(
      'Changed',
      z.object({ user: UserSchema, access_token: z.string(), refresh_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int() }),
    ),
  },
});

/**
 * `agents`: where the user's linked agents are read (#18, the agent routes' directory); absent → the SQLite `store`.
 * `initialPasswordFile`: the generated first-admin password's file, deleted once that admin has chosen their own.
 */
export function accountRoutes({ store, auth, timeZone, ...deps }: { store: Store; auth: AuthService; timeZone: string; agents?: AgentList; initialPasswordFile?: string }): OpenAPIHono<ApiEnv> {
  const agentList: AgentList = deps.agents ?? { list: async (f) => store.agents.list(f) };
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });

  app.openapi(me, async (c) => {
    const p = c.get('principal');
    const user = await auth.users.get(p.userId);
    if (user === undefined) throw new ApiError(404, 'not_found', 'No such user');
    const agents = (await agentList.list({ userId: p.userId })).map((a) => ({ id: a.id, name: a.name, endpoint: a.endpoint, team: a.team }));
    return c.json({ user: UserSchema.parse(publicUser(user)), agents, time_zone: timeZone }, 200);
  });

  app.openapi(password, async (c) => {
    const p = c.get('principal');
    if (p.apiKeyId !== null) throw new ApiError(403, 'forbidden', 'Passwords are changed with a session, not an API key');
    const b = c.req.valid('json');
    const user = await auth.users.get(p.userId);
    if (user === undefined) throw new ApiError(404, 'not_found', 'No such user');
    if (!(await verifyPassword(b.current_password, user.passwordHash))) {
      throw new ApiError(422, 'validation_failed', 'The current password is wrong', [{ field: 'current_password', problem: 'is not your current password', code: 'custom', params: { rule: 'current_password_wrong' } }]);
    }
    if (b.new_password === b.current_password) {
      throw new ApiError(422, 'validation_failed', 'The new password must differ', [{ field: 'new_password', problem: 'must differ from the current password', code: 'custom', params: { rule: 'password_unchanged' } }]);
    }
    const refusal = passwordRefusal(b.new_password, { username: user.username });
    if (refusal !== null) {
      throw new ApiError(422, 'validation_failed', `new_password ${refusal.problem}`, [passwordDetail('new_password', refusal)]);
    }
    const at = auth.now();
    await auth.users.update(user.id, { passwordHash: await auth.hashPassword(b.new_password), mustChangePassword: false, at });
    // Every session of the user ends (tokens, sockets); this one continues with new tokens.
    await auth.endUserSessions(user.id);
    const updated = (await auth.users.get(user.id))!;
    const { token, row } = await auth.refresh.issue(user.id, auth.now());
    await auth.audit.record(auditFrom(c, auth, 'user.password_change', 'user', user.id, { password: 'changed', forced: user.mustChangePassword }));
    // The generated password no longer opens anything: its file goes (a failure here must not undo the change).
    if (deps.initialPasswordFile !== undefined && user.username === ADMIN_USERNAME && user.mustChangePassword) {
      try {
        removePasswordFile(deps.initialPasswordFile);
      } catch {
        // Left for the next start's clean-up (ensureAdmin).
      }
    }
    return c.json(
      { user: UserSchema.parse(publicUser(updated)), access_token: auth.accessToken(updated, row.family), refresh_token: token, token_type: 'Bearer' as const, expires_in: ACCESS_TTL_SECONDS },
      200,
    );
  });

  return app;
}
