/**
 * The agent console's wording of a refused state change (log-in, ready, pause, log-out): when the node holding the
 * agent's phone does not answer (`node_unreachable`, #18) or no engine runs, the agent reads it in their language,
 * never the API's English; any other error keeps the API's own text.
 */
import { describe, expect, it } from 'vitest';
import { stateErrorText } from '../../../web/src/screens/agent/state-error.js';
import { ApiError, translator } from '../../support/web-i18n.js';

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
