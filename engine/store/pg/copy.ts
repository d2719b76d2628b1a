import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { PgConfigError, checkPg, openPgPool, pgTransaction, redactUrl, type PgClient } from './connect.js';
import { pgMigrationStatus, sqliteMigrationStatus } from './migrate.js';
import { pgTables, type PgTableShape } from './tables.js';

export interface CopyOptions {
  /** The SQLite file (DB_PATH of the embedded store). */
  from: string;
  /** postgres://… of a database migrated with `centralita db:migrate`. */
  to: string;
  /** Empty every table of the target first (TRUNCATE, in the same transaction) instead of refusing a non-empty one. */
  forceEmptyTarget?: boolean;
  /** Rows per INSERT (capped so one statement stays under PostgreSQL's 65,535 parameters). */
  batchRows?: number;
  onProgress?: (p: CopyProgress) => void;
}

export interface CopyProgress {
  table: string;
  copied: number;
  total: number;
  done: boolean;
  /** See TableReport.rounded. */
  rounded: number;
}

export interface TableReport {
  table: string;
  rows: number;
  /** Order-independent checksum of the rows' keys, equal on both sides. */
  checksum: string;
  /** Values with a fraction in an integer column (SQLite keeps what it is given), rounded to the nearest integer. */
  rounded: number;
}

export interface CopyReport {
  tables: TableReport[];
  rows: number;
  ms: number;
}

/** What the operator must fix (missing file, unmigrated side, non-empty target, a verification mismatch). */
export class CopyError extends Error {}

/**
 * Copies every table of a SQLite store into a PostgreSQL database, in one PostgreSQL transaction: a failure half
 * way (a bad row, the server gone, a count that does not match) leaves the target as it was. The source is read
 * inside one read transaction, so a running engine's writes during the copy are either all in or all out (WAL
 * snapshot). After the rows, each table's count and a checksum of its keys are compared on both sides before the
 * COMMIT; identity sequences (agent_events.id) are moved past the copied ids.
 */
export async function copySqliteToPg(opts: CopyOptions): Promise<CopyReport> {
  const started = Date.now();
  if (!existsSync(opts.from)) throw new CopyError(`source not found: ${opts.from}`);
  const sqlite = new Database(opts.from, { readonly: true, fileMustExist: true });
  const pool = openPgPool(opts.to, { max: 1, applicationName: 'centralita db:copy' });
  try {
    const src = sqliteMigrationStatus(sqlite);
    if (src.applied < src.available)
      throw new CopyError(`source ${opts.from} is at migration ${src.applied} of ${src.available}: run DB_PATH=${opts.from} centralita db:migrate first`);
    await checkPg(pool, opts.to);
    const dst = await pgMigrationStatus(pool);
    if (dst.applied < dst.available)
      throw new CopyError(
        `target ${redactUrl(opts.to)} is at PostgreSQL migration ${dst.applied} of ${dst.available}: run DATABASE_URL=… centralita db:migrate first`,
      );
    const tables = pgTables();
    for (const t of tables) {
      const have = new Set((sqlite.prepare(`select name from pragma_table_info(?)`).all(t.name) as Array<{ name: string }>).map((r) => r.name));
      const missing = t.columns.filter((c) => !have.has(c.name)).map((c) => c.name);
      if (have.size === 0 || missing.length > 0)
        throw new CopyError(`source table ${t.name} ${have.size === 0 ? 'is missing' : `lacks columns ${missing.join(', ')}`}`);
    }

    sqlite.exec('BEGIN'); // one snapshot of the source for every table
    try {
      const reports = await pgTransaction(pool, async (c) => {
        await prepareTarget(c, tables, opts.forceEmptyTarget === true);
        const out: TableReport[] = [];
        for (const t of tables) out.push(await copyTable(sqlite, c, t, opts));
        await resetIdentities(c);
        return out;
      });
      return { tables: reports, rows: reports.reduce((s, r) => s + r.rows, 0), ms: Date.now() - started };
    } finally {
      sqlite.exec('COMMIT');
    }
  } finally {
    sqlite.close();
    await pool.end();
  }
}

const q = (name: string): string => `"${name.replaceAll('"', '""')}"`;

async function prepareTarget(c: PgClient, tables: PgTableShape[], force: boolean): Promise<void> {
  const nonEmpty: string[] = [];
  for (const t of tables) {
    const r = await c.query(`select count(*)::int8 as n from ${q(t.name)}`);
    if (Number(r.rows[0].n) > 0) nonEmpty.push(`${t.name} (${r.rows[0].n})`);
  }
  if (nonEmpty.length === 0) return;
  if (!force) throw new CopyError(`target is not empty: ${nonEmpty.join(', ')}. Use an empty database, or --force-empty-target to delete those rows first`);
  await c.query(`truncate ${tables.map((t) => q(t.name)).join(', ')} restart identity cascade`);
}

