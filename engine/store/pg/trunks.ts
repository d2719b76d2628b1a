import { and, eq, isNotNull, notLike, sql } from 'drizzle-orm';
import { SEALED_PREFIX, type SecretBox } from '../secret-box.js';
import { trunks } from '../schema-pg/trunks.js';
import type { TrunkRow } from '../schema/trunks.js';
import type { TrunkCatalog } from '../trunk-catalog.js';
import { pgTransaction, type PgPool } from './connect.js';
import { pgDb, type PgDb } from './drizzle.js';
import { rowMapper } from './rows.js';

const toRow = rowMapper<TrunkRow>(trunks);

/**
 * `TrunkRepo` on PostgreSQL (#18, `TrunkCatalog`): the carrier trunks of the database the nodes dial through, so
 * several API processes edit one list. Listed by name in byte order (`collate "C"`, as SQLite compares); a change
 * is applied on the row locked `for update`, so two processes' changes to one trunk both land; a create is one
 * insert that does nothing when another process took the name first.
 */
export class PgTrunks implements TrunkCatalog {
  readonly dialect = 'postgres' as const;
  private readonly db: PgDb;
  constructor(private readonly pool: PgPool) {
    this.db = pgDb(pool);
  }

  async list(): Promise<TrunkRow[]> {
    return this.db.select().from(trunks).orderBy(sql`${trunks.name} collate "C"`);
  }

  async get(name: string): Promise<TrunkRow | undefined> {
    const rows = await this.db.select().from(trunks).where(eq(trunks.name, name));
    return rows[0];
  }

  async create(row: TrunkRow): Promise<TrunkRow | undefined> {
    const rows = await this.db.insert(trunks).values(row).onConflictDoNothing({ target: trunks.name }).returning();
    return rows[0];
  }

  async update(name: string, change: (before: TrunkRow) => TrunkRow): Promise<{ before: TrunkRow; after: TrunkRow } | undefined> {
    return pgTransaction(this.pool, async (tx) => {
      const r = await tx.query(`select * from trunks where name = $1 for update`, [name]);
      if (r.rows[0] === undefined) return undefined;
      const before = toRow(r.rows[0]);
      // The name and creation stay the row's: a change never moves a trunk.
      const next = { ...change(before), name: before.name, createdAt: before.createdAt };
      const w = await tx.query(`update trunks set host = $2, username = $3, password = $4, updated_at = $5 where name = $1 returning *`, [
        name,
        next.host,
        next.username,
        next.password,
        next.updatedAt,
      ]);
      return { before, after: toRow(w.rows[0]) };
    });
  }

  async remove(name: string): Promise<boolean> {
    const rows = await this.db.delete(trunks).where(eq(trunks.name, name)).returning({ name: trunks.name });
    return rows.length > 0;
  }

  async sealPlaintext(box: SecretBox): Promise<number> {
    const clear = await this.db
      .select()
      .from(trunks)
      .where(and(isNotNull(trunks.password), notLike(trunks.password, `${SEALED_PREFIX}%`)));
    // Only a row still in clear is overwritten: another process starting at once may have sealed it already.
    for (const t of clear) {
      await this.db
        .update(trunks)
        .set({ password: box.seal(t.password!, t.name) })
        .where(and(eq(trunks.name, t.name), eq(trunks.password, t.password!)));
    }
    return clear.length;
  }
}
