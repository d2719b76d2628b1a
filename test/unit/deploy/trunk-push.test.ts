/**
 * The objects a trunk is pushed live as (ARI dynamic configuration) hold exactly what the config file the generator
 * writes holds: the sections of `renderTrunk`, with the `trunk-endpoint` template of pjsip_centralita.conf expanded.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderTrunk, trunkSorceryObjects, type TrunkSpec } from '../../../engine/deploy/index.js';

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

/** A section as type + the set of "attribute=value" Asterisk ends up with (the template's, then its own). */
function resolved(s: Section): { type: string; fields: string[] } {
  const base = s.template && s.template !== '!' ? templates.find((t) => t.id === s.template)!.fields : [];
  const all = [...base, ...s.fields];
  return { type: all.find(([k]) => k === 'type')![1], fields: all.filter(([k]) => k !== 'type').map(([k, v]) => `${k}=${v}`).sort() };
}

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
