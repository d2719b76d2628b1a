import { z } from '@hono/zod-openapi';

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
