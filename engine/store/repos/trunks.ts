import { and, asc, eq, isNotNull, notLike } from 'drizzle-orm';
import type { Db } from '../db.js';
import { SEALED_PREFIX, type SecretBox } from '../secret-box.js';
import { trunks, type TrunkRow } from '../schema/trunks.js';

/**
 * Carrier trunks (schema/trunks.ts). `password` holds what the caller gives: the API seals it first
 * (secret-box.ts, `enc:v1:…`) and opens it only to render or push the PJSIP config.
 */
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

  /**
   * Seals in place the passwords stored in clear before encryption (rows of migration 0012's time); returns how
   * many. Run at start when a key is configured, so a database is fully encrypted after its first start.
   */
  sealPlaintext(box: SecretBox): number {
    const clear = this.db
      .select()
      .from(trunks)
      .where(and(isNotNull(trunks.password), notLike(trunks.password, `${SEALED_PREFIX}%`)))
      .all();
    for (const t of clear) this.db.update(trunks).set({ password: box.seal(t.password!, t.name) }).where(eq(trunks.name, t.name)).run();
    return clear.length;
  }

  remove(name: string): boolean {
    return this.db.delete(trunks).where(eq(trunks.name, name)).run().changes > 0;
  }
}
