/**
 * The engine end to end on the embedded PBX: real ARI over HTTP/WebSocket (ari-client + our event socket),
 * real CallLogs in the store of each dialect (#18: SQLite's repositories as the single-process product hands
 * them, PostgreSQL's writer and hopper as `centralita node` does), RTP to a UDP sink, AMD decisions from the
 * scripted double, one virtual clock shared by the PBX and the engine so minutes of dialing run in seconds.
 */
import { drive, whileRunning } from '../support/virtual-drive.js';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import type { AgentConfig } from '../../engine/agents/types.js';
import { connectAri } from '../../engine/ari/gateway.js';
import { defaultCallPolicy } from '../../engine/calls/types.js';
import { systemClock } from '../../engine/clock/index.js';
import { DISPOSITIONS, type DomainEvent, type Disposition } from '../../engine/events/types.js';
import { silentLogger } from '../../engine/log/logger.js';
import { scriptedAmdSource } from '../support/scripted-amd.js';
import { MemoryLeadSource } from '../../engine/shell/lead-sources.js';
import type { Lead, LeadSource } from '../../engine/shell/ports.js';
import { Engine } from '../../engine/shell/engine.js';
import { type Simulator } from '../../engine/sim/index.js';
import type { CallLogRow } from '../../engine/store/index.js';
import { dialectPbxRigs, type DialectPbxRig } from '../support/pbx-rig.js';
import { describeDialects, type DialectHarness } from '../support/store-dialects.js';

/** Sim test ranges → the disposition each must end with (humans: bridged or dropped). */
const RANGES: ReadonlyArray<readonly [string, number, readonly Disposition[]]> = [
  ['1555011', 60, ['ANSWERED_HUMAN', 'DROPPED']],
  ['1555012', 45, ['MACHINE']],
  ['1555013', 20, ['NO_ANSWER']],
  ['1555014', 20, ['BUSY']],
  ['1555015', 15, ['CONGESTION']],
  ['1555016', 15, ['INVALID_NUMBER']],
  ['1555017', 25, ['HUNG_UP_DURING_AMD']],
];

/** 200 leads over the ranges, in a seeded shuffled order. */
function makeLeads(seed: number): Lead[] {
  const leads: Lead[] = [];
  for (const [range, n] of RANGES) for (let i = 0; i < n; i++) leads.push({ id: `L${range}-${i}`, phone: `+${range}${String(1000 + i).padStart(4, '0')}` });
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  for (let i = leads.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [leads[i], leads[j]] = [leads[j]!, leads[i]!];
  }
  return leads;
}

const AGENTS: AgentConfig[] = Array.from({ length: 5 }, (_, i) => ({
  id: `${1001 + i}`,
  kind: 'human',
  endpoint: `PJSIP/${1001 + i}`,
  maxConcurrent: 1,
  wrapUpMs: 1500,
}));

interface Rig extends DialectPbxRig {
  leads: MemoryLeadSource;
  /** What the engine dials from (default: `leads`). */
  source: LeadSource;
  events: DomainEvent[];
}

const newPbx = dialectPbxRigs();

async function rig(h: DialectHarness, leads: Lead[], startMs?: number): Promise<Rig> {
  const base = await newPbx({ h, start: startMs, seed: 42, quickHumans: '1555011', name: 'engine' });
  const memory = new MemoryLeadSource(leads);
  const r: Rig = { ...base, leads: memory, source: memory, events: [] };
  return r;
}

async function newEngine(r: Rig, bootId: string, concurrency = 8, agents: AgentConfig[] = AGENTS): Promise<Engine> {
  // The gateway's reconnect/heartbeat timers are about real sockets: wall clock. Engine and PBX: virtual.
  const gateway = await connectAri({ url: r.sim.url, username: r.sim.username, password: r.sim.password, app: 'centralita', clock: systemClock, initialDelayMs: 20, maxDelayMs: 200 });
  const engine = new Engine({
    gateway,
    nodeId: 'n1',
    clock: r.clock,
    logger: silentLogger,
    amd: scriptedAmdSource({ clock: r.clock, host: '127.0.0.1', port: (r.sink.address() as AddressInfo).port }),
    leads: r.source,
    campaign: {
      id: 'camp-1',
      policy: { ...defaultCallPolicy, ringTimeoutSec: 20, agentWaitMs: 2000, safeHarborMedia: 'sound:beep', playbackGuardMs: 10_000 },
      endpointFor: (p) => `PJSIP/${p}@trunk`,
    },
    agents,
    concurrency,
    callLogs: r.ports.callLogs,
    bootId,
    tickMs: 200,
  });
  engine.events.on('*', (e) => r.events.push(e));
  // Start needs the PBX's answers; the PBX runs on the virtual clock: keep it moving meanwhile.
  await whileRunning(r.clock, engine.start());
  return engine;
}


const ours = (sim: Simulator) => {
  const snap = sim.snapshot();
  return [...snap.channels.map((c) => c.id), ...snap.bridges.map((b) => b.id)].filter((id) => id.startsWith('cl-n1-'));
};

