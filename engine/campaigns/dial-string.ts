import { parsePhoneNumberFromString } from 'libphonenumber-js';

export interface DialStringNumber {
  /** +50688887777 */
  e164: string;
}

/**
 * Renders a campaign's dial-string template for one number:
 * {e164} = +50688887777, {digits} = 50688887777 (E.164 without '+'), {national} = 88887777 (national significant
 * number, what a local trunk expects). Unknown placeholders are rejected by the settings schema, so they cannot
 * reach Asterisk here.
 */
export function renderDialString(template: string, n: DialStringNumber): string {
  if (!/^\+[1-9]\d{5,14}$/.test(n.e164)) throw new Error(`not an E.164 number: ${n.e164}`);
  const digits = n.e164.slice(1);
  const national = parsePhoneNumberFromString(n.e164)?.nationalNumber ?? digits;
  return template.replace(/\{(e164|digits|national)\}/g, (_m, key: string) =>
    key === 'e164' ? n.e164 : key === 'digits' ? digits : national,
  );
}
