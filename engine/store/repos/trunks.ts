import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { trunks, type TrunkRow } from '../schema/trunks.js';

/** Carrier trunks (schema/trunks.ts). */
export class TrunkRepo {
  constructor(private readonly db: Db) {}

  list(): TrunkRow[] {
    return this.db.select().from(trunks).orderBy(asc(trunks.name)).all();
  }

  get(name: string): TrunkRow | undefined {
    return this.db.select().from(trunks).where(eq(trunks.name, name)).get();
  }

  upsert(row: TrunkRow): TrunkRow {
    const { name: _n, createdAt: _c, ...rest } = row;
    return this.db.insert(trunks).values(row).onConflictDoUpdate({ target: trunks.name, set: rest }).returning().all()[0]!;
  }

  remove(name: string): boolean {
    return this.db.delete(trunks).where(eq(trunks.name, name)).run().changes > 0;
  }
}
