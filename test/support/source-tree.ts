/** The repository's TypeScript and ESM sources under some folders, as the import-graph checks read them. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceFile } from './import-graph.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every .ts/.mts/.mjs file (no .d.ts, nothing under node_modules) below `dirs`, with repo-relative paths. */
export function readSources(...dirs: string[]): SourceFile[] {
  const out: SourceFile[] = [];
  for (const dir of dirs) {
    for (const rel of readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      const file = `${dir}/${rel.split(path.sep).join('/')}`;
      if (!/\.(ts|mts|mjs)$/.test(file) || file.endsWith('.d.ts') || file.includes('/node_modules/')) continue;
      out.push({ path: file, text: readFileSync(path.join(ROOT, file), 'utf8') });
    }
  }
  return out;
}
