/**
 * Reading pjsip.conf text the way Asterisk's config loader sees it, for tests that compare the generated file
 * with what a push through ARI dynamic configuration creates.
 */
import { readFileSync } from 'node:fs';

export type Section = { id: string; template: string | null; fields: Array<[string, string]> };

/** pjsip.conf sections: `[id](template)` or `[id](!)`, then `key = value` lines (comments dropped). */
export function sections(text: string): Section[] {
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
export function resolved(s: Section): { type: string; fields: string[] } {
  const base = s.template && s.template !== '!' ? templates.find((t) => t.id === s.template)!.fields : [];
  const all = [...base, ...s.fields];
  return { type: all.find(([k]) => k === 'type')![1], fields: all.filter(([k]) => k !== 'type').map(([k, v]) => `${k}=${v}`).sort() };
}
