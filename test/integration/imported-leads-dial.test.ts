/**
 * Leads imported from a file are dialled without a separate "select" step (issue #12): once the import finishes,
 * the engine's lead source hands every imported lead out, in the campaign's calling hours, while none has the
 * `selected` status the leads/select route would give.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importLeads } from '../../engine/lead-files/index.js';
import { storeLeadSource } from '../../engine/shell/index.js';
import { openStore } from '../../engine/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'centralita-imported-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('imported leads dial without a select step', () => {
  it('hands every lead of a finished import to the dialler', async () => {
    const store = openStore(join(dir, 'c.db'));
    try {
      const at = Date.UTC(2026, 2, 2, 17, 0, 0);
      store.campaigns.create('imp', { name: 'imported' }, at);
      const phones = Array.from({ length: 25 }, (_, i) => `+506${83_000_000 + i}`);
      const file = join(dir, 'leads.csv');
      writeFileSync(file, `phone,name\n${phones.map((p, i) => `${p},Lead ${i}`).join('\n')}\n`);
      const r = await importLeads(store, { campaignId: 'imp', input: file, at });
      expect(r.errors).toEqual([]);
      const statuses = store.sqlite.prepare("select status, count(*) as n from leads where campaign_id = 'imp' group by status").all();
      expect(statuses).toEqual([{ status: 'no_selected', n: 25 }]);
      store.campaigns.command('imp', 'start', at); // started as an engineer would; no leads/select call anywhere
      const source = storeLeadSource(store.leads, { campaignId: 'imp', owner: 'node-1', now: () => at + 1000 });
      const dialled: string[] = [];
      for (let lead = await source.next(); lead; lead = await source.next()) dialled.push(lead.phone);
      expect(dialled.sort()).toEqual([...phones].sort());
    } finally {
      store.close();
    }
  });
});
