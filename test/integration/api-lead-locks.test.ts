import { afterEach, describe, expect, it } from 'vitest';
import { api, e164, expectError, nat, type Api } from '../support/leads-api.js';
import { describeApiDialects, type MakeHarness } from '../unit/api/harness.js';

/** Contact locks (POST/DELETE /api/leads/:id/lock), lead reads and edits under them, and the edit history; the routes on both dialects (#18). */
let t: Api;
afterEach(() => t.close());

type Locked = { error: { code: string; message: string; lock: { userId: string; username: string; expiresAt: number } } };
type History = { items: Array<{ at: number; userId: string; username: string; field: string; from: unknown; to: unknown }>; total: number };

/** Campaign k1 with two leads; agent1 and agent2 both had a call with lead 1 (agent1 through an agent record). */
async function setup(overrides: Parameters<typeof api>[0] = {}, make?: MakeHarness) {
  t = await api(overrides, make ? { make } : {});
  const id = 'k1';
  const at = t.clock.now();
  await t.db.seed.campaign(id, {}, at);
  const [l1, l2] = (await t.db.seed.leads(
    [
      { campaignId: id, phoneE164: e164(1), phoneRaw: nat(1), name: 'Ana', city: 'Cartago' },
      { campaignId: id, phoneE164: e164(2), phoneRaw: nat(2), name: 'Bruno' },
    ],
    at,
  )) as [string, string];
  await t.db.seed.agent({ id: 'agent-101', name: 'A1', endpoint: 'PJSIP/101', userId: t.ids.agent, createdAt: at });
  await t.db.callLogs.create({ id: 'c1', campaignId: id, leadId: l1, phone: e164(1), nodeId: 'n', at, agentId: 'agent-101' });
  await t.db.callLogs.create({ id: 'c2', campaignId: id, leadId: l1, phone: e164(1), nodeId: 'n', at });
  await t.db.seed.callUser('c2', t.ids.agent2);
  return { id, l1, l2 };
}
const auditRows = async () => (await t.db.read.rows('auditLog')) as Array<{ action: string; actorId: string; targetId: string; details: string }>;