/** The campaign's CallLogs as stored. */
async function callLogs(r: Rig): Promise<CallLogRow[]> {
  return ((await r.h.read.rows('callLogs')) as CallLogRow[]).filter((x) => x.campaignId === 'camp-1');
}

async function expectCampaignOutcome(r: Rig, leads: Lead[], opts: { lenientWhenCauseUnknown?: boolean } = {}): Promise<void> {
  const rows = await callLogs(r);
  // Exactly one CallLog per attempt, one attempt per lead, none left open.
  expect(rows).toHaveLength(leads.length);
  expect(new Set(rows.map((x) => x.leadId)).size).toBe(leads.length);
  expect(rows.filter((x) => x.endedAt === null)).toEqual([]);
  expect([...r.leads.dialed.values()].every((n) => n === 1)).toBe(true);
  for (const row of rows) {
    const range = row.phone.replace(/[^0-9]/g, '').slice(0, 7);
    let allowed = RANGES.find(([p]) => p === range)?.[2];
    // A call whose end we never saw (lost with the socket or the process) is closed "from what is known".
    if (opts.lenientWhenCauseUnknown && row.hangupCause === null) allowed = DISPOSITIONS;
    expect({ phone: row.phone, disposition: row.disposition }).toEqual({ phone: row.phone, disposition: expect.toBeOneOf([...(allowed ?? [])]) });
    if (row.disposition === 'MACHINE') expect(row.bridgedAt).toBeNull();
    if (row.disposition === 'DROPPED') expect(row.safeHarborPlayed).toBe(true);
    if (row.disposition === 'ANSWERED_HUMAN') expect(row.bridgedAt).not.toBeNull();
  }
}

/** Distinct leads the engine placed a call to (both processes of a restart: the events are the rig's). */
const leadsCalled = (r: Rig) => new Set(r.events.flatMap((e) => (e.type === 'call.created' && e.leadId ? [e.leadId] : []))).size;

