/**
 * The objects a trunk is pushed live as (ARI dynamic configuration) hold exactly what the config file the generator
 * writes holds: the sections of `renderTrunk`, with the `trunk-endpoint` template of pjsip_centralita.conf expanded.
 */
import { describe, expect, it } from 'vitest';
import { resolved, sections } from '../../support/pjsip-sections.js';
import { renderTrunk, trunkSorceryObjects, type TrunkSpec } from '../../../engine/deploy/index.js';

describe('a trunk pushed through ARI dynamic configuration', () => {
  for (const trunk of [
    { name: 'carrier', host: 'sip.example.net:5060' },
    { name: 'carrier_2', host: '203.0.113.9', username: 'acct-42', password: 's3cr3t!pw' },
  ] satisfies TrunkSpec[]) {
    it(`matches the config file for ${trunk.name}${trunk.username ? ' (with auth)' : ''}`, () => {
      const fromFile = sections(renderTrunk(trunk)).map((s) => ({ id: s.id, ...resolved(s) }));
      const pushed = trunkSorceryObjects(trunk).map((o) => ({ id: o.id, type: o.type, fields: o.fields.map((f) => `${f.attribute}=${f.value}`).sort() }));
      expect(new Set(pushed.map((p) => JSON.stringify(p)))).toEqual(new Set(fromFile.map((p) => JSON.stringify(p))));
    });
  }

  it('creates what the endpoint names before it: auth, aor, endpoint, identify', () => {
    const order = trunkSorceryObjects({ name: 'c', host: 'h.example', username: 'u', password: 'p' }).map((o) => `${o.configClass}/${o.type}`);
    expect(order).toEqual(['res_pjsip/auth', 'res_pjsip/aor', 'res_pjsip/endpoint', 'res_pjsip_endpoint_identifier_ip/identify']);
  });
});
