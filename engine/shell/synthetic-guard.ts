/**
 * Demo leads carry made-up numbers that belong to real subscribers. On a real Asterisk the engine refuses
 * them: each is completed as FAILED with the reason, never dialled.
 */
import type { Clock } from '../clock/index.js';
import { assertDialable, NotDialableError } from '../leads/index.js';
import type { Store } from '../store/index.js';
import type { LeadSource } from './ports.js';

export function refuseSynthetic(inner: LeadSource, store: Pick<Store, 'leads'>, clock: Clock): LeadSource {
  return {
    ...inner,
    async next() {
      for (;;) {
        const lead = await inner.next();
        if (!lead) return lead;
        const row = store.leads.get(lead.id);
        try {
          if (row) assertDialable(row, { simulated: false });
          return lead;
        } catch (err) {
          if (!(err instanceof NotDialableError)) throw err;
          store.leads.completeAttempt(lead.id, 'FAILED', clock.now(), { error: err.message });
        }
      }
    },
  };
}
