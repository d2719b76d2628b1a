/**
 * Renders the per-deployment Asterisk files (pure: secrets and inputs are passed in): the ARI user, one PJSIP
 * endpoint per agent phone and the carrier trunk. Static parts live in asterisk-config/ and dialplan/.
 */
export interface AgentPhone {
  extension: string;
  password: string;
  name?: string;
}

export interface TrunkSpec {
  name: string;
  host: string;
  username?: string;
  password?: string;
}

const EXTENSION = /^[0-9]{3,6}$/;
const NAME = /^[A-Za-z0-9_-]{1,40}$/;
const HOST = /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/;

/** Expands "1001-1003,1010" into ["1001","1002","1003","1010"]; throws on anything else. */
export function parseExtensionList(spec: string): string[] {
  const out: string[] = [];
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const range = /^(\d{3,6})-(\d{3,6})$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (to < from || to - from > 999) throw new Error(`bad extension range "${part}" (from ≤ to, at most 1000)`);
      for (let n = from; n <= to; n++) out.push(String(n).padStart(range[1]!.length, '0'));
    } else if (EXTENSION.test(part)) {
      out.push(part);
    } else {
      throw new Error(`bad extension "${part}" (3 to 6 digits, or a range like 1001-1020)`);
    }
  }
  return [...new Set(out)];
}

export function renderAriConf(template: string, username: string, password: string): string {
  if (!NAME.test(username)) throw new Error(`bad ARI user name "${username}"`);
  if (password.length < 16) throw new Error('ARI password must be at least 16 characters');
  return template.replaceAll('__ARI_USERNAME__', username).replaceAll('__ARI_PASSWORD__', password);
}

export function renderAgentEndpoints(agents: AgentPhone[]): string {
  return agents
    .map((a) => {
      if (!EXTENSION.test(a.extension)) throw new Error(`bad extension "${a.extension}"`);
      const label = a.name ? ` ; ${a.name.replace(/[\r\n;]/g, ' ')}` : '';
      return [
        `[${a.extension}](agent-endpoint)${label}`,
        `auth = ${a.extension}-auth`,
        `aors = ${a.extension}`,
        `callerid = "Agent ${a.extension}" <${a.extension}>`,
        '',
        `[${a.extension}-auth](agent-auth)`,
        `username = ${a.extension}`,
        `password = ${a.password}`,
        '',
        `[${a.extension}](agent-aor)`,
        '',
      ].join('\n');
    })
    .join('\n');
}

export function renderTrunk(trunk: TrunkSpec): string {
  if (!NAME.test(trunk.name)) throw new Error(`bad trunk name "${trunk.name}"`);
  if (!HOST.test(trunk.host)) throw new Error(`bad trunk host "${trunk.host}"`);
  const lines = [
    `[${trunk.name}](trunk-endpoint)`,
    `aors = ${trunk.name}`,
    ...(trunk.username ? [`outbound_auth = ${trunk.name}-auth`] : []),
    '',
    `[${trunk.name}]`,
    'type = aor',
    `contact = sip:${trunk.host}`,
    'qualify_frequency = 60',
    '',
    `[${trunk.name}-identify]`,
    'type = identify',
    `endpoint = ${trunk.name}`,
    `match = ${trunk.host.split(':')[0]}`,
    '',
  ];
  if (trunk.username) {
    lines.push(`[${trunk.name}-auth]`, 'type = auth', 'auth_type = userpass', `username = ${trunk.username}`, `password = ${trunk.password ?? ''}`, '');
  }
  return lines.join('\n');
}

export type ChannelDriver = 'pjsip' | 'sip';

/** What identifies an agent's phone in `Stasis(app,agent-login,<id>)`: the endpoint (PJSIP) or peer (chan_sip). */
export const AGENT_ID_EXPR: Record<ChannelDriver, string> = {
  pjsip: '${CHANNEL(endpoint)}',
  sip: '${CHANNEL(peername)}',
};

/** The dialplan with the Stasis app name and the agent-id expression of the channel driver filled in. */
export function renderDialplan(template: string, app: string, driver: ChannelDriver = 'pjsip'): string {
  if (!NAME_APP.test(app)) throw new Error(`bad Stasis app name "${app}" (letters, digits, "_", "." and "-")`);
  return template.replaceAll('__ARI_APP__', app).replaceAll('__AGENT_ID__', AGENT_ID_EXPR[driver]);
}
const NAME_APP = /^[A-Za-z0-9_.-]{1,64}$/;