describeApiDialects('lead routes', (make) => {
  describe('contact locks', () => {
    it('an agent opens a lead from their call; a second user gets 409 naming the holder and the expiry; the lock expires after LEAD_LOCK_MINUTES', async () => {
      const { l1, l2 } = await setup({}, make);
      // Without the lock an agent cannot read the lead.
      await expectError(await t.get(`/api/leads/${l1}`, t.as.agent), 403, 'forbidden');
      // Leads not from the agent's calls cannot be opened at all.
      await expectError(await t.send('POST', `/api/leads/${l2}/lock`, undefined, t.as.agent), 403, 'forbidden');
      await expectError(await t.send('POST', `/api/leads/${l2}/lock`, undefined, t.as.teamlead), 403, 'forbidden');
      await expectError(await t.send('POST', '/api/leads/nope/lock', undefined, t.as.agent), 404, 'not_found');

      const now = t.clock.now();
      const got = await t.send('POST', `/api/leads/${l1}/lock`, undefined, t.as.agent);
      expect(got.status).toBe(200);
      expect(await got.json()).toEqual({ leadId: l1, userId: t.ids.agent, username: 'agent1', acquiredAt: now, expiresAt: now + 10 * 60_000 });
      const read = await t.get(`/api/leads/${l1}`, t.as.agent);
      expect(read.status).toBe(200);
      expect(await read.json()).toMatchObject({ id: l1, name: 'Ana', phone: e164(1), lock: { username: 'agent1', expiresAt: now + 600_000 } });

      const clash = await t.send('POST', `/api/leads/${l1}/lock`, undefined, t.as.agent2);
      expect(clash.status).toBe(409);
      const body = (await clash.json()) as Locked;
      expect(body.error).toMatchObject({ code: 'locked', lock: { userId: t.ids.agent, username: 'agent1', expiresAt: now + 600_000 } });
      expect(body.error.message).toContain('agent1');
      expect(body.error.message).toContain(new Date(now + 600_000).toISOString());
      // Supervisors wait their turn too.
      expect((await t.send('POST', `/api/leads/${l1}/lock`, undefined, t.as.supervisor)).status).toBe(409);

      // The holder extends; the acquisition time stays.
      t.clock.advance(5 * 60_000);
      expect(await (await t.send('POST', `/api/leads/${l1}/lock`, undefined, t.as.agent)).json()).toMatchObject({ acquiredAt: now, expiresAt: now + 15 * 60_000 });
      t.clock.advance(10 * 60_000 + 1);
      // Expired: the other agent takes it, the first can no longer read (fresh logins: access tokens last 15 min).
      expect((await t.send('POST', `/api/leads/${l1}/lock`, undefined, t.bearer(await t.login('agent2')))).status).toBe(200);
      await expectError(await t.get(`/api/leads/${l1}`, t.bearer(await t.login('agent1'))), 403, 'forbidden');
      // Team leads and supervisors read any lead without a lock.
      expect((await t.get(`/api/leads/${l2}`, t.bearer(await t.login('lead1')))).status).toBe(200);
    });

    it('releases: the holder, or a supervisor forcing; others get 409', async () => {
      const { l1 } = await setup({}, make);
      expect((await t.send('POST', `/api/leads/${l1}/lock`, undefined, t.as.agent)).status).toBe(200);
      const other = await t.send('DELETE', `/api/leads/${l1}/lock`, undefined, t.as.agent2);
      expect(other.status).toBe(409);
      expect(((await other.json()) as Locked).error.lock.username).toBe('agent1');
      expect(await (await t.send('DELETE', `/api/leads/${l1}/lock`, undefined, t.as.agent)).json()).toEqual({ released: true });
      expect(await (await t.send('DELETE', `/api/leads/${l1}/lock`, undefined, t.as.agent)).json()).toEqual({ released: false });
      expect((await t.send('POST', `/api/leads/${l1}/lock`, undefined, t.as.agent2)).status).toBe(200);
      expect(await (await t.send('DELETE', `/api/leads/${l1}/lock`, undefined, t.as.supervisor)).json()).toEqual({ released: true });
      expect((await t.send('POST', `/api/leads/${l1}/lock`, undefined, t.as.agent)).status).toBe(200);
      expect((await auditRows()).map((a) => a.action).filter((a) => a.startsWith('lead.'))).toEqual(['lead.lock', 'lead.unlock', 'lead.lock', 'lead.unlock', 'lead.lock']);
    });

    it('LEAD_LOCK_MINUTES sets the lock duration', async () => {
      const { l1 } = await setup({ config: { NODE_ID: 'node-test', JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD: 'admin-password-for-tests', LEAD_LOCK_MINUTES: 2 } }, make);
      const lock = (await (await t.send('POST', `/api/leads/${l1}/lock`, undefined, t.as.supervisor)).json()) as { expiresAt: number };
      expect(lock.expiresAt).toBe(t.clock.now() + 2 * 60_000);
    });
  });

  describe('editing a lead', () => {
    it('needs the lock (supervisors: unless someone else holds it), re-normalises the phone, and records every change', async () => {
      const { id, l1, l2 } = await setup({}, make);
      await expectError(await t.send('PATCH', `/api/leads/${l1}`, { name: 'Ana María' }, t.as.agent), 409, 'lock_required');
      await expectError(await t.send('PATCH', `/api/leads/${l2}`, { name: 'x' }, t.as.teamlead), 409, 'lock_required');
      expect((await t.send('POST', `/api/leads/${l1}/lock`, undefined, t.as.agent)).status).toBe(200);

      const res = await t.send('PATCH', `/api/leads/${l1}`, { name: 'Ana María', phone: '8300-0077', email: 'ana@example.com', custom: { plan: 'oro' } }, t.as.agent);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: l1, name: 'Ana María', phone: '+50683000077', phoneRaw: '8300-0077', email: 'ana@example.com', custom: { plan: 'oro' }, city: 'Cartago' });

      // Others: 409 with who holds it, supervisors included.
      const blocked = await t.send('PATCH', `/api/leads/${l1}`, { city: 'Heredia' }, t.as.supervisor);
      expect(blocked.status).toBe(409);
      expect(((await blocked.json()) as Locked).error).toMatchObject({ code: 'locked', lock: { username: 'agent1' } });
      expect((await t.send('PATCH', `/api/leads/${l1}`, { city: 'Heredia' }, t.as.agent2)).status).toBe(409);

      // A supervisor edits an unlocked lead directly.
      t.clock.advance(60_000);
      expect((await t.send('PATCH', `/api/leads/${l2}`, { priority: 1, city: 'Limón' }, t.as.supervisor)).status).toBe(200);
      // The same number twice in a campaign is refused.
      await expectError(await t.send('PATCH', `/api/leads/${l2}`, { phone: '+50683000077' }, t.as.supervisor), 409, 'conflict');

      const hist = (await (await t.get(`/api/leads/${l1}/history`, t.as.agent)).json()) as History;
      expect(hist.total).toBe(5);
      expect(hist.items.map((e) => [e.field, e.from, e.to, e.username])).toEqual([
        ['phone', e164(1), '+50683000077', 'agent1'],
        ['phoneRaw', '83000001', '8300-0077', 'agent1'],
        ['name', 'Ana', 'Ana María', 'agent1'],
        ['email', null, 'ana@example.com', 'agent1'],
        ['custom', {}, { plan: 'oro' }, 'agent1'],
      ]);
      expect(hist.items.every((e) => e.userId === t.ids.agent && typeof e.at === 'number')).toBe(true);
      const h2 = (await (await t.get(`/api/leads/${l2}/history?limit=1&offset=1`, t.as.teamlead)).json()) as History;
      expect(h2.total).toBe(2);
      expect(h2.items.map((e) => [e.field, e.from, e.to, e.username])).toEqual([['priority', 3, 1, 'sup1']]);
      // Agents see history only of a lead they hold.
      await expectError(await t.get(`/api/leads/${l2}/history`, t.as.agent), 403, 'forbidden');
      // A no-op edit records nothing.
      expect((await t.send('PATCH', `/api/leads/${l1}`, { name: 'Ana María' }, t.as.agent)).status).toBe(200);
      expect(((await (await t.get(`/api/leads/${l1}/history`, t.as.agent)).json()) as History).total).toBe(5);

      const audit = (await auditRows()).filter((a) => a.action === 'lead.update');
      expect(audit.map((a) => [a.actorId, a.targetId])).toEqual([
        [t.ids.agent, l1],
        [t.ids.supervisor, l2],
      ]);
      expect(JSON.parse(audit[0]!.details)).toMatchObject({ name: { from: 'Ana', to: 'Ana María' } });

      // Editing to a number on the DNC list retires the lead.
      await t.db.seed.dnc('+50683000099', id, t.clock.now());
      expect(await (await t.send('PATCH', `/api/leads/${l2}`, { phone: '83000099' }, t.as.admin)).json()).toMatchObject({ phone: '+50683000099', status: 'dnc' });
    });

    it('rejects bad edits: 422 naming the field, unknown fields, malformed JSON; nothing written', async () => {
      const { l1 } = await setup({}, make);
      const sup = t.as.supervisor;
      const email = await expectError(await t.send('PATCH', `/api/leads/${l1}`, { email: 'not-an-email' }, sup), 422, 'validation_failed');
      expect(email.error.details![0]!.field).toBe('email');
      const phone = await expectError(await t.send('PATCH', `/api/leads/${l1}`, { phone: '12345' }, sup), 422, 'validation_failed');
      expect(phone.error.details![0]!.field).toBe('phone');
      const prio = await expectError(await t.send('PATCH', `/api/leads/${l1}`, { priority: 9 }, sup), 422, 'validation_failed');
      expect(prio.error.details![0]!.field).toBe('priority');
      const tz = await expectError(await t.send('PATCH', `/api/leads/${l1}`, { timeZone: 'Mars/Olympus' }, sup), 422, 'validation_failed');
      expect(tz.error.details![0]!.field).toBe('timeZone');
      const unk = await expectError(await t.send('PATCH', `/api/leads/${l1}`, { status: 'completed' }, sup), 422, 'validation_failed');
      expect(unk.error.details).toMatchObject([{ field: 'status', problem: 'is not a known field' }]);
      await expectError(await t.send('PATCH', `/api/leads/${l1}`, '{"name": ', sup), 400, 'malformed_json');
      await expectError(await t.send('PATCH', '/api/leads/nope', { name: 'x' }, sup), 404, 'not_found');
      expect(((await (await t.get(`/api/leads/${l1}/history`, sup)).json()) as History).total).toBe(0);
      expect(await t.db.read.lead(l1)).toMatchObject({ name: 'Ana', phoneE164: e164(1) });
    });
  });

}, { prefix: 'apipg_lead_locks' });

/** The SQLite repository itself, two connections on one file (on PostgreSQL the lock is the lead catalog's, exercised by the routes above). */
describe('LeadLockRepo across connections', () => {
  it('two stores on the same file: one lock wins, the other sees the holder', async () => {
    const { l1 } = await setup();
    const { openStore } = await import('../../engine/store/index.js');
    const other = openStore(t.store.path);
    try {
      const now = t.clock.now();
      const a = t.store.leadLocks.acquire(l1, { id: 'u1', username: 'one' }, now, 60_000);
      const b = other.leadLocks.acquire(l1, { id: 'u2', username: 'two' }, now, 60_000);
      expect(a.ok).toBe(true);
      expect(b).toMatchObject({ ok: false, heldBy: { userId: 'u1', username: 'one', expiresAt: now + 60_000 } });
      expect(other.leadLocks.acquire(l1, { id: 'u2', username: 'two' }, now + 60_000, 60_000).ok).toBe(true);
      expect(t.store.leadLocks.current(l1, now + 60_001)).toMatchObject({ userId: 'u2' });
      expect(t.store.leadLocks.purgeExpired(now + 10 * 60_000)).toBe(1);
    } finally {
      other.close();
    }
  });
});
