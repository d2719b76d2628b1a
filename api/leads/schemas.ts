import { z } from '@hono/zod-openapi';
import { LEAD_STATUSES, type LeadRow } from '../../engine/store/index.js';

export const LeadSchema = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    phone: z.string().openapi({ description: 'E.164' }),
    phoneRaw: z.string(),
    name: z.string().nullable(),
    city: z.string().nullable(),
    email: z.string().nullable(),
    timeZone: z.string().nullable(),
    priority: z.number().int(),
    custom: z.record(z.string(), z.unknown()),
    status: z.enum(LEAD_STATUSES),
    attempts: z.number().int(),
    lastAttemptAt: z.number().int().nullable(),
    lastDisposition: z.string().nullable(),
    nextDueAt: z.number().int().nullable(),
    lastError: z.string().nullable(),
    synthetic: z.boolean(),
    importJobId: z.string().nullable(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi('Lead');

export const LockSchema = z
  .object({ leadId: z.string(), userId: z.string(), username: z.string(), acquiredAt: z.number().int(), expiresAt: z.number().int() })
  .openapi('LeadLock');

/** 409 when another user holds the lead: the one error shape plus who holds it and until when. */
export const LockedSchema = z
  .object({
    error: z.object({
      code: z.literal('locked'),
      message: z.string(),
      lock: z.object({ userId: z.string(), username: z.string(), acquiredAt: z.number().int(), expiresAt: z.number().int() }),
    }),
  })
  .openapi('LeadLocked');

export const LeadIdParam = z.strictObject({ id: z.string().min(1).max(64) });

/** Lead as the API shows it (lease bookkeeping left out). */
export function publicLead(l: LeadRow) {
  return {
    id: l.id,
    campaignId: l.campaignId,
    phone: l.phoneE164,
    phoneRaw: l.phoneRaw,
    name: l.name,
    city: l.city,
    email: l.email,
    timeZone: l.timeZone,
    priority: l.priority,
    custom: l.custom as Record<string, unknown>,
    status: l.status,
    attempts: l.attempts,
    lastAttemptAt: l.lastAttemptAt,
    lastDisposition: l.lastDisposition,
    nextDueAt: l.nextDueAt,
    lastError: l.lastError,
    synthetic: l.synthetic,
    importJobId: l.importJobId,
    createdAt: l.createdAt,
    updatedAt: l.updatedAt,
  };
}