describeDialects(
  'engine on the embedded PBX',
  (h, dialect) => {
    // SQLite only: call flow at scale and a bot's concurrency cap. The CallLog writes they make are the cases below
    // on both dialects (every disposition range, an ARI reconnect, a crash and restart, the store's hopper).
    if (dialect === 'sqlite') {
      it('200 leads, 5 agents, a seeded mix: one CallLog per attempt with the right disposition, nothing of ours left', async () => {
        const leads = makeLeads(7);
        const r = await rig(h, leads);
        const engine = await newEngine(r, 'b1');
        await drive(r.clock, () => r.leads.remaining === 0 && engine.snapshot().calls.length === 0, 3 * 3600_000);
        expect(r.leads.remaining).toBe(0);
        await whileRunning(r.clock, engine.stop({ timeoutMs: 60_000 }));
        await expectCampaignOutcome(r, leads);
        const humans = (await callLogs(r)).filter((x) => x.phone.startsWith('+1555011'));
        expect(humans.filter((x) => x.disposition === 'ANSWERED_HUMAN').length).toBeGreaterThan(0);
        // No machine was ever added to an agent bridge.
        const machineCalls = new Set(r.events.flatMap((e) => (e.type === 'call.amd' && e.treatedAs === 'MACHINE' ? [e.callId] : [])));
        expect(r.events.some((e) => e.type === 'call.bridged' && machineCalls.has(e.callId))).toBe(false);
        await drive(r.clock, () => ours(r.sim).length === 0, 5000);
        expect(ours(r.sim)).toEqual([]);
      }, 240_000);

      it('a bot agent (voice-AI endpoint, concurrency cap 3) takes the humans; never more than 3 at once', async () => {
        const leads = makeLeads(19).slice(0, 40);
        const r = await rig(h, leads);
        const bot: AgentConfig = { id: 'ai', kind: 'bot', endpoint: 'PJSIP/bot@voice-ai', maxConcurrent: 3, wrapUpMs: 0 };
        const engine = await newEngine(r, 'b1', 6, [bot]);
        let maxBotLegs = 0;
        await drive(
          r.clock,
          () => {
            maxBotLegs = Math.max(maxBotLegs, r.sim.snapshot().channels.filter((c) => c.id.endsWith('-bot')).length);
            return r.leads.remaining === 0 && engine.snapshot().calls.length === 0;
          },
          3 * 3600_000,
        );
        await whileRunning(r.clock, engine.stop({ timeoutMs: 60_000 }));
        await expectCampaignOutcome(r, leads);
        const rows = await callLogs(r);
        expect(rows.filter((x) => x.disposition === 'ANSWERED_HUMAN').every((x) => x.agentId === 'ai')).toBe(true);
        expect(rows.some((x) => x.disposition === 'ANSWERED_HUMAN')).toBe(true);
        expect(maxBotLegs).toBeGreaterThan(0);
        expect(maxBotLegs).toBeLessThanOrEqual(3);
        await drive(r.clock, () => ours(r.sim).length === 0, 5000);
        expect(ours(r.sim)).toEqual([]);
      }, 240_000);
    }

    it('survives the ARI WebSocket being cut mid-campaign: reconciles, no CallLog open, no lead twice, nothing left', async () => {
      const leads = makeLeads(11).slice(0, 80);
      const r = await rig(h, leads);
      const engine = await newEngine(r, 'b1');
      await drive(r.clock, () => r.leads.remaining <= 45, 3600_000);
      const reconciledBefore = r.events.filter((e) => e.type === 'engine.reconciled').length;
      r.sim.dropWebSockets();
      await drive(r.clock, () => r.events.filter((e) => e.type === 'engine.reconciled').length > reconciledBefore, 600_000);
      expect(r.events.map((e) => e.type)).toEqual(expect.arrayContaining(['engine.disconnected', 'engine.reconciled']));
      await drive(r.clock, () => r.leads.remaining === 0 && engine.snapshot().calls.length === 0, 3 * 3600_000);
      await whileRunning(r.clock, engine.stop({ timeoutMs: 60_000 }));
      await expectCampaignOutcome(r, leads, { lenientWhenCauseUnknown: true });
      await drive(r.clock, () => ours(r.sim).length === 0, 5000);
      expect(ours(r.sim)).toEqual([]);
    }, 240_000);

    it('restarts mid-campaign (crash, new process): open CallLogs closed, no lead twice, no orphan channel', async () => {
      const leads = makeLeads(13).slice(0, 80);
      const r = await rig(h, leads);
      const first = await newEngine(r, 'b1');
      await drive(r.clock, () => r.leads.remaining <= 45 && first.snapshot().calls.some((c) => c.phase === 'bridged'), 3600_000);
      const inFlight = first.snapshot().calls.length;
      expect(inFlight).toBeGreaterThan(0);
      await first.crash();
      await h.settle();
      expect((await h.callLogs.listOpenCallLogs('n1')).length).toBeGreaterThan(0);
      await drive(r.clock, () => false, 3000); // the process is gone for a while; calls go on in the PBX

      const second = await newEngine(r, 'b2');
      const reconciled = r.events.find((e) => e.type === 'engine.reconciled' && e.closedCalls > 0);
      expect(reconciled).toBeDefined();
      await drive(r.clock, () => r.leads.remaining === 0 && second.snapshot().calls.length === 0, 3 * 3600_000);
      await whileRunning(r.clock, second.stop({ timeoutMs: 60_000 }));
      expect(await h.callLogs.listOpenCallLogs()).toEqual([]);
      await expectCampaignOutcome(r, leads, { lenientWhenCauseUnknown: true });
      await drive(r.clock, () => ours(r.sim).length === 0, 5000);
      expect(ours(r.sim)).toEqual([]);
    }, 240_000);

    it("dials from the store's hopper: a restart mid-campaign leaves every lead attempted exactly once, no lease held", async () => {
      // Monday 09:00 in Costa Rica (the campaign's default zone): calling hours are open.
      const r = await rig(h, [], Date.UTC(2026, 0, 5, 15, 0));
      const t0 = r.clock.now();
      await h.seed.campaign('camp-1', { name: 'c', maxAttempts: 1, callingHours: { start: '00:00', end: '23:59' }, weekdays: [1, 2, 3, 4, 5, 6, 7] }, t0);
      await h.campaigns.command('camp-1', 'start', t0);
      const leads = makeLeads(17).slice(0, 40);
      await h.seed.leads(
        leads.map((l) => ({ campaignId: 'camp-1', phoneE164: l.phone, phoneRaw: l.phone, nextDueAt: t0 - 1000 })),
        t0 - 1000,
      );
      r.source = r.ports.leadsFor('camp-1', 'n1');
      const first = await newEngine(r, 'b1');
      await drive(r.clock, () => r.events.filter((e) => e.type === 'call.created').length >= 15, 3600_000);
      await first.crash();
      await h.settle();
      const leftOpen = (await h.callLogs.listOpenCallLogs('n1')).length;
      expect(leftOpen).toBeGreaterThan(0);
      await drive(r.clock, () => false, 2000);
      const second = await newEngine(r, 'b2');
      await drive(r.clock, () => leadsCalled(r) === 40 && second.snapshot().calls.length === 0, 3 * 3600_000);
      await whileRunning(r.clock, second.stop({ timeoutMs: 60_000 }));

      const rows = await callLogs(r);
      const stored = await h.read.leads('camp-1');
      expect(stored).toHaveLength(40);
      expect(stored.filter((l) => l.attempts !== 1 || l.leaseOwner !== null || l.nextDueAt !== null)).toEqual([]);
      expect(rows).toHaveLength(40);
      expect(new Set(rows.map((x) => x.leadId)).size).toBe(40);
      expect(await h.callLogs.listOpenCallLogs()).toEqual([]);
      expect(r.events.find((e) => e.type === 'engine.reconciled' && e.closedCalls === leftOpen)).toBeDefined();
      // The lead's last disposition is its CallLog's.
      const byLead = new Map(rows.map((x) => [x.leadId, x.disposition]));
      for (const l of stored) expect(l.lastDisposition).toBe(byLead.get(l.id));
      await drive(r.clock, () => ours(r.sim).length === 0, 5000);
      expect(ours(r.sim)).toEqual([]);
    }, 240_000);
  },
  { prefix: 'ct_pg_engine_sim' },
);
