/**
 * The engine runtime against an in-process fake gateway (no sockets), on a virtual clock: start-up
 * reconciliation, nailed-up agent legs, the dial loop, AMD hand-off, teardown, and pausing across a
 * disconnect. The fake answers commands the way the Asterisk 22 traces show (snoop/externalMedia enter Stasis
 * at once, DELETE → ChannelDestroyed 16, bridges announce entries); the embedded simulator tests cover the real
 * wire protocol.
 */
import { describe, expect, it } from 'vitest';
import type { AgentConfig } from '../../engine/agents/types.js';
import { AriError } from '../../engine/ari/errors.js';
import type { AriGateway, AriListeners, AsteriskInfo } from '../../engine/ari/gateway.js';
import type { AriBridge, AriChannel, AriCommand, AriEvent } from '../../engine/ari/types.js';
import { defaultCallPolicy } from '../../engine/calls/types.js';
import { VirtualClock } from '../../engine/clock/index.js';
import type { DomainEvent, Disposition } from '../../engine/events/types.js';
import { silentLogger } from '../../engine/log/logger.js';
import { scriptedAmdSource } from '../support/scripted-amd.js';
import { MemoryLeadSource } from '../../engine/shell/lead-sources.js';
import type { CallLogWriter, Lead } from '../../engine/shell/ports.js';
import { Engine } from '../../engine/shell/engine.js';

type Script = { kind: 'answer'; atMs: number; hangupAfterMs?: number } | { kind: 'fail'; status: string; cause: number } | { kind: 'noanswer' };

/** Callee behaviour by number range, like the simulator's test ranges. */
function scriptFor(endpoint: string): Script {
  if (/PJSIP\/\d{4}$/.test(endpoint)) return { kind: 'answer', atMs: 300 };
  const range = endpoint.replace(/[^0-9]/g, '').slice(0, 7);
  switch (range) {
    case '1555011':
      return { kind: 'answer', atMs: 2000, hangupAfterMs: 20_000 };
    case '1555012':
      return { kind: 'answer', atMs: 3000, hangupAfterMs: 60_000 };
    case '1555014':
      return { kind: 'fail', status: 'BUSY', cause: 17 };
    case '1555016':
      return { kind: 'fail', status: 'CHANUNAVAIL', cause: 1 };
    case '1555017':
      return { kind: 'answer', atMs: 1500, hangupAfterMs: 1200 };
    default:
      return { kind: 'noanswer' };
  }
}

class FakePbx implements AriGateway {
  connected = true;
  lastHeardAt: number | null = null;
  readonly channels = new Map<string, AriChannel & { stasis: boolean; bridge: string | null }>();
  readonly bridges = new Map<string, AriBridge>();
  readonly commands: AriCommand[] = [];
  private readonly listeners: { [K in keyof AriListeners]: Set<AriListeners[K]> } = {
    event: new Set(),
    connected: new Set(),
    disconnected: new Set(),
  };
  private readonly hangupTimers = new Map<string, ReturnType<VirtualClock['setTimeout']>>();

  constructor(readonly clock: VirtualClock) {}

  on<K extends keyof AriListeners>(name: K, fn: AriListeners[K]): () => void {
    const set = this.listeners[name] as Set<AriListeners[K]>;
    set.add(fn);
    return () => set.delete(fn);
  }

  emit(e: AriEvent): void {
    if (!this.connected) return; // events are lost while the socket is down
    for (const fn of this.listeners.event) fn(e);
  }

  disconnect(): void {
    this.connected = false;
    for (const fn of this.listeners.disconnected) fn('test');
  }

  reconnect(): void {
    this.connected = true;
    for (const fn of this.listeners.connected) fn();
  }

  /** Makes the next GET /channels fail (Asterisk busy, HTTP hiccup). */
  failNextList = 0;

  async listChannels(): Promise<AriChannel[]> {
    if (this.failNextList > 0) {
      this.failNextList--;
      throw new AriError(0, 'ECONNRESET', 'listChannels');
    }
    return [...this.channels.values()].map(({ id, name, state }) => ({ id, name, state }));
  }

  async listBridges(): Promise<AriBridge[]> {
    return [...this.bridges.values()].map((b) => ({ ...b, channels: [...b.channels] }));
  }

  /** Asterisk's boot: a restart changes it (GET /asterisk/info status.startup_time). */
  startupTime = '2026-01-01T00:00:00.000+0000';

  async storedRecordingFile(name: string): Promise<Buffer> {
    throw new Error(`the fake PBX stores no recording (${name})`);
  }
  async asteriskInfo(): Promise<AsteriskInfo> {
    return { startupTime: this.startupTime, version: '22.10.1' };
  }

