/**
 * Carrier trunks through the API (issue #12: trunks managed through the API and the web app, matching the
 * generated config). A trunk here is what `npm run asterisk:config -- --trunk name@host` takes, plus the auth the
 * carrier may want; `GET /api/trunks/{name}/pjsip` renders the PJSIP snippet with the generator's own
 * `renderTrunk`, to `#include` on the box (engine/deploy). Admins manage trunks (the password goes into Asterisk's
 * config); supervisors read them to write dial strings. Reads never return the password. Passwords are stored
 * sealed (AES-256-GCM, engine/store/secret-box.ts, key SECRETS_KEY or JWT_SECRET) and opened only to render or
 * push the PJSIP config; with no key configured a password cannot be stored (409 no_secrets_key).
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { pushTrunk, renderTrunk, TrunkPushError, TRUNK_HOST, TRUNK_NAME, TRUNK_SECRET, type AriTarget } from '../../engine/deploy/index.js';
import type { ConfigPushPort } from '../../engine/cluster/index.js';
import { openStored, type CampaignCatalog, type SecretBox, type TrunkCatalog, type TrunkRow } from '../../engine/store/index.js';
import type { AuthService } from '../auth/index.js';
import { type ApiEnv, ApiError, jsonBody, jsonResponse, patternRule, protectedRoute, validationHook } from '../http/index.js';
import { auditFrom } from './audit-context.js';

const tags = ['trunks'];
const name = z.string().regex(TRUNK_NAME, patternRule(TRUNK_NAME, 'trunk_name', '1–40 letters, digits, "_" or "-" (the PJSIP endpoint name)'));
const host = z.string().max(253).regex(TRUNK_HOST, patternRule(TRUNK_HOST, 'trunk_host', 'a host name or IPv4 address, with an optional :port'));
const secret = z.string().regex(TRUNK_SECRET, patternRule(TRUNK_SECRET, 'trunk_secret', '1–128 printable characters, no spaces and no ";"'));
const NameParam = z.strictObject({ name: z.string().min(1).max(40) });

const TrunkSchema = z
  .object({
    name: z.string(),
    host: z.string(),
    username: z.string().nullable(),
    /** Whether a password is stored (it is never returned). */
    hasPassword: z.boolean(),
    /** The dial-string template a campaign uses to call through this trunk. */
    dialStringTemplate: z.string(),
    /** Campaigns whose dial string names this trunk. */
    campaignIds: z.array(z.string()),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi('Trunk');

/** Auth needs both halves: a user without a password (or the reverse) would render a broken auth section. */
const bothOrNeither = (b: { username?: string | null | undefined; password?: string | null | undefined }, ctx: z.RefinementCtx) => {
  if (b.username && !b.password) ctx.addIssue({ code: 'custom', path: ['password'], message: 'required with username', params: { rule: 'required_with_username' } });
  if (b.password && !b.username) ctx.addIssue({ code: 'custom', path: ['username'], message: 'required with password', params: { rule: 'required_with_password' } });
};
const CreateTrunk = z.strictObject({ name, host, username: secret.nullable().optional(), password: secret.nullable().optional() }).superRefine(bothOrNeither).openapi('CreateTrunk');
const UpdateTrunk = z.strictObject({ host: host.optional(), username: secret.nullable().optional(), password: secret.nullable().optional() }).openapi('UpdateTrunk');

const notFound = { description: 'No such trunk' };
const list = protectedRoute('trunks.read', {
  method: 'get',
  path: '/api/trunks',
  tags,
  summary: 'Carrier trunks (never their passwords)',
  responses: { 200: jsonResponse('Trunks', z.object({ items: z.array(TrunkSchema) })) },
});
const get = protectedRoute('trunks.read', {
  method: 'get',
  path: '/api/trunks/{name}',
  tags,
  summary: 'One trunk',
  request: { params: NameParam },
  responses: { 200: jsonResponse('The trunk', TrunkSchema), 404: notFound },
});
const create = protectedRoute('trunks.manage', {
  method: 'post',
  path: '/api/trunks',
  tags,
  summary: 'Add a trunk',
  request: { body: jsonBody(CreateTrunk) },
  responses: { 201: jsonResponse('Created', TrunkSchema), 409: { description: 'Name taken' } },
});
const update = protectedRoute('trunks.manage', {
  method: 'patch',
  path: '/api/trunks/{name}',
  tags,
  summary: 'Change a trunk’s host or auth (null removes the auth)',
  request: { params: NameParam, body: jsonBody(UpdateTrunk) },
  responses: { 200: jsonResponse('The trunk', TrunkSchema), 404: notFound },
});
const remove = protectedRoute('trunks.manage', {
  method: 'delete',
  path: '/api/trunks/{name}',
  tags,
  summary: 'Delete a trunk no campaign dials through',
  request: { params: NameParam },
  responses: {
    200: jsonResponse('Deleted', z.object({ message: z.string(), name: z.string() })),
    404: notFound,
    409: { description: 'Campaigns dial through it (named in the message)' },
  },
});
const pjsip = protectedRoute('trunks.manage', {
  method: 'get',
  path: '/api/trunks/{name}/pjsip',
  tags,
  summary: 'The trunk’s PJSIP snippet (with its password), as `asterisk:config --trunk` writes it',
  request: { params: NameParam },
  responses: { 200: { description: 'pjsip.conf sections to #include', content: { 'text/plain': { schema: z.string() } } }, 404: notFound },
});

