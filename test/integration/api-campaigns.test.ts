import { afterEach, describe, expect, it } from 'vitest';
import { ControlError } from '../../engine/control/types.js';
import { api, expectError, type Api } from '../support/leads-api.js';
import { describeApiDialects } from '../unit/api/harness.js';

/**
 * /api/campaigns: CRUD, validation and roles on both dialects (#18); the lifecycle through EngineControl (absent →
 * 503) on SQLite, where the API's own engine runs the campaigns. On PostgreSQL there is no local engine: a command is
 * stored in the row and published to the nodes over Redis (api-campaigns-pg.test.ts).
 */
let t: Api;
afterEach(() => t.close());

type Campaign = {
  id: string;
  name: string;
  state: string;
  dialMode: string;
  ringTimeoutS: number;
  maxConcurrent: number;
  updatedAt: number;
  callingHours: { start: string; end: string };
  leads?: Record<string, number>;
};

describeApiDialects('campaign CRUD', (make, dialect) => {
  /** The SQLite file's campaigns: on PostgreSQL the routes write none there. */
  const sqliteCampaigns = () => (t.store.sqlite.prepare('select count(*) as n from campaigns').get() as { n: number }).n;

  it('supervisors create, read, change and delete; team leads only read; agents nothing', async () => {
    t = await api({}, { make });
    const created = await t.send('POST', '/api/campaigns', { name: 'Ventas', dialMode: 'power', dialRatio: 2 }, t.as.supervisor);
    expect(created.status).toBe(201);
    const c = (await created.json()) as Campaign;
    // Settings validated and defaults filled by engine/campaigns/settings.ts.
    expect(c).toMatchObject({ name: 'Ventas', state: 'draft', dialMode: 'power', ringTimeoutS: 25, callingHours: { start: '08:00', end: '21:00' } });

    expect((await t.send('POST', '/api/campaigns', { name: 'x' }, t.as.teamlead)).status).toBe(403);
    expect((await t.send('POST', '/api/campaigns', { name: 'x' }, t.as.agent)).status).toBe(403);
    expect((await t.get('/api/campaigns', t.as.agent)).status).toBe(403);
    expect((await t.get(`/api/campaigns/${c.id}`, t.as.agent)).status).toBe(403);

    const listed = (await (await t.get('/api/campaigns', t.as.teamlead)).json()) as { items: Campaign[] };
    expect(listed.items.map((x) => x.id)).toEqual([c.id]);
    expect(((await (await t.get('/api/campaigns?state=running', t.as.teamlead)).json()) as { items: Campaign[] }).items).toEqual([]);

    await t.addLeads(c.id, [{ i: 1 }, { i: 2 }]);
    const detail = (await (await t.get(`/api/campaigns/${c.id}`, t.as.teamlead)).json()) as Campaign;
    expect(detail.leads).toEqual({ no_selected: 2 });

    expect((await t.send('PATCH', `/api/campaigns/${c.id}`, { ringTimeoutS: 40 }, t.as.teamlead)).status).toBe(403);
    for (const cmd of ['start', 'pause', 'stop']) expect((await t.send('POST', `/api/campaigns/${c.id}/${cmd}`, undefined, t.as.teamlead)).status).toBe(403);
    expect((await t.db.campaigns.get(c.id))!.state).toBe('draft');
    const patched = await t.send('PATCH', `/api/campaigns/${c.id}`, { ringTimeoutS: 40, callingHours: { start: '09:00', end: '18:00' } }, t.as.admin);
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ ringTimeoutS: 40, dialMode: 'power', callingHours: { start: '09:00', end: '18:00' }, state: 'draft' });

    expect((await t.send('DELETE', `/api/campaigns/${c.id}`, undefined, t.as.teamlead)).status).toBe(403);
    expect((await t.send('DELETE', `/api/campaigns/${c.id}`, undefined, t.as.supervisor)).status).toBe(200);
    await expectError(await t.get(`/api/campaigns/${c.id}`, t.as.supervisor), 404, 'not_found');
    // Its leads went with it.
    expect(await t.db.read.leads(c.id)).toEqual([]);

    const audit = (await t.audit()).filter((a) => a.startsWith('campaign.'));
    expect(audit).toEqual(['campaign.create', 'campaign.update', 'campaign.delete']);
    const upd = ((await t.db.read.rows('auditLog')) as Array<{ action: string; details: string }>).find((r) => r.action === 'campaign.update')!;
    expect(JSON.parse(upd.details)).toMatchObject({ ringTimeoutS: { from: 25, to: 40 } });
  });

  it('the rows are what the routes answer: oldest first, lead counts per status, a change stamps updatedAt (the nodes reload on it)', async () => {
    t = await api({}, { make });
    const create = async (body: Record<string, unknown>) => {
      const res = await t.send('POST', '/api/campaigns', body, t.as.supervisor);
      expect(res.status).toBe(201);
      return (await res.json()) as Campaign;
    };
    const a = await create({ name: 'Norte', dialMode: 'predictive', maxConcurrent: 30 });
    t.clock.advance(1);
    const b = await create({ name: 'Sur' });
    expect(a).toMatchObject({ state: 'draft', dialMode: 'predictive', maxConcurrent: 30, ringTimeoutS: 25 });
    // The row the nodes follow is the answer.
    expect(await t.db.campaigns.get(a.id)).toEqual(a);
    if (dialect === 'pg') expect(sqliteCampaigns()).toBe(0);

    const listed = (await (await t.get('/api/campaigns', t.as.teamlead)).json()) as { items: Campaign[] };
    expect(listed.items.map((c) => c.id)).toEqual([a.id, b.id]);
    await expectError(await t.get('/api/campaigns?state=flying', t.as.teamlead), 422, 'validation_failed');

    // The detail's lead counts are the database's leads (what the nodes dial), per status.
    const [first] = await t.addLeads(a.id, [{ i: 1 }, { i: 2 }]);
    await t.db.seed.leadStatus(first!, 'completed');
    const detail = (await (await t.get(`/api/campaigns/${a.id}`, t.as.teamlead)).json()) as Campaign;
    expect(detail).toMatchObject({ id: a.id, name: 'Norte', leads: { completed: 1, no_selected: 1 } });
    await expectError(await t.get('/api/campaigns/nope', t.as.teamlead), 404, 'not_found');

    t.clock.advance(5_000);
    const patched = await t.send('PATCH', `/api/campaigns/${a.id}`, { maxConcurrent: 45, ringTimeoutS: 40 }, t.as.admin);
    expect(patched.status).toBe(200);
    const after = (await patched.json()) as Campaign;
    expect(after).toMatchObject({ maxConcurrent: 45, ringTimeoutS: 40, dialMode: 'predictive', state: 'draft', updatedAt: t.clock.now() });
    expect(await t.db.campaigns.get(a.id)).toEqual(after);
    if (dialect === 'pg') expect(sqliteCampaigns()).toBe(0);
  });

  it('rejects bad settings with 422 naming the field, unknown fields, and malformed JSON', async () => {
    t = await api({}, { make });
    const sup = t.as.supervisor;
    const short = await expectError(await t.send('POST', '/api/campaigns', { name: 'x', ringTimeoutS: 5 }, sup), 422, 'validation_failed');
    expect(short.error.details).toMatchObject([{ field: 'ringTimeoutS', problem: 'must be at least 15 s' }]);
    const unknown = await expectError(await t.send('POST', '/api/campaigns', { name: 'x', speed: 'fast' }, sup), 422, 'validation_failed');
    expect(unknown.error.details).toMatchObject([{ field: 'speed', problem: 'is not a known field' }]);
    const cross = await expectError(await t.send('POST', '/api/campaigns', { name: 'x', machineAction: 'message' }, sup), 422, 'validation_failed');
    expect(cross.error.details!.map((d) => d.field)).toEqual(['voicemailMessage']);
    const nested = await expectError(await t.send('POST', '/api/campaigns', { name: 'x', callingHours: { start: '25:00', end: '21:00' } }, sup), 422, 'validation_failed');
    expect(nested.error.details![0]!.field).toBe('callingHours.start');
    await expectError(await t.send('POST', '/api/campaigns', { ringTimeoutS: 30 }, sup), 422, 'validation_failed');
    await expectError(await t.send('POST', '/api/campaigns', '{"name": "x",', sup), 400, 'malformed_json');

    const id = await t.addCampaign('k1');
    const before = await t.db.campaigns.get(id);
    const bad = await expectError(await t.send('PATCH', `/api/campaigns/${id}`, { dropTarget: 0.2 }, sup), 422, 'validation_failed');
    expect(bad.error.details!.map((d) => d.field)).toEqual(['dropTarget']);
    // Issue #11 item 4: a template that would dial a second channel is refused on create and on update.
    const evil = 'Local/{e164}@default/n&PJSIP/9999@evil';
    for (const [method, path] of [['POST', '/api/campaigns'], ['PATCH', `/api/campaigns/${id}`]] as const) {
      const tpl = await expectError(await t.send(method, path, { name: 'x', dialStringTemplate: evil }, sup), 422, 'validation_failed');
      expect(tpl.error.details).toMatchObject([{ field: 'dialStringTemplate', problem: 'must dial exactly one channel ("&" is not allowed)' }]);
    }
    expect((await t.db.campaigns.get(id))!.dialStringTemplate).toBe('PJSIP/{e164}@trunk');
    const unk = await expectError(await t.send('PATCH', `/api/campaigns/${id}`, { state: 'running' }, sup), 422, 'validation_failed');
    expect(unk.error.details).toMatchObject([{ field: 'state', problem: 'is not a known field' }]);
    await expectError(await t.send('PATCH', `/api/campaigns/${id}`, '{', sup), 400, 'malformed_json');
    await expectError(await t.send('PATCH', '/api/campaigns/nope', { name: 'y' }, sup), 404, 'not_found');
    // Nothing changed, nothing audited.
    expect((await t.db.campaigns.get(id))!.dropTarget).toBe(0.03);
    expect((await t.audit()).filter((a) => a.startsWith('campaign.'))).toEqual([]);
    expect(await t.db.campaigns.list()).toHaveLength(1);
    expect(await t.db.campaigns.get(id)).toEqual(before);
  });
}, { prefix: 'pg_suite_campaigns' });

