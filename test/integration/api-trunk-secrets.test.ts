/**
 * Trunk passwords are encrypted at rest (AES-256-GCM, engine/store/secret-box.ts): the database file never holds
 * the plaintext (WAL included), the stored value is `enc:v1:…` bound to its trunk, the PJSIP snippet still carries
 * the right password, a row stored in clear before encryption is sealed when the app starts with a key, no key
 * means no password can be stored (409), a changed key is reported instead of rendering garbage, and the password
 * reaches neither a response nor a log line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../engine/log/index.js';
import { SecretBox } from '../../engine/store/index.js';
import { harness, type Harness } from '../unit/api/harness.js';

const PASSWORD = 'Pl4intext-Trunk-Pw';
let h: Harness | undefined;
afterEach(() => h?.close());

/** Every byte of the database (main file, WAL, journal), as latin1 text to search. */
const dbBytes = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('db.sqlite')).map((f) => readFileSync(join(dir, f)).toString('latin1')).join('\n');

describe('trunk passwords at rest', () => {
  it('the database file never holds the password; the snippet renders it; reads and logs never carry it', async () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) });
    const logger = createLogger('debug', { destination });
    h = harness({ logger });
    const admin = h.bearer(await h.login('admin'));
    const created = await h.json('POST', '/api/trunks', { name: 'carrier', host: 'sip.example.net', username: 'acct-42', password: PASSWORD }, admin);
    expect(created.status).toBe(201);
    expect(JSON.stringify(await created.json())).not.toContain(PASSWORD);
    h.store.sqlite.pragma('wal_checkpoint(TRUNCATE)');

    const stored = h.store.trunks.get('carrier')!.password!;
    expect(stored).toMatch(/^enc:v1:[A-Za-z0-9_-]+$/);
    expect(dbBytes(h.dir)).not.toContain(PASSWORD);
    expect(dbBytes(h.dir)).toContain('enc:v1:');

    const snippet = await (await h.json('GET', '/api/trunks/carrier/pjsip', undefined, admin)).text();
    expect(snippet).toContain(`[carrier-auth]\ntype = auth\nauth_type = userpass\nusername = acct-42\npassword = ${PASSWORD}\n`);
    // A new password replaces it, sealed again; the audit says "changed", never the value.
    expect((await h.json('PATCH', '/api/trunks/carrier', { password: 'An0ther-Trunk-Pw' }, admin)).status).toBe(200);
    expect(await (await h.json('GET', '/api/trunks/carrier/pjsip', undefined, admin)).text()).toContain('password = An0ther-Trunk-Pw\n');
    const update = (await h.app.auth.audit.list()).find((e) => e.action === 'trunk.update')!;
    expect(JSON.stringify(update)).toContain('changed');
    for (const text of [JSON.stringify((await h.app.auth.audit.list())), JSON.stringify(await (await h.json('GET', '/api/trunks', undefined, admin)).json()), lines.join('')]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('An0ther-Trunk-Pw');
    }
  });

  it('a sealed password copied onto another trunk does not open (bound to its row)', () => {
    const box = SecretBox.fromSecret('k'.repeat(40));
    const sealed = box.seal(PASSWORD, 'carrier');
    expect(box.open(sealed, 'carrier')).toBe(PASSWORD);
    expect(() => box.open(sealed, 'other')).toThrow(/does not open/);
    expect(() => SecretBox.fromSecret('j'.repeat(40)).open(sealed, 'carrier')).toThrow(/does not open/);
    expect(box.seal(PASSWORD, 'carrier')).not.toBe(sealed); // a fresh IV every time
  });

  it('a password stored in clear before encryption is sealed when the app starts with a key, and still renders', async () => {
    h = harness({}, (store) => {
      // As migration 0012 left it: the plaintext in the column.
      store.trunks.upsert({ name: 'legacy', host: 'sip.example.net', username: 'acct-1', password: PASSWORD, createdAt: 1, updatedAt: 1 });
      return {};
    });
    expect(h.store.trunks.get('legacy')!.password).toMatch(/^enc:v1:/);
    h.store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    h.store.sqlite.exec('VACUUM');
    expect(dbBytes(h.dir)).not.toContain(PASSWORD);
    const admin = h.bearer(await h.login('admin'));
    expect(await (await h.json('GET', '/api/trunks/legacy/pjsip', undefined, admin)).text()).toContain(`password = ${PASSWORD}\n`);
  });

  it('with no key configured a password cannot be stored (409 names SECRETS_KEY); a trunk without auth can', async () => {
    h = harness({ config: { NODE_ID: 'node-test', JWT_SECRET: undefined, ADMIN_PASSWORD: 'admin-password-for-tests' } });
    const admin = h.bearer(await h.login('admin'));
    const res = await h.json('POST', '/api/trunks', { name: 'carrier', host: 'sip.example.net', username: 'acct-42', password: PASSWORD }, admin);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('SECRETS_KEY');
    expect((await h.json('POST', '/api/trunks', { name: 'open', host: 'sip.example.net' }, admin)).status).toBe(201);
  });

  it('SECRETS_KEY takes precedence over JWT_SECRET; another key reports the password unreadable (409), not garbage', async () => {
    h = harness({ config: { NODE_ID: 'node-test', JWT_SECRET: 'x'.repeat(40), SECRETS_KEY: 's'.repeat(40), ADMIN_PASSWORD: 'admin-password-for-tests' } });
    const admin = h.bearer(await h.login('admin'));
    await h.json('POST', '/api/trunks', { name: 'carrier', host: 'sip.example.net', username: 'acct-42', password: PASSWORD }, admin);
    const stored = h.store.trunks.get('carrier')!.password!;
    expect(SecretBox.fromSecret('s'.repeat(40)).open(stored, 'carrier')).toBe(PASSWORD);
    expect(() => SecretBox.fromSecret('x'.repeat(40)).open(stored, 'carrier')).toThrow();
    h.store.trunks.upsert({ ...h.store.trunks.get('carrier')!, password: SecretBox.fromSecret('z'.repeat(40)).seal(PASSWORD, 'carrier') });
    const res = await h.json('GET', '/api/trunks/carrier/pjsip', undefined, admin);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('secret_unreadable');
  });
});
