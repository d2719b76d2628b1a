import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, apiDocument, renderApiTypes } from '../../../app/web/index.js';

/** The web app's payload types are generated from the API's OpenAPI document; a stale copy fails here. */
describe('web/src/api/schema.d.ts', () => {
  it('matches what the running API app documents (run `npm run web:api-types` after changing a route)', async () => {
    const fresh = await renderApiTypes(await apiDocument());
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    expect(committed === fresh, 'web/src/api/schema.d.ts is stale: run `npm run web:api-types`').toBe(true);
  });
});
