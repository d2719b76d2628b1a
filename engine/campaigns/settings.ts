import { isValidTimeZone } from '../leads/index.js';
import { z } from 'zod';
import { DISPOSITIONS, type Disposition } from '../events/index.js';
import { dialStringTemplateRefusal } from './dial-string.js';
import { amdParamsSchema } from '../amd/index.js';

export const DIAL_MODES = ['preview', 'progressive', 'power', 'predictive'] as const;
export type DialMode = (typeof DIAL_MODES)[number];

export const DEFAULT_DIAL_STRING = 'PJSIP/{e164}@trunk';

/*
 * Checks whose English words are written here carry `params.rule` (a stable name the web words in Spanish:
 * api/http/rules.ts lists them, web/src/api/problems.ts maps them). A refine, not `.regex()`: zod drops a regex
 * check's params.
 */
const HHMM = /^([01]\d|2[0-4]):[0-5]\d$/;
const hhmm = z.string().refine((v) => HHMM.test(v), { message: 'must be HH:MM (24 h)', params: { rule: 'hhmm' } });

/** An IANA time zone name the runtime knows (validated once here; leads and campaigns share it). */
export const ianaZone = z.string().refine(isValidTimeZone, { message: 'is not an IANA time zone', params: { rule: 'iana_zone' } });

/**
 * Seconds before the next attempt after each disposition. Dispositions missing here are final for the lead
 * (ANSWERED_HUMAN, INVALID_NUMBER) or fall back to `default`.
 */
const retryDelaysSchema = z
  .object({
    default: z.number().int().min(0).default(3600),
    BUSY: z.number().int().min(0).default(300),
    NO_ANSWER: z.number().int().min(0).default(1800),
    MACHINE: z.number().int().min(0).default(3600),
    DROPPED: z.number().int().min(0).default(600),
    CONGESTION: z.number().int().min(0).default(120),
    FAILED: z.number().int().min(0).default(600),
    HUNG_UP_DURING_AMD: z.number().int().min(0).default(1800),
    CANCELLED: z.number().int().min(0).default(0),
    /** Cut by an outage (Asterisk restart, ARI lost, engine died): call back soon, it was not the callee's doing. */
    INTERRUPTED: z.number().int().min(0).default(300),
  })
  .catchall(z.number().int().min(0));

/**
 * Everything a campaign manager sets. Defaults follow the issue: progressive 1:1, 08:00–21:00 local, Monday to
 * Saturday, 3 % drop target. AMD parameters are opaque here (engine/amd validates them); only the two policies the
 * call engine acts on are typed.
 */
