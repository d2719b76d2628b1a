/**
 * Agent phones through the API: the PJSIP sections the API renders are the ones `asterisk:config --agents` writes
 * for the same extension; a new SIP password is shown once and kept nowhere (not in the store, not in the audit
 * log, not in later reads); admins only; an agent that is no generated phone is a 409 naming `endpoint`. On both
 * dialects (#18): on PostgreSQL the agent is PostgreSQL's, and no table of that database holds the password.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as asteriskConfig } from '../../engine/deploy/asterisk-config-command.js';
import { agentSorceryObjects, SIP_PASSWORD_PLACEHOLDER } from '../../engine/deploy/index.js';
import { ADMIN_PASSWORD, describeApiDialects, type Harness } from '../unit/api/harness.js';

let h: Harness;
afterEach(() => h.close());

function useUsers() {
  h.addUser('sup', 'supervisor');
  h.addUser('lead', 'teamlead', 'red');
  h.addUser('ana', 'agent', 'red');
}

/** One login per user and harness. */
let tokens = new Map<string, Record<string, string>>();
const as = async (who: string) => {
  let t = tokens.get(who);
  if (t === undefined) tokens.set(who, (t = h.bearer(await h.login(who))));
  return t;
};

/** Every row of every table of the API's database, as text (SQLite: the file's bytes, WAL folded in). */
async function everyStoredByte(): Promise<string> {
  if (h.pool === null) {
    h.store.db.$client.pragma('wal_checkpoint(TRUNCATE)');
    return readFileSync(h.store.path).toString('latin1');
  }
  const pool = h.pool;
  const tables = (await pool.query<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`)).rows.map((r) => r.t);
  let all = '';
  for (const t of tables) all += (await pool.query<{ s: string | null }>(`select string_agg(x::text, E'\\n') as s from "${t}" x`)).rows[0]!.s ?? '';
  return all;
}
type Generated = { extension: string; password: string; config: string; push: { pushed: string[]; error: string | null } | null };
type ErrorBody = { error: { code: string; message: string; details?: Array<{ field: string }> } };

/** What `npm run asterisk:config -- --agents <ext>` writes for that one agent, and the password it made up. */
async function generatedFor(extension: string): Promise<{ section: string; password: string }> {
  const out = mkdtempSync(join(tmpdir(), 'centralita-agent-cfg-'));
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    expect(await asteriskConfig(['--out', out, '--agents', extension, '--no-sounds'])).toBe(0);
  } finally {
    write.mockRestore();
  }
  const pjsip = readFileSync(join(out, 'pjsip_centralita.conf'), 'utf8');
  const csv = readFileSync(join(out, 'agents.csv'), 'utf8');
  rmSync(out, { recursive: true, force: true });
  return { section: pjsip.split('; ---- Agents ----\n')[1]!, password: csv.split('\n')[1]!.split(',')[1]! };
}

describeApiDialects('agent phones', (make) => {
  beforeEach(async () => {
    h = await make();
    tokens = new Map();
    useUsers();
    await h.settled();
  });

  describe('agent phones API', () => {
    it('the config is the section asterisk:config --agents writes; the new password is shown once and stored nowhere', async () => {
      const admin = await as('admin');
      expect((await h.json('POST', '/api/agents', { id: 'ag1', name: 'Ana', endpoint: 'PJSIP/1001' }, admin)).status).toBe(201);
      const gen = await generatedFor('1001');
      expect(gen.section).toContain(`password = ${gen.password}\n`);

      const res = await h.json('GET', '/api/agents/ag1/pjsip', undefined, admin);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).toBe(gen.section.replace(`password = ${gen.password}`, `password = ${SIP_PASSWORD_PLACEHOLDER}`));

      const made = await h.json('POST', '/api/agents/ag1/sip-password', {}, admin);
      expect(made.status).toBe(200);
      expect(made.headers.get('cache-control')).toBe('no-store');
      const body = (await made.json()) as Generated;
      expect(body.extension).toBe('1001');
      expect(body.push).toBeNull();
      // The same shape of secret the generator makes (144 random bits, base64url).
      expect(body.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(body.config).toBe(gen.section.replace(`password = ${gen.password}`, `password = ${body.password}`));
      // No body at all (curl -X POST) is the same as {}.
      const bare = await h.app.request('/api/agents/ag1/sip-password', { method: 'POST', headers: admin });
      expect(bare.status).toBe(200);
      const again = (await bare.json()) as Generated;
      expect(again.password).not.toBe(body.password);

      // Kept nowhere: not in a later read of the config, the agent, the audit log or the database file.
      expect(await (await h.json('GET', '/api/agents/ag1/pjsip', undefined, admin)).text()).not.toContain(body.password);
      expect(await (await h.json('GET', '/api/agents/ag1', undefined, admin)).text()).not.toContain(body.password);
      const audit = (await h.app.auth.audit.list());
      expect(audit.filter((e) => e.action === 'agent.sip_password').map((e) => e.targetId)).toEqual(['ag1', 'ag1']);
      expect(audit.map((e) => e.action)).toContain('agent.phone_config');
      expect(JSON.stringify(audit)).not.toContain(body.password);
      expect(JSON.stringify(audit)).not.toContain(again.password);
      const stored = await everyStoredByte();
      expect(stored.includes('agent.sip_password')).toBe(true); // the database read is the one written
      expect(stored.includes(body.password)).toBe(false);
      expect(stored.includes(again.password)).toBe(false);
    });

    it('admins only: supervisors, team leads and agents get 403, anonymous 401', async () => {
      const admin = await as('admin');
      await h.json('POST', '/api/agents', { id: 'ag1', name: 'Ana', endpoint: 'PJSIP/1001', team: 'red' }, admin);
      for (const who of ['sup', 'lead', 'ana']) {
        const tok = await as(who);
        expect((await h.json('GET', '/api/agents/ag1/pjsip', undefined, tok)).status, who).toBe(403);
        expect((await h.json('POST', '/api/agents/ag1/sip-password', {}, tok)).status, who).toBe(403);
      }
      expect((await h.json('GET', '/api/agents/ag1/pjsip', undefined)).status).toBe(401);
      expect((await h.app.auth.audit.list()).filter((e) => e.action === 'agent.sip_password')).toEqual([]);
    });

    it('404 for an unknown agent; 409 naming endpoint for a bot or an endpoint the generator has no template for', async () => {
      const admin = await as('admin');
      expect((await h.json('GET', '/api/agents/nope/pjsip', undefined, admin)).status).toBe(404);
      expect((await h.json('POST', '/api/agents/nope/sip-password', {}, admin)).status).toBe(404);
      await h.json('POST', '/api/agents', { id: 'named', name: 'Named', endpoint: 'PJSIP/agent101' }, admin);
      await h.json('POST', '/api/agents', { id: 'sipped', name: 'Old', endpoint: 'SIP/1002' }, admin);
      await h.json('POST', '/api/agents', { id: 'bot', kind: 'bot', name: 'Bot', endpoint: 'Local/1003@bots' }, admin);
      for (const id of ['named', 'sipped', 'bot']) {
        for (const [method, path] of [['GET', `/api/agents/${id}/pjsip`], ['POST', `/api/agents/${id}/sip-password`]] as const) {
          const res = await h.json(method, path, method === 'POST' ? {} : undefined, admin);
          expect(res.status, `${method} ${path}`).toBe(409);
          const err = ((await res.json()) as { error: { code: string; details: Array<{ field: string }> } }).error;
          expect(err.code).toBe('not_a_phone');
          expect(err.details.map((d) => d.field)).toEqual(['endpoint']);
        }
      }
    });

    it('422 names the bad body field; push with no Asterisk configured is a 409 and makes no password', async () => {
      const admin = await as('admin');
      await h.json('POST', '/api/agents', { id: 'ag1', name: 'Ana', endpoint: 'PJSIP/1001' }, admin);
      for (const [body, field] of [[{ push: 'yes' }, 'push'], [{ extra: 1 }, 'extra']] as const) {
        const res = await h.json('POST', '/api/agents/ag1/sip-password', body, admin);
        expect(res.status).toBe(422);
        expect(((await res.json()) as ErrorBody).error.details?.map((d) => d.field)).toEqual([field]);
      }
      const res = await h.json('POST', '/api/agents/ag1/sip-password', { push: true }, admin);
      expect(res.status).toBe(409);
      expect(((await res.json()) as ErrorBody).error.code).toBe('no_asterisk');
      expect((await h.app.auth.audit.list()).filter((e) => e.action === 'agent.sip_password')).toEqual([]);
      expect((await h.json('POST', '/api/agents/ag1/sip-password', { push: false }, admin)).status).toBe(200);
    });
  });

  describe('agent phone pushed live to an Asterisk with a writable PJSIP wizard (stand-in: the bundled Asterisk has no PJSIP)', () => {
    let server: Server;
    let url = '';
    const puts: Array<{ path: string; body: unknown }> = [];
    let refuse: string | null = null;
    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          const path = req.url ?? '';
          if (req.method !== 'PUT' || !path.startsWith('/ari/asterisk/config/dynamic/')) return void res.writeHead(404).end();
          if (refuse !== null && path.includes(refuse)) {
            return void res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Could not create or update object' }));
          }
          puts.push({ path, body: JSON.parse(body) });
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify((JSON.parse(body) as { fields: unknown }).fields));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    const withAri = async () => {
      h.close();
      tokens = new Map();
      h = await make({ config: { NODE_ID: 'node-test', JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD, ARI_URL: url, ARI_USERNAME: 'centralita', ARI_PASSWORD: 'ari-secret-0123456789' } });
      useUsers();
      const admin = await as('admin');
      expect((await h.json('POST', '/api/agents', { id: 'ag1', name: 'Ana', endpoint: 'PJSIP/1001' }, admin)).status).toBe(201);
      return admin;
    };

    it('auth, aor and endpoint go out in order with the new password and the config file fields', async () => {
      puts.length = 0;
      refuse = null;
      const admin = await withAri();
      const res = await h.json('POST', '/api/agents/ag1/sip-password', { push: true }, admin);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Generated;
      expect(body.push).toEqual({ pushed: ['auth/1001-auth', 'aor/1001', 'endpoint/1001'], error: null });
      const objects = agentSorceryObjects({ extension: '1001', password: body.password });
      expect(puts.map((p) => p.path)).toEqual(objects.map((o) => `/ari/asterisk/config/dynamic/${o.configClass}/${o.type}/${o.id}`));
      expect(puts.map((p) => p.body)).toEqual(objects.map((o) => ({ fields: o.fields })));
      const audit = JSON.stringify((await h.app.auth.audit.list()).filter((e) => e.action === 'agent.sip_password'));
      expect(audit).toContain('endpoint/1001');
      expect(audit).not.toContain(body.password);
    });

    it('refused half-way: still 200 with the password (the new auth may be live), what was pushed and the fix', async () => {
      puts.length = 0;
      refuse = '/endpoint/';
      const admin = await withAri();
      const res = await h.json('POST', '/api/agents/ag1/sip-password', { push: true }, admin);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Generated;
      expect(body.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(body.push!.pushed).toEqual(['auth/1001-auth', 'aor/1001']);
      expect(body.push!.error).toContain('Asterisk refused endpoint 1001 (HTTP 403: Could not create or update object)');
      expect(body.push!.error).toContain('sorcery.conf');
    });
  });
}, { prefix: 'pg_suite_phones' });
