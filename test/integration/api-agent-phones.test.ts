/**
 * Agent phones through the API: the PJSIP sections the API renders are the ones `asterisk:config --agents` writes
 * for the same extension; a new SIP password is shown once and kept nowhere (not in the store, not in the audit
 * log, not in later reads); admins only; an agent that is no generated phone is a 409 naming `endpoint`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as asteriskConfig } from '../../engine/deploy/asterisk-config-command.js';
import { SIP_PASSWORD_PLACEHOLDER } from '../../engine/deploy/index.js';
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
type Generated = { extension: string; password: string; config: string };

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

    const made = await h.json('POST', '/api/agents/ag1/sip-password', undefined, admin);
    expect(made.status).toBe(200);
    expect(made.headers.get('cache-control')).toBe('no-store');
    const body = (await made.json()) as Generated;
    expect(body.extension).toBe('1001');
    // The same shape of secret the generator makes (144 random bits, base64url).
    expect(body.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(body.config).toBe(gen.section.replace(`password = ${gen.password}`, `password = ${body.password}`));
    const again = (await (await h.json('POST', '/api/agents/ag1/sip-password', undefined, admin)).json()) as Generated;
    expect(again.password).not.toBe(body.password);

    // Kept nowhere: not in a later read of the config, the agent, the audit log or the database file.
    expect(await (await h.json('GET', '/api/agents/ag1/pjsip', undefined, admin)).text()).not.toContain(body.password);
    expect(await (await h.json('GET', '/api/agents/ag1', undefined, admin)).text()).not.toContain(body.password);
    const audit = h.app.auth.audit.list();
    expect(audit.filter((e) => e.action === 'agent.sip_password').map((e) => e.targetId)).toEqual(['ag1', 'ag1']);
    expect(audit.map((e) => e.action)).toContain('agent.phone_config');
    expect(JSON.stringify(audit)).not.toContain(body.password);
    expect(JSON.stringify(audit)).not.toContain(again.password);
    h.store.db.$client.pragma('wal_checkpoint(TRUNCATE)');
    const dbFile = readFileSync(h.store.path);
    expect(dbFile.includes(Buffer.from('agent.sip_password'))).toBe(true); // the file read is the one written
    expect(dbFile.includes(Buffer.from(body.password))).toBe(false);
  });

  it('admins only: supervisors, team leads and agents get 403, anonymous 401', async () => {
    const admin = await as('admin');
    await h.json('POST', '/api/agents', { id: 'ag1', name: 'Ana', endpoint: 'PJSIP/1001', team: 'red' }, admin);
    for (const who of ['sup', 'lead', 'ana']) {
      const tok = await as(who);
      expect((await h.json('GET', '/api/agents/ag1/pjsip', undefined, tok)).status, who).toBe(403);
      expect((await h.json('POST', '/api/agents/ag1/sip-password', undefined, tok)).status, who).toBe(403);
    }
    expect((await h.json('GET', '/api/agents/ag1/pjsip', undefined)).status).toBe(401);
    expect(h.app.auth.audit.list().filter((e) => e.action === 'agent.sip_password')).toEqual([]);
  });

  it('404 for an unknown agent; 409 naming endpoint for a bot or an endpoint the generator has no template for', async () => {
    const admin = await as('admin');
    expect((await h.json('GET', '/api/agents/nope/pjsip', undefined, admin)).status).toBe(404);
    expect((await h.json('POST', '/api/agents/nope/sip-password', undefined, admin)).status).toBe(404);
    await h.json('POST', '/api/agents', { id: 'named', name: 'Named', endpoint: 'PJSIP/agent101' }, admin);
    await h.json('POST', '/api/agents', { id: 'sipped', name: 'Old', endpoint: 'SIP/1002' }, admin);
    await h.json('POST', '/api/agents', { id: 'bot', kind: 'bot', name: 'Bot', endpoint: 'Local/1003@bots' }, admin);
    for (const id of ['named', 'sipped', 'bot']) {
      for (const [method, path] of [['GET', `/api/agents/${id}/pjsip`], ['POST', `/api/agents/${id}/sip-password`]] as const) {
        const res = await h.json(method, path, undefined, admin);
        expect(res.status, `${method} ${path}`).toBe(409);
        const err = ((await res.json()) as { error: { code: string; details: Array<{ field: string }> } }).error;
        expect(err.code).toBe('not_a_phone');
        expect(err.details.map((d) => d.field)).toEqual(['endpoint']);
      }
    }
  });
});
