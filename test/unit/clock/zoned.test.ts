import { describe, expect, it } from 'vitest';
import { localDateStart, nextLocalDay, startOfLocalDay, zonedBucketStarts, zoneOffsetMs } from '../../../engine/clock/zoned.js';

const H = 3_600_000;
const iso = (t: number) => new Date(t).toISOString();

describe('local days and hours in a time zone', () => {
  it('Costa Rica (UTC−6, no DST): the day starts at 06:00 UTC, also just before and after it', () => {
    expect(zoneOffsetMs(Date.UTC(2026, 10, 23, 12), 'America/Costa_Rica')).toBe(-6 * H);
    expect(iso(startOfLocalDay(Date.UTC(2026, 10, 23, 5, 59), 'America/Costa_Rica'))).toBe('2026-11-22T06:00:00.000Z');
    expect(iso(startOfLocalDay(Date.UTC(2026, 10, 23, 6, 0), 'America/Costa_Rica'))).toBe('2026-11-23T06:00:00.000Z');
    expect(iso(startOfLocalDay(Date.UTC(2026, 10, 24, 5, 0), 'America/Costa_Rica'))).toBe('2026-11-23T06:00:00.000Z');
  });

  it('Madrid: the spring-forward day lasts 23 hours and the fall-back day 25', () => {
    const spring = startOfLocalDay(Date.UTC(2026, 2, 29, 12), 'Europe/Madrid');
    expect(iso(spring)).toBe('2026-03-28T23:00:00.000Z');
    expect(nextLocalDay(spring, 'Europe/Madrid') - spring).toBe(23 * H);
    const autumn = startOfLocalDay(Date.UTC(2026, 9, 25, 12), 'Europe/Madrid');
    expect(iso(autumn)).toBe('2026-10-24T22:00:00.000Z');
    expect(nextLocalDay(autumn, 'Europe/Madrid') - autumn).toBe(25 * H);
    expect(zonedBucketStarts(autumn, nextLocalDay(autumn, 'Europe/Madrid'), 'hour', 'Europe/Madrid')).toHaveLength(25);
  });

  it('half-hour zones get buckets on their own hour marks', () => {
    const day = startOfLocalDay(Date.UTC(2026, 10, 23, 12), 'Asia/Kolkata');
    expect(iso(day)).toBe('2026-11-22T18:30:00.000Z');
    const hours = zonedBucketStarts(day + 2 * H + 10 * 60_000, day + 4 * H, 'hour', 'Asia/Kolkata');
    expect(hours.map(iso)).toEqual(['2026-11-22T20:30:00.000Z', '2026-11-22T21:30:00.000Z']);
  });

  it('day buckets cover [from, to) with local midnights, and UTC stays UTC', () => {
    const from = Date.UTC(2026, 10, 20, 3);
    const to = Date.UTC(2026, 10, 23, 3);
    expect(zonedBucketStarts(from, to, 'day', 'America/Costa_Rica').map(iso)).toEqual([
      '2026-11-19T06:00:00.000Z',
      '2026-11-20T06:00:00.000Z',
      '2026-11-21T06:00:00.000Z',
      '2026-11-22T06:00:00.000Z',
    ]);
    expect(zonedBucketStarts(from, to, 'day', 'UTC').map(iso)).toEqual([
      '2026-11-20T00:00:00.000Z',
      '2026-11-21T00:00:00.000Z',
      '2026-11-22T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ]);
  });

  it('a calendar date is its local midnight, from UTC−11 to UTC+14 and on DST days', () => {
    expect(iso(localDateStart('2026-01-05', 'America/Costa_Rica'))).toBe('2026-01-05T06:00:00.000Z');
    expect(iso(localDateStart('2026-01-05', 'Pacific/Kiritimati'))).toBe('2026-01-04T10:00:00.000Z');
    expect(iso(localDateStart('2026-01-05', 'Pacific/Pago_Pago'))).toBe('2026-01-05T11:00:00.000Z');
    expect(iso(localDateStart('2026-03-29', 'Europe/Madrid'))).toBe('2026-03-28T23:00:00.000Z');
    expect(iso(localDateStart('2026-03-30', 'Europe/Madrid'))).toBe('2026-03-29T22:00:00.000Z');
  });
});
