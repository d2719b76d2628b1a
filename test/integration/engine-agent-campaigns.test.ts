/**
 * Agents assigned to campaigns (agents.campaign_ids) on the embedded PBX: two overdialing campaigns with
 * disjoint agent teams run at once, each call goes only to its campaign's team (the reservation of a progressive
 * dial and the humans waiting in power/predictive alike), each pacer observes only its team, and starting a
 * predictive campaign whose team overlaps a running one is refused. Real ARI sockets, virtual time.
 *
 * On both dialects (#18), as each product runs it: on SQLite the engine control stores each command and acts on the
 * engine (app/engine-control.ts); on PostgreSQL the command is stored in the campaigns row (the routes' catalog) and
 * the node's campaign follower brings the engine in line, the agents (teams read from PostgreSQL's jsonb) joined and
 * changed by its agent follower. SQLite-only part: the engine control's refusal of an overlapping team (on
 * PostgreSQL the routes refuse the same start with the same rule: api-campaigns-pg).
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { connectAri } from '../../engine/ari/gateway.js';
import { systemClock } from '../../engine/clock/index.js';
import type { DomainEvent } from '../../engine/events/types.js';
import { silentLogger } from '../../engine/log/logger.js';
import { ControlError } from '../../engine/control/types.js';
import { scriptedAmdSource } from '../support/scripted-amd.js';
import { agentConfigFromRow, campaignEngineView } from '../../app/engine-control.js';
import { dialectCommands } from '../support/dialect-control.js';
import { Engine } from '../../engine/shell/engine.js';
import { drive, whileRunning } from '../support/virtual-drive.js';
import { dialectPbxRigs, type DialectPbxRig } from '../support/pbx-rig.js';
import { describeDialects, type DialectHarness } from '../support/store-dialects.js';

type Rig = DialectPbxRig;

const newPbx = dialectPbxRigs();

// Monday 09:00 in Costa Rica (the campaigns' default zone).
const T0 = Date.UTC(2026, 0, 5, 15, 0);

/**
 * Campaigns: X predictive, Y power 2:1, Z progressive, W predictive (not started). Teams:
 * X = {1001, 1002}; Y = {1003, 1004, 1005}; Z = {1005}; W = {1004}.
 */
const TEAMS: Record<string, string[]> = {
  'agent-1001': ['X'],
  'agent-1002': ['X'],
  'agent-1003': ['Y'],
  'agent-1004': ['Y', 'W'],
  'agent-1005': ['Y', 'Z'],
};
const teamOf = (campaignId: string) => Object.keys(TEAMS).filter((a) => TEAMS[a]!.includes(campaignId));

async function rig(h: DialectHarness): Promise<Rig> {
  // Most callees are quick humans: many answered calls wait for an agent of their campaign.
  const r = await newPbx({ h, start: T0, seed: 7, quickHumans: '155501', name: 'agent-campaigns' });
  const open = { callingHours: { start: '00:00', end: '24:00' }, weekdays: [1, 2, 3, 4, 5, 6, 7], maxAttempts: 1, wrapUpS: 1 };
  await h.seed.campaign('X', { name: 'predictive X', dialMode: 'predictive', maxConcurrent: 4, ...open }, T0);
  await h.seed.campaign('Y', { name: 'power Y', dialMode: 'power', dialRatio: 2, maxConcurrent: 6, ...open }, T0);
  await h.seed.campaign('Z', { name: 'progressive Z', dialMode: 'progressive', maxConcurrent: 2, ...open }, T0);
  await h.seed.campaign('W', { name: 'predictive W', dialMode: 'predictive', maxConcurrent: 4, ...open }, T0);
  for (const [c, base] of [
    ['X', 1000],
    ['Y', 3000],
    ['Z', 5000],
    ['W', 7000],
  ] as const) {
    await h.seed.leads(
      Array.from({ length: 60 }, (_, i) => {
        const phone = `+155501${String(base + i).padStart(5, '0')}`;
        return { campaignId: c, phoneE164: phone, phoneRaw: phone, nextDueAt: T0 - 1000 };
      }),
      T0 - 1000,
    );
  }
  // The agents' phones register to this node's Asterisk (agents.node_id).
  for (const [id, campaignIds] of Object.entries(TEAMS)) {
    await h.seed.agent({ id, kind: 'human', name: id, endpoint: `PJSIP/${id.slice(6)}`, nodeId: 'n1', campaignIds, createdAt: T0 });
  }
  return r;
}

async function engineWithControl(r: Rig) {
  const { h } = r;
  const gateway = await connectAri({ url: r.sim.url, username: r.sim.username, password: r.sim.password, app: 'centralita', clock: systemClock, initialDelayMs: 20, maxDelayMs: 200 });
  // SQLite: the single-process product's agents (app/engine-host.ts); PostgreSQL: this node's (app/node/run-node.ts).
  const rows = h.sqlite ? h.sqlite.agents.list() : await h.agents.listForNode('n1');
  const engine = new Engine({
    gateway,
    nodeId: 'n1',
    clock: r.clock,
    logger: silentLogger,
    amd: scriptedAmdSource({ clock: r.clock, host: '127.0.0.1', port: (r.sink.address() as AddressInfo).port }),
    agents: rows.map((a) => agentConfigFromRow(a)),
    leadOutcomes: r.ports.leadOutcomes('n1'),
    callLogs: r.ports.callLogs,
    bootId: 'b1',
    tickMs: 200,
    pacingTickMs: 1000,
  });
  const events: DomainEvent[] = [];
  engine.events.on('*', (e) => events.push(e));
  await whileRunning(r.clock, engine.start());
  const commands = await dialectCommands(r, engine);
  return { engine, commands, events, close: () => commands.close() };
}

