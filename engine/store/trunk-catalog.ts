import type { SecretBox } from './secret-box.js';
import type { TrunkRow } from './schema/trunks.js';
import type { Store } from './store.js';

/**
 * The API's carrier trunks (#18): what the trunk routes read and write — list, one, create, change, delete — and
 * the sealing in place of passwords left in clear, as one async shape over both dialects (the sibling of
 * `CampaignCatalog`). Passwords are stored as the caller gives them: the API seals them first (secret-box.ts) and
 * opens them only to render or push the PJSIP config, so the same sealed value reads back on either database.
 *
 * Both list by name in byte order. A change is a function of the stored row, run where the row is held (a SQLite
 * transaction; on PostgreSQL the row locked `for update`), so a change that throws (a validation refusal) writes
 * nothing and two API processes' changes to one trunk do not overwrite each other.
 */
export interface TrunkCatalog {
  readonly dialect: 'sqlite' | 'postgres';
  /** By name (byte order). */
  list(): Promise<TrunkRow[]>;
  get(name: string): Promise<TrunkRow | undefined>;
  /** The trunk as given; undefined (nothing written) when the name is taken. */
  create(row: TrunkRow): Promise<TrunkRow | undefined>;
  /** `change` applied to the stored row (its name and creation kept); undefined when there is no such trunk. */
  update(name: string, change: (before: TrunkRow) => TrunkRow): Promise<{ before: TrunkRow; after: TrunkRow } | undefined>;
  /** false when there was no such trunk. */
  remove(name: string): Promise<boolean>;
  /** Seals in place the passwords stored in clear (rows from before encryption); how many. */
  sealPlaintext(box: SecretBox): Promise<number>;
}

/**
 * Over the SQLite store: the repository the routes always called. Synchronous underneath, so `sealPlaintext` has
 * sealed every row by the time it returns its promise (the API's start relies on it being done before a request).
 */
export function sqliteTrunkCatalog(store: Pick<Store, 'trunks' | 'transaction'>): TrunkCatalog {
  const { trunks } = store;
  return {
    dialect: 'sqlite',
    list: async () => trunks.list(),
    get: async (name) => trunks.get(name),
    create: async (row) => store.transaction(() => (trunks.get(row.name) === undefined ? trunks.upsert(row) : undefined)),
    update: async (name, change) =>
      store.transaction(() => {
        const before = trunks.get(name);
        if (before === undefined) return undefined;
        return { before, after: trunks.upsert({ ...change(before), name: before.name, createdAt: before.createdAt }) };
      }),
    remove: async (name) => trunks.remove(name),
    sealPlaintext: async (box) => trunks.sealPlaintext(box),
  };
}
