/**
 * Campaign settings through the API (#10 item 7): every nested settings object is checked with the schema the
 * engine loads it with — AMD parameters included, so `{"amd":{"foo":1}}` is refused naming `amd.foo` instead of
 * being stored and bricking the next start — and a body nested 5,000 deep answers 4xx, never 500.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jsonTooDeep } from '../../api/http/index.js';
import { api, expectError, type Api } from '../support/leads-api.js';
import { describeApiDialects } from '../unit/api/harness.js';

/** On both dialects (#18): the campaigns are the campaign catalog's (PostgreSQL's with `pgApiPorts`). */
describeApiDialects('campaign settings', (make) => {
  let t: Api;
  afterEach(() => t?.close());

  /** JSON text of an object nested `depth` deep ({"a":{"a":…1…}}), built as text: JSON.stringify itself overflows. */
  const deep = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  /** A JSON body with `fields` given as raw JSON texts. */
  const body = (fields: Record<string, string>): string => `{${Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;

  describe('campaign settings are validated with the engine’s own schemas', () => {
    it('AMD parameters: unknown fields and bad values are 422 naming amd.<field>, on create and on patch; good ones are stored as given', async () => {
      t = await api({}, { make });
      const sup = t.as.supervisor;
      const unknown = await expectError(await t.send('POST', '/api/campaigns', { name: 'x', amd: { foo: 1 } }, sup), 422, 'validation_failed');
      expect(unknown.error.details).toMatchObject([{ field: 'amd.foo', problem: 'is not a known field' }]);
      expect(unknown.error.message).toBe('Invalid json: amd.foo is not a known field');
      const bad = await expectError(await t.send('POST', '/api/campaigns', { name: 'x', amd: { mode: 'app_amd', greeting: 0 } }, sup), 422, 'validation_failed');
      expect(bad.error.details!.map((d) => d.field)).toEqual(['amd.greeting']);
      const mode = await expectError(await t.send('POST', '/api/campaigns', { name: 'x', amd: { mode: 'fast' } }, sup), 422, 'validation_failed');
      expect(mode.error.details!.map((d) => d.field)).toEqual(['amd.mode']);
      expect(await t.db.campaignCatalog.list()).toEqual([]);

      const ok = await t.send('POST', '/api/campaigns', { name: 'x', amd: { mode: 'app_amd', greeting: 1200 } }, sup);
      expect(ok.status).toBe(201);
      const c = (await ok.json()) as { id: string; amd: unknown };
      expect(c.amd).toEqual({ mode: 'app_amd', greeting: 1200 });

      const patched = await expectError(await t.send('PATCH', `/api/campaigns/${c.id}`, { amd: { greeting: 1000, foo: 2 } }, sup), 422, 'validation_failed');
      expect(patched.error.details).toMatchObject([{ field: 'amd.foo', problem: 'is not a known field' }]);
      expect((await t.db.campaignCatalog.get(c.id))!.amd).toEqual({ mode: 'app_amd', greeting: 1200 });
    });

    it('every nested settings object: unknown keys in callingHours and retryDelays are named', async () => {
      t = await api({}, { make });
      const sup = t.as.supervisor;
      const hours = await expectError(
        await t.send('POST', '/api/campaigns', { name: 'x', callingHours: { start: '08:00', end: '20:00', tz: 'UTC' } }, sup),
        422,
        'validation_failed',
      );
      expect(hours.error.details).toMatchObject([{ field: 'callingHours.tz', problem: 'is not a known field' }]);
      const retry = await expectError(await t.send('POST', '/api/campaigns', { name: 'x', retryDelays: { SOMETIMES: 5 } }, sup), 422, 'validation_failed');
      expect(retry.error.details!.map((d) => d.field)).toEqual(['retryDelays.SOMETIMES']);
    });

    it('a 5,000-deep JSON object in any field answers 422 naming the field, never 500', async () => {
      t = await api({}, { make });
      const sup = t.as.supervisor;
      for (const field of ['amd', 'retryDelays', 'callingHours', 'name', 'weekdays']) {
        const res = await t.send('POST', '/api/campaigns', body({ name: '"x"', [field]: deep(5000) }), sup);
        const answer = await expectError(res, 422, 'validation_failed');
        expect(answer.error.details![0]!.field.startsWith(field)).toBe(true);
        expect(answer.error.details![0]!.problem).toBe('is nested deeper than 32 levels');
      }
      const id = 'c1';
      await t.db.seed.campaign(id, {}, t.clock.now());
      const patch = await expectError(await t.send('PATCH', `/api/campaigns/${id}`, body({ amd: deep(5000) }), sup), 422, 'validation_failed');
      expect(patch.error.details![0]!.field).toBe('amd.a.a.a…');
      // Any JSON route: the same guard runs before the body is parsed.
      const user = await t.send('POST', '/api/users', body({ username: '"x"', password: '"pppppppppppp"', role: '"agent"', team: deep(5000) }), t.as.admin);
      expect(user.status).toBe(422);
      // Arrays nest too; brackets inside strings do not count.
      expect(jsonTooDeep(JSON.stringify({ a: [[[[1]]]] }), 4)).toEqual({ path: 'a.0.0.0' });
      expect(jsonTooDeep(JSON.stringify({ a: '[[[[[[{{{{{{' }), 2)).toBeNull();
      expect(jsonTooDeep(JSON.stringify({ 'we"ird': { b: {} } }), 2)).toEqual({ path: 'we"ird.b' });
      // A normal body still goes through.
      expect((await t.send('POST', '/api/campaigns', { name: 'ok', amd: { greeting: 1500 } }, sup)).status).toBe(201);
    });
  });
}, { prefix: 'apipg_campaign_settings' });
