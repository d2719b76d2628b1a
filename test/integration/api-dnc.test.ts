import { afterEach, expect, it } from 'vitest';
import { api, e164, expectError, nat, type Api } from '../support/leads-api.js';
import { describeApiDialects } from '../unit/api/harness.js';

/**
 * /api/dnc: internal and per-campaign lists, E.164 normalisation, lead marking, bulk CSV with per-line errors; on
 * both dialects (#18): on PostgreSQL the lists and the campaigns they belong to are PostgreSQL's, never the SQLite file's.
 */
let t: Api;
afterEach(() => t.close());

type Entry = { phone: string; campaignId: string | null; reason: string | null; createdAt: number };
type Page = { items: Entry[]; total: number };

describeApiDialects('DNC lists', (make, dialect) => {
  it('adds numbers (normalised) to the internal list or a campaign’s, marking matching leads dnc; lists and removes them', async () => {
    t = await api({}, { make });
    const k1 = await t.addCampaign('k1');
    const k2 = await t.addCampaign('k2');
    await t.addLeads(k1, [{ i: 1 }, { i: 2 }]);
    await t.addLeads(k2, [{ i: 1 }, { i: 2 }]);
    const sup = t.as.supervisor;

    const internal = await t.send('POST', '/api/dnc', { phone: `${nat(1).slice(0, 4)}-${nat(1).slice(4)}`, reason: 'asked on the phone' }, sup);
    expect(internal.status).toBe(201);
    expect(await internal.json()).toMatchObject({ phone: e164(1), campaignId: null, reason: 'asked on the phone', leadsMarked: 2 });
    const own = await t.send('POST', '/api/dnc', { phone: `+506 ${nat(2)}`, campaign_id: k2 }, t.as.admin);
    expect(await own.json()).toMatchObject({ phone: e164(2), campaignId: k2, leadsMarked: 1 });
    // Internal: both campaigns' lead; campaign list: only its own.
    expect((await t.leadOf(k1, e164(1))).status).toBe('dnc');
    expect((await t.leadOf(k2, e164(1))).status).toBe('dnc');
    expect((await t.leadOf(k1, e164(2))).status).toBe('no_selected');
    expect((await t.leadOf(k2, e164(2))).status).toBe('dnc');
    // Adding again is harmless.
    expect((await t.send('POST', '/api/dnc', { phone: e164(1) }, sup)).status).toBe(201);

    const listInternal = (await (await t.get('/api/dnc', t.as.teamlead)).json()) as Page;
    expect(listInternal.items.map((e) => e.phone)).toEqual([e164(1)]);
    const listK2 = (await (await t.get(`/api/dnc?campaign_id=${k2}`, t.as.teamlead)).json()) as Page;
    expect(listK2).toMatchObject({ total: 1, items: [{ phone: e164(2), campaignId: k2 }] });
    expect(((await (await t.get(`/api/dnc?phone=${nat(1).slice(-4)}`, sup)).json()) as Page).total).toBe(1);
    await expectError(await t.get('/api/dnc?campaign_id=nope', sup), 404, 'not_found');

    // Remove (the + URL-encoded, or a national number read in the campaign's country).
    expect((await t.send('DELETE', `/api/dnc/${encodeURIComponent(e164(1))}`, undefined, sup)).status).toBe(200);
    expect((await t.send('DELETE', `/api/dnc/${nat(2)}?campaign_id=${k2}`, undefined, sup)).status).toBe(200);
    await expectError(await t.send('DELETE', `/api/dnc/${nat(2)}?campaign_id=${k2}`, undefined, sup), 404, 'not_found');
    expect(((await (await t.get('/api/dnc', sup)).json()) as Page).total).toBe(0);
    expect((await t.audit()).filter((a) => a.startsWith('dnc.'))).toEqual(['dnc.add', 'dnc.add', 'dnc.add', 'dnc.remove', 'dnc.remove']);
  });

  it('enforces roles and validates input', async () => {
    t = await api({}, { make });
    await t.addCampaign('k1');
    expect((await t.get('/api/dnc', t.as.agent)).status).toBe(403);
    expect((await t.get('/api/dnc', t.as.teamlead)).status).toBe(200);
    expect((await t.send('POST', '/api/dnc', { phone: nat(1) }, t.as.teamlead)).status).toBe(403);
    expect((await t.send('POST', '/api/dnc', { phone: nat(1) }, t.as.agent)).status).toBe(403);
    expect((await t.send('DELETE', `/api/dnc/${nat(1)}`, undefined, t.as.teamlead)).status).toBe(403);
    const sup = t.as.supervisor;
    const bad = await expectError(await t.send('POST', '/api/dnc', { phone: 'llamar luego' }, sup), 422, 'validation_failed');
    expect(bad.error.details).toMatchObject([{ field: 'phone', problem: 'not a phone number: "llamar luego"', code: 'invalid_phone' }]);
    const unk = await expectError(await t.send('POST', '/api/dnc', { phone: nat(1), campaign: 'k1' }, sup), 422, 'validation_failed');
    expect(unk.error.details).toMatchObject([{ field: 'campaign', problem: 'is not a known field' }]);
    const ctry = await expectError(await t.send('POST', '/api/dnc', { phone: nat(1), country: 'Costa Rica' }, sup), 422, 'validation_failed');
    expect(ctry.error.details![0]!.field).toBe('country');
    await expectError(await t.send('POST', '/api/dnc', '{"phone":', sup), 400, 'malformed_json');
    await expectError(await t.send('POST', '/api/dnc', { phone: nat(1), campaign_id: 'nope' }, sup), 404, 'not_found');
    // A US number written nationally with country US.
    expect(await (await t.send('POST', '/api/dnc', { phone: '(202) 555-0123', country: 'US' }, sup)).json()).toMatchObject({ phone: '+12025550123' });
    expect(await t.db.read.rows('dnc')).toHaveLength(1);
  });

  it('bulk-adds a CSV: good lines kept, each bad line reported with its number', async () => {
    t = await api({}, { make });
    const k1 = await t.addCampaign('k1');
    await t.addLeads(k1, [{ i: 3 }]);
    await t.db.seed.dnc(e164(4), k1, t.clock.now());
    const csv = ['Teléfono,Motivo', nat(1), '12345', `${nat(2)},pidió no llamar`, '', 'sin número', nat(3), nat(1), `"${nat(4)}"`, `"8300`].join('\n');
    const fd = { file: new File([csv], 'dnc.csv'), campaign_id: k1, reason: 'bulk' };
    expect((await t.upload('/api/dnc/import', fd, t.as.teamlead)).status).toBe(403);
    const res = await t.upload('/api/dnc/import', fd, t.as.supervisor);
    expect(res.status).toBe(200);
    const out = (await res.json()) as { added: number; alreadyListed: number; rejected: number; errors: Array<{ line: number; reason: string }> };
    expect(out).toMatchObject({ added: 3, alreadyListed: 1, rejected: 4 });
    expect(out.errors.map((e) => e.line)).toEqual([3, 6, 8, 10]);
    expect(out.errors[0]!.reason).toMatch(/invalid phone number/);
    expect(out.errors[2]!.reason).toMatch(/duplicate/);
    const listed = async (campaignId: string) => ((await t.db.read.rows('dnc')) as Array<{ campaignId: string; phoneE164: string }>).filter((r) => r.campaignId === campaignId).map((r) => r.phoneE164);
    expect((await listed(k1)).sort()).toEqual([e164(1), e164(2), e164(3), e164(4)]);
    expect((await t.leadOf(k1, e164(3))).status).toBe('dnc');

    // Headerless: the first column is the number; internal list.
    const plain = await t.upload('/api/dnc/import', { file: new File([`${nat(7)}\n${nat(8)}\n`], 'x.csv') }, t.as.admin);
    expect(await plain.json()).toMatchObject({ added: 2, rejected: 0 });
    expect(await listed('')).toHaveLength(2);
    await expectError(await t.upload('/api/dnc/import', { campaign_id: k1 }, t.as.admin), 422, 'validation_failed');
    expect((await t.audit()).filter((a) => a === 'dnc.import')).toHaveLength(2);
  });

  it("a campaign's list reads national numbers in that campaign's country (on PostgreSQL: its campaign, never a SQLite one of the same id)", async () => {
    t = await api({}, { make });
    const sup = t.as.supervisor;
    const created = await t.send('POST', '/api/campaigns', { name: 'Madrid', defaultCountry: 'ES' }, sup);
    expect(created.status).toBe(201);
    const k = ((await created.json()) as { id: string }).id;
    // On PostgreSQL the SQLite file has a campaign of the same id in Costa Rica: reading it would store +506….
    if (dialect === 'pg') t.store.campaigns.create(k, { name: 'Impostor', defaultCountry: 'CR' }, t.clock.now());
    const added = await t.send('POST', '/api/dnc', { phone: '612 345 678', campaign_id: k }, sup);
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ phone: '+34612345678', campaignId: k });
    expect(((await t.db.read.rows('dnc')) as Array<{ campaignId: string; phoneE164: string }>).map((r) => `${r.campaignId}:${r.phoneE164}`)).toEqual([`${k}:+34612345678`]);
    expect(await (await t.get(`/api/dnc?campaign_id=${k}`, sup)).json()).toMatchObject({ total: 1, items: [{ phone: '+34612345678', campaignId: k }] });

    if (dialect === 'pg') {
      // A campaign only the SQLite file knows is unknown to this API: 404.
      t.store.campaigns.create('sqlite-only', { name: 'Old', defaultCountry: 'CR' }, t.clock.now());
      expect((await t.send('POST', '/api/dnc', { phone: '8888 1234', campaign_id: 'sqlite-only' }, sup)).status).toBe(404);
      expect(await t.db.read.rows('dnc')).toHaveLength(1);
      expect((await t.get('/api/dnc?campaign_id=sqlite-only', sup)).status).toBe(404);
    }
  });
}, { prefix: 'pg_suite_dnc' });
