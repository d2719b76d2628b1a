/**
 * Agents logging in from their phones (dialplan/extensions_centralita.conf: *50 → Stasis(centralita,
 * agent-login,${CHANNEL(endpoint)}), *51 agent-pause) against the engine on the embedded PBX: the agent's own
 * call becomes the nailed-up leg, a human customer is bridged to it, a pause from the phone stops routing,
 * hanging up logs the agent out without a redial, and unknown phones are refused.
 *
 * On both dialects (#18) where the store takes part: the CallLogs of the agent's calls, and a restarted engine
 * reading the open ones back (SQLite's repositories as the single-process product hands them, PostgreSQL's writer
 * as `centralita node` does). SQLite only: an unknown phone, an ARI reconnect, the simulator's StasisStart — call
 * flow the store takes no part in.
 */
import { drive, whileRunning } from '../support/virtual-drive.js';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { AgentConfig } from '../../engine/agents/types.js';
import { connectAri } from '../../engine/ari/gateway.js';
import { defaultCallPolicy } from '../../engine/calls/types.js';
import { systemClock, VirtualClock } from '../../engine/clock/index.js';
import type { DomainEvent } from '../../engine/events/types.js';
import { silentLogger } from '../../engine/log/logger.js';
import { scriptedAmdSource } from '../support/scripted-amd.js';
import { MemoryLeadSource } from '../../engine/shell/lead-sources.js';
import type { Lead } from '../../engine/shell/ports.js';
import { Engine } from '../../engine/shell/engine.js';
import { scripts, startSimulator, type Script } from '../../engine/sim/index.js';
import { dialectPbxRigs, type DialectPbxRig } from '../support/pbx-rig.js';
import { describeDialects, type DialectHarness } from '../support/store-dialects.js';
import type { CallLogRow } from '../../engine/store/index.js';

/** Humans who talk 4–6 s so that a few calls fit a test. */
const quickHuman: Script = (ctx) => {
  const plan = scripts.human(ctx);
  if (plan.outcome.kind === 'answer') plan.outcome.hangupAfterMs = 4000 + Math.floor(ctx.rng() * 2000);
  return plan;
};

const AGENTS: AgentConfig[] = [{ id: '1001', kind: 'human', endpoint: 'PJSIP/1001', maxConcurrent: 1, wrapUpMs: 1000 }];
const LEADS: Lead[] = Array.from({ length: 20 }, (_, i) => ({ id: `L${i}`, phone: `+1555011${String(2000 + i)}` }));

interface Rig extends DialectPbxRig {
  leads: MemoryLeadSource;
  events: DomainEvent[];
  engine: Engine;
}

const newPbx = dialectPbxRigs();


async function rig(h: DialectHarness): Promise<Rig> {
  const base = await newPbx({ h, seed: 7, name: 'dial-in', sim: { scenarios: [{ match: '1555011', script: quickHuman }] } });
  const leads = new MemoryLeadSource(LEADS);
  const r: Rig = { ...base, leads, events: [], engine: null as unknown as Engine };
  await boot(r, 'b1');
  return r;
}

/** Starts an engine process (a new `bootId` = a new process) on the rig's PBX, store and leads. */
async function boot(r: Rig, bootId: string): Promise<Engine> {
  const { clock, sim, sink, leads } = r;
  const gateway = await connectAri({ url: sim.url, username: sim.username, password: sim.password, app: 'centralita', clock: systemClock, initialDelayMs: 20, maxDelayMs: 200 });
  const engine = new Engine({
    gateway,
    nodeId: 'n1',
    clock,
    logger: silentLogger,
    amd: scriptedAmdSource({ clock, host: '127.0.0.1', port: (sink.address() as AddressInfo).port }),
    leads,
    campaign: {
      id: 'camp-1',
      policy: { ...defaultCallPolicy, ringTimeoutSec: 20, agentWaitMs: 2000, safeHarborMedia: 'sound:beep', playbackGuardMs: 10_000 },
      endpointFor: (p) => `PJSIP/${p}@trunk`,
    },
    agents: AGENTS,
    concurrency: 1,
    callLogs: r.ports.callLogs,
    bootId,
    tickMs: 200,
    autoReady: false, // agents log in from their phones
  });
  engine.events.on('*', (e) => r.events.push(e));
  r.engine = engine;
  await whileRunning(clock, engine.start());
  return engine;
}

const agent = (r: Rig) => r.engine.snapshot().agents.find((a) => a.id === '1001')!;
const channel = (r: Rig, id: string) => r.sim.snapshot().channels.find((c) => c.id === id);
const agentBridge = (r: Rig, bootId = 'b1') => r.sim.snapshot().bridges.find((b) => b.id === `cl-n1-${bootId}-agb-1001`);
const bridgedCalls = (r: Rig) => r.events.filter((e) => e.type === 'call.bridged');
/** Anything the engine ever originated towards the agent's phone (a nailed-up leg of ours). */
const ourAgentLegs = (r: Rig) => r.sim.journal().filter((j) => j.id?.includes('-ag-1001-'));

