/**
 * A trunk pushed live through ARI's dynamic configuration (`PUT /ari/asterisk/config/dynamic/{class}/{type}/{id}`),
 * for engineers who prefer that to editing pjsip.conf (issue #12). The objects carry exactly what `renderTrunk`
 * writes, with the `trunk-endpoint` template of pjsip_centralita.conf spelled out (a dynamic object has no
 * templates) — test/unit/deploy/trunk-push.test.ts holds the two together.
 *
 * Asterisk accepts such objects only when res_pjsip is loaded and sorcery.conf gives its object types a writable
 * wizard after the config file (`endpoint=memory`, …; see docs/deploy.md). Objects in memory last until Asterisk
 * restarts: the pjsip_centralita.conf snippet stays the lasting copy.
 */
import type { TrunkSpec } from './asterisk-config.js';

export interface SorceryObject {
  configClass: 'res_pjsip' | 'res_pjsip_endpoint_identifier_ip';
  type: 'auth' | 'aor' | 'endpoint' | 'identify';
  id: string;
  fields: Array<{ attribute: string; value: string }>;
}

/** The [trunk-endpoint](!) template of asterisk-config/pjsip_centralita.conf.template, field by field. */
export const TRUNK_ENDPOINT_TEMPLATE: ReadonlyArray<[string, string]> = [
  ['context', 'centralita-inbound'],
  ['disallow', 'all'],
  ['allow', 'ulaw,alaw'],
  ['direct_media', 'no'],
  ['send_pai', 'yes'],
  ['trust_id_outbound', 'yes'],
];

const f = (pairs: ReadonlyArray<[string, string]>) => pairs.map(([attribute, value]) => ({ attribute, value }));

/** In the order Asterisk needs them: what the endpoint names (auth, aor) before it, the identify after it. */
export function trunkSorceryObjects(t: TrunkSpec): SorceryObject[] {
  const out: SorceryObject[] = [];
  if (t.username) {
    out.push({ configClass: 'res_pjsip', type: 'auth', id: `${t.name}-auth`, fields: f([['auth_type', 'userpass'], ['username', t.username], ['password', t.password ?? '']]) });
  }
  out.push({ configClass: 'res_pjsip', type: 'aor', id: t.name, fields: f([['contact', `sip:${t.host}`], ['qualify_frequency', '60']]) });
  out.push({
    configClass: 'res_pjsip',
    type: 'endpoint',
    id: t.name,
    fields: f([...TRUNK_ENDPOINT_TEMPLATE, ['aors', t.name], ...(t.username ? ([['outbound_auth', `${t.name}-auth`]] as Array<[string, string]>) : [])]),
  });
  out.push({ configClass: 'res_pjsip_endpoint_identifier_ip', type: 'identify', id: `${t.name}-identify`, fields: f([['endpoint', t.name], ['match', t.host.split(':')[0]!]]) });
  return out;
}

export interface AriTarget {
  url: string;
  username: string;
  password: string;
}

export class TrunkPushError extends Error {
  constructor(
    message: string,
    /** Asterisk's answer (status and message), for the operator. */
    readonly asterisk: { status: number; message: string },
    readonly pushed: string[],
  ) {
    super(message);
    this.name = 'TrunkPushError';
  }
}

/** What to do about Asterisk's refusal, in words an engineer can act on. */
function fixFor(status: number, message: string, o: SorceryObject): string {
  if (status === 404 && /configClass/.test(message)) {
    return `Asterisk has no ${o.configClass} (PJSIP not loaded: load res_pjsip.so and ${o.configClass === 'res_pjsip' ? 'chan_pjsip.so' : 'res_pjsip_endpoint_identifier_ip.so'}), or use the PJSIP config file snippet instead`;
  }
  if (status === 403 || (status === 400 && /wizard|could not/i.test(message))) {
    return `Asterisk cannot create ${o.type} objects at run time: give ${o.configClass}'s ${o.type} a writable wizard in sorcery.conf (${o.type}=memory after the config line), or use the PJSIP config file snippet instead`;
  }
  if (status === 401) return 'the ARI credentials were refused (ARI_USERNAME / ARI_PASSWORD)';
  return 'see Asterisk\'s message';
}

/** PUTs every object in order; stops at the first refusal with a TrunkPushError that says what to fix. */
export async function pushTrunk(ari: AriTarget, t: TrunkSpec, opts: { timeoutMs?: number } = {}): Promise<string[]> {
  return pushSorcery(ari, trunkSorceryObjects(t), opts);
}

/**
 * PUTs sorcery objects in order (a trunk's, an agent phone's); stops at the first refusal with a TrunkPushError
 * (the name is historical: any object) that says what was pushed and what to fix.
 */
export async function pushSorcery(ari: AriTarget, objects: SorceryObject[], opts: { timeoutMs?: number } = {}): Promise<string[]> {
  const pushed: string[] = [];
  const auth = `Basic ${Buffer.from(`${ari.username}:${ari.password}`).toString('base64')}`;
  for (const o of objects) {
    const path = `/ari/asterisk/config/dynamic/${o.configClass}/${o.type}/${encodeURIComponent(o.id)}`;
    let res: Response;
    try {
      res = await fetch(`${ari.url.replace(/\/+$/, '')}${path}`, {
        method: 'PUT',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ fields: o.fields }),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
      });
    } catch (err) {
      throw new TrunkPushError(`Asterisk did not answer at ${ari.url}: ${(err as Error).message}`, { status: 0, message: (err as Error).message }, pushed);
    }
    if (!res.ok) {
      const text = await res.text();
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new TrunkPushError(`Asterisk refused ${o.type} ${o.id} (HTTP ${res.status}: ${message}): ${fixFor(res.status, message, o)}`, { status: res.status, message }, pushed);
    }
    pushed.push(`${o.type}/${o.id}`);
  }
  return pushed;
}
