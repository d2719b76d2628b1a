/**
 * Renders the per-deployment Asterisk files (pure: secrets and inputs are passed in; `newSecret` makes them): the ARI user, one PJSIP
 * endpoint per agent phone and the carrier trunk. Static parts live in asterisk-config/ and dialplan/.
 */
import { randomBytes } from 'node:crypto';

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
/** What a trunk's fields may hold (the API validates with the same patterns the generator renders with). */
export const TRUNK_NAME = NAME;
export const TRUNK_HOST = HOST;
/**
 * Auth user and password go into pjsip.conf as `key = value`: printable ASCII without spaces (trimmed by
 * Asterisk) and without ";" (a comment there), so no value can end early or add a line.
 */
export const TRUNK_SECRET = /^[!-:<-~]{1,128}$/;

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

/**
 * The extension an agent's phone registers as, from its dial string (`PJSIP/1001` → `1001`), or null when the
 * generator has no template for it (not PJSIP, or not 3–6 digits: a name like `PJSIP/agent101` is a phone the box
 * defines itself).
 */
export function agentPhoneExtension(endpoint: string): string | null {
  const m = /^PJSIP\/([^@/]+)$/.exec(endpoint.trim());
  return m && EXTENSION.test(m[1]!) ? m[1]! : null;
}

/** Stands where the SIP password goes when it is not known (the API keeps none once it has shown it). */
export const SIP_PASSWORD_PLACEHOLDER = '<password shown once when generated>';

/** A fresh SIP/ARI secret: 144 random bits, URL-safe (no ";" or spaces, so it is safe as a pjsip.conf value). */
export function newSecret(): string {
  return randomBytes(18).toString('base64url');
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
  if (trunk.username !== undefined && !TRUNK_SECRET.test(trunk.username)) throw new Error('bad trunk username (printable, no spaces or ";")');
  if (trunk.password !== undefined && !TRUNK_SECRET.test(trunk.password)) throw new Error('bad trunk password (printable, no spaces or ";")');
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

const HOSTPORT = /^([0-9.]+|\[[0-9a-fA-F:]+\]):([0-9]{1,5})$/;

/** "127.0.0.1:8088" → [addr, port]; throws on anything else. */
export function parseHostPort(spec: string, what: string): [string, number] {
  const m = HOSTPORT.exec(spec);
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65535) throw new Error(`${what} must look like ADDRESS:PORT (e.g. 127.0.0.1:8088), got "${spec}"`);
  return [m[1]!, port];
}

export function renderHttpConf(template: string, addr: string, port: number): string {
  return template.replaceAll('__HTTP_ADDR__', addr).replaceAll('__HTTP_PORT__', String(port));
}

/** The PJSIP file: no transport unless asked for one (`sipBind`), so nothing binds 0.0.0.0:5060 behind your back. */
export function renderPjsipConf(template: string, sipBind: string | null): string {
  const transport = sipBind
    ? ['[transport-centralita-udp]', 'type = transport', 'protocol = udp', `bind = ${sipBind}`, ''].join('\n')
    : '';
  return template.replace('__TRANSPORT__', transport);
}

export interface InstallNotesInput {
  app: string;
  ariUser: string;
  httpAddr: string;
  httpPort: number;
  driver: ChannelDriver;
  agents: number;
  trunk: string | null;
  sounds: boolean;
}

