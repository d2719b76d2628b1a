import { pgTable, text, bigint, index } from 'drizzle-orm/pg-core';

/** Every change made through the API: who, what, when, from where. Append-only. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    at: bigint('at', { mode: 'number' }).notNull(),
    /** User id, or null for the system (first-start bootstrap) and failed anonymous logins. */
    actorId: text('actor_id'),
    /** How the actor authenticated: password/JWT, an API key, or the system itself. */
    actorKind: text('actor_kind', { enum: ['user', 'api_key', 'system', 'anonymous'] }).notNull(),
    apiKeyId: text('api_key_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    ip: text('ip'),
    /** JSON with the change (never secrets). */
    details: text('details'),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_actor_idx').on(t.actorId, t.at)],
);