async function copyTable(sqlite: Database.Database, c: PgClient, t: PgTableShape, opts: CopyOptions): Promise<TableReport> {
  const cols = t.columns;
  const total = (sqlite.prepare(`select count(*) as n from ${q(t.name)}`).get() as { n: number }).n;
  const perBatch = Math.max(1, Math.min(opts.batchRows ?? 1000, Math.floor(60_000 / cols.length)));
  const read = sqlite.prepare(`select rowid as "__rowid", ${cols.map((x) => q(x.name)).join(', ')} from ${q(t.name)} where rowid > ? order by rowid limit ?`);
  const insertHead = `insert into ${q(t.name)} (${cols.map((x) => q(x.name)).join(', ')}) values `;
  const srcSum = new KeySum();
  let copied = 0;
  let rounded = 0;
  let after = Number.MIN_SAFE_INTEGER;
  let lastReport = 0;
  for (;;) {
    const rows = read.all(after, perBatch) as Array<Record<string, unknown>>;
    if (rows.length === 0) break;
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const r of rows) {
      const ph: string[] = [];
      for (const col of cols) {
        const v = r[col.name];
        // SQLite keeps flags as 0/1 and JSON as its text; jsonb parses the text, boolean wants a boolean.
        if (col.kind === 'int' && typeof v === 'number' && !Number.isInteger(v)) {
          params.push(Math.round(v));
          rounded++;
        } else params.push(v === null || v === undefined ? null : col.kind === 'boolean' ? v !== 0 && v !== '0' : v);
        ph.push(`$${params.length}`);
      }
      tuples.push(`(${ph.join(', ')})`);
      srcSum.add(t.key.map((k) => r[k]));
    }
    try {
      await c.query(insertHead + tuples.join(', '), params);
    } catch (err) {
      throw new CopyError(`copying ${t.name} (rows after rowid ${after}): ${(err as Error).message}`);
    }
    copied += rows.length;
    after = Number(rows.at(-1)!.__rowid);
    if (copied - lastReport >= 50_000 && copied < total) {
      lastReport = copied;
      opts.onProgress?.({ table: t.name, copied, total, done: false, rounded });
    }
  }
  // Verify on the target, inside the same transaction: its count and the same checksum over its keys.
  const dstSum = new KeySum();
  await c.query(`declare keys_cur no scroll cursor for select ${t.key.map(q).join(', ')} from ${q(t.name)}`);
  for (;;) {
    const r = await c.query({ text: 'fetch 10000 from keys_cur', rowMode: 'array' });
    for (const row of r.rows as unknown[][]) dstSum.add(row);
    if (r.rows.length < 10000) break;
  }
  await c.query('close keys_cur');
  if (copied !== total || dstSum.count !== total)
    throw new CopyError(`${t.name}: source has ${total} rows, read ${copied}, target has ${dstSum.count}; nothing was committed`);
  if (dstSum.digest() !== srcSum.digest()) throw new CopyError(`${t.name}: the keys on the target differ from the source's (checksum); nothing was committed`);
  opts.onProgress?.({ table: t.name, copied, total, done: true, rounded });
  return { table: t.name, rows: total, checksum: srcSum.digest(), rounded };
}

/** Identity columns would hand out ids that were copied; move each past the table's largest id. */
async function resetIdentities(c: PgClient): Promise<void> {
  const ids = await c.query(
    `select table_name, column_name from information_schema.columns where is_identity = 'YES' and table_schema = current_schema()`,
  );
  for (const r of ids.rows as Array<{ table_name: string; column_name: string }>) {
    await c.query(
      `select setval(pg_get_serial_sequence($1, $2), coalesce((select max(${q(r.column_name)}) from ${q(r.table_name)}), 0) + 1, false)`,
      [q(r.table_name), r.column_name],
    );
  }
}

/**
 * Sum (mod 2^64) of the first 8 bytes of sha256 of each key: independent of row order (the two databases order
 * text differently), and a lost, extra or altered key changes it.
 */
class KeySum {
  count = 0;
  private sum = 0n;
  add(key: unknown[]): void {
    const h = createHash('sha256').update(key.map((v) => String(v)).join('\u0001')).digest();
    this.sum = (this.sum + h.readBigUInt64BE(0)) & 0xffff_ffff_ffff_ffffn;
    this.count++;
  }
  digest(): string {
    return `${this.count}:${this.sum.toString(16).padStart(16, '0')}`;
  }
}

export { PgConfigError };
