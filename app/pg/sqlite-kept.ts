/**
 * What `npm start` on PostgreSQL still keeps in the SQLite file at DB_PATH (#18): the parts of the API whose
 * PostgreSQL side is not built yet. Said in the start banner and on /health so nobody is surprised where a
 * thing is looked up; an entry leaves this list when its port moves to PostgreSQL (app/pg/api-ports.ts).
 */
export const SQLITE_KEPT: readonly string[] = ["an agent's own live call (console detail)"];

/** The banner's line about it (one line, with the file). */
export function sqliteKeptLine(dbPath: string): string {
  return `Still in the SQLite file ${dbPath} (not yet on PostgreSQL): ${SQLITE_KEPT.join(', ')}.`;
}