/** What one other node's Asterisk took (several nodes, #18); `error` null when it took every object. */
const NodePush = z.object({ node: z.string(), pushed: z.array(z.string()), error: z.string().nullable() }).openapi('NodePush');

const push = protectedRoute('trunks.manage', {
  method: 'post',
  path: '/api/trunks/{name}/push',
  tags,
  summary: 'Push the trunk live to Asterisk through ARI dynamic configuration (until Asterisk restarts; the file snippet stays the lasting copy)',
  request: { params: NameParam },
  responses: {
    200: jsonResponse(
      "Objects created or updated in this node's Asterisk, in order; with several nodes, `nodes`: what each other running node's Asterisk took",
      z.object({ pushed: z.array(z.string()), nodes: z.array(NodePush).optional() }),
    ),
    404: notFound,
    409: { description: 'No Asterisk configured (the embedded PBX) and no other node running: nothing to push to' },
    502: { description: 'Asterisk refused or did not answer; the message says what to fix' },
  },
});

export interface TrunkRouteDeps {
  /** Where trunks are read and written (#18): the SQLite store's or PostgreSQL's. */
  trunks: TrunkCatalog;
  /** Where the campaigns dialling through a trunk are found: the same database as `trunks`. */
  campaigns: Pick<CampaignCatalog, 'list'>;
  auth: AuthService;
  /** The Asterisk the product talks to (ARI_URL and credentials); null on the embedded PBX. */
  ari?: AriTarget | null;
  /** Seals passwords before they are stored and opens them to render or push the config; null: none can be stored. */
  secrets?: SecretBox | null;
  /** Several nodes (#18): a push also reaches every other running node's Asterisk, each node's outcome in `nodes`. */
  nodes?: ConfigPushPort;
}

export const trunkDialString = (trunkName: string) => `PJSIP/{e164}@${trunkName}`;

