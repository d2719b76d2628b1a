import { describe, expect, it } from 'vitest';
import { isWithinCallingHours, localTime, zonesOpenNow } from '../../../engine/leads/index.js';

const W = { start: '08:00', end: '21:00', weekdays: [1, 2, 3, 4, 5, 6, 7] };

describe('local time with Intl', () => {
  it('follows DST in New York (2026-03-08) and Madrid (2026-03-29)', () => {
    // 13:00 UTC is 08:00 EST on Saturday, 09:00 EDT on Monday.
    expect(localTime(Date.UTC(2026, 2, 7, 13, 0), 'America/New_York')).toEqual({ weekday: 6, minutes: 8 * 60 });
    expect(localTime(Date.UTC(2026, 2, 9, 13, 0), 'America/New_York')).toEqual({ weekday: 1, minutes: 9 * 60 });
    // 07:00 UTC is 08:00 CET on Saturday, 09:00 CEST on Monday.
    expect(localTime(Date.UTC(2026, 2, 28, 7, 0), 'Europe/Madrid')).toEqual({ weekday: 6, minutes: 8 * 60 });
    expect(localTime(Date.UTC(2026, 2, 30, 7, 0), 'Europe/Madrid')).toEqual({ weekday: 1, minutes: 9 * 60 });
    // Costa Rica has no DST.
    expect(localTime(Date.UTC(2026, 6, 1, 14, 0), 'America/Costa_Rica')).toEqual({ weekday: 3, minutes: 8 * 60 });
  });

  it('the window is [start, end) in local time', () => {
    const ny = 'America/New_York';
    expect(isWithinCallingHours(Date.UTC(2026, 2, 9, 11, 59), ny, W)).toBe(false);
    expect(isWithinCallingHours(Date.UTC(2026, 2, 9, 12, 0), ny, W)).toBe(true);
    expect(isWithinCallingHours(Date.UTC(2026, 2, 10, 0, 59), ny, W)).toBe(true);
    expect(isWithinCallingHours(Date.UTC(2026, 2, 10, 1, 0), ny, W)).toBe(false);
  });

  it('weekdays are checked in the lead zone, not in UTC', () => {
    // Monday 2026-03-02 02:00 UTC is still Sunday 20:00 in Costa Rica.
    const monUtc = Date.UTC(2026, 2, 2, 2, 0);
    expect(isWithinCallingHours(monUtc, 'America/Costa_Rica', { ...W, weekdays: [1, 2, 3, 4, 5] })).toBe(false);
    expect(isWithinCallingHours(monUtc, 'America/Costa_Rica', { ...W, weekdays: [7] })).toBe(true);
  });

  it('filters zones open now', () => {
    // 13:30 UTC on a Tuesday: Costa Rica 07:30 (closed), New York 08:30 (open), Madrid 14:30 (open), Tokyo 22:30 (closed).
    const at = Date.UTC(2026, 2, 3, 13, 30);
    expect(zonesOpenNow(['America/Costa_Rica', 'America/New_York', 'Europe/Madrid', 'Asia/Tokyo'], at, W)).toEqual([
      'America/New_York',
      'Europe/Madrid',
    ]);
  });
});