describeDialects(
  'agents dialling into Stasis (agent-login / agent-pause)',
  (h, dialect) => {
    it('logs in on its own call, takes a human, pauses from the phone, hangs up → LOGGED_OUT without redial', async () => {
      const r = await rig(h);
      // Nobody online: nothing is dialled.
      await drive(r.clock, () => false, 3000);
      expect(r.leads.remaining).toBe(LEADS.length);
      expect(agent(r).status).toBe('LOGGED_OUT');

      const leg = r.sim.dialIn({ endpoint: 'PJSIP/1001', args: ['agent-login', '1001'] });
      await drive(r.clock, () => agent(r).legUp, 5000);
      expect(agent(r)).toMatchObject({ status: 'READY', legId: leg, legDialIn: true, legUp: true });
      expect(channel(r, leg)?.state).toBe('Up'); // answered by the engine
      expect(agentBridge(r)?.channels).toContain(leg);

      // A human customer is bridged to the agent, in the bridge that holds the agent's own call.
      let customerInBridge = false;
      await drive(
        r.clock,
        () => {
          const b = agentBridge(r);
          if (bridgedCalls(r).length > 0 && b && b.channels.length === 2 && b.channels.includes(leg)) customerInBridge = true;
          return customerInBridge;
        },
        60_000,
      );
      expect(customerInBridge).toBe(true);
      expect(bridgedCalls(r)[0]).toMatchObject({ agentId: '1001' });

      // *51 from the same phone: a second, short call; PAUSED (after the current call and wrap-up).
      const ctl = r.sim.dialIn({ endpoint: 'PJSIP/1001', args: ['agent-pause', '1001'] });
      await drive(r.clock, () => !channel(r, ctl), 10_000);
      expect(channel(r, ctl)).toBeUndefined(); // confirmed and hung up
      expect(r.sim.journal().some((j) => j.what === 'ChannelStateChange' && j.id === ctl)).toBe(true); // answered first
      await drive(r.clock, () => agent(r).status === 'PAUSED', 60_000);
      expect(agent(r)).toMatchObject({ status: 'PAUSED', pauseReason: 'phone', legId: leg, legUp: true });
      await drive(r.clock, () => r.engine.snapshot().calls.length === 0, 60_000);

      // Paused: no new call is routed or dialled.
      const dialled = LEADS.length - r.leads.remaining;
      const bridged = bridgedCalls(r).length;
      await drive(r.clock, () => false, 30_000);
      expect(LEADS.length - r.leads.remaining).toBe(dialled);
      expect(bridgedCalls(r).length).toBe(bridged);
      expect(agentBridge(r)?.channels).toEqual([leg]);

      // The agent puts the phone down: LOGGED_OUT, the agent bridge goes, the engine never dials the phone.
      r.sim.hangupChannel(leg);
      await drive(r.clock, () => agent(r).status === 'LOGGED_OUT' && !agentBridge(r), 5000);
      expect(agent(r)).toMatchObject({ status: 'LOGGED_OUT', legId: null, legUp: false });
      await drive(r.clock, () => false, 15_000);
      expect(agent(r).status).toBe('LOGGED_OUT');
      expect(ourAgentLegs(r)).toEqual([]);
      expect(r.sim.snapshot().channels).toEqual([]);

      // Every attempt has one closed CallLog.
      const rows = ((await r.h.read.rows('callLogs')) as CallLogRow[]).filter((x) => x.campaignId === 'camp-1');
      expect(rows.length).toBe(dialled);
      expect(rows.filter((x) => x.endedAt === null)).toEqual([]);
      expect(rows.filter((x) => x.disposition === 'ANSWERED_HUMAN').length).toBeGreaterThan(0);

      await whileRunning(r.clock, r.engine.stop({ timeoutMs: 30_000 }));
      expect(r.sim.snapshot()).toEqual({ channels: [], bridges: [] });
    }, 120_000);

    it('a restarted engine takes the agent dial-in leg back (the old bridge goes, the phone call stays)', async () => {
      const r = await rig(h);
      const leg = r.sim.dialIn({ endpoint: 'PJSIP/1001', args: ['agent-login', '1001'] });
      await drive(r.clock, () => agent(r).legUp, 5000);
      await r.engine.crash();
      await boot(r, 'b2');
      await drive(r.clock, () => agent(r).legUp && !agentBridge(r, 'b1'), 10_000);
      expect(agent(r)).toMatchObject({ legId: leg, legDialIn: true, legUp: true });
      expect(agentBridge(r, 'b1')).toBeUndefined(); // the dead process's bridge: an orphan, destroyed
      expect(agentBridge(r, 'b2')?.channels).toContain(leg);
      expect(channel(r, leg)?.state).toBe('Up');
      expect(ourAgentLegs(r)).toEqual([]); // never dialled the phone
      r.sim.hangupChannel(leg);
      await drive(r.clock, () => agent(r).status === 'LOGGED_OUT' && r.engine.snapshot().calls.length === 0, 60_000);
      await whileRunning(r.clock, r.engine.stop({ timeoutMs: 30_000 }));
      expect(r.sim.snapshot()).toEqual({ channels: [], bridges: [] });
    }, 60_000);

    // Call flow the store takes no part in: SQLite only.
    if (dialect === 'sqlite') {
      it('an unknown phone is answered with an error and hung up; nothing changes for the agents', async () => {
        const r = await rig(h);
        const stranger = r.sim.dialIn({ endpoint: 'PJSIP/2999', args: ['agent-login', '2999'] });
        await drive(r.clock, () => !channel(r, stranger), 10_000);
        expect(channel(r, stranger)).toBeUndefined();
        expect(r.sim.journal().some((j) => j.what === 'ChannelHangupRequest' && j.id === stranger)).toBe(true);
        expect(agent(r).status).toBe('LOGGED_OUT');
        expect(r.engine.snapshot().controlCalls).toEqual([]);
        await whileRunning(r.clock, r.engine.stop({ timeoutMs: 30_000 }));
        expect(r.sim.snapshot()).toEqual({ channels: [], bridges: [] });
      }, 60_000);

      it('keeps a dial-in leg across an ARI reconnect (not ours by prefix, but remembered)', async () => {
        const r = await rig(h);
        const leg = r.sim.dialIn({ endpoint: 'PJSIP/1001', args: ['agent-login', '1001'] });
        await drive(r.clock, () => agent(r).legUp, 5000);
        const mark = r.events.length;
        r.sim.dropWebSockets();
        // A reconciliation that follows the disconnect (not a late one from the first connection).
        const resynced = () => {
          const after = r.events.slice(mark);
          const cut = after.findIndex((e) => e.type === 'engine.disconnected');
          return cut >= 0 && after.slice(cut).some((e) => e.type === 'engine.reconciled');
        };
        await drive(r.clock, resynced, 600_000);
        expect(resynced()).toBe(true);
        await drive(r.clock, () => false, 2000);
        expect(channel(r, leg)?.state).toBe('Up');
        expect(agentBridge(r)?.channels).toContain(leg);
        expect(agent(r)).toMatchObject({ legId: leg, legDialIn: true, legUp: true });
        expect(['READY', 'RESERVED', 'TALKING', 'WRAP_UP']).toContain(agent(r).status); // still taking calls
        // Logging out from the phone (*59) ends it all: the leg is hung up by us.
        const ctl = r.sim.dialIn({ endpoint: 'PJSIP/1001', args: ['agent-logout', '1001'] });
        // A call in progress finishes first (logout waits for it), then the leg is hung up by us.
        await drive(r.clock, () => agent(r).status === 'LOGGED_OUT' && !channel(r, ctl) && !channel(r, leg), 60_000);
        expect(agent(r)).toMatchObject({ status: 'LOGGED_OUT', legId: null });
        expect(channel(r, leg)).toBeUndefined();
        expect(ourAgentLegs(r)).toEqual([]);
        await whileRunning(r.clock, r.engine.stop({ timeoutMs: 30_000 }));
        expect(r.sim.snapshot()).toEqual({ channels: [], bridges: [] });
      }, 60_000);

      it('the simulator sends the StasisStart Asterisk sends for Stasis(centralita,agent-login,1001) from the dialplan', async () => {
        const clock = new VirtualClock();
        const sim = await startSimulator({ clock, seed: 1 });
        try {
          const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/ari/events?app=centralita&api_key=${sim.username}:${encodeURIComponent(sim.password)}`);
          const got: Array<Record<string, unknown>> = [];
          ws.on('message', (m: Buffer) => got.push(JSON.parse(m.toString()) as Record<string, unknown>));
          await new Promise<void>((res, rej) => ws.once('open', () => res()).once('error', rej));
          await new Promise<void>((res) => setTimeout(res, 50));
          const id = sim.dialIn({ endpoint: 'PJSIP/1001', args: ['agent-login', '1001'] });
          await new Promise<void>((res) => setTimeout(res, 50));
          // Not subscribed before Stasis(): StasisStart is the first event (no STASISSTATUS varset before it).
          expect(got.map((e) => e['type'])).toEqual(['StasisStart']);
          expect(got[0]).toMatchObject({
            application: 'centralita',
            args: ['agent-login', '1001'],
            channel: {
              id,
              name: expect.stringMatching(/^PJSIP\/1001-[0-9a-f]{8}$/),
              state: 'Ring',
              caller: { number: '1001' },
              dialplan: { context: 'centralita-agents', exten: '*50', priority: 2, app_name: 'Stasis', app_data: 'centralita,agent-login,1001' },
            },
          });
          // The phone hangs up: the app sees the hangup request and StasisEnd, then nothing (unsubscribed).
          got.length = 0;
          sim.hangupChannel(id);
          await new Promise<void>((res) => setTimeout(res, 50));
          expect(got.map((e) => e['type'])).toEqual(['ChannelHangupRequest', 'StasisEnd']);
          ws.close();
        } finally {
          await sim.close();
        }
      });
    }
  },
  { prefix: 'ct_pg_engine_dial_in' },
);
