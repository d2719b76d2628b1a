import { CampaignError } from '../../engine/store/repos/campaigns.js';
import { ControlError, type CampaignLiveStats, type EngineControl } from '../../engine/control/types.js';
import type { ApiDeps } from '../../api/app.js';
import type { LeadRow, Store } from '../../engine/store/index.js';
import type { LeadStatus } from '../../engine/store/schema/leads.js';
import { harness, type Harness, type MakeHarness } from '../unit/api/harness.js';

/** Helpers shared by the campaign / lead / lock / DNC API tests. */

export type ErrorBody = { error: { code: string; message: string; details?: Array<{ field: string; problem: string }> } };

export interface Api extends Harness {
  /** The in-test engine control, when asked for. */
  control: ReturnType<typeof storeControl> | undefined;
  /** Bearer headers per role: agent (agent1, team A), agent2 (team A), teamlead, supervisor, admin. */
  as: Record<'agent' | 'agent2' | 'teamlead' | 'supervisor' | 'admin', Record<string, string>>;
  ids: Record<'agent' | 'agent2' | 'teamlead' | 'supervisor', string>;
  get(path: string, who: Record<string, string>): Promise<Response>;
  send(method: string, path: string, body: unknown, who: Record<string, string>): Promise<Response>;
  upload(path: string, fields: Record<string, string | File>, who: Record<string, string>): Promise<Response>;
  /** A campaign created straight in the store. */
  campaign(id: string, settings?: Record<string, unknown>): string;
  /** Leads straight in the store: national CR numbers (83 000 000 + i). */
  leads(campaignId: string, rows: Array<{ i: number; name?: string; city?: string; priority?: number }>): void;
  leadId(campaignId: string, phoneE164: string): string;
  auditActions(): string[];
  /** Both dialects (the database the app reads): a campaign seeded as the API stores it (draft, settings defaulted). */
  addCampaign(id: string, settings?: Record<string, unknown>): Promise<string>;
  /** Both dialects: leads as `leads` makes them (national CR numbers 83 000 000 + i); their ids in order. */
  addLeads(campaignId: string, rows: Array<{ i: number; name?: string; city?: string; priority?: number }>): Promise<string[]>;
  /** Both dialects: a campaign's lead of that number, as stored. */
  leadOf(campaignId: string, phoneE164: string): Promise<LeadRow>;
  /** Both dialects: the audit trail's actions, oldest first. */
  audit(): Promise<string[]>;
}

export const nat = (i: number): string => String(83_000_000 + i);
export const e164 = (i: number): string => `+506${nat(i)}`;

/**
 * `make`: the harness maker of `describeApiDialects` (on both dialects); else a SQLite harness. `campaign`, `leads`,
 * `leadId`, `auditActions` and `control` read and write the SQLite store: on both dialects use `db` (seed, read) instead.
 */
