/**
 * `centralita db:copy --from sqlite:<path> --to postgres://… [--force-empty-target]`: moves a center from the
 * embedded SQLite store to PostgreSQL without losing a row (engine/store/pg/copy.ts: one transaction, counts and
 * key checksums verified before the commit). Stop the engine first for a cut-over; a copy of a running store is
 * consistent (one snapshot) but misses what is written after it started.
 */
import { parseArgs } from 'node:util';
import { isPostgresUrl, redactUrl } from '../../engine/store/index.js';
import { CopyError, PgConfigError, copySqliteToPg, describePgError } from '../../engine/store/pg/index.js';

const USAGE = 'usage: centralita db:copy --from sqlite:<path> --to postgres://user@host:5432/db [--force-empty-target] [--batch N]';

export async function run(argv: string[]): Promise<number> {
  let values: { from?: string; to?: string; 'force-empty-target'?: boolean; batch?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { from: { type: 'string' }, to: { type: 'string' }, 'force-empty-target': { type: 'boolean' }, batch: { type: 'string' } },
    }));
  } catch (err) {
    process.stderr.write(`db:copy: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const from = values.from;
  const to = values.to;
  if (from === undefined || !from.startsWith('sqlite:') || from.length === 'sqlite:'.length) {
    process.stderr.write(`db:copy: --from must be sqlite:<path to the .db file>\n${USAGE}\n`);
    return 2;
  }
  if (to === undefined || !isPostgresUrl(to)) {
    process.stderr.write(`db:copy: --to must be a postgres:// URL${to === undefined ? '' : ` (got ${redactUrl(to)})`}\n${USAGE}\n`);
    return 2;
  }
  const batchRows = values.batch === undefined ? undefined : Number(values.batch);
  if (batchRows !== undefined && !(Number.isInteger(batchRows) && batchRows > 0)) {
    process.stderr.write(`db:copy: --batch must be a positive integer\n`);
    return 2;
  }
  const path = from.slice('sqlite:'.length);
  process.stdout.write(`db:copy: ${path} → ${redactUrl(to)}\n`);
  try {
    const r = await copySqliteToPg({
      from: path,
      to,
      forceEmptyTarget: values['force-empty-target'] === true,
      batchRows,
      onProgress: (p) =>
        process.stdout.write(`  ${p.table}: ${p.copied}/${p.total}${p.done ? ' ✓' : ''}${p.done && p.rounded > 0 ? ` (${p.rounded} fractional values in integer columns rounded)` : ''}\n`),
    });
    process.stdout.write(`db:copy: ${r.rows} rows in ${r.tables.length} tables in ${r.ms} ms; counts and key checksums match, committed\n`);
    return 0;
  } catch (err) {
    const known = err instanceof CopyError || err instanceof PgConfigError;
    process.stderr.write(`db:copy failed: ${known ? (err as Error).message : describePgError(err)}\n`);
    return 1;
  }
}
