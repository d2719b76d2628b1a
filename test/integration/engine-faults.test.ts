/**
 * The engine when Asterisk goes away, on the embedded PBX with one virtual clock for the PBX, the engine and the
 * ARI gateway (REST deadlines, heartbeat, reconnect backoff): a 20 s outage of ARI costs no wall time.
 *
 * - ARI unreachable for 20 s (every request and the event socket hang): the engine notices, reconciles when the
 *   port answers again and dials within 10 s; calls that ended unseen are closed at the last moment Asterisk was
 *   heard from, with the cause; a test call works again.
 * - Asterisk restarts mid-call (core stop / start): the bridged call is INTERRUPTED (asterisk_restart); the leg
 *   the engine originated is dialled again, the agent who dialled in is logged out with 'line-lost'.
 * - A safe-harbor message Asterisk does not have: not recorded as played, one warning for all such calls.
 * - stop() while ARI hangs: bounded; the calls it cannot see end are closed as interrupted (engine_stopped).
 *
 * Each on both dialects (#18): the CallLogs closed on these paths are written by SQLite's repositories as the
 * single-process product hands them, and by PostgreSQL's writer as `centralita node` does.
 */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import type { AgentConfig } from '../../engine/agents/index.js';
import { connectAri } from '../../engine/ari/index.js';
import { defaultCallPolicy, type CallPolicy } from '../../engine/calls/index.js';
import type { DomainEvent } from '../../engine/events/index.js';
import { createLogger, silentLogger, type Logger } from '../../engine/log/index.js';
import { Engine } from '../../engine/shell/engine.js';
import { MemoryLeadSource } from '../../engine/shell/lead-sources.js';
import type { Lead } from '../../engine/shell/ports.js';
import { dialectPbxRigs, type DialectPbxRig } from '../support/pbx-rig.js';
import { describeDialects, type DialectHarness } from '../support/store-dialects.js';
import type { CallLogRow } from '../../engine/store/index.js';
import { scriptedAmdSource } from '../support/scripted-amd.js';
import { drive, whileRunning } from '../support/virtual-drive.js';

const newPbx = dialectPbxRigs();
const human = (i: number): Lead => ({ id: `L${i}`, phone: `+1555011${String(3000 + i)}` });

interface Rig extends DialectPbxRig {
  leads: MemoryLeadSource;
  events: DomainEvent[];
  engine: Engine;
}

async function rig(h: DialectHarness, o: { name: string; leads: number; agents: AgentConfig[]; concurrency: number; policy?: Partial<CallPolicy>; logger?: Logger; autoReady?: boolean }): Promise<Rig> {
  const base = await newPbx({ h, seed: 21, quickHumans: '1555011', name: o.name });
  const leads = new MemoryLeadSource(Array.from({ length: o.leads }, (_, i) => human(i)));
  // Everything on the virtual clock, the gateway's timers included: outages last virtual seconds.
  const gateway = await connectAri({
    url: base.sim.url,
    username: base.sim.username,
    password: base.sim.password,
    app: 'centralita',
    clock: base.clock,
    initialDelayMs: 100,
    maxDelayMs: 2000,
  });
  const engine = new Engine({
    gateway,
    nodeId: 'n1',
    clock: base.clock,
    logger: o.logger ?? silentLogger,
    amd: scriptedAmdSource({ clock: base.clock, host: '127.0.0.1', port: (base.sink.address() as AddressInfo).port }),
    leads,
    campaign: {
      id: 'camp-1',
      policy: { ...defaultCallPolicy, ringTimeoutSec: 20, agentWaitMs: 2000, safeHarborMedia: 'sound:beep', playbackGuardMs: 10_000, ...o.policy },
      endpointFor: (p) => `PJSIP/${p}@trunk`,
    },
    agents: o.agents,
    concurrency: o.concurrency,
    callLogs: base.ports.callLogs,
    bootId: 'b1',
    tickMs: 200,
    ...(o.autoReady === false ? { autoReady: false } : {}),
  });
  const r: Rig = { ...base, leads, events: [], engine };
  engine.events.on('*', (e) => r.events.push(e));
  await whileRunning(base.clock, engine.start());
  return r;
}

