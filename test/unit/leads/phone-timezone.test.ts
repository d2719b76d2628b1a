import { describe, expect, it } from 'vitest';
import { isValidTimeZone, normalisePhone, zoneForNumber } from '../../../engine/leads/index.js';

describe('normalisePhone', () => {
  it('normalises local and international spellings to E.164 and keeps the raw input', () => {
    const cases: Array<[string, string, string]> = [
      ['8888-7777', 'CR', '+50688887777'],
      ['  8888 7777 ', 'CR', '+50688887777'],
      ['+506 8888 7777', 'US', '+50688887777'],
      ['00506 88887777', 'CR', '+50688887777'],
      ['50688887777', 'CR', '+50688887777'],
      ['(212) 555-0101', 'US', '+12125550101'],
      ['612 34 56 78', 'ES', '+34612345678'],
      ['+52 55 1234 5678', 'CR', '+525512345678'],
    ];
    for (const [raw, country, e164] of cases) {
      const r = normalisePhone(raw, country);
      expect(r, raw).toMatchObject({ ok: true, e164, raw: raw.trim() });
    }
  });

  it('rejects what is not a dialable number, with a reason', () => {
    for (const raw of ['', '12345', '5555-1234', 'llamar luego', 'abc123def', '+999 1234']) {
      const r = normalisePhone(raw, 'CR');
      expect(r.ok, raw).toBe(false);
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(5);
    }
  });
});

describe('zoneForNumber', () => {
  it('maps countries and the big multi-zone regions', () => {
    expect(zoneForNumber('+50688887777')).toBe('America/Costa_Rica');
    expect(zoneForNumber('+34612345678')).toBe('Europe/Madrid');
    expect(zoneForNumber('+34922123456')).toBe('Atlantic/Canary');
    expect(zoneForNumber('+12125550101')).toBe('America/New_York');
    expect(zoneForNumber('+13125550101')).toBe('America/Chicago');
    expect(zoneForNumber('+13035550101')).toBe('America/Denver');
    expect(zoneForNumber('+16025550101')).toBe('America/Phoenix');
    expect(zoneForNumber('+14155550101')).toBe('America/Los_Angeles');
    expect(zoneForNumber('+16045550101')).toBe('America/Vancouver');
    expect(zoneForNumber('+525512345678')).toBe('America/Mexico_City');
    expect(zoneForNumber('+526641234567')).toBe('America/Tijuana');
    expect(zoneForNumber('+573001234567')).toBe('America/Bogota');
    expect(zoneForNumber('+5511912345678')).toBe('America/Sao_Paulo');
    expect(zoneForNumber('+5592912345678')).toBe('America/Manaus');
  });

  it('every zone it can return is known to Intl', () => {
    const samples = ['+50688887777', '+34922123456', '+19075550101', '+18085550101', '+17095550101', '+529981234567', '+5561912345678'];
    for (const s of samples) {
      const z = zoneForNumber(s);
      expect(z, s).not.toBeNull();
      expect(isValidTimeZone(z!), z!).toBe(true);
    }
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
