/**
 * An agent phone pushed live (`POST /api/agents/{id}/sip-password` with `push: true`) against the real Asterisk
 * 22.10.1 of the tests, which has no PJSIP: Asterisk's own refusal comes back beside the new password (200), with
 * the fix; nothing was pushed. The successful push is tested on a stand-in in test/integration/api-agent-phones.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, harness, type Harness } from '../unit/api/harness.js';
import { startRealAsterisk, type RealAsterisk } from '../support/real-asterisk.js';

let h: Harness | undefined;
afterEach(() => h?.close());

describe('agent phone push on the real Asterisk 22.10.1 (no PJSIP in the bundle)', () => {
  let asterisk: RealAsterisk;
  beforeAll(async () => {
    asterisk = await startRealAsterisk({ name: 'agentpush' });
  }, 90_000);
  afterAll(async () => asterisk?.close());

  it("200 with the password, nothing pushed, and Asterisk's refusal with the fix", async () => {
    h = harness({ config: { NODE_ID: 'node-test', JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD, ARI_URL: asterisk.url, ARI_USERNAME: asterisk.username, ARI_PASSWORD: asterisk.password } });
    const admin = h.bearer(await h.login('admin'));
    expect((await h.json('POST', '/api/agents', { id: 'ag1', name: 'Ana', endpoint: 'PJSIP/1001' }, admin)).status).toBe(201);
    const res = await h.json('POST', '/api/agents/ag1/sip-password', { push: true }, admin);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { password: string; push: { pushed: string[]; error: string | null } };
    expect(body.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(body.push.pushed).toEqual([]);
    expect(body.push.error).toContain("configClass 'res_pjsip' not found");
    expect(body.push.error).toContain('load res_pjsip.so');
  });
});
