/**
 * The trunk routes' port (engine/store `TrunkCatalog`, #18), one body on SQLite and on PostgreSQL
 * (test/support/store-dialects.ts, the PostgreSQL database sorting text linguistically): a trunk is created as given
 * (a taken name answers undefined and writes nothing), listed by name in byte order, changed by a function of the
 * stored row (its name and creation kept; a change that throws writes nothing), deleted; passwords left in clear are
 * sealed in place (bound to their trunk) and sealed ones left alone. What one connection writes another reads (two
 * API processes on one database). The same expectations on both: a difference fails one dialect.
 */
import { expect, it } from 'vitest';
import { SecretBox, type TrunkRow } from '../../engine/store/index.js';
import { describeDialects } from '../support/store-dialects.js';

const T0 = Date.UTC(2026, 3, 7, 10, 0, 0);
const box = SecretBox.fromSecret('k'.repeat(40));

const trunk = (name: string, o: Partial<TrunkRow> = {}): TrunkRow => ({ name, host: `${name}.example.net`, username: null, password: null, createdAt: T0, updatedAt: T0, ...o });

describeDialects(
  'trunk catalog',
  (h) => {
    it('creates a trunk as given, refuses a taken name without writing, lists by name in byte order', async () => {
      const sealed = box.seal('pw-1', 'carrier');
      const made = await h.trunkCatalog.create(trunk('carrier', { username: 'acct', password: sealed }));
      expect(made).toEqual(trunk('carrier', { username: 'acct', password: sealed }));
      expect(await h.trunkCatalog.get('carrier')).toEqual(made);
      expect(await h.trunkCatalog.get('nope')).toBeUndefined();

      expect(await h.trunkCatalog.create(trunk('carrier', { host: 'other.example.net', createdAt: T0 + 1 }))).toBeUndefined();
      expect(await h.trunkCatalog.get('carrier')).toEqual(made);

      // Byte order: capitals before small letters, "-" before digits before "_" (a linguistic order differs).
      for (const n of ['b_x', 'B-2', 'a', 'b-x', 'b1', 'Zed']) await h.trunkCatalog.create(trunk(n));
      expect((await h.trunkCatalog.list()).map((t) => t.name)).toEqual(['B-2', 'Zed', 'a', 'b-x', 'b1', 'b_x', 'carrier']);
    });

    it('changes the stored row by the function given (name and creation kept); a change that throws writes nothing', async () => {
      await h.trunkCatalog.create(trunk('carrier'));
      const sealed = box.seal('pw-2', 'carrier');
      const r = await h.trunkCatalog.update('carrier', (before) => ({ ...before, name: 'renamed', createdAt: 1, host: 'sip.new.net', username: 'u', password: sealed, updatedAt: T0 + 5 }));
      expect(r).toEqual({ before: trunk('carrier'), after: trunk('carrier', { host: 'sip.new.net', username: 'u', password: sealed, updatedAt: T0 + 5 }) });
      expect(await h.trunkCatalog.get('carrier')).toEqual(r!.after);
      expect(await h.trunkCatalog.get('renamed')).toBeUndefined();

      // The function sees the row as stored (what another process wrote), not what the caller read before.
      const other = await h.connect();
      try {
        await other.trunkCatalog.update('carrier', (b) => ({ ...b, host: 'sip.by-other.net', updatedAt: T0 + 6 }));
        const seen: string[] = [];
        await h.trunkCatalog.update('carrier', (b) => (seen.push(b.host), { ...b, username: null, password: null, updatedAt: T0 + 7 }));
        expect(seen).toEqual(['sip.by-other.net']);
        expect(await other.trunkCatalog.get('carrier')).toEqual(trunk('carrier', { host: 'sip.by-other.net', updatedAt: T0 + 7 }));
      } finally {
        await other.close();
      }

      await expect(
        h.trunkCatalog.update('carrier', (b) => {
          void b;
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect(await h.trunkCatalog.get('carrier')).toEqual(trunk('carrier', { host: 'sip.by-other.net', updatedAt: T0 + 7 }));
      expect(await h.trunkCatalog.update('nope', (b) => b)).toBeUndefined();
      expect(await h.trunkCatalog.list()).toHaveLength(1);
    });

    it('deletes a trunk (false when there is none)', async () => {
      await h.trunkCatalog.create(trunk('a'));
      await h.trunkCatalog.create(trunk('b'));
      expect(await h.trunkCatalog.remove('a')).toBe(true);
      expect(await h.trunkCatalog.remove('a')).toBe(false);
      expect((await h.trunkCatalog.list()).map((t) => t.name)).toEqual(['b']);
    });

    it('seals in place the passwords stored in clear, bound to their trunk; sealed ones and trunks without auth are left alone', async () => {
      const already = box.seal('kept', 'sealed');
      await h.trunkCatalog.create(trunk('clear1', { username: 'u1', password: 'plain-1' }));
      await h.trunkCatalog.create(trunk('clear2', { username: 'u2', password: 'plain-2' }));
      await h.trunkCatalog.create(trunk('sealed', { username: 'u3', password: already }));
      await h.trunkCatalog.create(trunk('noauth'));

      expect(await h.trunkCatalog.sealPlaintext(box)).toBe(2);
      const rows = new Map((await h.trunkCatalog.list()).map((t) => [t.name, t]));
      for (const [n, plain] of [['clear1', 'plain-1'], ['clear2', 'plain-2']] as const) {
        const stored = rows.get(n)!.password!;
        expect(SecretBox.isSealed(stored)).toBe(true);
        expect(box.open(stored, n)).toBe(plain);
        expect(() => box.open(stored, 'other')).toThrow();
      }
      expect(rows.get('sealed')!.password).toBe(already);
      expect(rows.get('noauth')!.password).toBeNull();
      expect(await h.trunkCatalog.sealPlaintext(box)).toBe(0);
    });
  },
  { prefix: 'pg_config_trunks' },
);
