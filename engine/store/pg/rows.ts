import { getTableColumns, type Table } from 'drizzle-orm';

/**
 * node-postgres answers with column names (snake_case); the rest of the code speaks the drizzle schema's property
 * names (camelCase). One mapper per table, built from the schema so a new column needs no edit here.
 */
export function rowMapper<T>(table: Table): (r: Record<string, unknown>) => T {
  const keyOf = new Map(Object.entries(getTableColumns(table)).map(([key, col]) => [col.name, key]));
  return (r) => {
    const out: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(r)) out[keyOf.get(name) ?? name] = v;
    return out as T;
  };
}