  async settled(): Promise<void> {}
  dropConnection(): void {}
  async close(): Promise<void> {}

  private ch(id: string) {
    const c = this.channels.get(id);
    return { id, name: c?.name ?? id, state: c?.state ?? 'Down' };
  }

  private later(ms: number, fn: () => void): ReturnType<VirtualClock['setTimeout']> {
    return this.clock.setTimeout(fn, ms);
  }

  private destroy(id: string, cause: number): void {
    const c = this.channels.get(id);
    if (!c) return;
    this.clock.clearTimeout(this.hangupTimers.get(id));
    if (c.bridge) {
      const b = this.bridges.get(c.bridge);
      if (b) b.channels = b.channels.filter((x) => x !== id);
      this.emit({ type: 'ChannelLeftBridge', channel: this.ch(id), bridge: { id: c.bridge, channels: b?.channels ?? [] } });
    }
    if (c.stasis) this.emit({ type: 'StasisEnd', channel: this.ch(id) });
    this.channels.delete(id);
    this.emit({ type: 'ChannelDestroyed', channel: { id, name: c.name, state: c.state }, cause, cause_txt: '' });
    // Snoops die with the channel they spy on.
    for (const other of [...this.channels.keys()]) if (other === `${id}-snoop`) this.destroy(other, 16);
  }

  private enterStasis(id: string): void {
    const c = this.channels.get(id);
    if (!c) return;
    c.state = 'Up';
    c.stasis = true;
    this.emit({ type: 'StasisStart', channel: this.ch(id), args: [] });
  }

  async execute(cmd: AriCommand): Promise<void> {
    this.commands.push(cmd);
    await Promise.resolve();
    switch (cmd.op) {
      case 'originate': {
        const s = scriptFor(cmd.endpoint);
        this.channels.set(cmd.channelId, { id: cmd.channelId, name: cmd.endpoint, state: 'Down', stasis: false, bridge: null });
        const id = cmd.channelId;
        this.later(1, () => this.emit({ type: 'Dial', dialstatus: '', peer: this.ch(id) }));
        if (s.kind === 'fail') {
          this.later(200, () => {
            this.emit({ type: 'Dial', dialstatus: s.status, peer: this.ch(id) });
            this.destroy(id, s.cause); // a PJSIP trunk: the channel carries the cause
          });
        } else {
          this.later(50, () => {
            const c = this.channels.get(id);
            if (!c) return;
            c.state = 'Ringing';
            this.emit({ type: 'Dial', dialstatus: 'RINGING', peer: this.ch(id) });
          });
          if (s.kind === 'answer') {
            this.later(s.atMs, () => {
              if (!this.channels.has(id)) return;
              this.emit({ type: 'Dial', dialstatus: 'ANSWER', peer: this.ch(id) });
              this.enterStasis(id);
              if (s.hangupAfterMs !== undefined) this.hangupTimers.set(id, this.later(s.hangupAfterMs, () => this.destroy(id, 16)));
            });
          } else {
            this.later(cmd.timeoutSec * 1000, () => this.destroy(id, 19));
          }
        }
        return;
      }
      case 'hangup':
        if (!this.channels.has(cmd.channelId)) throw new AriError(404, 'Channel not found', 'hangup');
        this.later(1, () => this.destroy(cmd.channelId, 16));
        return;
      case 'snoop':
        if (!this.channels.has(cmd.channelId)) throw new AriError(404, 'Channel not found', 'snoop');
        this.channels.set(cmd.snoopId, { id: cmd.snoopId, name: `Snoop/${cmd.channelId}`, state: 'Up', stasis: false, bridge: null });
        this.enterStasis(cmd.snoopId);
        return;
      case 'externalMedia':
        this.channels.set(cmd.channelId, { id: cmd.channelId, name: 'UnicastRTP/x', state: 'Up', stasis: false, bridge: null });
        this.enterStasis(cmd.channelId);
        return;
      case 'createBridge':
        this.bridges.set(cmd.bridgeId, { id: cmd.bridgeId, channels: [] });
        return;
      case 'destroyBridge': {
        const b = this.bridges.get(cmd.bridgeId);
        if (!b) throw new AriError(404, 'Bridge not found', 'destroyBridge');
        for (const id of b.channels) {
          const c = this.channels.get(id);
          if (c) c.bridge = null;
          this.emit({ type: 'ChannelLeftBridge', channel: this.ch(id), bridge: { id: b.id, channels: [] } });
        }
        this.bridges.delete(cmd.bridgeId);
        this.emit({ type: 'BridgeDestroyed', bridge: { id: cmd.bridgeId, channels: [] } });
        return;
      }
      case 'addChannel': {
        const b = this.bridges.get(cmd.bridgeId);
        if (!b) throw new AriError(404, 'Bridge not found', 'addChannel');
        for (const id of cmd.channelIds) {
          const c = this.channels.get(id);
          if (!c) throw new AriError(400, 'Channel not found', 'addChannel');
          if (!c.stasis) throw new AriError(422, 'Channel not in Stasis application', 'addChannel');
        }
        for (const id of cmd.channelIds) {
          this.channels.get(id)!.bridge = b.id;
          b.channels.push(id);
          this.emit({ type: 'ChannelEnteredBridge', channel: this.ch(id), bridge: { id: b.id, channels: [...b.channels] } });
        }
        return;
      }
      case 'play': {
        if (!this.channels.has(cmd.channelId)) throw new AriError(404, 'Channel not found', 'play');
        const pb = { id: cmd.playbackId, media_uri: cmd.media, target_uri: `channel:${cmd.channelId}`, state: 'playing' };
        this.later(1, () => this.emit({ type: 'PlaybackStarted', playback: pb }));
        this.later(3000, () => {
          if (this.channels.has(cmd.channelId)) this.emit({ type: 'PlaybackFinished', playback: { ...pb, state: 'done' } });
        });
        return;
      }
      default:
        return;
    }
  }
}