describeDialects(
  'agents assigned to campaigns, on the embedded PBX',
  (h) => {
    it('disjoint teams run two overdialing campaigns at once; every call goes to its own team; overlap is refused', async () => {
      const r = await rig(h);
      const { engine, commands, events, close } = await engineWithControl(r);
      await drive(r.clock, () => engine.snapshot().agents.every((a) => a.legUp), 30_000);

      await commands.start('X');
      // Y's team {1003, 1004, 1005} is disjoint from X's {1001, 1002}: a second overdialing campaign may run.
      await commands.start('Y');
      // Z is progressive: it shares agent-1005 with Y safely (it reserves its agent before dialing).
      await commands.start('Z');
      if (h.sqlite) {
        // W's team {1004} overlaps Y's: refused, naming Y and the shared agent; nothing stored.
        let refused: unknown;
        await commands.start('W').catch((err: unknown) => (refused = err));
        expect(refused).toBeInstanceOf(ControlError);
        expect((refused as ControlError).code).toBe('conflict');
        expect((refused as ControlError).message).toMatch(/^campaign "power Y" \(power\) is running and shares agents with "predictive W": agent-1004;/);
        expect((refused as ControlError).message).toMatch(/agent-1004/);
        expect((refused as ControlError).message).not.toMatch(/agent-1003|agent-1005/);
        expect((await h.campaigns.get('W'))?.state).toBe('draft');
      }

      const campaignOf = new Map<string, string>();
      events.forEach((e) => e.type === 'call.created' && campaignOf.set(e.callId, e.campaignId));
      const bridged = (c: string) =>
        events.filter((e): e is Extract<DomainEvent, { type: 'call.bridged' }> => e.type === 'call.bridged' && campaignOf.get(e.callId) === c);
      const track = () => events.forEach((e) => e.type === 'call.created' && campaignOf.set(e.callId, e.campaignId));
      await drive(
        r.clock,
        () => {
          track();
          return bridged('X').length >= 6 && bridged('Y').length >= 6 && bridged('Z').length >= 2;
        },
        900_000,
      );
      track();
      expect(bridged('X').length).toBeGreaterThanOrEqual(6);
      expect(bridged('Y').length).toBeGreaterThanOrEqual(6);
      expect(bridged('Z').length).toBeGreaterThanOrEqual(2);
      // Every bridged call of a campaign went to an agent of that campaign's team.
      for (const c of ['X', 'Y', 'Z']) {
        const agents = new Set(bridged(c).map((e) => e.agentId));
        expect([...agents].every((a) => teamOf(c).includes(a)), `${c}: ${[...agents].join(',')}`).toBe(true);
      }
      // Y's humans waited for, and were served by, more than one of its agents.
      expect(new Set(bridged('Y').map((e) => e.agentId)).size).toBeGreaterThan(1);
      // Each pacer observes only its team (the agents of both controls' live figures).
      expect(campaignEngineView(engine, 'X')?.counts?.loggedIn).toBe(2);
      expect(campaignEngineView(engine, 'Y')?.counts?.loggedIn).toBe(3);
      expect(campaignEngineView(engine, 'Z')?.counts?.loggedIn).toBe(1);
      const obsX = engine.campaignObservation('X')!;
      expect(obsX.agents).toHaveLength(2);

      // Once Y stops, W's team no longer overlaps a running overdialing campaign: it starts.
      await commands.stop('Y');
      await commands.start('W');
      expect((await h.campaigns.get('W'))?.state).toBe('running');
      expect(engine.campaign('W')?.state).toBe('running');
      close();
      await whileRunning(r.clock, engine.stop({ hangup: true, timeoutMs: 60_000 }));
      expect(await h.callLogs.listOpenCallLogs()).toEqual([]);
    }, 120_000);

    it('an agent reassigned through upsert serves its new campaign only', async () => {
      const r = await rig(h);
      const { engine, commands, close } = await engineWithControl(r);
      await drive(r.clock, () => engine.snapshot().agents.every((a) => a.legUp), 30_000);
      // X loaded (its observation exists) but not dialing.
      await commands.start('X');
      await commands.pause('X');
      expect(engine.campaignObservation('X')?.agents).toHaveLength(2);
      expect(engine.agentState('agent-1001')?.config.campaignIds).toEqual(['X']);
      await h.agentDirectory.update('agent-1001', { campaignIds: ['Z'] });
      await commands.agentChanged('agent-1001');
      expect(engine.agentState('agent-1001')?.config.campaignIds).toEqual(['Z']);
      expect(engine.campaignObservation('X')?.agents).toHaveLength(1);
      await h.agentDirectory.update('agent-1001', { campaignIds: null });
      await commands.agentChanged('agent-1001');
      expect(engine.agentState('agent-1001')?.config.campaignIds).toBeUndefined();
      expect(engine.campaignObservation('W')?.agents).toBeUndefined(); // W is not loaded
      expect(engine.campaignObservation('X')?.agents).toHaveLength(2);
      close();
      await whileRunning(r.clock, engine.stop({ timeoutMs: 60_000 }));
    }, 60_000);
  },
  { prefix: 'ct_pg_engine_agent_campaigns' },
);