export const campaignSettingsSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    dialMode: z.enum(DIAL_MODES).default('progressive'),
    /** Lines per available agent in power mode (ignored elsewhere). */
    dialRatio: z.number().min(1).max(10).default(1),
    maxConcurrent: z.number().int().min(1).max(10_000).default(10),
    dialStringTemplate: z
      .string()
      .min(1)
      .max(256)
      .default(DEFAULT_DIAL_STRING)
      .superRefine((t, ctx) => {
        const r = dialStringTemplateRefusal(t);
        if (r !== null) ctx.addIssue({ code: 'custom', message: r.problem, params: { ...r.params, rule: r.rule } });
      }),
    callerId: z.string().trim().max(80).nullable().default(null),
    ringTimeoutS: z.number().int().min(15, 'must be at least 15 s').max(120).default(25),
    callingHours: z
      .strictObject({ start: hhmm.default('08:00'), end: hhmm.default('21:00') })
      .default({ start: '08:00', end: '21:00' })
      .refine((h) => h.start < h.end, { message: 'start must be before end', params: { rule: 'start_before_end' } }),
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    weekdays: z
      .array(z.number().int().min(1).max(7))
      .min(1)
      .default([1, 2, 3, 4, 5, 6])
      .transform((d) => [...new Set(d)].sort((a, b) => a - b)),
    defaultTimeZone: ianaZone.default('America/Costa_Rica'),
    /** ISO 3166 alpha-2 country for numbers written without a country code. */
    defaultCountry: z
      .string()
      .refine((v) => /^[A-Z]{2}$/.test(v), { message: 'must be a two-letter ISO 3166 country code (CR, US…)', params: { rule: 'country_code' } })
      .default('CR'),
    maxAttempts: z.number().int().min(1).max(50).default(5),
    retryDelays: retryDelaysSchema.default({
      default: 3600,
      BUSY: 300,
      NO_ANSWER: 1800,
      MACHINE: 3600,
      DROPPED: 600,
      CONGESTION: 120,
      FAILED: 600,
      HUNG_UP_DURING_AMD: 1800,
      CANCELLED: 0,
      INTERRUPTED: 300,
    }),
    /**
     * AMD parameters as given (partial: the rest takes its mode's defaults when loaded), checked here with the very
     * schema the engine loads them with (engine/amd amdParamsSchema, strict): what is accepted is what runs.
     */
    amd: z
      .record(z.string(), z.unknown())
      .default({})
      .superRefine((amd, ctx) => {
        const r = amdParamsSchema.safeParse(amd);
        if (r.success) return;
        // An unknown mode has no defaults: name the mode alone, not every field it would have filled.
        const modeIssues = r.error.issues.filter((i) => i.path[0] === 'mode');
        // Passed on with their code and parameters (too_small's minimum, an enum's values…), not as custom English
        // text, so the 422 detail of `amd.…` can be worded in the user's language like any other field's.
        for (const i of modeIssues.length > 0 ? modeIssues : r.error.issues) {
          if (i.code === 'unrecognized_keys') {
            for (const k of i.keys) ctx.addIssue({ code: 'unrecognized_keys', keys: [k], path: i.path, message: 'is not a known field' });
          } else ctx.addIssue({ ...i, path: i.path } as Parameters<typeof ctx.addIssue>[0]);
        }
      }),
    machineAction: z.enum(['hangup', 'message']).default('hangup'),
    notsurePolicy: z.enum(['human', 'machine']).default('human'),
    safeHarborMessage: z.string().min(1).default('sound:centralita/safe-harbor'),
    /** Media left at the beep when machineAction is "message". */
    voicemailMessage: z.string().min(1).nullable().default(null),
    wrapUpS: z.number().int().min(0).max(3600).default(10),
    /** Fraction of live answers; 0.03 = 3 %. */
    dropTarget: z.number().min(0).max(0.03).default(0.03),
    recording: z.boolean().default(false),
    /** Days recordings of this campaign are kept (1 day … 10 years). */
    recordingRetentionDays: z.number().int().min(1).max(3650).default(90),
  })
  .superRefine((s, ctx) => {
    if (s.machineAction === 'message' && s.voicemailMessage === null) {
      ctx.addIssue({ code: 'custom', path: ['voicemailMessage'], message: 'is required when machineAction is "message"', params: { rule: 'voicemail_required' } });
    }
    for (const key of Object.keys(s.retryDelays)) {
      if (key !== 'default' && !(DISPOSITIONS as readonly string[]).includes(key)) {
        ctx.addIssue({ code: 'custom', path: ['retryDelays', key], message: 'is not a disposition', params: { rule: 'not_a_disposition' } });
      }
    }
  });

export type CampaignSettingsInput = z.input<typeof campaignSettingsSchema>;
export type CampaignSettings = z.output<typeof campaignSettingsSchema>;

/** Parses and fills defaults; throws a ZodError listing every problem. */
export function parseCampaignSettings(input: unknown): CampaignSettings {
  return campaignSettingsSchema.parse(input);
}

/** Seconds to wait after `disposition`, or null when the disposition ends the lead. */
export function retryDelayFor(settings: { retryDelays: Readonly<Record<string, number>> }, disposition: Disposition): number | null {
  if (disposition === 'ANSWERED_HUMAN' || disposition === 'INVALID_NUMBER') return null;
  const d = settings.retryDelays[disposition] ?? settings.retryDelays.default;
  return d ?? 3600;
}