interface MemoryRow {
  id: string;
  leadId: string | null;
  stage: string;
  disposition?: Disposition;
  amdTreatedAs?: string | null;
  nodeId: string;
  createdAt: number;
  endedAt?: number;
  interruption?: string | null;
}

class MemoryCallLogs implements CallLogWriter {
  readonly rows = new Map<string, MemoryRow>();
  create(i: { id: string; leadId: string | null; nodeId: string; at: number }) {
    if (this.rows.has(i.id)) throw new Error(`duplicate CallLog ${i.id}`);
    this.rows.set(i.id, { id: i.id, leadId: i.leadId, stage: 'created', nodeId: i.nodeId, createdAt: i.at });
  }
  private set(id: string, stage: string, extra: object = {}) {
    const r = this.rows.get(id);
    if (!r || r.stage === 'ended') return false;
    Object.assign(r, { stage }, extra);
    return true;
  }
  markRinging = (id: string) => this.set(id, 'ringing');
  markAnswered = (id: string) => this.set(id, 'answered');
  markAmd = (id: string, r: { treatedAs?: string }) => this.set(id, 'amd', { amdTreatedAs: r.treatedAs ?? null });
  markAmdLate = (id: string, r: { cause: string }) => {
    const row = this.rows.get(id);
    if (!row || row.stage === 'ended') return false;
    Object.assign(row, { amdLateCause: r.cause });
    return true;
  };
  markBridged = (id: string) => this.set(id, 'bridged');
  end = (id: string, e: { disposition: Disposition; at: number; interruption?: string | null }) =>
    this.set(id, 'ended', { disposition: e.disposition, endedAt: e.at, interruption: e.interruption ?? null });
  closeCallLog = (id: string, disposition: Disposition, _cause: number | null, at: number, interruption?: string) =>
    this.set(id, 'ended', { disposition, endedAt: at, interruption: interruption ?? null });
  listOpenCallLogs = (nodeId?: string) => [...this.rows.values()].filter((r) => r.stage !== 'ended' && (!nodeId || r.nodeId === nodeId));
}

