import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../api/app.js';
import { describeApiDialects, type Harness } from '../unit/api/harness.js';

/** Hostile and careless input: every case answers a clear 4xx in the one error shape and writes nothing; on both dialects (#18). */
describeApiDialects('bad input', (harness) => {
  let h: Harness;
  let admin: Record<string, string>;

  type ErrorBody = { error: { code: string; message: string; details?: Array<{ field: string; problem: string; code?: string; params?: Record<string, unknown> }> } };

  // Counted where the app writes them (the compat calls are the manual-call port's, users the auth store's).
  const counts = async () => ({ calls: (await h.db.read.rows('callLogs')).length, users: (await h.db.read.rows('users')).length });

  beforeEach(async () => {
    h = await harness();
    admin = h.bearer(await h.login('admin'));
  });
  afterEach(() => h.close());

  async function expectRejected(res: Response, status: number, code: string): Promise<ErrorBody> {
    expect(res.status).toBe(status);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    return body;
  }

  describe('every route', () => {
    it('malformed JSON → 400 malformed_json, nothing written', async () => {
      const before = await counts();
      await expectRejected(await h.json('POST', '/api/calls/start', '{"contact_id": 1, "contact_phone": ', admin), 400, 'malformed_json');
      await expectRejected(await h.json('POST', '/api/users', '{username:"x"}', admin), 400, 'malformed_json');
      expect(await counts()).toEqual(before);
    });

    it('wrong types → 422 naming each field and its problem', async () => {
      const before = await counts();
      const body = await expectRejected(await h.json('POST', '/api/calls/start', { contact_id: true, contact_phone: 600111222 }, admin), 422, 'validation_failed');
      expect(body.error.details!.map((d) => d.field).sort()).toEqual(['contact_id', 'contact_phone']);
      expect(body.error.details!.every((d) => d.problem.length > 0)).toBe(true);
      const q = await expectRejected(await h.app.request('/api/calls?limit=lots', { headers: admin }), 422, 'validation_failed');
      expect(q.error.details![0]!.field).toBe('limit');
      expect(await counts()).toEqual(before);
    });

    it('unknown fields → 422 naming the field (strict objects), in bodies and queries', async () => {
      const before = await counts();
      const body = await expectRejected(
        await h.json('POST', '/api/users', { username: 'eve', password: 'long-enough-password', role: 'agent', is_admin: true }, admin),
        422,
        'validation_failed',
      );
      expect(body.error.details).toMatchObject([{ field: 'is_admin', problem: 'is not a known field' }]);
      const q = await expectRejected(await h.app.request('/api/calls/log?usr_id=1', { headers: admin }), 422, 'validation_failed');
      expect(q.error.details).toMatchObject([{ field: 'usr_id', problem: 'is not a known field' }]);
      expect(await counts()).toEqual(before);
    });

    it('each 422 detail carries the zod issue code and its parameters beside the English problem (for clients that localize)', async () => {
      const users = await expectRejected(await h.json('POST', '/api/users', { username: '', password: 'long-enough-password', role: 'boss', shoe: 1 }, admin), 422, 'validation_failed');
      const byField = Object.fromEntries(/* last detail per field */ users.error.details!.map((d) => [d.field, d]));
      // An empty username fails two checks; the first one (what the web shows next to the field) is the length.
      expect(users.error.details!.find((d) => d.field === 'username')).toMatchObject({ code: 'too_small', params: { origin: 'string', minimum: 1, inclusive: true } });
      expect(users.error.details!.find((d) => d.field === 'username')!.problem).toMatch(/>=1 characters/);
      expect(byField['role']).toMatchObject({ code: 'invalid_value', params: { values: ['agent', 'teamlead', 'supervisor', 'admin'] } });
      expect(byField['shoe']).toEqual({ field: 'shoe', problem: 'is not a known field', code: 'unrecognized_keys', params: {} });
      // The refused input is never echoed back in params (a password, a huge string).
      expect(JSON.stringify(users.error.details)).not.toContain('long-enough-password');

      const agents = await expectRejected(await h.json('POST', '/api/agents', { name: 'Ana', endpoint: 'PJSIP/ana', concurrency: 5000 }, admin), 422, 'validation_failed');
      expect(agents.error.details).toEqual([
        { field: 'concurrency', problem: expect.any(String), code: 'too_big', params: { origin: 'number', maximum: 1000, inclusive: true } },
      ]);
      const typed = await expectRejected(await h.json('POST', '/api/agents', { name: 'Ana', endpoint: 'PJSIP/ana', concurrency: 'two' }, admin), 422, 'validation_failed');
      expect(typed.error.details).toMatchObject([{ field: 'concurrency', code: 'invalid_type', params: { expected: 'number', received: 'string' } }]);
      // A field left out says so (the web words it "Required" / "Obligatorio").
      const missing = await expectRejected(await h.json('POST', '/api/agents', { endpoint: 'PJSIP/ana' }, admin), 422, 'validation_failed');
      expect(missing.error.details).toMatchObject([{ field: 'name', code: 'invalid_type', params: { expected: 'string', received: 'undefined' } }]);
    });

    it('rules whose English the schema author wrote are named in params.rule (pattern hints and refines)', async () => {
      const trunk = await expectRejected(await h.json('POST', '/api/trunks', { name: 'carrier one', host: 'sip.example.net', username: 'acct' }, admin), 422, 'validation_failed');
      expect(trunk.error.details).toEqual([
        { field: 'name', problem: '1–40 letters, digits, "_" or "-" (the PJSIP endpoint name)', code: 'invalid_format', params: { origin: 'string', format: 'regex', rule: 'trunk_name' } },
        { field: 'password', problem: 'required with username', code: 'custom', params: { rule: 'required_with_username' } },
      ]);
      // The same pattern with other words (a scorecard item id) is its own rule.
      const card = await expectRejected(
        await h.json('POST', '/api/qa/scorecards', { name: 'Card', criteria: [{ id: 'a b', label: 'Greets', type: 'yesno', weight: 1 }] }, admin),
        422,
        'validation_failed',
      );
      expect(card.error.details).toMatchObject([{ field: 'criteria.0.id', code: 'invalid_format', params: { rule: 'criterion_id' } }]);
    });

    it('missing body or non-JSON content type → 4xx, not a silent empty object', async () => {
      const before = await counts();
      await expectRejected(await h.app.request('/api/calls/start', { method: 'POST', headers: admin }), 422, 'validation_failed');
      const res = await h.app.request('/api/calls/start', { method: 'POST', headers: { ...admin, 'content-type': 'text/plain' }, body: 'contact_id=1' });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(await counts()).toEqual(before);
    });

    it('huge body → 413, nothing written', async () => {
      const before = await counts();
      const notes = 'x'.repeat(MAX_BODY_BYTES + 1);
      await expectRejected(await h.json('POST', '/api/calls/start', { contact_id: 1, contact_phone: '600111222', notes }, admin), 413, 'payload_too_large');
      expect(await counts()).toEqual(before);
    });

    it('SQL-looking strings are refused where they cannot be valid and stored verbatim (inert) where text is allowed', async () => {
      const before = await counts();
      const inj = "600'; DROP TABLE call_logs; --";
      const body = await expectRejected(await h.json('POST', '/api/calls/start', { contact_id: 1, contact_phone: inj }, admin), 422, 'validation_failed');
      expect(body.error.details![0]!.field).toBe('contact_phone');
      await expectRejected(await h.app.request(`/api/calls/log?user_id=${encodeURIComponent("1' OR '1'='1")}&start_date=${encodeURIComponent("2026-01-01' --")}`, { headers: admin }), 422, 'validation_failed');
      await expectRejected(await h.json('POST', '/api/users', { username: "x' OR 1=1 --", password: 'long-enough-password', role: 'agent' }, admin), 422, 'validation_failed');
      expect(await counts()).toEqual(before);

      // In free text it is just text: bound parameters, never spliced into SQL.
      const start = (await (await h.json('POST', '/api/calls/start', { contact_id: "1; DELETE FROM users", contact_phone: '600111222' }, admin)).json()) as { call_id: string };
      const end = await h.json('POST', '/api/calls/end', { call_id: start.call_id, status: 'COMPLETED', notes: inj }, admin);
      expect(end.status).toBe(200);
      expect(await h.db.callLogs.get(start.call_id)).toMatchObject({ notes: inj, leadId: '1; DELETE FROM users' });
      expect(await counts()).toEqual({ calls: before.calls + 1, users: before.users });
      // And a user_id filter full of quotes simply matches nobody.
      const res = await h.app.request(`/api/calls?user_id=${encodeURIComponent("' OR 1=1 --")}`, { headers: admin });
      expect(((await res.json()) as { total: number }).total).toBe(0);
    });
  });
}, { prefix: 'apipg_bad_input' });
