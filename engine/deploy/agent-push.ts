/**
 * An agent phone pushed live through ARI dynamic configuration, like a trunk (trunk-push.ts): the objects carry
 * exactly what `renderAgentEndpoints` writes, with the agent-endpoint / agent-auth / agent-aor templates of
 * pjsip_centralita.conf spelled out (a dynamic object has no templates) — test/unit/deploy/agent-push.test.ts holds
 * the two together. Lasts until Asterisk restarts: the config snippet stays the lasting copy.
 */
import type { AgentPhone } from './asterisk-config.js';
import type { SorceryObject } from './trunk-push.js';

/** [agent-endpoint](!) of asterisk-config/pjsip_centralita.conf.template, field by field. */
export const AGENT_ENDPOINT_TEMPLATE: ReadonlyArray<[string, string]> = [
  ['context', 'centralita-agents'],
  ['disallow', 'all'],
  ['allow', 'ulaw,alaw'],
  ['direct_media', 'no'],
  ['rtp_symmetric', 'yes'],
  ['force_rport', 'yes'],
  ['rewrite_contact', 'yes'],
  ['rtp_timeout', '60'],
];
/** [agent-aor](!), field by field ([agent-auth](!) is auth_type = userpass only). */
export const AGENT_AOR_TEMPLATE: ReadonlyArray<[string, string]> = [
  ['max_contacts', '1'],
  ['remove_existing', 'yes'],
  ['qualify_frequency', '30'],
];

const f = (pairs: ReadonlyArray<[string, string]>) => pairs.map(([attribute, value]) => ({ attribute, value }));

/** Auth and aor before the endpoint that names them. */
export function agentSorceryObjects(a: AgentPhone): SorceryObject[] {
  const ext = a.extension;
  return [
    { configClass: 'res_pjsip', type: 'auth', id: `${ext}-auth`, fields: f([['auth_type', 'userpass'], ['username', ext], ['password', a.password]]) },
    { configClass: 'res_pjsip', type: 'aor', id: ext, fields: f(AGENT_AOR_TEMPLATE) },
    {
      configClass: 'res_pjsip',
      type: 'endpoint',
      id: ext,
      fields: f([...AGENT_ENDPOINT_TEMPLATE, ['auth', `${ext}-auth`], ['aors', ext], ['callerid', `"Agent ${ext}" <${ext}>`]]),
    },
  ];
}