const agentsCfg = (n: number): AgentConfig[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${1001 + i}`, kind: 'human', endpoint: `PJSIP/${1001 + i}`, maxConcurrent: 1, wrapUpMs: 1000 }));

function setup(leads: Lead[], opts: { agents?: number; concurrency?: number } = {}) {
  const clock = new VirtualClock(0);
  const pbx = new FakePbx(clock);
  const callLogs = new MemoryCallLogs();
  const leadSource = new MemoryLeadSource(leads);
  const amd = scriptedAmdSource({ clock, host: '127.0.0.1', port: 40000 });
  const engine = new Engine({
    gateway: pbx,
    nodeId: 'n1',
    clock,
    logger: silentLogger,
    amd,
    leads: leadSource,
    campaign: { id: 'camp', policy: { ...defaultCallPolicy, ringTimeoutSec: 20 }, endpointFor: (p) => `PJSIP/${p}@trunk` },
    agents: agentsCfg(opts.agents ?? 2),
    concurrency: opts.concurrency ?? 2,
    callLogs,
    bootId: 'b1',
    tickMs: 100,
  });
  const events: DomainEvent[] = [];
  engine.events.on('*', (e) => events.push(e));
  return { clock, pbx, callLogs, leadSource, amd, engine, events };
}

/** Advances virtual time in small steps, letting promises settle between them. */
async function run(clock: VirtualClock, ms: number, step = 50): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
  }
}

const lead = (id: string, phone: string): Lead => ({ id, phone });

/** stop() waits for Asterisk's answers, which the fake PBX gives on virtual time: keep the clock moving. */
async function stopWhileRunning(t: ReturnType<typeof setup>): Promise<void> {
  let stopped = false;
  const p = t.engine.stop({ timeoutMs: 5000 }).finally(() => (stopped = true));
  while (!stopped) await run(t.clock, 100);
  await p;
}

describe('engine runtime on a fake PBX', () => {
  it('start-up: closes CallLogs a crashed process left open, hangs up our orphans only, then parks agent legs', async () => {
    const t = setup([]);
    t.callLogs.create({ id: 'cl-n1-c-old-1', leadId: 'L-old-1', nodeId: 'n1', at: -60_000 });
    t.callLogs.markBridged('cl-n1-c-old-1');
    t.callLogs.create({ id: 'cl-n1-c-old-2', leadId: 'L-old-2', nodeId: 'n1', at: -5_000 });
    t.callLogs.markRinging('cl-n1-c-old-2');
    t.callLogs.create({ id: 'cl-n2-c-x', leadId: 'L-n2', nodeId: 'n2', at: -1_000 });
    for (const id of ['cl-n1-c-old-1', 'cl-n1-c-old-1-snoop', 'cl-n1-old-ag-1001-1', 'cl-n2-c-x', 'PJSIP/trunk-0001', 'cl-n1-c-old-1;2']) {
      t.pbx.channels.set(id, { id, name: id, state: 'Up', stasis: true, bridge: null });
    }
    t.pbx.bridges.set('cl-n1-c-old-1-amd', { id: 'cl-n1-c-old-1-amd', channels: [] });
    t.pbx.bridges.set('cl-n2-agb-7', { id: 'cl-n2-agb-7', channels: [] });

    await t.engine.start();
    // The previous process died: its calls are interrupted (engine_lost), ended when last known alive — here their
    // last transition, not this start.
    expect(t.callLogs.rows.get('cl-n1-c-old-1')).toMatchObject({ stage: 'ended', disposition: 'INTERRUPTED', interruption: 'engine_lost', endedAt: -60_000 });
    expect(t.callLogs.rows.get('cl-n1-c-old-2')).toMatchObject({ stage: 'ended', disposition: 'INTERRUPTED', interruption: 'engine_lost', endedAt: -5_000 });
    expect(t.callLogs.rows.get('cl-n2-c-x')?.stage).toBe('created'); // another node's call
    expect(t.leadSource.outcomes.get('L-old-1')).toEqual(['INTERRUPTED']);
    const hungUp = t.pbx.commands.flatMap((c) => (c.op === 'hangup' ? [c.channelId] : []));
    expect(hungUp.sort()).toEqual(['cl-n1-c-old-1', 'cl-n1-c-old-1-snoop', 'cl-n1-old-ag-1001-1']);
    expect(t.pbx.commands).toContainEqual({ op: 'destroyBridge', bridgeId: 'cl-n1-c-old-1-amd' });
    expect(t.pbx.commands).not.toContainEqual({ op: 'destroyBridge', bridgeId: 'cl-n2-agb-7' });
    expect(t.events.find((e) => e.type === 'engine.reconciled')).toMatchObject({ closedCalls: 2, orphansHungUp: 4 });
    // Agents: one bridge and one leg each.
    await run(t.clock, 50);
    expect(t.pbx.commands.filter((c) => c.op === 'originate').map((c) => (c as { endpoint: string }).endpoint)).toEqual(['PJSIP/1001', 'PJSIP/1002']);
    await run(t.clock, 1000);
    expect(t.engine.snapshot().agents.every((a) => a.legUp)).toBe(true);
    await t.engine.crash();
  });

  it('a campaign: every lead dialled once, right dispositions, humans bridged, machines not, nothing of ours left', async () => {
    const leads = [
      lead('h1', '+15550110001'),
      lead('m1', '+15550120001'),
      lead('b1', '+15550140001'),
      lead('i1', '+15550160001'),
      lead('x1', '+15550170001'),
      lead('n1', '+15550130001'),
      lead('h2', '+15550110002'),
      lead('m2', '+15550120002'),
    ];
    const t = setup(leads, { agents: 2, concurrency: 2 });
    await t.engine.start();
    await run(t.clock, 200_000, 100);
    expect(t.leadSource.remaining).toBe(0);
    await t.engine.whenIdle(5000);
    const byLead = Object.fromEntries([...t.leadSource.outcomes].map(([k, v]) => [k, v]));
    expect(byLead).toEqual({
      h1: ['ANSWERED_HUMAN'],
      m1: ['MACHINE'],
      b1: ['BUSY'],
      i1: ['INVALID_NUMBER'],
      x1: ['HUNG_UP_DURING_AMD'],
      n1: ['NO_ANSWER'],
      h2: ['ANSWERED_HUMAN'],
      m2: ['MACHINE'],
    });
    expect([...t.leadSource.dialed.values()].every((n) => n === 1)).toBe(true);
    expect([...t.callLogs.rows.values()].every((r) => r.stage === 'ended')).toBe(true);
    const bridgedCalls = t.events.flatMap((e) => (e.type === 'call.bridged' ? [e.callId] : []));
    const machineCalls = new Set(t.events.flatMap((e) => (e.type === 'call.ended' && e.disposition === 'MACHINE' ? [e.callId] : [])));
    expect(bridgedCalls).toHaveLength(2);
    expect(bridgedCalls.some((c) => machineCalls.has(c))).toBe(false);
    expect(t.amd.openSessions).toBe(0);
    await stopWhileRunning(t);
    const ours = [...t.pbx.channels.keys(), ...t.pbx.bridges.keys()].filter((id) => id.startsWith('cl-n1-'));
    expect(ours).toEqual([]);
  });

  it('drops a human with the safe-harbor message when no agent frees up within 2 s', async () => {
    // One agent, two humans at once: the second human finds nobody.
    const t = setup([lead('h1', '+15550110001'), lead('h2', '+15550110002')], { agents: 1, concurrency: 2 });
    await t.engine.start();
    await run(t.clock, 60_000, 100);
    await t.engine.whenIdle(5000);
    const ends = t.events.flatMap((e) => (e.type === 'call.ended' ? [e] : []));
    expect(ends.map((e) => e.disposition).sort()).toEqual(['ANSWERED_HUMAN', 'DROPPED']);
    expect(ends.find((e) => e.disposition === 'DROPPED')?.safeHarborPlayed).toBe(true);
    expect(t.pbx.commands.some((c) => c.op === 'play' && c.media === defaultCallPolicy.safeHarborMedia)).toBe(true);
    await t.engine.crash();
  });

  it('pauses dialing while disconnected and reconciles calls whose events were lost', async () => {
    const t = setup([lead('h1', '+15550110001'), lead('b1', '+15550140001'), lead('h2', '+15550110002')], { agents: 2, concurrency: 1 });
    await t.engine.start();
    await run(t.clock, 1500); // agents parked, first call ringing
    const firstCall = t.engine.snapshot().calls[0]?.id;
    expect(firstCall).toBeDefined();
    t.pbx.disconnect();
    await run(t.clock, 30_000); // the human answers, talks and hangs up while we hear nothing
    expect(t.engine.snapshot().calls.map((c) => c.id)).toEqual([firstCall]); // no new dial while away
    t.pbx.reconnect();
    await run(t.clock, 200_000, 100);
    await t.engine.whenIdle(5000);
    expect([...t.leadSource.dialed.values()]).toEqual([1, 1, 1]);
    // The first call ended while we were away: closed by reconciliation, not by an event.
    expect(t.events.some((e) => e.type === 'engine.reconciled' && e.closedCalls === 1)).toBe(true);
    expect(t.leadSource.outcomes.get('h1')).toHaveLength(1);
    expect([...t.callLogs.rows.values()].every((r) => r.stage === 'ended')).toBe(true);
    await stopWhileRunning(t);
    expect([...t.pbx.channels.keys(), ...t.pbx.bridges.keys()].filter((id) => id.startsWith('cl-n1-'))).toEqual([]);
  });

  it('a failed reconciliation keeps dialing paused and is retried', async () => {
    const t = setup([lead('b1', '+15550140001')], { agents: 1, concurrency: 1 });
    t.pbx.failNextList = 2;
    await t.engine.start();
    await run(t.clock, 1500);
    expect(t.engine.snapshot().reconciled).toBe(false);
    expect(t.pbx.commands.some((c) => c.op === 'originate' && c.channelId.includes('-c-'))).toBe(false);
    await run(t.clock, 3000);
    expect(t.engine.snapshot().reconciled).toBe(true);
    await run(t.clock, 5000);
    expect(t.leadSource.outcomes.get('b1')).toEqual(['BUSY']);
    await t.engine.crash();
  });
});
