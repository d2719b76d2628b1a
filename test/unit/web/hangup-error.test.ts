/**
 * The agent console's wording of a refused hang-up: the API's codes for it (api/routes/call-actions.ts) are shown
 * in the agent's language, never the API's English; any other error keeps the API's own text.
 */
import { describe, expect, it } from 'vitest';
import { hangupErrorText } from '../../../web/src/screens/agent/hangup-error.js';
import { ApiError, translator } from '../../support/web-i18n.js';

describe('hangupErrorText', () => {
  const english = {
    not_found: 'Call c-1 is not live on node node-2',
    node_unreachable: 'Node node-2 did not answer within 2500 ms',
    engine_unavailable: 'The engine is not running',
  };

  it.each(['en', 'es'] as const)('words each hang-up refusal in %s, not with the API text', async (lng) => {
    const t = await translator(lng);
    const texts = Object.entries(english).map(([code, msg]) => hangupErrorText(new ApiError(code === 'not_found' ? 404 : 503, code, msg), t));
    for (const [k, text] of texts.entries()) {
      expect(text).not.toBe(Object.values(english)[k]);
      expect(text).not.toMatch(/^agent\./); // a missing key shows as the key itself
    }
    expect(new Set(texts).size).toBe(3);
    // The two refusals after which the call may still be up tell the agent to hang up at the phone.
    expect(texts[1]).toMatch(lng === 'en' ? /hang up at the phone/ : /cuelgue en el teléfono/);
    expect(texts[2]).toMatch(lng === 'en' ? /hang up at the phone/ : /cuelgue en el teléfono/);
  });

  it('keeps the API text for any other refusal, and a plain error its message', async () => {
    const t = await translator('es');
    expect(hangupErrorText(new ApiError(403, 'forbidden', 'Not your call'), t)).toBe('Not your call');
    expect(hangupErrorText(new ApiError(0, 'network', 'fetch failed'), t)).toBe('fetch failed');
    expect(hangupErrorText(new Error('boom'), t)).toBe('boom');
  });
});
