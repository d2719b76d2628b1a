import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as pgSchema from '../schema-pg/index.js';

export interface PgTableShape {
  name: string;
  /** `int`: integer/bigint in PostgreSQL (SQLite may hold a fraction there: its columns take what they are given). */
  columns: Array<{ name: string; kind: 'json' | 'boolean' | 'int' | 'plain' }>;
  /** Columns that identify a row: the primary key, or the first unique index (dnc has no primary key). */
  key: string[];
}

/**
 * The tables of schema-pg, referenced tables before the tables whose foreign keys point at them (campaigns before
 * leads before lead_locks/lead_history; call_logs before call_amd_traces), so inserting in this order never
 * breaks a constraint. Otherwise by name.
 */
export function pgTables(): PgTableShape[] {
  const tables = (Object.values(pgSchema) as unknown[]).filter((t): t is PgTable => is(t, PgTable));
  const byName = new Map(tables.map((t) => [getTableConfig(t).name, t]));
  const ordered: PgTable[] = [];
  const seen = new Set<string>();
  const visit = (t: PgTable): void => {
    const cfg = getTableConfig(t);
    if (seen.has(cfg.name)) return;
    seen.add(cfg.name);
    for (const fk of cfg.foreignKeys) {
      const target = getTableConfig(fk.reference().foreignTable).name;
      if (target !== cfg.name) visit(byName.get(target)!);
    }
    ordered.push(t);
  };
  for (const name of [...byName.keys()].sort()) visit(byName.get(name)!);
  const out: PgTableShape[] = [];
  for (const t of ordered) {
    const cfg = getTableConfig(t);
    let key = cfg.columns.filter((c) => c.primary).map((c) => c.name);
    if (key.length === 0) key = cfg.primaryKeys[0]?.columns.map((c) => c.name) ?? [];
    if (key.length === 0) {
      const uq = cfg.indexes.find((i) => i.config.unique);
      key = uq?.config.columns.map((c) => (c as { name: string }).name) ?? cfg.columns.map((c) => c.name);
    }
    out.push({
      name: cfg.name,
      columns: cfg.columns.map((c) => ({ name: c.name, kind: c.dataType === 'json' ? 'json' : c.dataType === 'boolean' ? 'boolean' : c.columnType === 'PgInteger' || c.columnType === 'PgBigInt53' ? 'int' : 'plain' })),
      key,
    });
  }
  return out;
}
