/**
 * Leads imported from a file are dialled without a separate "select" step (issue #12): once the import finishes,
 * the engine's lead source hands every imported lead out, in the campaign's calling hours, while none has the
 * `selected` status the leads/select route would give. On both dialects (test/support/store-dialects.ts): the
 * import writes through the lead-imports port the API's import worker uses, the leads are leased through the
 * node's hopper port as an engine node leases them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { importLeads } from '../../engine/lead-files/index.js';
import { asyncStoreLeadSource } from '../../engine/shell/index.js';
import { describeDialects } from '../support/store-dialects.js';

const dir = mkdtempSync(join(tmpdir(), 'centralita-imported-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeDialects(
  'imported leads dial without a select step',
  (h) => {
    it('hands every lead of a finished import to the dialler', async () => {
      const at = Date.UTC(2026, 2, 2, 17, 0, 0);
      await h.seed.campaign('imp', { name: 'imported' }, at);
      const phones = Array.from({ length: 25 }, (_, i) => `+506${83_000_000 + i}`);
      const file = join(dir, `leads-${h.dialect}.csv`);
      writeFileSync(file, `phone,name\n${phones.map((p, i) => `${p},Lead ${i}`).join('\n')}\n`);
      const r = await importLeads(h.leadImports, { campaignId: 'imp', input: file, at });
      expect(r.errors).toEqual([]);
      expect(await h.read.countByStatus('imp')).toEqual({ no_selected: 25 });
      await h.campaigns.command('imp', 'start', at); // started as an engineer would; no leads/select call anywhere
      const source = asyncStoreLeadSource(h.hopper, { campaignId: 'imp', owner: 'node-1', now: () => at + 1000 });
      const dialled: string[] = [];
      for (let lead = await source.next(); lead; lead = await source.next()) dialled.push(lead.phone);
      expect(dialled.sort()).toEqual([...phones].sort());
    });
  },
  { prefix: 'ct_pg_suite_imported' },
);
