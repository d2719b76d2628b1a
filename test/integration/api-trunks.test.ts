/**
 * Carrier trunks through the API, on both dialects (#18): admins manage them, supervisors read them, others get 403;
 * every bad field is a 422 naming it; reads never return the password (sealed at rest, the same way on both); the
 * PJSIP snippet the API renders is the one `asterisk:config --trunk` writes, and is what a push sends; a trunk a
 * campaign dials through cannot be deleted. On PostgreSQL every route reads PostgreSQL's trunks, campaigns and
 * agents: the SQLite file holds different ones on purpose, so a route reading the wrong database fails; PostgreSQL
 * only: a change waits for another process's row lock, a clear password is sealed at start, and an app with
 * PostgreSQL trunks over SQLite campaigns refuses to start. Also the phone of an agent of the API's database.
 * ARI is a stand-in accepting dynamic configuration (the tests' real Asterisk has no PJSIP: test/both/trunk-push.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApiApp } from '../../api/index.js';
import { run as asteriskConfig } from '../../engine/deploy/asterisk-config-command.js';
import { agentSorceryObjects, trunkSorceryObjects } from '../../engine/deploy/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { pgTrunkCatalog, SecretBox, type TrunkRow } from '../../engine/store/index.js';
import { standInAri, type StandInAri } from '../support/stand-in-ari.js';
import { until } from '../support/until.js';
import { ADMIN_PASSWORD, describeApiDialects, healthReport, type Harness } from '../unit/api/harness.js';

const JWT_SECRET = 'x'.repeat(40);
/** The harness has no SECRETS_KEY: passwords are sealed under JWT_SECRET, on either database. */
const box = SecretBox.fromSecret(JWT_SECRET);
const TRUNK = { name: 'carrier', host: 'sip.example.net:5060', username: 'acct-42', password: 'Pg-Trunk-Pw-1' };
type ErrorBody = { error: { code: string; message: string; details?: Array<{ field: string; problem: string }> } };

// A stand-in ARI with a writable PJSIP wizard: records what is pushed.
let ari: StandInAri;
beforeAll(async () => {
  ari = await standInAri();
});
afterAll(() => ari?.close());

let h: Harness;
afterEach(() => h?.close());
/** One login per user and test (scrypt per login is slow on a loaded machine). */
let tokens = new Map<string, Record<string, string>>();
const as = async (who: string) => {
  let t = tokens.get(who);
  if (t === undefined) tokens.set(who, (t = h.bearer(await h.login(who))));
  return t;
};
async function error(res: Response, status: number, code: string): Promise<ErrorBody> {
  const body = (await res.json()) as ErrorBody;
  expect({ status: res.status, code: body.error.code }).toEqual({ status, code });
  return body;
}

