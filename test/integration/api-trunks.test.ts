/**
 * Carrier trunks through the API: admins manage them, supervisors read them, others get 403; every bad field is
 * a 422 naming it; reads never return the password; the PJSIP snippet the API renders is the one
 * `asterisk:config --trunk` writes; a trunk a campaign dials through cannot be deleted.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as asteriskConfig } from '../../engine/deploy/asterisk-config-command.js';
import { harness, type Harness } from '../unit/api/harness.js';

let h: Harness;
beforeEach(() => {
  h = harness();
  h.addUser('sup', 'supervisor');
  h.addUser('lead', 'teamlead', 'red');
  h.addUser('ana', 'agent', 'red');
});
afterEach(() => h.close());

const as = async (who: string) => h.bearer(await h.login(who));
type ErrorBody = { error: { code: string; details?: Array<{ field: string; problem: string }> } };

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
    expect(h.store.trunks.get('c')).toMatchObject({ username: null, password: null });
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
});
