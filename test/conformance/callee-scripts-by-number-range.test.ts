/**
 * The scenario table's fixed test ranges (engine/sim/README.md) end the way Asterisk reports each outcome on
 * a PJSIP trunk: Dial status, hangup cause and cause text, Stasis only on answer; agents and bots too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../engine/sim/index.js';
import { ari, connectApp, startVirtualSim } from '../support/sim-harness.js';
import { summarize, type AriEventJson } from '../support/trace-loader.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const linesOf = (events: AriEventJson[], id: string): string[] =>
  events.filter((e) => ((e['channel'] ?? e['peer']) as { id?: string } | undefined)?.id === id).map(summarize);

const ANSWERED = ['ChannelStateChange x state=Up', 'Dial x dialstatus=ANSWER', 'ChannelVarset x STASISSTATUS=', 'StasisStart x args=[]'];

describe('callee scripts by number range', () => {
  it('gives each test range its Asterisk outcome', async () => {
    const started = await startVirtualSim({ seed: 11 });
    sim = started.sim;
    const app = await connectApp(sim);
    const numbers: Record<string, string> = {
      human: '+15550110001',
      machine: '+15550120001',
      noanswer: '+15550130001',
      busy: '+15550140001',
      congestion: '+15550150001',
      unallocated: '+15550160001',
      amdhangup: '+15550170001',
      silence: '+15550180001',
      voicemail: '+15550190001',
    };
    for (const [id, num] of Object.entries(numbers)) {
      expect((await ari(sim, 'POST', `/channels?endpoint=PJSIP/${num}@trunk&app=dialer&channelId=${id}&timeout=25`)).status).toBe(200);
    }
    await started.clock.advanceAsync(30_000, 50);
    await app.caughtUp();
    const ev = app.events;
    const of = (id: string): string[] => linesOf(ev, id).map((l) => l.replace(new RegExp(`^(\\S+) ${id}\\b`), '$1 x'));
    const ringing = ['Dial x dialstatus=', 'ChannelStateChange x state=Ringing', 'Dial x dialstatus=RINGING'];
    expect(of('human').slice(0, 7)).toEqual([...ringing, ...ANSWERED]);
    expect(of('machine').slice(0, 7)).toEqual([...ringing, ...ANSWERED]);
    expect(of('silence').slice(0, 7)).toEqual([...ringing, ...ANSWERED]);
    // No answer: rings until the originate timeout, cause 19, and no Dial NOANSWER (ring-timeout trace).
    expect(of('noanswer')).toEqual([...ringing, 'ChannelDestroyed x cause=19 User alerting, no answer']);
    expect(of('busy')).toEqual(['Dial x dialstatus=', 'Dial x dialstatus=BUSY', 'ChannelDestroyed x cause=17 User busy']);
    expect(of('congestion')).toEqual(['Dial x dialstatus=', 'Dial x dialstatus=CONGESTION', 'ChannelDestroyed x cause=34 Circuit/channel congestion']);
    expect(of('unallocated')).toEqual(['Dial x dialstatus=', 'Dial x dialstatus=CHANUNAVAIL', 'ChannelDestroyed x cause=1 Unallocated (unassigned) number']);
    // Hangs up 1–2 s after answer, during AMD.
    expect(of('amdhangup')).toEqual([
      ...ringing,
      ...ANSWERED,
      'ChannelHangupRequest x cause=16',
      'StasisEnd x',
      'ChannelVarset x STASISSTATUS=SUCCESS',
      'ChannelDestroyed x cause=16 Normal Clearing',
    ]);
    const t = (id: string, type: string): number => Date.parse(String(ev.find((e) => e.type === type && (e['channel'] as { id: string } | undefined)?.id === id)?.['timestamp']).replace('+0000', 'Z'));
    const amdMs = t('amdhangup', 'ChannelHangupRequest') - t('amdhangup', 'StasisStart');
    expect(amdMs).toBeGreaterThanOrEqual(1000);
    expect(amdMs).toBeLessThanOrEqual(2000);
    // Voicemail greeting in early media (Dial PROGRESS) before the answer.
    expect(of('voicemail').slice(0, 4)).toEqual([...ringing, 'Dial x dialstatus=PROGRESS']);
    expect(of('voicemail')).toContain('StasisStart x args=[]');
    await app.close();
  });

  it('answers agent phones after a short ring, bots at once, and obeys a scripted busy agent', async () => {
    const started = await startVirtualSim();
    sim = started.sim;
    sim.setScript(/^PJSIP\/1002$/, 'agent-busy');
    const app = await connectApp(sim);
    await ari(sim, 'POST', '/channels?endpoint=PJSIP/1001&app=dialer&channelId=a1');
    await ari(sim, 'POST', '/channels?endpoint=PJSIP/1002&app=dialer&channelId=a2');
    await ari(sim, 'POST', '/channels?endpoint=PJSIP/bot-7@voiceai&app=dialer&channelId=b1');
    await app.caughtUp();
    expect(linesOf(app.events, 'b1')).toContain('StasisStart b1 args=[]');
    expect(linesOf(app.events, 'a1')).not.toContain('StasisStart a1 args=[]');
    await started.clock.advanceAsync(1000, 20);
    await app.caughtUp();
    expect(linesOf(app.events, 'a1').slice(1, 3)).toEqual(['ChannelStateChange a1 state=Ringing', 'Dial a1 dialstatus=RINGING']);
    expect(linesOf(app.events, 'a1')).toContain('StasisStart a1 args=[]');
    expect(linesOf(app.events, 'a2').slice(-2)).toEqual(['Dial a2 dialstatus=BUSY', 'ChannelDestroyed a2 cause=17 User busy']);
    // Agents stay up until hung up.
    await started.clock.advanceAsync(60_000, 1000);
    expect(sim.snapshot().channels.map((c) => c.id).sort()).toEqual(['a1', 'b1']);
    await app.close();
  });

  it('is deterministic from the seed for numbers outside the test ranges', async () => {
    const outcome = async (seed: number): Promise<string[]> => {
      const s = await startVirtualSim({ seed });
      const app = await connectApp(s.sim);
      for (let i = 0; i < 20; i++) await ari(s.sim, 'POST', `/channels?endpoint=PJSIP/+3491555${1000 + i}@trunk&app=dialer&channelId=r${i}&timeout=20`);
      await s.clock.advanceAsync(21_000, 100);
      await app.caughtUp();
      const lines = app.events.filter((e) => e.type === 'ChannelDestroyed' || e.type === 'StasisStart').map(summarize);
      await app.close();
      await s.sim.close();
      return lines;
    };
    const a = await outcome(5);
    expect(await outcome(5)).toEqual(a);
    expect(a.length).toBeGreaterThan(10);
  });
});
