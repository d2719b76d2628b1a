import { pgTable, text, integer, bigint, boolean, jsonb, doublePrecision } from 'drizzle-orm/pg-core';

/**
 * One row per campaign. Settings are columns (not one JSON blob) so the API and reports can filter on them;
 * only the open-ended parts (weekdays, retry delays, AMD parameters) are JSON. Validation lives in
 * engine/campaigns (zod); the table trusts what it is given.
 */
export const campaigns = pgTable('campaigns', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** draft | running | paused | stopped | failed — survives an engine restart. */
  state: text('state', { enum: ['draft', 'running', 'paused', 'stopped', 'failed'] }).notNull().default('draft'),
  /** Why the campaign is `failed` (its stored settings could not be loaded); null in every other state. */
  stateReason: text('state_reason'),
  dialMode: text('dial_mode', { enum: ['preview', 'progressive', 'power', 'predictive'] }).notNull(),
  /** Power mode's fixed lines-per-agent ratio. */
  dialRatio: doublePrecision('dial_ratio').notNull().default(1),
  maxConcurrent: integer('max_concurrent').notNull(),
  dialStringTemplate: text('dial_string_template').notNull(),
  callerId: text('caller_id'),
  ringTimeoutS: integer('ring_timeout_s').notNull(),
  /** Local calling hours as "HH:MM" in the lead's time zone; end is exclusive. */
  callingHoursStart: text('calling_hours_start').notNull(),
  callingHoursEnd: text('calling_hours_end').notNull(),
  /** ISO weekdays allowed, 1 = Monday … 7 = Sunday. */
  weekdays: jsonb('weekdays').$type<number[]>().notNull(),
  /** Zone used for leads whose time zone could not be derived. */
  defaultTimeZone: text('default_time_zone').notNull(),
  defaultCountry: text('default_country').notNull(),
  maxAttempts: integer('max_attempts').notNull(),
  /** Seconds before the next attempt, per disposition. */
  retryDelays: jsonb('retry_delays').$type<Record<string, number>>().notNull(),
  amd: jsonb('amd').$type<Record<string, unknown>>().notNull(),
  machineAction: text('machine_action', { enum: ['hangup', 'message'] }).notNull(),
  notsurePolicy: text('notsure_policy', { enum: ['human', 'machine'] }).notNull(),
  safeHarborMessage: text('safe_harbor_message').notNull(),
  voicemailMessage: text('voicemail_message'),
  wrapUpS: integer('wrap_up_s').notNull(),
  /** Fraction, 0.03 = 3 %. */
  dropTarget: doublePrecision('drop_target').notNull(),
  recording: boolean('recording').notNull(),
  /** Days a recording is kept; the daily sweep deletes older ones (the CallLog stays). */
  recordingRetentionDays: integer('recording_retention_days').notNull().default(90),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});
