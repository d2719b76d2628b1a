import { describe, expect, it } from 'vitest';
import { zoneWithRoom } from '../../support/today-with-room.js';

describe('zoneWithRoom (fixtures of "today, already past")', () => {
  const at = (iso: string) => Date.parse(iso) / 1000;
  it('keeps the first zone once its day is old enough, and its day began at its midnight', () => {
    expect(zoneWithRoom(at('2026-12-07T12:00:00Z'), 1800, ['America/Costa_Rica', 'America/Bogota'])).toEqual({ zone: 'America/Costa_Rica', dayStart: at('2026-12-07T06:00:00Z') });
    expect(zoneWithRoom(at('2026-12-07T05:59:00Z'), 1800, ['America/Costa_Rica'])).toEqual({ zone: 'America/Costa_Rica', dayStart: at('2026-12-06T06:00:00Z') });
  });
  it('in the first zone’s first half hour (06:05 UTC in Costa Rica) takes the next, whose day is an hour older', () => {
    expect(zoneWithRoom(at('2026-12-07T06:05:00Z'), 1800, ['America/Costa_Rica', 'America/Bogota'])).toEqual({ zone: 'America/Bogota', dayStart: at('2026-12-07T05:00:00Z') });
    expect(zoneWithRoom(at('2026-12-07T00:10:00Z'), 1800, ['UTC', 'America/Bogota'])).toEqual({ zone: 'America/Bogota', dayStart: at('2026-12-06T05:00:00Z') });
    expect(() => zoneWithRoom(at('2026-12-07T06:05:00Z'), 1800, ['America/Costa_Rica'])).toThrow(/has had 1800 s/);
  });
});
