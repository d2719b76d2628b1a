/**
 * The engine's control surface (app/engine-control.ts) on the embedded PBX: several campaigns in one
 * engine, start/pause/stop persisted then acted upon, test calls without a lead, live stats, agents driven from
 * the API's side, and a restart resuming what is stored as running. Real ARI sockets, virtual time.
 *
 * On both dialects (#18) where the store carries the behaviour — commands persisted then acted upon (a stop giving
 * the leases back), a restart resuming what is stored as running — as each product carries them out
 * (test/support/dialect-control.ts: SQLite's engine control; PostgreSQL's campaigns row and the node's followers).
 * SQLite-only part: the engine control's own answers — its refusals (PostgreSQL's start refusals: api-campaigns-pg),
 * live figures, test calls and agent commands (on PostgreSQL app/pg/node-control; agents follow their rows:
 * engine-agent-campaigns on both).
 */
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { connectAri } from '../../engine/ari/gateway.js';
import { systemClock } from '../../engine/clock/index.js';
import type { DomainEvent } from '../../engine/events/types.js';
import { silentLogger } from '../../engine/log/logger.js';
import { campaignInputFromStore } from '../../engine/shell/campaign-registry.js';
import { ControlError, type EngineControl } from '../../engine/control/types.js';
import { scriptedAmdSource } from '../support/scripted-amd.js';
import { agentConfigFromRow, campaignsToResume } from '../../app/engine-control.js';
import { dialectCommands, type DialectCommands } from '../support/dialect-control.js';
import { Engine } from '../../engine/shell/engine.js';
import { drive, whileRunning } from '../support/virtual-drive.js';
import { dialectPbxRigs, type DialectPbxRig } from '../support/pbx-rig.js';
import { describeDialects, type DialectHarness } from '../support/store-dialects.js';

interface Rig extends DialectPbxRig {
  events: DomainEvent[];
}

const newPbx = dialectPbxRigs();

// Monday 09:00 in Costa Rica (the campaigns' default zone).
const T0 = Date.UTC(2026, 0, 5, 15, 0);
const RANGES = ['1555011', '1555012', '1555013', '1555014'];

async function rig(h: DialectHarness): Promise<Rig> {
  const base = await newPbx({ h, start: T0, seed: 5, quickHumans: '1555011', name: 'control' });
  const r: Rig = { ...base, events: [] };
  const open = { callingHours: { start: '00:00', end: '24:00' }, weekdays: [1, 2, 3, 4, 5, 6, 7], maxAttempts: 1, wrapUpS: 1 };
  await h.seed.campaign('A', { name: 'power', dialMode: 'power', dialRatio: 2, maxConcurrent: 4, ...open }, T0);
  await h.seed.campaign('B', { name: 'progressive', dialMode: 'progressive', maxConcurrent: 3, ...open }, T0);
  for (const [c, base] of [
    ['A', 1000],
    ['B', 5000],
  ] as const) {
    await h.seed.leads(
      Array.from({ length: 40 }, (_, i) => {
        const phone = `+${RANGES[i % RANGES.length]}${String(base + i).padStart(4, '0')}`;
        return { campaignId: c, phoneE164: phone, phoneRaw: phone, nextDueAt: T0 - 1000 };
      }),
      T0 - 1000,
    );
  }
  // The agents' phones register to this node's Asterisk (agents.node_id).
  for (const ext of ['1001', '1002', '1003']) await h.seed.agent({ id: `agent-${ext}`, kind: 'human', name: ext, endpoint: `PJSIP/${ext}`, nodeId: 'n1', createdAt: T0 });
  return r;
}

async function engineWithControl(r: Rig, bootId: string): Promise<{ engine: Engine; commands: DialectCommands; control: EngineControl }> {
  const { h } = r;
  const gateway = await connectAri({ url: r.sim.url, username: r.sim.username, password: r.sim.password, app: 'centralita', clock: systemClock, initialDelayMs: 20, maxDelayMs: 200 });
  const store = h.sqlite;
  const engine = new Engine({
    gateway,
    nodeId: 'n1',
    clock: r.clock,
    logger: silentLogger,
    amd: scriptedAmdSource({ clock: r.clock, host: '127.0.0.1', port: (r.sink.address() as AddressInfo).port }),
    agents: (store ? store.agents.list() : await h.agents.listForNode('n1')).map((a) => agentConfigFromRow(a)),
    // What product.ts does at start-up: resume what is stored as running (a node: its campaign follower's first read).
    ...(store ? { campaigns: campaignsToResume(store).map((c) => campaignInputFromStore(c, r.ports.leadsFor(c.id, 'n1'))) } : {}),
    leadOutcomes: r.ports.leadOutcomes('n1'),
    callLogs: r.ports.callLogs,
    bootId,
    tickMs: 200,
    pacingTickMs: 1000,
  });
  engine.events.on('*', (e) => r.events.push(e));
  await whileRunning(r.clock, engine.start());
  const commands = await dialectCommands(r, engine);
  // The engine control's own answers are SQLite's (see the header); read only where `h.sqlite`.
  return { engine, commands, control: commands.control as EngineControl };
}

