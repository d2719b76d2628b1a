/**
 * The objects an agent phone is pushed live as (ARI dynamic configuration) hold exactly what the config file the
 * generator writes holds: the sections of `renderAgentEndpoints`, with the agent-* templates of
 * pjsip_centralita.conf expanded.
 */
import { describe, expect, it } from 'vitest';
import { resolved, sections } from '../../support/pjsip-sections.js';
import { agentSorceryObjects, renderAgentEndpoints } from '../../../engine/deploy/index.js';

describe('an agent phone pushed through ARI dynamic configuration', () => {
  const phone = { extension: '1001', password: 'Zx9-pw_0123456789abcdef' };

  it('matches the config file section by section (templates expanded)', () => {
    const fromFile = sections(renderAgentEndpoints([phone])).map((s) => ({ id: s.id, ...resolved(s) }));
    expect(fromFile).toHaveLength(3);
    const pushed = agentSorceryObjects(phone).map((o) => ({ id: o.id, type: o.type, fields: o.fields.map((x) => `${x.attribute}=${x.value}`).sort() }));
    expect(new Set(pushed.map((p) => JSON.stringify(p)))).toEqual(new Set(fromFile.map((p) => JSON.stringify(p))));
  });

  it('creates what the endpoint names before it: auth, aor, endpoint', () => {
    expect(agentSorceryObjects(phone).map((o) => `${o.type}/${o.id}`)).toEqual(['auth/1001-auth', 'aor/1001', 'endpoint/1001']);
  });
});
