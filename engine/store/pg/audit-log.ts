import { desc, sql } from 'drizzle-orm';
import { auditRowOf, type AuditEntry } from '../repos/audit-log.js';
import type { AuditRow } from '../schema/audit-log.js';
import { auditLog } from '../schema-pg/audit-log.js';
import type { PgPool } from './connect.js';
import { pgDb, type PgDb } from './drizzle.js';

/** The audit trail on PostgreSQL (#18), the behaviour of the SQLite `AuditLog`: append-only, details as JSON text. */
export class PgAuditLog {
  private readonly db: PgDb;
  constructor(pool: PgPool) {
    this.db = pgDb(pool);
  }

  async record(e: AuditEntry): Promise<void> {
    await this.db.insert(auditLog).values(auditRowOf(e));
  }

  /** Newest first; entries of one millisecond by id, newest first, in byte order as on SQLite. */
  async list(limit = 100): Promise<AuditRow[]> {
    return this.db.select().from(auditLog).orderBy(desc(auditLog.at), sql`${auditLog.id} collate "C" desc`).limit(limit);
  }
}