describeApiDialects('trunk routes', (make, dialect) => {
  const config = () => ({ NODE_ID: 'node-test', JWT_SECRET, ADMIN_PASSWORD, ARI_URL: ari.url, ARI_USERNAME: 'centralita', ARI_PASSWORD: 'ari-secret-0123456789' });
  beforeEach(async () => {
    h = await make({ config: config() });
    tokens = new Map();
    ari.puts.length = 0;
    h.addUser('sup', 'supervisor');
    h.addUser('lead', 'teamlead', 'red');
    h.addUser('ana', 'agent', 'red');
  });
  const send = async (method: string, path: string, who: string, body?: unknown) => h.json(method, path, body, await as(who));
  const trunk = (name: string) => h.db.trunkCatalog.get(name);
  /** On PostgreSQL: the SQLite file's own trunks, never touched. */
  const sqliteTrunkNames = () => h.store.trunks.list().map((t) => t.name);

  describe('trunks API', () => {
    it('admins create, change and delete trunks; reads never carry the password; every change is audited', async () => {
      const admin = await as('admin');
      const created = await h.json('POST', '/api/trunks', { name: 'carrier', host: 'sip.example.net:5060', username: 'acct-42', password: 's3cr3t!pw' }, admin);
      expect(created.status).toBe(201);
      const body = await created.json();
      expect(body).toMatchObject({ name: 'carrier', host: 'sip.example.net:5060', username: 'acct-42', hasPassword: true, dialStringTemplate: 'PJSIP/{e164}@carrier', campaignIds: [] });
      expect(JSON.stringify(body)).not.toContain('s3cr3t');
      expect((await h.json('POST', '/api/trunks', { name: 'carrier', host: 'other.example.net' }, admin)).status).toBe(409);
  
      const list = (await (await h.json('GET', '/api/trunks', undefined, admin)).json()) as { items: Array<{ name: string }> };
      expect(list.items.map((t) => t.name)).toEqual(['carrier']);
      expect(JSON.stringify(list)).not.toContain('s3cr3t');
  
      // Auth removed: both halves at once; then the host changes.
      const noAuth = await h.json('PATCH', '/api/trunks/carrier', { username: null, password: null, host: '203.0.113.7' }, admin);
      expect(noAuth.status).toBe(200);
      expect(await noAuth.json()).toMatchObject({ host: '203.0.113.7', username: null, hasPassword: false });
      expect((await h.json('PATCH', '/api/trunks/nope', { host: 'a.example' }, admin)).status).toBe(404);
  
      expect((await h.json('DELETE', '/api/trunks/carrier', undefined, admin)).status).toBe(200);
      expect((await h.json('GET', '/api/trunks/carrier', undefined, admin)).status).toBe(404);
      const audit = (await h.app.auth.audit.list());
      expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['trunk.create', 'trunk.update', 'trunk.delete']));
      expect(JSON.stringify(audit)).not.toContain('s3cr3t');
    });
  
    it('supervisors read, only admins write or read the config; team leads and agents get 403', async () => {
      const admin = await as('admin');
      await h.json('POST', '/api/trunks', { name: 'carrier', host: 'sip.example.net' }, admin);
      const sup = await as('sup');
      expect((await h.json('GET', '/api/trunks', undefined, sup)).status).toBe(200);
      expect((await h.json('GET', '/api/trunks/carrier', undefined, sup)).status).toBe(200);
      expect((await h.json('GET', '/api/trunks/carrier/pjsip', undefined, sup)).status).toBe(403);
      expect((await h.json('POST', '/api/trunks', { name: 'x', host: 'x.example' }, sup)).status).toBe(403);
      expect((await h.json('PATCH', '/api/trunks/carrier', { host: 'x.example' }, sup)).status).toBe(403);
      expect((await h.json('DELETE', '/api/trunks/carrier', undefined, sup)).status).toBe(403);
      for (const who of ['lead', 'ana']) expect((await h.json('GET', '/api/trunks', undefined, await as(who))).status).toBe(403);
      expect((await h.json('GET', '/api/trunks', undefined)).status).toBe(401);
    });
  
    it('422 names the bad field: name, host, username, password, unknown fields, auth halves', async () => {
      const admin = await as('admin');
      const fieldsOf = async (res: Response) => {
        expect(res.status).toBe(422);
        return ((await res.json()) as ErrorBody).error.details?.map((d) => d.field);
      };
      expect(await fieldsOf(await h.json('POST', '/api/trunks', { name: 'bad name', host: 'sip.example.net' }, admin))).toEqual(['name']);
      expect(await fieldsOf(await h.json('POST', '/api/trunks', { name: 'c', host: 'sip.example.net\n[evil]' }, admin))).toEqual(['host']);
      // A value that would end the line or start a comment in pjsip.conf.
      expect(await fieldsOf(await h.json('POST', '/api/trunks', { name: 'c', host: 'h.example', username: 'u', password: 'pw;x' }, admin))).toEqual(['password']);
      expect(await fieldsOf(await h.json('POST', '/api/trunks', { name: 'c', host: 'h.example', username: 'u u', password: 'pw' }, admin))).toEqual(['username']);
      expect(await fieldsOf(await h.json('POST', '/api/trunks', { name: 'c', host: 'h.example', username: 'u' }, admin))).toEqual(['password']);
      expect(await fieldsOf(await h.json('POST', '/api/trunks', { name: 'c', host: 'h.example', extra: 1 }, admin))).toEqual(['extra']);
      expect(await fieldsOf(await h.json('POST', '/api/trunks', { name: 'c' }, admin))).toEqual(['host']);
      await h.json('POST', '/api/trunks', { name: 'c', host: 'h.example' }, admin);
      expect(await fieldsOf(await h.json('PATCH', '/api/trunks/c', { password: 'only-half' }, admin))).toEqual(['username']);
      expect(await h.db.trunkCatalog.get('c')).toMatchObject({ username: null, password: null });
    });
  
    it('the PJSIP snippet is the one asterisk:config --trunk writes, plus the auth section when the trunk has auth', async () => {
      const admin = await as('admin');
      await h.json('POST', '/api/trunks', { name: 'carrier', host: 'sip.example.net:5060' }, admin);
      const res = await h.json('GET', '/api/trunks/carrier/pjsip', undefined, admin);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const fromApi = await res.text();
  
      const out = mkdtempSync(join(tmpdir(), 'centralita-trunk-cfg-'));
      const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        expect(await asteriskConfig(['--out', out, '--trunk', 'carrier@sip.example.net:5060', '--no-sounds'])).toBe(0);
      } finally {
        write.mockRestore();
      }
      const generated = readFileSync(join(out, 'pjsip_centralita.conf'), 'utf8');
      rmSync(out, { recursive: true, force: true });
      expect(generated.split('; ---- Trunk ----\n')[1]).toBe(fromApi);
  
      await h.json('PATCH', '/api/trunks/carrier', { username: 'acct-42', password: 's3cr3t!pw' }, admin);
      const withAuth = await (await h.json('GET', '/api/trunks/carrier/pjsip', undefined, admin)).text();
      expect(withAuth).toContain('outbound_auth = carrier-auth');
      expect(withAuth).toContain('[carrier-auth]\ntype = auth\nauth_type = userpass\nusername = acct-42\npassword = s3cr3t!pw\n');
    });
  
    it('a trunk a campaign dials through cannot be deleted (409 names the campaigns)', async () => {
      const admin = await as('admin');
      await h.json('POST', '/api/trunks', { name: 'carrier', host: 'sip.example.net' }, admin);
      await h.json('POST', '/api/trunks', { name: 'carrier2', host: 'sip2.example.net' }, admin);
      const camp = await h.json('POST', '/api/campaigns', { name: 'Spring', dialStringTemplate: 'PJSIP/{e164}@carrier' }, admin);
      expect(camp.status, await camp.clone().text()).toBe(201);
      const id = ((await camp.json()) as { id: string }).id;
      expect(await (await h.json('GET', '/api/trunks/carrier', undefined, admin)).json()).toMatchObject({ campaignIds: [id] });
      // carrier2 is not "carrier" followed by more: only whole names count.
      expect(await (await h.json('GET', '/api/trunks/carrier2', undefined, admin)).json()).toMatchObject({ campaignIds: [] });
      const refused = await h.json('DELETE', '/api/trunks/carrier', undefined, admin);
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(id);
      expect((await h.json('DELETE', '/api/trunks/carrier2', undefined, admin)).status).toBe(200);
    });

    it('create, list, detail, change, render, push and delete act on the API database\'s trunks and campaigns (on PostgreSQL never the SQLite file\'s)', async () => {
      const at = h.clock.now();
      await h.db.seed.campaign('k-pg', { dialStringTemplate: 'PJSIP/{e164}@carrier' }, at);
      await h.db.seed.campaign('k-other', { dialStringTemplate: 'PJSIP/{e164}@elsewhere' }, at);
      if (dialect === 'pg') {
        // The SQLite file: a trunk of its own and a campaign naming `carrier` that PostgreSQL does not have.
        h.store.trunks.upsert({ name: 'lite-only', host: 'lite.example.net', username: null, password: null, createdAt: at, updatedAt: at });
        h.store.campaigns.create('k-lite', { name: 'Lite', dialStringTemplate: 'PJSIP/{e164}@carrier' }, at);
      }

      const created = await send('POST', '/api/trunks', 'admin', TRUNK);
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({ name: 'carrier', host: TRUNK.host, username: 'acct-42', hasPassword: true, campaignIds: ['k-pg'] });
      const stored = (await trunk('carrier'))!;
      expect(stored.password).toMatch(/^enc:v1:/);
      expect(box.open(stored.password!, 'carrier')).toBe(TRUNK.password);
      if (dialect === 'pg') expect(sqliteTrunkNames()).toEqual(['lite-only']);

      // A trunk an operator wrote straight into the database shows (on PostgreSQL: SQLite's does not).
      await h.db.trunkCatalog.create({ name: 'elsewhere', host: 'sip.else.net', username: null, password: null, createdAt: at, updatedAt: at });
      const list = (await (await send('GET', '/api/trunks', 'sup')).json()) as { items: Array<{ name: string; campaignIds: string[] }> };
      expect(list.items.map((t) => [t.name, t.campaignIds])).toEqual([
        ['carrier', ['k-pg']],
        ['elsewhere', ['k-other']],
      ]);
      if (dialect === 'pg') await error(await send('GET', '/api/trunks/lite-only', 'sup'), 404, 'not_found');

      expect(await (await send('GET', '/api/trunks/carrier/pjsip', 'admin')).text()).toContain(`password = ${TRUNK.password}\n`);
      const pushed = await send('POST', '/api/trunks/carrier/push', 'admin');
      expect(pushed.status).toBe(200);
      expect(ari.puts.map((p) => p.body)).toEqual(trunkSorceryObjects(TRUNK).map((o) => ({ fields: o.fields })));

      const changed = await send('PATCH', '/api/trunks/carrier', 'admin', { host: 'sip2.example.net', password: 'Pg-Trunk-Pw-2' });
      expect(changed.status).toBe(200);
      const after = (await trunk('carrier'))!;
      expect(after).toMatchObject({ host: 'sip2.example.net', username: 'acct-42', createdAt: stored.createdAt });
      expect(box.open(after.password!, 'carrier')).toBe('Pg-Trunk-Pw-2');
      const entries = (await h.app.auth.audit.list()).filter((e) => e.action.startsWith('trunk.'));
      expect(JSON.parse(entries.find((e) => e.action === 'trunk.update')!.details as string)).toEqual({ host: { from: TRUNK.host, to: 'sip2.example.net' }, password: 'changed' });
      expect(JSON.stringify(entries)).not.toContain('Pg-Trunk-Pw');

      // k-pg dials through carrier: refused, naming it (on PostgreSQL SQLite's k-lite is not named).
      const refused = await error(await send('DELETE', '/api/trunks/carrier', 'admin'), 409, 'conflict');
      expect(refused.error.message).toBe('Campaigns dial through trunk carrier: k-pg');
      for (const k of ['k-pg', 'k-other']) expect((await send('DELETE', `/api/campaigns/${k}`, 'admin')).status).toBe(200);
      expect((await send('DELETE', '/api/trunks/carrier', 'admin')).status).toBe(200);
      expect(await trunk('carrier')).toBeUndefined();
      if (dialect === 'pg') expect(sqliteTrunkNames()).toEqual(['lite-only']);
    });

    it('answers 4xx naming the field, 409 for a name the database has, 404 for one it has not; supervisors read, agents do not', async () => {
      expect((await send('POST', '/api/trunks', 'admin', { name: 'carrier', host: 'sip.example.net' })).status).toBe(201);
      const bad = await error(await send('POST', '/api/trunks', 'admin', { name: 'bad name', host: 'sip.example.net' }), 422, 'validation_failed');
      expect(bad.error.details?.map((d) => d.field)).toEqual(['name']);
      await error(await send('POST', '/api/trunks', 'admin', { name: 'carrier', host: 'other.example.net' }), 409, 'conflict');
      // A username alone on a trunk without auth: refused on the row as it would be, nothing written.
      const half = await error(await send('PATCH', '/api/trunks/carrier', 'admin', { username: 'acct' }), 422, 'validation_failed');
      expect(half.error.details).toEqual([{ field: 'password', problem: 'required with username' }]);
      expect(await trunk('carrier')).toMatchObject({ username: null, password: null });
      await error(await send('PATCH', '/api/trunks/nope', 'admin', { host: 'x.example.net' }), 404, 'not_found');
      await error(await send('DELETE', '/api/trunks/nope', 'admin'), 404, 'not_found');

      expect((await send('GET', '/api/trunks', 'sup')).status).toBe(200);
      await error(await send('POST', '/api/trunks', 'sup', { name: 'x', host: 'x.example.net' }), 403, 'forbidden');
      await error(await send('GET', '/api/trunks/carrier/pjsip', 'sup'), 403, 'forbidden');
      await error(await send('GET', '/api/trunks', 'ana'), 403, 'forbidden');
    });
  });

  if (dialect === 'pg') {
    describe('PostgreSQL only', () => {
      it('a password PostgreSQL still holds in clear is sealed in place when the app starts, and still renders', async () => {
        await h.db.trunkCatalog.create({ name: 'old', host: 'sip.old.net', username: 'u', password: 'Clear-Pw-9', createdAt: h.clock.now(), updatedAt: h.clock.now() });
        await h.app.ready;
        h.close();
        // Another start on the same database (what `npm start` does after an upgrade).
        h = await make({ config: config() }, undefined, { keepRows: true });
        tokens = new Map();
        expect(await (await send('GET', '/api/trunks/old/pjsip', 'admin')).text()).toContain('password = Clear-Pw-9\n'); // the first request waited for the start's sealing
        const sealed = (await trunk('old'))!.password!;
        expect(SecretBox.isSealed(sealed)).toBe(true);
        expect(box.open(sealed, 'old')).toBe('Clear-Pw-9');
      });

      it('a change waits for another process holding the row and lands on what that process wrote', async () => {
        const pool = h.pool!;
        expect((await send('POST', '/api/trunks', 'admin', { name: 'carrier', host: 'sip.example.net' })).status).toBe(201);
        const admin = await as('admin');
        const other = await pool.connect();
        try {
          await other.query('begin');
          await other.query(`select * from trunks where name = 'carrier' for update`);
          await other.query(`update trunks set host = 'sip.by-other.net' where name = 'carrier'`);
          let settled = false;
          const patch = h.json('PATCH', '/api/trunks/carrier', { username: 'acct', password: 'Pw-After-Lock' }, admin).finally(() => (settled = true));
          // The route's transaction is seen waiting for the row lock (PostgreSQL's own view), and has not answered.
          await until(async () => ((await pool.query(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rowCount! > 0 ? true : undefined), 10_000, 20);
          expect(settled).toBe(false);
          await other.query('commit');
          const res = await patch;
          expect(res.status).toBe(200);
          expect(await res.json()).toMatchObject({ host: 'sip.by-other.net', username: 'acct', hasPassword: true });
        } finally {
          other.release();
        }
        const row: TrunkRow = (await trunk('carrier'))!;
        expect(row.host).toBe('sip.by-other.net');
        expect(box.open(row.password!, 'carrier')).toBe('Pw-After-Lock');
      });

      it('refuses to start with PostgreSQL trunks and SQLite campaigns (which campaigns dial through a trunk would be wrong)', () => {
        expect(() =>
          createApiApp({ health: async () => healthReport(), store: h.store, clock: h.clock, logger: silentLogger, config: { NODE_ID: 'n', JWT_SECRET, ADMIN_PASSWORD }, trunkCatalog: pgTrunkCatalog(h.pool!) }),
        ).toThrow('trunkCatalog (postgres) needs a campaignCatalog on the same database (got sqlite)');
      });
    });
  }

  describe('agent phones of the API database', () => {
    it('render and push the phone of the database\'s agent; a bot is a 409 naming endpoint (on PostgreSQL an agent only the SQLite file has is a 404)', async () => {
      const at = h.clock.now();
      await h.db.seed.agent({ id: 'ag-pg', name: 'Ana', endpoint: 'PJSIP/1001', createdAt: at });
      await h.db.seed.agent({ id: 'ag-bot', kind: 'bot', name: 'Bot', endpoint: 'Local/s@bots', createdAt: at });
      if (dialect === 'pg') {
        // The same id in SQLite with another extension, and an agent of SQLite only.
        h.store.agents.upsert({ id: 'ag-pg', kind: 'human', name: 'Ana (lite)', endpoint: 'PJSIP/3003', concurrency: 1, team: null, userId: null, campaignIds: null, nodeId: null, createdAt: at });
        h.store.agents.upsert({ id: 'ag-lite', kind: 'human', name: 'Lite', endpoint: 'PJSIP/2002', concurrency: 1, team: null, userId: null, campaignIds: null, nodeId: null, createdAt: at });
      }

      const cfg = await send('GET', '/api/agents/ag-pg/pjsip', 'admin');
      expect(cfg.status).toBe(200);
      const text = await cfg.text();
      expect(text).toContain('[1001]');
      expect(text).not.toContain('3003');

      const made = await send('POST', '/api/agents/ag-pg/sip-password', 'admin', { push: true });
      expect(made.status).toBe(200);
      const body = (await made.json()) as { extension: string; password: string; push: { pushed: string[]; error: string | null } };
      expect(body.extension).toBe('1001');
      expect(body.push.error).toBeNull();
      expect(ari.puts.map((p) => p.body)).toEqual(agentSorceryObjects({ extension: '1001', password: body.password }).map((o) => ({ fields: o.fields })));

      if (dialect === 'pg') await error(await send('GET', '/api/agents/ag-lite/pjsip', 'admin'), 404, 'not_found');
      const bot = await error(await send('GET', '/api/agents/ag-bot/pjsip', 'admin'), 409, 'not_a_phone');
      expect(bot.error.details?.map((d) => d.field)).toEqual(['endpoint']);
      await error(await send('GET', '/api/agents/ag-pg/pjsip', 'sup'), 403, 'forbidden');
    });
  });
}, { prefix: 'pg_suite_trunks' });
