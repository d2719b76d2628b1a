import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../engine/pacing/simulate/rng.js';
import { powerPacer, progressivePacer } from '../../../engine/pacing/ratio.js';
import { T0, obs } from './helpers.js';

describe('progressive and power baselines', () => {
  it('progressive never has more unbridged calls than ready agents', () => {
    const pacer = progressivePacer();
    const rnd = mulberry32(7);
    let s = pacer.initial(T0);
    for (let i = 0; i < 500; i++) {
      const ready = Math.floor(rnd() * 10);
      const ringing = Math.floor(rnd() * 12);
      const amd = Math.floor(rnd() * 3);
      const waiting = Math.floor(rnd() * 2);
      const o = obs({ ready, ringingAt: new Array<number>(ringing).fill(T0), amd, waiting, talkSince: [T0 - 60_000] });
      const r = pacer.decide(s, o, T0);
      s = r.state;
      expect(r.decision.place).toBeGreaterThanOrEqual(0);
      expect(r.decision.place + ringing + amd + waiting).toBeLessThanOrEqual(Math.max(ready, ringing + amd + waiting));
      if (ringing + amd + waiting < ready) expect(r.decision.place + ringing + amd + waiting).toBe(ready);
    }
  });

  it('power keeps ratio × ready calls in flight', () => {
    const p2 = powerPacer(2);
    const p3 = powerPacer(3);
    const o = obs({ ready: 4, ringingAt: [T0, T0, T0] });
    expect(p2.decide(p2.initial(T0), o, T0).decision.place).toBe(5);
    expect(p3.decide(p3.initial(T0), o, T0).decision.place).toBe(9);
    expect(p2.decide({}, obs({ ready: 1, ringingAt: [T0, T0, T0] }), T0).decision.place).toBe(0);
    expect(() => powerPacer(0.5)).toThrow(RangeError);
  });
});