const created = (r: Rig, campaignId: string, after = 0) =>
  r.events.filter((e): e is Extract<DomainEvent, { type: 'call.created' }> => e.type === 'call.created' && e.campaignId === campaignId && e.at >= after);

async function expectControlError(p: Promise<unknown> | (() => unknown), code: ControlError['code']): Promise<void> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    expect(err).toBeInstanceOf(ControlError);
    expect((err as ControlError).code).toBe(code);
    return;
  }
  throw new Error(`expected a ControlError ${code}`);
}

describeDialects(
  'engine control on the embedded PBX',
  (h, dialect) => {
    it('two campaigns in one engine: start persists then dials, pause stops new dials, stop gives leases back', async () => {
      const r = await rig(h);
      const { engine, commands, control } = await engineWithControl(r, 'b1');
      // Nothing is running yet: the engine is connected and idle.
      await drive(r.clock, () => false, 3000);
      expect(r.events.some((e) => e.type === 'call.created')).toBe(false);

      await commands.start('A');
      expect((await h.campaigns.get('A'))?.state).toBe('running');
      expect(engine.campaign('A')?.state).toBe('running');
      if (h.sqlite) {
        expect(r.events).toContainEqual(expect.objectContaining({ type: 'campaign.state', campaignId: 'A', from: 'draft', to: 'running' }));
        await expectControlError(control.campaigns.start('A'), 'conflict');
        await expectControlError(control.campaigns.start('nope'), 'not_found');
        await expectControlError(control.campaigns.pause('B'), 'conflict');
      }

      await commands.start('B');
      if (h.sqlite) {
        // A second overdialing campaign would count the same shared agents as its own: refused, nothing stored.
        await h.seed.campaign('C', { name: 'predictive', dialMode: 'predictive', maxConcurrent: 4 }, T0);
        await expectControlError(control.campaigns.start('C'), 'conflict');
        expect((await h.campaigns.get('C'))?.state).toBe('draft');
      }
      await drive(r.clock, () => created(r, 'A').length >= 6 && created(r, 'B').length >= 4, 600_000);
      expect(created(r, 'A').length).toBeGreaterThanOrEqual(6);
      expect(created(r, 'B').length).toBeGreaterThanOrEqual(4);
      // Each campaign announced its pacing rule: power at 2 lines per ready agent, progressive at 1.
      expect(r.events).toContainEqual(expect.objectContaining({ type: 'campaign.pacing', campaignId: 'A', mode: 'power', level: 2 }));
      expect(r.events).toContainEqual(expect.objectContaining({ type: 'campaign.pacing', campaignId: 'B', mode: 'progressive', level: 1 }));

      // Pause A: no call of A is created any more; its live calls finish; B goes on.
      await commands.pause('A');
      expect((await h.campaigns.get('A'))?.state).toBe('paused');
      // Counted once the pause returned (a call placed earlier in the same virtual millisecond is not "after").
      const aAtPause = created(r, 'A').length;
      const bBefore = created(r, 'B').length;
      await drive(r.clock, () => created(r, 'B').length >= bBefore + 4, 600_000);
      await drive(r.clock, () => !engine.snapshot().calls.some((c) => c.id && created(r, 'A').some((x) => x.callId === c.id)), 120_000);
      expect(created(r, 'A').length).toBe(aAtPause);
      expect(created(r, 'B').length).toBeGreaterThanOrEqual(bBefore + 4);

      if (h.sqlite) {
        const stats = control.campaigns.liveStats('A');
        expect(stats).toMatchObject({ campaignId: 'A', state: 'paused', pacing: { mode: 'power', level: 2 } });
        expect(stats.calls).toEqual({ ringing: 0, amd: 0, waiting: 0, connected: 0 });
        const rowsA = h.sqlite.callLogs.list({ campaignId: 'A', limit: 1000 });
        expect(stats.today.placed).toBe(rowsA.length);
        expect(stats.today.humans).toBe(rowsA.filter((x) => x.disposition === 'ANSWERED_HUMAN' || x.disposition === 'DROPPED').length);
        expect(stats.agents.loggedIn).toBe(3);
        expect(Object.values(stats.leads).reduce<number>((s, n) => s + (n ?? 0), 0)).toBe(40);
      }

      // Stop B: no new dials, and once its calls are over no lease is held.
      await commands.stop('B');
      const bAtStop = created(r, 'B').length;
      await drive(r.clock, () => !engine.snapshot().calls.length, 120_000);
      await drive(r.clock, () => false, 5000);
      expect(created(r, 'B').length).toBe(bAtStop);
      expect((await h.read.leads('B')).filter((l) => l.leaseOwner !== null)).toEqual([]);
      if (h.sqlite) expect(r.events).toContainEqual(expect.objectContaining({ type: 'campaign.state', campaignId: 'B', from: 'running', to: 'stopped' }));
      expect(await h.callLogs.listOpenCallLogs()).toEqual([]);
      commands.close();
      await whileRunning(r.clock, engine.stop({ timeoutMs: 60_000 }));
    }, 120_000);

    it('a restart resumes what is stored as running, and only that', async () => {
      const r = await rig(h);
      const first = await engineWithControl(r, 'b1');
      await first.commands.start('A');
      await first.commands.start('B');
      await first.commands.pause('B');
      await drive(r.clock, () => created(r, 'A').length >= 3, 600_000);
      first.commands.close();
      await whileRunning(r.clock, first.engine.stop({ timeoutMs: 60_000 }));

      const restartAt = r.clock.now();
      const second = await engineWithControl(r, 'b2');
      expect(second.engine.campaign('A')?.state).toBe('running');
      // Paused B does not dial: the single-process product leaves it unloaded; a node loads it paused (its campaign
      // follower loads every campaign not stopped: a paused one's live figures are the node's too).
      expect(second.engine.campaignIds()).toEqual(dialect === 'sqlite' ? ['A'] : ['A', 'B']);
      expect(second.engine.campaign('B')?.state).toBe(dialect === 'sqlite' ? undefined : 'paused');
      await drive(r.clock, () => created(r, 'A', restartAt).length >= 3, 600_000);
      expect(created(r, 'A', restartAt).length).toBeGreaterThanOrEqual(3);
      expect(created(r, 'B', restartAt)).toEqual([]);
      // Paused B can be resumed through the new engine's control.
      await second.commands.start('B');
      await drive(r.clock, () => created(r, 'B', restartAt).length >= 1, 600_000);
      expect(created(r, 'B', restartAt).length).toBeGreaterThanOrEqual(1);
      second.commands.close();
      await whileRunning(r.clock, second.engine.stop({ hangup: true, timeoutMs: 60_000 }));
    }, 120_000);

    // The engine control's own test calls and agent commands: the single-process product's (see the header).
    if (dialect === 'sqlite') {
      it('a test call: one call with the campaign settings to one number, CallLog without a lead, whatever the state', async () => {
        const r = await rig(h);
        const { engine, control } = await engineWithControl(r, 'b1');
        await drive(r.clock, () => engine.snapshot().agents.every((a) => a.legUp), 30_000);
        await expectControlError(control.campaigns.testCall('A', '8888-7777'), 'invalid');
        await expectControlError(control.campaigns.testCall('nope', '+15550110999'), 'not_found');
        const { callId } = await control.campaigns.testCall('A', '+15550110999');
        await drive(r.clock, () => h.sqlite!.callLogs.get(callId)?.endedAt != null, 120_000);
        const row = h.sqlite!.callLogs.get(callId)!;
        expect(row).toMatchObject({ campaignId: 'A', leadId: null, phone: '+15550110999', disposition: 'ANSWERED_HUMAN' });
        // The campaign stays a draft and dials nothing; test calls are not campaign traffic in the stats.
        expect(h.sqlite!.campaigns.get('A')?.state).toBe('draft');
        expect(r.events.filter((e) => e.type === 'call.created')).toHaveLength(1);
        expect(control.campaigns.liveStats('A').today.placed).toBe(0);
        await whileRunning(r.clock, engine.stop({ timeoutMs: 60_000 }));
      }, 60_000);

      it('agents from the API side: upsert from the store, login, pause, logout, remove', async () => {
        const r = await rig(h);
        const { engine, control } = await engineWithControl(r, 'b1');
        expect(control.agents.list().map((a) => a.id).sort()).toEqual(['agent-1001', 'agent-1002', 'agent-1003']);
        expect(() => control.agents.upsert('agent-1009')).toThrow(ControlError);
        h.sqlite!.agents.upsert({ id: 'agent-1009', kind: 'human', name: 'new', endpoint: 'PJSIP/1009', createdAt: r.clock.now() });
        control.agents.upsert('agent-1009');
        expect(control.agents.state('agent-1009')).toMatchObject({ status: 'LOGGED_OUT', legUp: false, kind: 'human' });
        control.agents.login('agent-1009');
        await drive(r.clock, () => control.agents.state('agent-1009')?.legUp === true, 30_000);
        const ready = control.agents.state('agent-1009')!;
        expect(ready).toMatchObject({ status: 'READY', legUp: true });
        expect(ready.since).toBeGreaterThan(T0);
        control.agents.pause('agent-1009', 'lunch');
        expect(control.agents.state('agent-1009')).toMatchObject({ status: 'PAUSED', pauseReason: 'lunch' });
        control.agents.logout('agent-1009');
        expect(control.agents.state('agent-1009')?.status).toBe('LOGGED_OUT');
        control.agents.remove('agent-1009');
        await drive(r.clock, () => control.agents.state('agent-1009') === null, 30_000);
        expect(control.agents.state('agent-1009')).toBeNull();
        expect(r.sim.snapshot().channels.some((c) => c.id.includes('ag-agent-1009'))).toBe(false);
        expect(() => control.agents.logout('agent-1009')).toThrow(ControlError);
        await whileRunning(r.clock, engine.stop({ timeoutMs: 60_000 }));
      }, 60_000);
    }
  },
  { prefix: 'ct_pg_engine_control' },
);