export function trunkRoutes({ trunks, campaigns, auth, ari = null, secrets = null, nodes }: TrunkRouteDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });

  /** Campaigns whose dial-string template sends calls to `@name` (the end of the template or before a "/"). */
  const usedBy = (trunkName: string, all: ReadonlyArray<{ id: string; dialStringTemplate: string }>): string[] => {
    const re = new RegExp(`@${trunkName}(?![A-Za-z0-9_-])`);
    return all.filter((c) => re.test(c.dialStringTemplate)).map((c) => c.id);
  };
  /** The campaigns are read once per answer, however many trunks it lists. */
  const outAll = async (ts: TrunkRow[]) => {
    const all = await campaigns.list();
    return ts.map((t) =>
      TrunkSchema.parse({
        name: t.name,
        host: t.host,
        username: t.username,
        hasPassword: t.password !== null,
        dialStringTemplate: trunkDialString(t.name),
        campaignIds: usedBy(t.name, all),
        createdAt: t.createdAt,
        updatedAt: t.updatedAt,
      }),
    );
  };
  const out = async (t: TrunkRow) => (await outAll([t]))[0]!;
  /** A password as stored: sealed to its trunk (secret-box.ts); refused when no key is configured. */
  const seal = (password: string | null, trunk: string): string | null => {
    if (password === null) return null;
    if (secrets === null) throw new ApiError(409, 'no_secrets_key', 'Trunk passwords are stored encrypted and no key is configured: set SECRETS_KEY (or JWT_SECRET)');
    return secrets.seal(password, trunk);
  };
  /** The clear password, only to render or push the PJSIP config. */
  const clearPassword = (t: TrunkRow): string | null => {
    if (t.password === null) return null;
    // A plaintext left from before encryption still renders; a sealed one needs the key.
    const opened = openStored(secrets, t.password, t.name);
    if ('clear' in opened) return opened.clear;
    if (opened.problem === 'no_key') throw new ApiError(409, 'no_secrets_key', `Trunk ${t.name}'s password is encrypted and no key is configured: set SECRETS_KEY (or JWT_SECRET)`);
    throw new ApiError(409, 'secret_unreadable', `Trunk ${t.name}'s password does not open with the configured key (SECRETS_KEY changed?): enter it again`);
  };
  /** What renderTrunk / pushTrunk take. */
  const target = (t: TrunkRow) => {
    const password = clearPassword(t);
    return { name: t.name, host: t.host, ...(t.username !== null && { username: t.username }), ...(password !== null && { password }) };
  };
  const mustGet = async (n: string): Promise<TrunkRow> => {
    const t = await trunks.get(n);
    if (t === undefined) throw new ApiError(404, 'not_found', `No trunk ${n}`);
    return t;
  };

  app.openapi(list, async (c) => c.json({ items: await outAll(await trunks.list()) }, 200));
  app.openapi(get, async (c) => c.json(await out(await mustGet(c.req.valid('param').name)), 200));

  app.openapi(create, async (c) => {
    const b = c.req.valid('json');
    const taken = () => new ApiError(409, 'conflict', `Trunk ${b.name} exists`);
    if ((await trunks.get(b.name)) !== undefined) throw taken();
    const at = auth.now();
    // Another API process may take the name between the check and the insert: the insert itself says so.
    const row = await trunks.create({ name: b.name, host: b.host, username: b.username ?? null, password: seal(b.password ?? null, b.name), createdAt: at, updatedAt: at });
    if (row === undefined) throw taken();
    await auth.audit.record(auditFrom(c, auth, 'trunk.create', 'trunk', row.name, { host: row.host, auth: row.username !== null }));
    return c.json(await out(row), 201);
  });

  app.openapi(update, async (c) => {
    const { name: n } = c.req.valid('param');
    const b = c.req.valid('json');
    const at = auth.now();
    // Applied to the row as stored when written (locked on PostgreSQL): a refusal thrown here writes nothing.
    const changed = await trunks.update(n, (before) => {
      const next: TrunkRow = {
        ...before,
        ...(b.host !== undefined && { host: b.host }),
        ...(b.username !== undefined && { username: b.username }),
        ...(b.password !== undefined && { password: seal(b.password, n) }),
        updatedAt: at,
      };
      // The same rule as on create, on the row as it would be.
      const details = [
        ...(next.username !== null && next.password === null ? [{ field: 'password', problem: 'required with username' }] : []),
        ...(next.password !== null && next.username === null ? [{ field: 'username', problem: 'required with password' }] : []),
      ];
      if (details.length > 0) throw new ApiError(422, 'validation_failed', `Invalid body: ${details.map((d) => `${d.field} ${d.problem}`).join('; ')}`, details);
      return next;
    });
    if (changed === undefined) throw new ApiError(404, 'not_found', `No trunk ${n}`);
    const { before, after: row } = changed;
    const changes: Record<string, unknown> = {};
    if (before.host !== row.host) changes['host'] = { from: before.host, to: row.host };
    if (before.username !== row.username) changes['username'] = { from: before.username, to: row.username };
    // Sealed values differ on every write (a fresh IV): compare what was given, never log it.
    if (b.password !== undefined && (b.password === null ? before.password !== null : before.password === null || clearPassword(before) !== b.password)) changes['password'] = 'changed';
    await auth.audit.record(auditFrom(c, auth, 'trunk.update', 'trunk', n, changes));
    return c.json(await out(row), 200);
  });

  app.openapi(remove, async (c) => {
    const { name: n } = c.req.valid('param');
    await mustGet(n);
    const users = usedBy(n, await campaigns.list());
    if (users.length > 0) throw new ApiError(409, 'conflict', `Campaigns dial through trunk ${n}: ${users.join(', ')}`);
    if (!(await trunks.remove(n))) throw new ApiError(404, 'not_found', `No trunk ${n}`);
    await auth.audit.record(auditFrom(c, auth, 'trunk.delete', 'trunk', n));
    return c.json({ message: 'Trunk deleted', name: n }, 200);
  });

  app.openapi(pjsip, async (c) => {
    const t = await mustGet(c.req.valid('param').name);
    await auth.audit.record(auditFrom(c, auth, 'trunk.config', 'trunk', t.name));
    const text = renderTrunk(target(t));
    return c.text(text, 200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  });

  app.openapi(push, async (c) => {
    const t = await mustGet(c.req.valid('param').name);
    // The other nodes push the row as stored, at the same time as this one pushes to its own Asterisk.
    const others = nodes?.trunk(t.name);
    const spec = ari === null ? null : target(t);
    let pushed: string[] = [];
    let refused: TrunkPushError | null = null;
    if (ari !== null && spec !== null) {
      try {
        pushed = await pushTrunk(ari, spec);
      } catch (err) {
        if (!(err instanceof TrunkPushError)) throw err;
        refused = err;
      }
    }
    const perNode = others === undefined ? undefined : await others;
    const nodesPart = perNode === undefined ? {} : { nodes: perNode };
    if (ari === null && (perNode === undefined || perNode.length === 0)) {
      throw new ApiError(409, 'no_asterisk', 'No Asterisk is configured (ARI_URL unset: the embedded PBX has no PJSIP); add the PJSIP config snippet to your Asterisk instead');
    }
    if (refused !== null) {
      await auth.audit.record(auditFrom(c, auth, 'trunk.push', 'trunk', t.name, { failed: refused.asterisk, pushed: refused.pushed, ...nodesPart }));
      throw new ApiError(502, 'asterisk_refused', refused.message);
    }
    await auth.audit.record(auditFrom(c, auth, 'trunk.push', 'trunk', t.name, { pushed, ...nodesPart }));
    return c.json({ pushed, ...nodesPart }, 200);
  });

  return app;
}
