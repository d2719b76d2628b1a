/**
 * Agents' own calls into Stasis (dialplan/extensions_centralita.conf): `Stasis(centralita,agent-login,
 * ${CHANNEL(endpoint)})` and agent-pause / agent-ready / agent-logout. Pure: which agent and what to do, from
 * the StasisStart args. The engine performs it (engine.ts).
 */
import type { AgentState } from '../agents/index.js';
import type { AriChannel } from '../ari/index.js';

export type DialInAction = 'login' | 'pause' | 'ready' | 'logout';

export type DialInRequest =
  | { kind: DialInAction; agentId: string }
  /** Not for us to act on (e.g. an unknown endpoint): play an error and hang up. */
  | { kind: 'unknown'; reason: string };

const ACTIONS: Record<string, DialInAction> = {
  'agent-login': 'login',
  'agent-pause': 'pause',
  'agent-ready': 'ready',
  'agent-logout': 'logout',
};

/** Pause reason recorded for a pause requested from the agent's phone. */
export const PHONE_PAUSE_REASON = 'phone';
/** What the caller hears: a short confirmation, or an error before we hang up. */
export const DIAL_IN_CONFIRM_MEDIA = 'sound:beep';
export const DIAL_IN_ERROR_MEDIA = 'sound:invalid';
/** Hang up a control call this long after answering even if PlaybackFinished never comes. */
export const DIAL_IN_GUARD_MS = 5000;

/** Whether a StasisStart's args are an agent dial-in at all (others, e.g. `inbound`, are not ours here). */
export function isDialIn(args: readonly string[]): boolean {
  return args[0] !== undefined && args[0] in ACTIONS;
}

/**
 * The endpoint name `${CHANNEL(endpoint)}` gives for a PJSIP channel is the bare endpoint (`1001`); agents are
 * configured with a dial string (`PJSIP/1001`). Both forms are accepted.
 */
export function endpointName(dial: string): string {
  const resource = dial.includes('/') ? dial.slice(dial.indexOf('/') + 1) : dial;
  return resource.split('@')[0] ?? resource;
}

export function parseDialIn(args: readonly string[], agents: Iterable<AgentState>): DialInRequest {
  const action = args[0] !== undefined ? ACTIONS[args[0]] : undefined;
  if (!action) return { kind: 'unknown', reason: `not an agent dial-in: ${args[0] ?? '(no args)'}` };
  const who = args[1] ? endpointName(args[1]) : '';
  if (!who) return { kind: 'unknown', reason: 'no endpoint in the dial-in args' };
  for (const a of agents) {
    if (a.config.kind === 'human' && endpointName(a.config.endpoint) === who) return { kind: action, agentId: a.config.id };
  }
  return { kind: 'unknown', reason: `no human agent with endpoint ${who}` };
}

/**
 * The Stasis args of a channel listed by GET /channels that entered Stasis from the dialplan
 * (`app_data` = "app,arg1,arg2"), or null. Lets a restarted engine find agents' dial-in legs again.
 */
export function stasisArgs(c: AriChannel): string[] | null {
  if (c.dialplan?.app_name !== 'Stasis' || !c.dialplan.app_data) return null;
  return c.dialplan.app_data.split(',').slice(1);
}