const agents = (n: number): AgentConfig[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${1001 + i}`, kind: 'human', endpoint: `PJSIP/${1001 + i}`, maxConcurrent: 1, wrapUpMs: 500 }));
const ours = (r: Rig) => {
  const snap = r.sim.snapshot();
  return [...snap.channels.map((c) => c.id), ...snap.bridges.map((b) => b.id)].filter((id) => id.startsWith('cl-n1-'));
};
const createdAfter = (r: Rig, t: number) => r.events.filter((e) => e.type === 'call.created' && e.at >= t);

/** The campaign's CallLogs as stored. */
const callLogs = async (h: DialectHarness) => ((await h.read.rows('callLogs')) as CallLogRow[]).filter((x) => x.campaignId === 'camp-1');
/** Whether the engine ended the call (its CallLog's end is written then, awaited by the drive on PostgreSQL). */
const ended = (r: Rig, callId: string) => r.events.some((e) => e.type === 'call.ended' && e.callId === callId);

describeDialects(
  'engine faults on the embedded PBX (virtual clock)',
  (h) => {
    it('ARI unreachable for 20 s: reconciled and dialing within 10 s after, calls gone meanwhile closed when last heard, a test call works', async () => {
      const r = await rig(h, { name: 'fault-outage', leads: 30, agents: agents(2), concurrency: 2 });
      await drive(r.clock, () => r.engine.snapshot().calls.some((c) => c.phase === 'bridged'), 120_000);
      const downAt = r.clock.now();
      await r.sim.failRest({ mode: 'hang' });
      await drive(r.clock, () => false, 20_000);
      // Blind for 20 s: not reconciled, not dialing, and /health would have said so for longer than its grace.
      const blind = r.engine.snapshot();
      expect(blind).toMatchObject({ reconciled: false, dialing: false });
      expect(r.clock.now() - blind.unreconciledSince!).toBeGreaterThan(10_000);
      const healedAt = r.clock.now();
      await r.sim.healRest();
      await drive(r.clock, () => createdAfter(r, healedAt).length > 0, 30_000);
      const resumedMs = createdAfter(r, healedAt)[0]!.at - healedAt;
      expect(resumedMs).toBeLessThan(10_000);
      expect(r.engine.snapshot()).toMatchObject({ reconciled: true, dialing: true });
      // Calls that ended while the engine was blind: closed with the cause, at the last moment Asterisk was heard.
      const unseen = (await callLogs(h)).filter((x) => x.interruption === 'ari_lost');
      expect(unseen.length).toBeGreaterThan(0);
      for (const row of unseen) expect(row.endedAt!).toBeLessThanOrEqual(downAt);
      // A test call works again.
      const testCall = r.engine.testCall('camp-1', '+15550140001');
      await drive(r.clock, () => ended(r, testCall), 30_000);
      expect(await h.callLogs.get(testCall)).toMatchObject({ disposition: 'BUSY' });
      await whileRunning(r.clock, r.engine.stop({ graceMs: 60_000 }));
      expect(await h.callLogs.listOpenCallLogs()).toEqual([]);
      expect([...r.leads.dialed.values()].every((n) => n === 1)).toBe(true);
      await drive(r.clock, () => ours(r).length === 0, 5000);
      expect(ours(r)).toEqual([]);
      console.log(`[engine-faults] ARI unreachable 20 s (virtual): dialing resumed ${resumedMs} ms after; ${unseen.length} calls closed as ari_lost`);
    }, 120_000);

    it('Asterisk restarts mid-call: bridged call INTERRUPTED, originated leg re-dialled, dial-in agent told to dial in again', async () => {
      const r = await rig(h, { name: 'fault-restart', leads: 20, agents: agents(2), concurrency: 1, autoReady: false });
      r.engine.agentReady('1001'); // a leg the engine originates
      const dialIn = r.sim.dialIn({ endpoint: 'PJSIP/1002', args: ['agent-login', '1002'] }); // the agent's own call
      const agent = (id: string) => r.engine.snapshot().agents.find((a) => a.id === id)!;
      await drive(r.clock, () => agent('1001').legUp && agent('1002').legUp, 10_000);
      expect(agent('1002')).toMatchObject({ legId: dialIn, legDialIn: true });
      await drive(r.clock, () => r.engine.snapshot().calls.some((c) => c.phase === 'bridged'), 120_000);
      const bridged = r.engine.snapshot().calls.find((c) => c.phase === 'bridged')!;
      const stoppedAt = r.clock.now();
      await r.sim.stop();
      await drive(r.clock, () => false, 3000);
      await r.sim.start();
      const upAt = r.clock.now();
      await drive(r.clock, () => createdAfter(r, upAt).length > 0 && agent('1001').legUp, 30_000);
      expect(createdAfter(r, upAt)[0]!.at - upAt).toBeLessThan(10_000);
      expect(await h.callLogs.get(bridged.id)).toMatchObject({ disposition: 'INTERRUPTED', interruption: 'asterisk_restart', endedAt: stoppedAt });
      expect(agent('1001').legId).not.toContain('-1001-1'); // a new leg
      expect(agent('1002')).toMatchObject({ status: 'LOGGED_OUT', legId: null });
      expect(r.events).toContainEqual(expect.objectContaining({ type: 'agent.state', agentId: '1002', to: 'LOGGED_OUT', reason: 'line-lost' }));
      await whileRunning(r.clock, r.engine.stop({ hangup: true }));
      expect(await h.callLogs.listOpenCallLogs()).toEqual([]);
    }, 120_000);

    it('a safe-harbor message Asterisk does not have: never recorded as played, one warning for all the drops', async () => {
      const lines: string[] = [];
      const logger = createLogger('warn', { pretty: false, destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
      // One agent, four lines: humans are dropped at the 2 s rule, to a message nobody installed.
      const r = await rig(h, { name: 'fault-sh', leads: 16, agents: agents(1), concurrency: 4, policy: { safeHarborMedia: 'sound:centralita/not-installed' }, logger });
      await drive(r.clock, () => r.leads.remaining === 0 && r.engine.snapshot().calls.length === 0, 3600_000);
      const rows = (await callLogs(h));
      const drops = rows.filter((x) => x.disposition === 'DROPPED');
      expect(drops.length).toBeGreaterThan(1);
      expect(drops.every((x) => !x.safeHarborPlayed)).toBe(true);
      const warnings = lines.filter((l) => l.includes('could not be played'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('sound:centralita/not-installed');
      await whileRunning(r.clock, r.engine.stop({ hangup: true }));
    }, 120_000);

    it('stop() while ARI hangs: bounded, and calls it cannot see end are closed as interrupted (engine_stopped)', async () => {
      const r = await rig(h, { name: 'fault-stop', leads: 10, agents: agents(2), concurrency: 2 });
      await drive(r.clock, () => r.engine.snapshot().calls.some((c) => c.phase === 'bridged'), 120_000);
      const live = r.engine.snapshot().calls.map((c) => c.id);
      await r.sim.failRest({ mode: 'hang' });
      const started = Date.now();
      // The clean-up waits (hang-ups confirmed 2 s, agents out 2 s, queues 1 s…) each run to their bound while ARI
      // hangs: without a shared budget this stop takes ≥ 4.5 s; with 1 s of budget it must end well before.
      await whileRunning(r.clock, r.engine.stop({ graceMs: 500, cleanupMs: 1000 }));
      expect(Date.now() - started).toBeLessThan(500 + 1000 + 2000);
      expect(await h.callLogs.listOpenCallLogs()).toEqual([]);
      const closed = await Promise.all(live.map(async (id) => (await h.callLogs.get(id))!));
      expect(closed.some((x) => x.interruption === 'engine_stopped' || x.interruption === 'ari_lost')).toBe(true);
      await r.sim.healRest();
    }, 120_000);
  },
  { prefix: 'ct_pg_engine_faults' },
);
