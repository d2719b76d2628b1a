import { parsePhoneNumberFromString } from 'libphonenumber-js';

export interface DialStringNumber {
  /** +50688887777 */
  e164: string;
}

export const DIAL_STRING_PLACEHOLDERS = ['e164', 'digits', 'national'] as const;

/**
 * The dial-string grammar a campaign may use: exactly one channel, `Tech/resource[@context][/options]`, where the
 * resource may itself be a path (`SIP/trunk/{national}`, `PJSIP/trunk/sip:{e164}@host:5060`).
 *
 *   Tech      letter, then letters, digits or _         PJSIP, SIP, IAX2, DAHDI, Local
 *   segment   [A-Za-z0-9+_.*#:-]+ ( @ [A-Za-z0-9_.:-]+ )?
 *   string    Tech "/" segment ( "/" segment ){0,3}
 *
 * Anything else is refused, above all `&` (Dial's "ring these channels too": `Local/{e164}@default/n&PJSIP/9999@evil`
 * would dial a second, arbitrary channel), `,` / `|` (application arguments), `$`, `(`, `)`, `[`, `]` (dialplan
 * expressions), quotes, spaces and control characters.
 */
const SEGMENT = '[A-Za-z0-9+_.*#:-]+(?:@[A-Za-z0-9_.:-]+)?';
const DIAL_STRING = new RegExp(`^[A-Za-z][A-Za-z0-9_]{0,19}/${SEGMENT}(?:/${SEGMENT}){0,3}$`);
const MAX_LENGTH = 256;
const SAMPLE: DialStringNumber = { e164: '+50688887777' };

/** Why a dial string or template is refused: a stable rule (the API's 422 `params.rule`), its values, the English. */
export interface DialStringRefusal {
  rule: 'dial_control_chars' | 'dial_one_channel' | 'dial_too_long' | 'dial_shape' | 'dial_placeholder_unknown' | 'dial_placeholder_missing';
  params: Record<string, string | number>;
  problem: string;
}

function channelRefusal(dialString: string): DialStringRefusal | null {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(dialString)) return { rule: 'dial_control_chars', params: {}, problem: 'must not contain control characters' };
  if (dialString.includes('&')) return { rule: 'dial_one_channel', params: {}, problem: 'must dial exactly one channel ("&" is not allowed)' };
  if (dialString.length > MAX_LENGTH) return { rule: 'dial_too_long', params: { max: MAX_LENGTH }, problem: `must be at most ${MAX_LENGTH} characters` };
  if (!DIAL_STRING.test(dialString)) {
    return { rule: 'dial_shape', params: {}, problem: 'must be one channel, Tech/resource[@context][/options], of letters, digits and + _ . * # : - only' };
  }
  return null;
}

/** Why a rendered dial string is not one safe channel, or null when it is. */
export function dialStringProblem(dialString: string): string | null {
  return channelRefusal(dialString)?.problem ?? null;
}

/** `dialStringTemplateProblem` with its rule, for the settings schema's 422 detail. */
export function dialStringTemplateRefusal(template: string): DialStringRefusal | null {
  const unknown = /\{(?!(?:e164|digits|national)\})[^}]*\}?/.exec(template);
  if (unknown !== null) return { rule: 'dial_placeholder_unknown', params: { found: unknown[0] }, problem: `only {e164}, {digits} and {national} placeholders are known (found "${unknown[0]}")` };
  if (!/\{(e164|digits|national)\}/.test(template)) return { rule: 'dial_placeholder_missing', params: {}, problem: 'must contain {e164}, {digits} or {national}' };
  return channelRefusal(fill(template, SAMPLE));
}

/**
 * Why a campaign's template is not usable, or null: only the known placeholders, at least one of them, and what it
 * renders to must pass `dialStringProblem`. The settings schema calls this at write time and the engine again when it
 * loads a campaign, so a template stored before this check existed cannot reach Asterisk either.
 */
export function dialStringTemplateProblem(template: string): string | null {
  return dialStringTemplateRefusal(template)?.problem ?? null;
}

function fill(template: string, n: DialStringNumber): string {
  const digits = n.e164.slice(1);
  const national = parsePhoneNumberFromString(n.e164)?.nationalNumber ?? digits;
  return template.replace(/\{(e164|digits|national)\}/g, (_m, key: string) => (key === 'e164' ? n.e164 : key === 'digits' ? digits : national));
}

/**
 * Renders a campaign's dial-string template for one number:
 * {e164} = +50688887777, {digits} = 50688887777 (E.164 without '+'), {national} = 88887777 (national significant
 * number, what a local trunk expects). The result is checked against the grammar once more before it is dialled.
 */
export function renderDialString(template: string, n: DialStringNumber): string {
  if (!/^\+[1-9]\d{5,14}$/.test(n.e164)) throw new Error(`not an E.164 number: ${n.e164}`);
  const out = fill(template, n);
  const problem = dialStringProblem(out);
  if (problem !== null) throw new Error(`dial string ${JSON.stringify(out)} refused: ${problem}`);
  return out;
}
