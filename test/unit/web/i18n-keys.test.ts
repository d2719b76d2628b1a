import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../../web/src/i18n/locales/', import.meta.url);
const read = (lang: string) => JSON.parse(readFileSync(new URL(`${lang}.json`, dir), 'utf8')) as Record<string, unknown>;

function keys(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v !== null && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
function leaf(o: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((acc, k) => (acc as Record<string, unknown> | undefined)?.[k], o);
}

describe('web app locales', () => {
  const en = read('en');
  const es = read('es');

  it('en and es have exactly the same keys', () => {
    expect(keys(es).sort()).toEqual(keys(en).sort());
  });

  it('every string is non-empty and keeps the same {{placeholders}} in both languages', () => {
    for (const k of keys(en)) {
      const a = leaf(en, k) as string;
      const b = leaf(es, k) as string;
      expect(typeof a === 'string' && a.trim().length > 0, `en ${k}`).toBe(true);
      expect(typeof b === 'string' && b.trim().length > 0, `es ${k}`).toBe(true);
      const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      expect(vars(b), k).toEqual(vars(a));
      // <Trans> components (e.g. login.hint's <file>…</file>): a tag lost in one language shows its text unstyled.
      const tags = (s: string) => [...s.matchAll(/<\/?(\w+)>/g)].map((m) => m[0]).sort();
      expect(tags(b), k).toEqual(tags(a));
    }
  });

  it('every t("…") key used in the sources exists (static keys)', () => {
    const files: string[] = [];
    const walk = (p: string) => {
      for (const name of readdirSync(p)) {
        const f = join(p, name);
        if (statSync(f).isDirectory()) walk(f);
        else if (/\.tsx?$/.test(f)) files.push(f);
      }
    };
    walk(new URL('../../../web/src/', import.meta.url).pathname);
    const known = new Set(keys(en));
    const missing: string[] = [];
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      for (const m of src.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) if (!known.has(m[1]!)) missing.push(`${f}: ${m[1]}`);
      for (const m of src.matchAll(/titleKey: '([a-zA-Z0-9_.]+)'/g)) if (!known.has(m[1]!)) missing.push(`${f}: ${m[1]}`);
      for (const m of src.matchAll(/i18nKey="([a-zA-Z0-9_.]+)"/g)) if (!known.has(m[1]!)) missing.push(`${f}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });
});
