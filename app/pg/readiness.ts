/**
 * Before `npm start` runs on PostgreSQL: the database answers and its schema is this version's. Unlike the SQLite
 * file (migrated by the start itself, one process owns it), a PostgreSQL database is shared by every node and API
 * process of the call center: moving its schema is an operator's step (`centralita db:migrate`), never a side
 * effect of one process starting, so a database that is behind is refused with one line that says what to run.
 */
import { redactUrl } from '../../engine/store/index.js';
import { checkPg, pgMigrationStatus, type PgPool } from '../../engine/store/pg/index.js';

/** A refusal to start on this database: its message is the one line the operator sees (the URL redacted). */
export class PgNotReady extends Error {
  override readonly name = 'PgNotReady';
}

export async function assertPgReady(pool: PgPool, url: string): Promise<void> {
  try {
    await checkPg(pool, url);
  } catch (err) {
    throw new PgNotReady(err instanceof Error ? err.message : String(err));
  }
  const s = await pgMigrationStatus(pool);
  if (s.applied < s.available) {
    throw new PgNotReady(
      `PostgreSQL at ${redactUrl(url)} is not migrated to this version (${s.applied} of ${s.available} migrations applied): run \`centralita db:migrate\` with the same DATABASE_URL, then start again.`,
    );
  }
}
