import { OpenAPIHono, z } from '@hono/zod-openapi';
import { ROLES, publicUser } from '../../engine/store/index.js';
import { PASSWORD_MAX, PASSWORD_MIN, passwordDetail, passwordRefusal, type AuthService } from '../auth/index.js';
import { type ApiEnv, ApiError, jsonBody, jsonResponse, patternRule, protectedRoute, validationHook } from '../http/index.js';
import { auditFrom } from './audit-context.js';

export const UserSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    role: z.enum(ROLES),
    team: z.string().nullable(),
    active: z.boolean(),
    /** Must replace a generated password before anything else works. */
    mustChangePassword: z.boolean(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi('User');

const NAME_CHARS = /^[A-Za-z0-9_.@-]+$/;
const username = z.string().trim().min(1).max(64).regex(NAME_CHARS, patternRule(NAME_CHARS, 'name_chars', 'may hold only letters, digits, "_", ".", "@" and "-"'));
/** Length here; the rest of the policy (common, trivial, based on the username) in `passwordProblem`. */
const password = z.string().min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`).max(PASSWORD_MAX);
const team = z.string().trim().min(1).max(64).nullable();

const CreateUser = z
  .strictObject({ username, password, role: z.enum(ROLES), team: team.optional() })
  .superRefine((u, ctx) => {
    const r = passwordRefusal(u.password, { username: u.username });
    if (r !== null) ctx.addIssue({ code: 'custom', path: ['password'], message: r.problem, params: { ...r.params, rule: r.rule } });
  })
  .openapi('CreateUser');
const UpdateUser = z
  .strictObject({ password: password.optional(), role: z.enum(ROLES).optional(), team: team.optional(), active: z.boolean().optional() })
  .openapi('UpdateUser');
const IdParam = z.strictObject({ id: z.string().min(1).max(64) });
const tags = ['users'];

const list = protectedRoute('users.manage', {
  method: 'get',
  path: '/api/users',
  tags,
  summary: 'All users',
  responses: { 200: jsonResponse('Users', z.object({ items: z.array(UserSchema) })) },
});
const create = protectedRoute('users.manage', {
  method: 'post',
  path: '/api/users',
  tags,
  summary: 'Create a user',
  request: { body: jsonBody(CreateUser) },
  responses: { 201: jsonResponse('Created', UserSchema), 409: { description: 'Username taken' } },
});
const get = protectedRoute('users.manage', {
  method: 'get',
  path: '/api/users/{id}',
  tags,
  summary: 'One user',
  request: { params: IdParam },
  responses: { 200: jsonResponse('The user', UserSchema), 404: { description: 'No such user' } },
});
const update = protectedRoute('users.manage', {
  method: 'patch',
  path: '/api/users/{id}',
  tags,
  summary: 'Change password, role, team or active flag (a password change or deactivation ends the user’s sessions)',
  request: { params: IdParam, body: jsonBody(UpdateUser) },
  responses: { 200: jsonResponse('The user', UserSchema), 404: { description: 'No such user' } },
});
const remove = protectedRoute('users.manage', {
  method: 'delete',
  path: '/api/users/{id}',
  tags,
  summary: 'Delete a user (not yourself)',
  request: { params: IdParam },
  responses: { 200: jsonResponse('Deleted', z.object({ message: z.string(), id: z.string() })), 404: { description: 'No such user' } },
});

export function userRoutes(auth: AuthService): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  const out = (u: Parameters<typeof publicUser>[0]) => UserSchema.parse(publicUser(u));
  const mustGet = async (id: string) => {
    const u = await auth.users.get(id);
    if (u === undefined) throw new ApiError(404, 'not_found', `No user ${id}`);
    return u;
  };

  app.openapi(list, async (c) => c.json({ items: (await auth.users.list()).map(out) }, 200));

  app.openapi(create, async (c) => {
    const b = c.req.valid('json');
    if ((await auth.users.byUsername(b.username)) !== undefined) throw new ApiError(409, 'conflict', `Username ${b.username} is taken`);
    const u = await auth.users.create({ username: b.username, passwordHash: await auth.hashPassword(b.password), role: b.role, team: b.team ?? null, at: auth.now() });
    await auth.audit.record(auditFrom(c, auth, 'user.create', 'user', u.id, { username: u.username, role: u.role, team: u.team }));
    return c.json(out(u), 201);
  });

  app.openapi(get, async (c) => c.json(out(await mustGet(c.req.valid('param').id)), 200));

  app.openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    const before = await mustGet(id);
    const b = c.req.valid('json');
    const me = c.get('principal');
    if (id === me.userId && (b.active === false || (b.role !== undefined && b.role !== 'admin'))) {
      // An admin locking themselves out would leave nobody able to undo it.
      throw new ApiError(409, 'conflict', 'You may not deactivate or demote yourself');
    }
    if (b.password !== undefined) {
      const r = passwordRefusal(b.password, { username: before.username });
      if (r !== null) throw new ApiError(422, 'validation_failed', `Invalid json: password ${r.problem}`, [passwordDetail('password', r)]);
    }
    const at = auth.now();
    const patch = { at, ...(b.role !== undefined && { role: b.role }), ...(b.team !== undefined && { team: b.team }), ...(b.active !== undefined && { active: b.active }) };
    const u = (await auth.users.update(id, b.password === undefined ? patch : { ...patch, passwordHash: await auth.hashPassword(b.password) }))!;
    // Sessions, access tokens and live sockets end now (not when the tokens expire); a role or team change makes the
    // user's sockets reconnect into the rooms of the new role.
    if (b.password !== undefined || b.active === false) await auth.endUserSessions(id);
    else if (u.role !== before.role || u.team !== before.team) auth.userChanged(id);
    const changes: Record<string, unknown> = {};
    if (b.role !== undefined) changes.role = { from: before.role, to: u.role };
    if (b.team !== undefined) changes.team = { from: before.team, to: u.team };
    if (b.active !== undefined) changes.active = { from: before.active, to: u.active };
    if (b.password !== undefined) changes.password = 'changed';
    await auth.audit.record(auditFrom(c, auth, 'user.update', 'user', id, changes));
    return c.json(out(u), 200);
  });

  app.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    if (id === c.get('principal').userId) throw new ApiError(409, 'conflict', 'You may not delete yourself');
    const u = await mustGet(id);
    await auth.endUserSessions(id);
    await auth.users.delete(id);
    await auth.audit.record(auditFrom(c, auth, 'user.delete', 'user', id, { username: u.username }));
    return c.json({ message: 'User deleted', id }, 200);
  });

  return app;
}