/** README.txt beside the generated files: every step on the Asterisk box, in order, and what to check. */
export function renderInstallNotes(i: InstallNotesInput): string {
  const sip =
    i.driver === 'pjsip'
      ? [
          '4. pjsip_centralita.conf (agent phones and the trunk, PJSIP): copy it to /etc/asterisk/ and add at the end of',
          '   pjsip.conf:  #include pjsip_centralita.conf   then `module reload res_pjsip.so`; `pjsip show endpoints`.',
          '   It defines no transport: the box\'s UDP transport serves it (or generate with --sip-bind ADDR:PORT).',
          '   Agent phones register with the extension and the password in agents.csv. Campaign dial string for the',
          `   trunk: PJSIP/{e164}@${i.trunk ?? '<trunk>'} ; agents' endpoint: PJSIP/<extension>.`,
        ]
      : [
          '4. No PJSIP file (--driver sip): this box runs chan_sip (Issabel, older FreePBX). Create the agent phones as SIP',
          '   extensions in its GUI (or sip_custom.conf) with context=centralita-agents, directmedia=no, nat=force_rport,comedia,',
          '   allow=ulaw,alaw, qualify=yes, one per line of agents.csv. The trunk stays the one the box has; the campaign',
          '   dial string is SIP/<trunk>/{e164} and the agents\' endpoint SIP/<extension>. The dialplan identifies agents',
          '   with ${CHANNEL(peername)}. chan_sip is gone from Asterisk 21+: plan the move to PJSIP (generate again without',
          '   --driver sip).',
        ];
  return [
    `Centralita: files for Asterisk (Stasis app "${i.app}", ARI user "${i.ariUser}", ${i.agents} agent phone${i.agents === 1 ? '' : 's'}${i.trunk ? `, trunk ${i.trunk}` : ''}).`,
    'Nothing here replaces a file of the box: each is #included, so its own users, endpoints and dialplan stay.',
    '',
    '1. ari_centralita.conf: copy to /etc/asterisk/ and add at the end of ari.conf:  #include ari_centralita.conf',
    '   (FreePBX: append its lines to ari_additional_custom.conf). ari.conf [general] needs enabled = yes.',
    '   Then `module reload res_ari.so`; `ari show users` lists the user.',
    `2. http_centralita.conf: copy to /etc/asterisk/ and add at the end of the [general] section of http.conf:`,
    `   #include http_centralita.conf   (binds ARI to ${i.httpAddr}:${i.httpPort}). \`module reload http\`; \`http show status\`.`,
    '3. extensions_centralita.conf: copy to /etc/asterisk/ and add to extensions.conf:  #include extensions_centralita.conf',
    '   (FreePBX/Issabel: extensions_custom.conf). `dialplan reload`; `dialplan show centralita-agents`.',
    ...sip,
    '5. modules_centralita.conf: add inside [modules] of modules.conf:  #include modules_centralita.conf',
    '   (only needed with autoload = no or noload lines; `centralita doctor` lists modules that are not running).',
    '6. asterisk.conf, [options]:  transmit_silence = yes   then `core restart gracefully`. Without it Asterisk sends',
    '   nothing while a channel is silent, and AMD misjudges humans who wait for you to speak.',
    '7. rtp.conf: Asterisk\'s rtpstart–rtpend must hold about 4 ports per simultaneous call (customer leg, agent leg,',
    '   the externalMedia leg to Centralita) — e.g. 10000–20000 — and must not overlap Centralita\'s RTP_PORT_MIN–',
    '   RTP_PORT_MAX when both run on one host (Centralita\'s default is 40000–40999). Open UDP rtpstart–rtpend to the',
    '   carrier and the phones, and UDP RTP_PORT_MIN–RTP_PORT_MAX on the Centralita host to Asterisk.',
    ...(i.sounds
      ? [
          '8. sounds/: the safe-harbor message (English and Spanish, 8 kHz mono WAV). Copy it into Asterisk\'s sounds folder:',
          '   cp -r sounds/* /var/lib/asterisk/sounds/   → sound:centralita/safe-harbor (the campaigns\' default) exists;',
          '   the channel\'s language (en or es) picks the file. Record your own with your company\'s name and number.',
        ]
      : ['8. No sounds written (--no-sounds): install a sound:centralita/safe-harbor yourself (8 kHz mono WAV).']),
    '',
    'Then on the Centralita host: set ARI_URL, ARI_USERNAME, ARI_PASSWORD (printed once by the generator), ARI_APP,',
    `RTP_HOST (this engine's address as Asterisk sees it), and run \`npm run doctor\` before \`npm start\`.`,
    'Agents log in by dialling *50 from their phone (*51 pause, *52 ready, *59 log out); test numbers 7001-7004.',
    '',
  ].join('\n');
}
