import { desc } from 'drizzle-orm';
import type { Db } from '../db.js';
import { sortableId } from '../ids.js';
import { auditLog, type AuditRow } from '../schema/audit-log.js';

export interface AuditEntry {
  at: number;
  actorId: string | null;
  actorKind: AuditRow['actorKind'];
  apiKeyId?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  /** Never secrets: callers pass what changed, not passwords or keys. */
  details?: Record<string, unknown>;
}

/** The stored row of an entry, the same on both dialects (details as JSON text). */
export function auditRowOf(e: AuditEntry): AuditRow {
  return {
    id: sortableId(e.at),
    at: e.at,
    actorId: e.actorId,
    actorKind: e.actorKind,
    apiKeyId: e.apiKeyId ?? null,
    action: e.action,
    targetType: e.targetType ?? null,
    targetId: e.targetId ?? null,
    ip: e.ip ?? null,
    details: e.details === undefined ? null : JSON.stringify(e.details),
  };
}

/** Append-only audit trail of every change made through the API. */
export class AuditLog {
  constructor(private readonly db: Db) {}

  record(e: AuditEntry): void {
    this.db
      .insert(auditLog)
      .values(auditRowOf(e))
      .run();
  }

  list(limit = 100): AuditRow[] {
    return this.db.select().from(auditLog).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(limit).all();
  }
}
