/**
 * schema-pg/ must stay the twin of schema/: every SQLite table, column, index and foreign key has its PostgreSQL
 * counterpart with the same name, nullability, default-ness and kind of value (number, text, boolean, JSON), and
 * PostgreSQL has nothing extra. A column added to schema/ alone fails here; so does a migrations-pg folder that
 * was not regenerated (its snapshot must list the same columns).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { is } from 'drizzle-orm';
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as liteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as lite from '../../../engine/store/schema/index.js';
import * as pgs from '../../../engine/store/schema-pg/index.js';
import { PG_MIGRATIONS_DIR } from '../../../engine/store/pg/index.js';

/** Indexes only PostgreSQL has: the multi-node hopper's scans (engine/store/pg/hopper.ts). Nothing else may differ. */
const PG_ONLY_INDEXES = ['leads_hopper_free_idx', 'leads_lease_expiry_idx'];

interface Shape {
  columns: Record<string, { kind: string; notNull: boolean; hasDefault: boolean; primary: boolean }>;
  indexes: Record<string, { unique: boolean; columns: string[]; partial: boolean }>;
  foreignKeys: string[];
}

const colName = (c: unknown): string => (c as { name: string }).name;

function shapes(): { lite: Record<string, Shape>; pg: Record<string, Shape> } {
  const out = { lite: {} as Record<string, Shape>, pg: {} as Record<string, Shape> };
  for (const t of Object.values(lite) as unknown[]) {
    if (!is(t, SQLiteTable)) continue;
    const c = liteConfig(t);
    out.lite[c.name] = {
      columns: Object.fromEntries(c.columns.map((x) => [x.name, { kind: x.dataType, notNull: x.notNull, hasDefault: x.hasDefault, primary: x.primary }])),
      indexes: Object.fromEntries(
        c.indexes.map((i) => [i.config.name, { unique: i.config.unique, columns: i.config.columns.map(colName), partial: i.config.where !== undefined }]),
      ),
      foreignKeys: c.foreignKeys.map((f) => {
        const r = f.reference();
        return `${r.columns.map(colName)}→${liteConfig(r.foreignTable).name}(${r.foreignColumns.map(colName)}) ${f.onDelete}`;
      }),
    };
  }
  for (const t of Object.values(pgs) as unknown[]) {
    if (!is(t, PgTable)) continue;
    const c = pgConfig(t);
    out.pg[c.name] = {
      columns: Object.fromEntries(
        // Identity columns have a default in PostgreSQL; SQLite's autoincrement counts as one too.
        c.columns.map((x) => [x.name, { kind: x.dataType, notNull: x.notNull, hasDefault: x.hasDefault || (x as { generatedIdentity?: unknown }).generatedIdentity !== undefined, primary: x.primary }]),
      ),
      indexes: Object.fromEntries(
        c.indexes.map((i) => [i.config.name, { unique: i.config.unique, columns: i.config.columns.map(colName), partial: i.config.where !== undefined }]),
      ),
      foreignKeys: c.foreignKeys.map((f) => {
        const r = f.reference();
        return `${r.columns.map(colName)}→${pgConfig(r.foreignTable).name}(${r.foreignColumns.map(colName)}) ${f.onDelete}`;
      }),
    };
  }
  return out;
}

describe('the PostgreSQL schema is the twin of the SQLite one', () => {
  const s = shapes();

  it('has the same tables', () => {
    expect(Object.keys(s.lite).length).toBeGreaterThan(15);
    expect(Object.keys(s.pg).sort()).toEqual(Object.keys(s.lite).sort());
  });

  it('every SQLite column has a PostgreSQL twin of the same kind, nullability and default (and no extra ones)', () => {
    const problems: string[] = [];
    for (const [table, l] of Object.entries(s.lite)) {
      const p = s.pg[table];
      if (p === undefined) continue;
      for (const [col, lc] of Object.entries(l.columns)) {
        const pc = p.columns[col];
        if (pc === undefined) problems.push(`${table}.${col}: no PostgreSQL column`);
        else if (JSON.stringify(pc) !== JSON.stringify(lc)) problems.push(`${table}.${col}: sqlite ${JSON.stringify(lc)} ≠ pg ${JSON.stringify(pc)}`);
      }
      for (const col of Object.keys(p.columns)) if (!(col in l.columns)) problems.push(`${table}.${col}: only in PostgreSQL`);
    }
    expect(problems).toEqual([]);
  });

  it('the same indexes (names, columns, unique, partial) and foreign keys', () => {
    for (const [table, l] of Object.entries(s.lite)) {
      const pgIndexes = Object.fromEntries(Object.entries(s.pg[table]?.indexes ?? {}).filter(([name]) => !PG_ONLY_INDEXES.includes(name)));
      expect(pgIndexes, table).toEqual(l.indexes);
      expect(s.pg[table]?.foreignKeys.sort(), table).toEqual([...l.foreignKeys].sort());
    }
  });

  it('the committed PostgreSQL migrations were generated from this schema (latest snapshot has every column)', () => {
    const meta = join(PG_MIGRATIONS_DIR, 'meta');
    const latest = readdirSync(meta).filter((f) => f.endsWith('_snapshot.json')).sort().at(-1)!;
    const snap = JSON.parse(readFileSync(join(meta, latest), 'utf8')) as { tables: Record<string, { name: string; columns: Record<string, unknown> }> };
    const inSnap = Object.fromEntries(Object.values(snap.tables).map((t) => [t.name, Object.keys(t.columns).sort()]));
    const inSchema = Object.fromEntries(Object.entries(s.pg).map(([n, t]) => [n, Object.keys(t.columns).sort()]));
    expect(inSnap).toEqual(inSchema);
  });

  it('the PostgreSQL-only indexes exist there', () => {
    for (const name of PG_ONLY_INDEXES) expect(Object.keys(s.pg.leads!.indexes)).toContain(name);
  });
});