/** SQLite only: the API's own engine (on PostgreSQL the row and Redis: api-campaigns-pg.test.ts, PostgreSQL-only). */
describe('campaign lifecycle through EngineControl', () => {
  it('answers 503 engine_unavailable without an engine', async () => {
    t = await api();
    const id = t.campaign('k1');
    for (const cmd of ['start', 'pause', 'stop']) await expectError(await t.send('POST', `/api/campaigns/${id}/${cmd}`, undefined, t.as.supervisor), 503, 'engine_unavailable');
    await expectError(await t.send('POST', `/api/campaigns/${id}/test-call`, { phone: '88881234' }, t.as.supervisor), 503, 'engine_unavailable');
    await expectError(await t.get(`/api/campaigns/${id}/stats`, t.as.teamlead), 503, 'engine_unavailable');
    expect(t.store.campaigns.get(id)!.state).toBe('draft');
  });

  it('starts, pauses, stops; refuses bad transitions (409) and deleting a running campaign', async () => {
    t = await api({}, { control: true });
    const id = t.campaign('k1');
    const sup = t.as.supervisor;
    expect((await t.send('POST', `/api/campaigns/${id}/start`, undefined, t.as.teamlead)).status).toBe(403);
    await expectError(await t.send('POST', `/api/campaigns/${id}/stop`, undefined, sup), 409, 'conflict');

    const started = await t.send('POST', `/api/campaigns/${id}/start`, undefined, sup);
    expect(started.status).toBe(200);
    expect(await started.json()).toMatchObject({ id, state: 'running' });
    expect(t.store.campaigns.get(id)!.state).toBe('running');
    await expectError(await t.send('POST', `/api/campaigns/${id}/start`, undefined, sup), 409, 'conflict');
    await expectError(await t.send('DELETE', `/api/campaigns/${id}`, undefined, sup), 409, 'conflict');

    expect(await (await t.send('POST', `/api/campaigns/${id}/pause`, undefined, sup)).json()).toMatchObject({ state: 'paused' });
    expect(await (await t.send('POST', `/api/campaigns/${id}/stop`, undefined, t.as.admin)).json()).toMatchObject({ state: 'stopped' });
    await expectError(await t.send('POST', '/api/campaigns/nope/start', undefined, sup), 404, 'not_found');

    const stats = await t.get(`/api/campaigns/${id}/stats`, t.as.teamlead);
    expect(stats.status).toBe(200);
    expect(await stats.json()).toMatchObject({ campaignId: id, state: 'stopped', calls: { ringing: 0 } });
    expect((await t.get(`/api/campaigns/${id}/stats`, t.as.agent)).status).toBe(403);

    expect((await t.send('DELETE', `/api/campaigns/${id}`, undefined, sup)).status).toBe(200);
    const details = (t.store.sqlite.prepare("select action, details from audit_log where action like 'campaign.%' order by at, id").all() as Array<{ action: string; details: string }>).map(
      (r) => [r.action, JSON.parse(r.details) as unknown],
    );
    expect(details).toEqual([
      ['campaign.start', { state: { from: 'draft', to: 'running' } }],
      ['campaign.pause', { state: { from: 'running', to: 'paused' } }],
      ['campaign.stop', { state: { from: 'paused', to: 'stopped' } }],
      ['campaign.delete', { name: 'k1' }],
    ]);
  });

  it('places a test call to a normalised number; bad numbers 422 naming phone; ControlError codes mapped', async () => {
    t = await api({}, { control: true });
    const id = t.campaign('k1');
    const sup = t.as.supervisor;
    const res = await t.send('POST', `/api/campaigns/${id}/test-call`, { phone: '8888-1234' }, sup);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ call_id: 'test-1', phone: '+50688881234' });
    expect(t.control!.testCalls).toEqual([{ campaignId: id, phone: '+50688881234' }]);

    const bad = await expectError(await t.send('POST', `/api/campaigns/${id}/test-call`, { phone: '12345' }, sup), 422, 'validation_failed');
    expect(bad.error.details![0]!.field).toBe('phone');
    const extra = await expectError(await t.send('POST', `/api/campaigns/${id}/test-call`, { phone: '88881234', agent: 'x' }, sup), 422, 'validation_failed');
    expect(extra.error.details).toMatchObject([{ field: 'agent', problem: 'is not a known field' }]);
    // ControlError('invalid') → 422.
    await expectError(await t.send('POST', `/api/campaigns/${id}/test-call`, { phone: '+12025550123' }, sup), 422, 'validation_failed');
    await expectError(await t.send('POST', '/api/campaigns/nope/test-call', { phone: '88881234' }, sup), 404, 'not_found');
    expect((await t.send('POST', `/api/campaigns/${id}/test-call`, { phone: '88881234' }, t.as.teamlead)).status).toBe(403);
    expect(t.auditActions().filter((a) => a === 'campaign.test_call')).toHaveLength(1);
  });

  it('maps ControlError unavailable to 503', async () => {
    t = await api({}, { control: true });
    const id = t.campaign('k1');
    t.control!.campaigns.start = () => Promise.reject(new ControlError('unavailable', 'ARI disconnected'));
    const body = await expectError(await t.send('POST', `/api/campaigns/${id}/start`, undefined, t.as.supervisor), 503, 'engine_unavailable');
    expect(body.error.message).toBe('ARI disconnected');
  });
});
