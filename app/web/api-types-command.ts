/** `centralita web:api-types` (npm run web:api-types): regenerates web/src/api/schema.d.ts from /openapi.json. */
import { writeFileSync } from 'node:fs';
import { API_TYPES_FILE, apiDocument, renderApiTypes } from './api-types.js';

export async function run(): Promise<number> {
  const text = await renderApiTypes(await apiDocument());
  writeFileSync(API_TYPES_FILE, text);
  process.stdout.write(`wrote ${API_TYPES_FILE} (${text.length} bytes)\n`);
  return 0;
}
