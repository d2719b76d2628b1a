/**
 * For unit tests of the web app's pure wording functions: a translator over the real en/es locale files (a missing
 * key shows as the key, as in the browser), and the error the web's `unwrap` throws for a non-2xx answer.
 */
import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import type { Translate } from '../../web/src/api/problems.js';

const dir = new URL('../../web/src/i18n/locales/', import.meta.url);
const read = (lang: string) => JSON.parse(readFileSync(new URL(`${lang}.json`, dir), 'utf8')) as Record<string, unknown>;

export async function translator(lng: 'en' | 'es'): Promise<Translate> {
  const i = i18next.createInstance();
  await i.init({ resources: { en: { translation: read('en') }, es: { translation: read('es') } }, lng, fallbackLng: false, interpolation: { escapeValue: false } });
  return (key, options) => i.t(key, options ?? {}) as string;
}

/** What the web's `unwrap` throws for a non-2xx answer (web/src/api/client.ts ApiError): an Error with the API's code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
