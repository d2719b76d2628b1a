/**
 * The pacer's brake in the engine (issue 5): a decision's `cancel` hangs up that many of the campaign's ringing
 * calls, longest ringing first, only those that have rung at least the minimum ring time (15 s); the CallLog says
 * CANCELLED, the lead is retried like a no-answer, and pacing is told nothing (not a dial result). Embedded PBX,
 * real ARI sockets, virtual clock; every callee rings without answering (range 1555013).
 */
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectAri } from '../../engine/ari/gateway.js';
import { defaultCallPolicy } from '../../engine/calls/types.js';
import { systemClock, VirtualClock } from '../../engine/clock/index.js';
import type { DomainEvent } from '../../engine/events/types.js';
import { silentLogger } from '../../engine/log/logger.js';
import type { Pacer, PacingEvent } from '../../engine/pacing/types.js';
import { scriptedAmdSource } from '../support/scripted-amd.js';
import { MemoryLeadSource } from '../../engine/shell/lead-sources.js';
import { Engine } from '../../engine/shell/engine.js';
import { startSimulator, type Simulator } from '../../engine/sim/index.js';
import { drive, whileRunning } from '../support/virtual-drive.js';

const open: Array<{ sim: Simulator; sink: Socket; engine: Engine; clock: VirtualClock }> = [];
afterEach(async () => {
  for (const r of open.splice(0)) {
    await whileRunning(r.clock, r.engine.stop({ hangup: true, timeoutMs: 60_000 }));
    await r.sim.close();
    r.sink.close();
  }
});

/**
 * Places A, B, C, D at seconds 0–3 and E at second 10 (of its own ticks); asks to cancel 2 at second 20, then 10 at
 * second 22. Records each tick's ringing ages and what it is told.
 */
function scriptedPacer() {
  const seen = { events: [] as PacingEvent[], t0: 0 };
  const pacer: Pacer<{ tick: number }> = {
    name: 'scripted',
    initial: () => ({ tick: 0 }),
    observe: (s, e) => {
      seen.events.push(e);
      return s;
    },
    decide: (s, _o, now) => {
      if (s.tick === 0) seen.t0 = now;
      const t = s.tick++;
      const place = t <= 3 || t === 10 ? 1 : 0;
      const cancel = t === 20 ? 2 : t === 22 ? 10 : 0;
      return { state: s, decision: cancel > 0 ? { place, mode: 'scripted', cancel } : { place, mode: 'scripted' } };
    },
  };
  return { pacer: pacer as Pacer<unknown>, seen };
}

describe('engine: the pacer cancels ringing calls', () => {
  it('cancels the longest-ringing calls that rang ≥ 15 s, as many as asked; the lead is retried like a no-answer', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 15, 0));
    const sim = await startSimulator({ clock, seed: 7, mediaMode: 'accelerated' });
    const sink = createSocket('udp4');
    sink.on('message', () => {});
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
    const leads = new MemoryLeadSource(['A', 'B', 'C', 'D', 'E', 'F'].map((id, i) => ({ id, phone: `+15550131${String(i).padStart(3, '0')}` })));
    const { pacer, seen } = scriptedPacer();
    const gateway = await connectAri({ url: sim.url, username: sim.username, password: sim.password, app: 'centralita', clock: systemClock, initialDelayMs: 20, maxDelayMs: 200 });
    const engine = new Engine({
      gateway,
      nodeId: 'n1',
      clock,
      logger: silentLogger,
      amd: scriptedAmdSource({ clock, host: '127.0.0.1', port: (sink.address() as AddressInfo).port }),
      agents: [{ id: '1001', kind: 'human', endpoint: 'PJSIP/1001', maxConcurrent: 1, wrapUpMs: 1000 }],
      campaigns: [
        {
          settings: { id: 'camp', policy: { ...defaultCallPolicy, ringTimeoutSec: 40 }, endpointFor: (p) => `PJSIP/${p}@trunk` },
          leads,
          dialMode: 'predictive',
          maxConcurrent: 10,
          pacer,
        },
      ],
      pacingTickMs: 1000,
    });
    const events: DomainEvent[] = [];
    engine.events.on('*', (e) => events.push(e));
    open.push({ sim, sink, engine, clock });
    await whileRunning(clock, engine.start());

    const created = () => events.filter((e): e is Extract<DomainEvent, { type: 'call.created' }> => e.type === 'call.created');
    const ended = () => events.filter((e): e is Extract<DomainEvent, { type: 'call.ended' }> => e.type === 'call.ended');
    await drive(clock, () => ended().length >= 5, 70_000);

    const leadOf = new Map(created().map((e) => [e.callId, e.leadId]));
    const placedAt = new Map(created().map((e) => [e.leadId, e.at]));
    expect([...placedAt.keys()]).toEqual(['A', 'B', 'C', 'D', 'E']);
    const cancelled = ended().filter((e) => e.disposition === 'CANCELLED');
    const cut = cancelled.map((e) => ({ lead: leadOf.get(e.callId), after: e.at - seen.t0 }));
    // Second 20: the two longest ringing (A 20 s, B 19 s), C and D keep ringing.
    expect(cut.slice(0, 2).map((c) => c.lead)).toEqual(['A', 'B']);
    expect(cut.slice(0, 2).every((c) => c.after >= 20_000 && c.after < 21_000)).toBe(true);
    // Second 22 asks for 10: only C and D have rung 15 s (E has rung 12 s).
    expect(cut.slice(2).map((c) => c.lead)).toEqual(['C', 'D']);
    expect(cut.slice(2).every((c) => c.after >= 22_000 && c.after < 23_000)).toBe(true);
    for (const c of cancelled) expect(c.at - (placedAt.get(leadOf.get(c.callId) ?? '') ?? Infinity)).toBeGreaterThanOrEqual(15_000);
    // E rang to the timeout: a no-answer, never cancelled.
    expect(ended().find((e) => leadOf.get(e.callId) === 'E')?.disposition).toBe('NO_ANSWER');
    // The cancelled leads are retried like a no-answer; pacing heard only of E's no-answer.
    for (const id of ['A', 'B', 'C', 'D']) expect(leads.outcomes.get(id)).toEqual(['NO_ANSWER']);
    expect(seen.events.filter((e) => e.type === 'dial-result').map((e) => e.type === 'dial-result' && e.result)).toEqual(['no-answer']);
  }, 120_000);
});
