/**
 * The agent console's wording of a refused state change (log-in, ready, pause, log-out): when the node holding the
 * agent's phone does not answer (`node_unreachable`, #18) or no engine runs, the agent reads it in their language,
 * never the API's English; any other error keeps the API's own text.
 */
import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { Translate } from '../../../web/src/api/problems.js';
import { stateErrorText } from '../../../web/src/screens/agent/state-error.js';

const dir = new URL('../../../web/src/i18n/locales/', import.meta.url);
const read = (lang: string) => JSON.parse(readFileSync(new URL(`${lang}.json`, dir), 'utf8')) as Record<string, unknown>;

async function translator(lng: 'en' | 'es'): Promise<Translate> {
  const i = i18next.createInstance();
  await i.init({ resources: { en: { translation: read('en') }, es: { translation: read('es') } }, lng, fallbackLng: false, interpolation: { escapeValue: false } });
  return (key, options) => i.t(key, options ?? {}) as string;
}

/** What the web's `unwrap` throws for a non-2xx answer (web/src/api/client.ts ApiError): an Error with the API's code. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

describe('stateErrorText', () => {
  const english = {
    node_unreachable: 'Agent a-7 is on node node-2, which did not answer within 2500 ms',
    engine_unavailable: 'The engine is not running',
  };

  it.each(['en', 'es'] as const)('words each refusal in %s, not with the API text, and tells the agent to check', async (lng) => {
    const t = await translator(lng);
    const texts = Object.entries(english).map(([code, msg]) => stateErrorText(new ApiError(503, code, msg), t));
    for (const [k, text] of texts.entries()) {
      expect(text).not.toBe(Object.values(english)[k]);
      expect(text).not.toMatch(/^agent\./); // a key with no text would show the key itself
    }
    expect(new Set(texts).size).toBe(2);
    expect(texts[0]).toMatch(lng === 'en' ? /check your state/i : /compruebe su estado/i);
  });

  it('keeps the API text for other codes and for errors that are not the API’s', async () => {
    const t = await translator('es');
    expect(stateErrorText(new ApiError(422, 'validation_failed', 'Invalid input: reason is required'), t)).toBe('Invalid input: reason is required');
    expect(stateErrorText(new Error('Failed to fetch'), t)).toBe('Failed to fetch');
    expect(stateErrorText('plain', t)).toBe('plain');
  });
});
