/**
 * The objects an agent phone is pushed live as (ARI dynamic configuration) hold exactly what the config file the
 * generator writes holds: the sections of `renderAgentEndpoints`, with the agent-* templates of
 * pjsip_centralita.conf expanded.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agentSorceryObjects, renderAgentEndpoints } from '../../../engine/deploy/index.js';

type Section = { id: string; template: string | null; fields: Array<[string, string]> };

/** pjsip.conf sections: `[id](template)` or `[id](!)`, then `key = value` lines (comments dropped). */
function sections(text: string): Section[] {
  const out: Section[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/;.*$/, '').trim();
    const head = /^\[([^\]]+)\](?:\(([^)]+)\))?$/.exec(line);
    if (head) out.push({ id: head[1]!, template: head[2] ?? null, fields: [] });
    else if (line.includes('=') && out.length > 0) {
      const [k, ...v] = line.split('=');
      out.at(-1)!.fields.push([k!.trim(), v.join('=').trim()]);
    }
  }
  return out;
}

const templates = sections(readFileSync('asterisk-config/pjsip_centralita.conf.template', 'utf8').replace('__TRANSPORT__', ''));

function resolved(s: Section): { type: string; fields: string[] } {
  const base = s.template && s.template !== '!' ? templates.find((t) => t.id === s.template)!.fields : [];
  const all = [...base, ...s.fields];
  return { type: all.find(([k]) => k === 'type')![1], fields: all.filter(([k]) => k !== 'type').map(([k, v]) => `${k}=${v}`).sort() };
}

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