export async function api(overrides: Partial<ApiDeps> = {}, opts: { control?: boolean; make?: MakeHarness } = {}): Promise<Api> {
  const ref: { store?: Store; now?: () => number } = {};
  const control = opts.control === true ? storeControl(ref) : undefined;
  const deps = control === undefined ? overrides : { ...overrides, control };
  const h = opts.make ? await opts.make(deps) : harness(deps);
  ref.store = h.store;
  ref.now = () => h.clock.now();
  const ids = {
    agent: h.addUser('agent1', 'agent', 'A'),
    agent2: h.addUser('agent2', 'agent', 'A'),
    teamlead: h.addUser('lead1', 'teamlead', 'A'),
    supervisor: h.addUser('sup1', 'supervisor'),
  };
  const as = {
    agent: h.bearer(await h.login('agent1')),
    agent2: h.bearer(await h.login('agent2')),
    teamlead: h.bearer(await h.login('lead1')),
    supervisor: h.bearer(await h.login('sup1')),
    admin: h.bearer(await h.login('admin')),
  };
  return Object.assign(h, {
    control,
    as,
    ids,
    get: (path: string, who: Record<string, string>) => Promise.resolve(h.app.request(path, { headers: who })),
    send: (method: string, path: string, body: unknown, who: Record<string, string>) => h.json(method, path, body, who),
    upload: (path: string, fields: Record<string, string | File>, who: Record<string, string>) => {
      const fd = new FormData();
      for (const [k, v] of Object.entries(fields)) fd.set(k, v);
      return Promise.resolve(h.app.request(path, { method: 'POST', body: fd, headers: who }));
    },
    campaign: (id: string, settings: Record<string, unknown> = {}) => h.store.campaigns.create(id, { name: id, ...settings }, h.clock.now()).id,
    leads: (campaignId: string, rows: Array<{ i: number; name?: string; city?: string; priority?: number }>) => {
      h.store.leads.insertMany(
        rows.map((r) => ({ campaignId, phoneE164: e164(r.i), phoneRaw: nat(r.i), name: r.name ?? null, city: r.city ?? null, priority: r.priority })),
        h.clock.now(),
      );
    },
    leadId: (campaignId: string, phone: string) => {
      const row = h.store.sqlite.prepare('select id from leads where campaign_id = ? and phone_e164 = ?').get(campaignId, phone) as { id: string } | undefined;
      if (row === undefined) throw new Error(`no lead ${phone} in ${campaignId}`);
      return row.id;
    },
    addCampaign: async (id: string, settings: Record<string, unknown> = {}) => {
      await h.db.seed.campaign(id, { name: id, ...settings }, h.clock.now());
      return id;
    },
    addLeads: (campaignId: string, rows: Array<{ i: number; name?: string; city?: string; priority?: number }>) =>
      h.db.seed.leads(
        rows.map((r) => ({ campaignId, phoneE164: e164(r.i), phoneRaw: nat(r.i), name: r.name ?? null, city: r.city ?? null, priority: r.priority })),
        h.clock.now(),
      ),
    leadOf: async (campaignId: string, phone: string) => {
      const row = (await h.db.read.leads(campaignId)).find((l) => l.phoneE164 === phone);
      if (row === undefined) throw new Error(`no lead ${phone} in ${campaignId}`);
      return row;
    },
    audit: async () =>
      ((await h.db.read.rows('auditLog')) as Array<{ action: string; at: number; id: string }>)
        .sort((x, y) => x.at - y.at || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
        .map((r) => r.action),
    auditActions: () => (h.store.sqlite.prepare('select action from audit_log order by at, id').all() as Array<{ action: string }>).map((r) => r.action),
  });
}

export async function expectError(res: Response, status: number, code: string): Promise<ErrorBody> {
  const body = (await res.json()) as ErrorBody;
  if (res.status !== status || body.error.code !== code) throw new Error(`expected ${status} ${code}, got ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * A small EngineControl for the lifecycle routes: persists through store.campaigns.command (what the real engine
 * does first) and records what it was asked. The real one is app/engine-control.ts.
 */
export function storeControl(ref: { store?: Store; now?: () => number }): EngineControl & { testCalls: Array<{ campaignId: string; phone: string }> } {
  const st = (): Store => ref.store!;
  const now = (): number => ref.now!();
  const testCalls: Array<{ campaignId: string; phone: string }> = [];
  const command = (id: string, cmd: 'start' | 'pause' | 'stop') => {
    try {
      return Promise.resolve(st().campaigns.command(id, cmd, now()).campaign);
    } catch (err) {
      if (err instanceof CampaignError) return Promise.reject(new ControlError(err.code === 'not_found' ? 'not_found' : 'conflict', err.message));
      return Promise.reject(err as Error);
    }
  };
  const unsupported = () => {
    throw new ControlError('unavailable', 'agents are not part of this test double');
  };
  return {
    testCalls,
    campaigns: {
      start: (id) => command(id, 'start'),
      pause: (id) => command(id, 'pause'),
      stop: (id) => command(id, 'stop'),
      // No engine here: nothing is loaded, so a stored edit has nothing to apply.
      applySettings: () => Promise.resolve(),
      testCall: (campaignId, phone) => {
        const c = st().campaigns.get(campaignId);
        if (c === undefined) return Promise.reject(new ControlError('not_found', `campaign ${campaignId} not found`));
        if (phone.startsWith('+1')) return Promise.reject(new ControlError('invalid', 'no route to +1 numbers on this trunk'));
        testCalls.push({ campaignId, phone });
        return Promise.resolve({ callId: `test-${testCalls.length}` });
      },
      liveStats: (campaignId): CampaignLiveStats => {
        const c = st().campaigns.get(campaignId);
        if (c === undefined) throw new ControlError('not_found', `campaign ${campaignId} not found`);
        return {
          campaignId,
          state: c.state,
          pacing: null,
          calls: { ringing: 0, amd: 0, waiting: 0, connected: 0 },
          agents: { ready: 0, talk: 0, wrap: 0, paused: 0, loggedIn: 0 },
          today: { placed: 0, answered: 0, humans: 0, machines: 0, dropped: 0, abandonPct: 0 },
          leads: st().leads.countByStatus(campaignId) as Partial<Record<LeadStatus, number>>,
        };
      },
    },
    agents: {
      login: unsupported,
      ready: unsupported,
      pause: unsupported,
      logout: unsupported,
      upsert: unsupported,
      remove: unsupported,
      state: () => null,
      list: () => [],
    },
  };
}
