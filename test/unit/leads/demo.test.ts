import { describe, expect, it } from 'vitest';
import { assertDialable, CR_OPERATORS, generateDemoLeads, generateDemoNumbers, normalisePhone, NotDialableError, stratify } from '../../../engine/leads/index.js';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

describe('demo number generator', () => {
  it('produces valid, distinct Costa Rica mobile numbers', () => {
    for (const method of ['stratified', 'simple', 'random'] as const) {
      const nums = generateDemoNumbers({ count: 1000, method, seed: 7 });
      expect(nums).toHaveLength(1000);
      expect(new Set(nums.map((n) => n.e164)).size).toBe(1000);
      for (const n of nums) {
        expect(n.e164).toMatch(/^\+506[5-8]\d{7}$/);
        const p = parsePhoneNumberFromString(n.e164)!;
        expect(p.isValid() && p.getType(), n.e164).toBe('MOBILE');
        const plan = CR_OPERATORS.find((o) => o.operator === n.operator)!;
        const prefix = Number(n.national.slice(0, 3));
        expect(plan.blocks.some(([a, b]) => prefix >= a && prefix <= b)).toBe(true);
      }
    }
  });

  it('stratified hits the operator shares exactly; simple approximates them', () => {
    expect(Object.fromEntries(stratify(1000))).toEqual({ kolbi: 400, liberty: 350, claro: 250 });
    expect([...stratify(7).values()].reduce((a, b) => a + b)).toBe(7);
    const count = (method: 'stratified' | 'simple', seed: number) => {
      const c = { kolbi: 0, liberty: 0, claro: 0 };
      for (const n of generateDemoNumbers({ count: 1000, method, seed })) c[n.operator]++;
      return c;
    };
    expect(count('stratified', 1)).toEqual({ kolbi: 400, liberty: 350, claro: 250 });
    const simple = count('simple', 3);
    // Binomial sd at n=1000 is ≤ 16; 4 sd of slack.
    expect(Math.abs(simple.kolbi - 400)).toBeLessThan(64);
    expect(Math.abs(simple.liberty - 350)).toBeLessThan(64);
    expect(Math.abs(simple.claro - 250)).toBeLessThan(64);
  });

  it('is deterministic per seed, bounded to 1–1000 and avoids excluded numbers', () => {
    expect(generateDemoNumbers({ count: 20, method: 'random', seed: 42 })).toEqual(generateDemoNumbers({ count: 20, method: 'random', seed: 42 }));
    expect(generateDemoNumbers({ count: 20, method: 'random', seed: 42 })).not.toEqual(generateDemoNumbers({ count: 20, method: 'random', seed: 43 }));
    expect(() => generateDemoNumbers({ count: 0, method: 'simple', seed: 1 })).toThrow(RangeError);
    expect(() => generateDemoNumbers({ count: 1001, method: 'simple', seed: 1 })).toThrow(RangeError);
    const first = generateDemoNumbers({ count: 50, method: 'simple', seed: 9 });
    const again = generateDemoNumbers({ count: 50, method: 'simple', seed: 9, exclude: new Set(first.map((n) => n.e164)) });
    expect(again.some((n) => first.some((f) => f.e164 === n.e164))).toBe(false);
  });

  it('makes synthetic leads that round-trip through normalisation and cannot be dialed on real Asterisk', () => {
    const leads = generateDemoLeads('k', { count: 30, method: 'stratified', seed: 5 });
    for (const l of leads) {
      expect(l.synthetic).toBe(true);
      expect(normalisePhone(l.phoneRaw, 'CR')).toMatchObject({ ok: true, e164: l.phoneE164 });
      expect(l.priority).toBeGreaterThanOrEqual(1);
      expect(l.priority).toBeLessThanOrEqual(5);
      expect(() => assertDialable({ synthetic: true, phoneE164: l.phoneE164 }, { simulated: false })).toThrow(NotDialableError);
      expect(() => assertDialable({ synthetic: true, phoneE164: l.phoneE164 }, { simulated: true })).not.toThrow();
    }
    expect(() => assertDialable({ synthetic: false, phoneE164: '+50688887777' }, { simulated: false })).not.toThrow();
  });
});
