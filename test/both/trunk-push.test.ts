/**
 * Pushing a trunk live through ARI dynamic configuration (`POST /api/trunks/{name}/push`):
 * - against the real Asterisk 22.10.1 of the tests, which has no PJSIP: Asterisk's own refusal ("configClass
 *   'res_pjsip' not found") comes back as 502 saying to load the PJSIP modules or use the config snippet;
 * - against a stand-in for an Asterisk whose sorcery.conf gives res_pjsip a writable wizard (the bundle has no PJSIP
 *   to try it on): the objects go out in order with the config file's fields, and a refusal half-way says what
 *   was pushed and what to fix;
 * - on the embedded PBX (no ARI_URL) there is nothing to push to: 409.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { trunkSorceryObjects } from '../../engine/deploy/index.js';
import { ADMIN_PASSWORD, harness, type Harness } from '../unit/api/harness.js';
import { startRealAsterisk, type RealAsterisk } from '../support/real-asterisk.js';

const TRUNK = { name: 'carrier', host: 'sip.example.net:5060', username: 'acct-42', password: 's3cr3t!pw' };
let h: Harness | undefined;
afterEach(() => h?.close());

async function withTrunk(ari: { url: string; username: string; password: string } | null): Promise<{ h: Harness; admin: Record<string, string> }> {
  h = harness({
    config: {
      NODE_ID: 'node-test',
      JWT_SECRET: 'x'.repeat(40),
      ADMIN_PASSWORD,
      ...(ari ? { ARI_URL: ari.url, ARI_USERNAME: ari.username, ARI_PASSWORD: ari.password } : {}),
    },
  });
  const admin = h.bearer(await h.login('admin'));
  expect((await h.json('POST', '/api/trunks', TRUNK, admin)).status).toBe(201);
  return { h, admin };
}
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe('trunk push on the real Asterisk 22.10.1 (no PJSIP in the bundle)', () => {
  let asterisk: RealAsterisk;
  beforeAll(async () => {
    asterisk = await startRealAsterisk({ name: 'trunkpush' });
  }, 90_000);
  afterAll(async () => asterisk?.close());

  it("502 with Asterisk's refusal and the fix: load the PJSIP modules or use the config snippet", async () => {
    const { h, admin } = await withTrunk(asterisk);
    const res = await h.json('POST', '/api/trunks/carrier/push', undefined, admin);
    expect(res.status).toBe(502);
    const e = await errorOf(res);
    expect(e.code).toBe('asterisk_refused');
    expect(e.message).toContain("configClass 'res_pjsip' not found");
    expect(e.message).toContain('load res_pjsip.so');
    expect(e.message).toContain('config file snippet');
  });
});

describe('trunk push against an Asterisk with a writable PJSIP wizard (stand-in)', () => {
  let server: Server;
  let url = '';
  const puts: Array<{ path: string; body: unknown; auth: string | undefined }> = [];
  let refuse: string | null = null;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const path = req.url ?? '';
        if (req.method !== 'PUT' || !path.startsWith('/ari/asterisk/config/dynamic/')) {
          res.writeHead(404).end();
          return;
        }
        if (refuse !== null && path.includes(refuse)) {
          // What Asterisk answers when the object type's wizards are all read-only.
          res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Could not create or update object' }));
          return;
        }
        puts.push({ path, body: JSON.parse(body), auth: req.headers.authorization });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify((JSON.parse(body) as { fields: unknown }).fields));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('creates auth, aor, endpoint and identify in that order, with the fields of the config file', async () => {
    puts.length = 0;
    refuse = null;
    const { h, admin } = await withTrunk({ url, username: 'centralita', password: 'ari-secret-0123456789' });
    const res = await h.json('POST', '/api/trunks/carrier/push', undefined, admin);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ pushed: ['auth/carrier-auth', 'aor/carrier', 'endpoint/carrier', 'identify/carrier-identify'] });
    const objects = trunkSorceryObjects(TRUNK);
    expect(puts.map((p) => p.path)).toEqual(objects.map((o) => `/ari/asterisk/config/dynamic/${o.configClass}/${o.type}/${o.id}`));
    expect(puts.map((p) => p.body)).toEqual(objects.map((o) => ({ fields: o.fields })));
    expect(puts.every((p) => p.auth === `Basic ${Buffer.from('centralita:ari-secret-0123456789').toString('base64')}`)).toBe(true);
    // Audited without the password.
    const audit = JSON.stringify((await h.app.auth.audit.list()).filter((a) => a.action === 'trunk.push'));
    expect(audit).toContain('endpoint/carrier');
    expect(audit).not.toContain('s3cr3t');
  });

  it('a refusal half-way: 502 naming the object, what was pushed, and the sorcery.conf fix', async () => {
    puts.length = 0;
    refuse = '/endpoint/';
    const { h, admin } = await withTrunk({ url, username: 'centralita', password: 'ari-secret-0123456789' });
    const res = await h.json('POST', '/api/trunks/carrier/push', undefined, admin);
    expect(res.status).toBe(502);
    const e = await errorOf(res);
    expect(e.message).toContain('Asterisk refused endpoint carrier (HTTP 403: Could not create or update object)');
    expect(e.message).toContain('sorcery.conf');
    expect(puts.map((p) => p.path.split('/').slice(-2).join('/'))).toEqual(['auth/carrier-auth', 'aor/carrier']);
  });
});

describe('trunk push on the embedded PBX', () => {
  it('409: there is no Asterisk to push to', async () => {
    const { h, admin } = await withTrunk(null);
    const res = await h.json('POST', '/api/trunks/carrier/push', undefined, admin);
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe('no_asterisk');
  });
});
