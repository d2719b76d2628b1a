import { z } from '@hono/zod-openapi';
import { localDateStart, nextLocalDay } from '../../engine/clock/index.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A query date: `YYYY-MM-DD` (UTC day) or an ISO 8601 date-time. `end` bounds are exclusive, so a date-only end
 * includes that whole day (the older tools' `end_date=2024-05-31` meant "through the 31st").
 */
export function queryDate(bound: 'start' | 'end') {
  return z
    .string()
    .max(40)
    .refine((s) => (DATE_ONLY.test(s) || s.includes('T')) && !Number.isNaN(Date.parse(s)), { message: 'must be YYYY-MM-DD or an ISO 8601 date-time' })
    .transform((s) => Date.parse(s) + (bound === 'end' && DATE_ONLY.test(s) ? 24 * 3600_000 : 0));
}

/**
 * Like `queryDate`, for reports that follow a time zone: a bare `YYYY-MM-DD` is that calendar day in the report's
 * zone (a Costa Rica manager's "2026-01-05" starts at 06:00 UTC), an ISO date-time is the instant it names. The
 * parsed value is a function of the zone, resolved once the request's `tz` is known.
 */
export function zonedQueryDate(bound: 'start' | 'end') {
  return z
    .string()
    .max(40)
    .refine((s) => (DATE_ONLY.test(s) || s.includes('T')) && !Number.isNaN(Date.parse(s)), { message: 'must be YYYY-MM-DD or an ISO 8601 date-time' })
    .transform((s) => (timeZone: string): number => {
      if (!DATE_ONLY.test(s)) return Date.parse(s);
      const start = localDateStart(s, timeZone);
      return bound === 'end' ? nextLocalDay(start, timeZone) : start;
    });
}
