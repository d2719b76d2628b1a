import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export type PhoneResult =
  | { ok: true; e164: string; country: string | null; callingCode: string; national: string; raw: string }
  | { ok: false; reason: string; raw: string };

/**
 * Normalises what people type into E.164 with libphonenumber's full metadata (so "5555-1234" in Costa Rica is
 * rejected rather than dialed). A number without a country code is read in `defaultCountry`. `raw` is kept as
 * typed so that an operator can see what the file said.
 */
export function normalisePhone(raw: unknown, defaultCountry: string): PhoneResult {
  const text = raw === null || raw === undefined ? '' : String(raw).trim();
  if (text === '') return { ok: false, reason: 'missing phone number', raw: text };
  // "00" international prefix (common in Europe and Latin America) → "+".
  const cleaned = text.replace(/^00(?=[1-9])/, '+');
  if (!/\d/.test(cleaned)) return { ok: false, reason: `not a phone number: "${text}"`, raw: text };
  if (/[a-z]{2,}/i.test(cleaned.replace(/(ext|x)\.?\s*\d+$/i, ''))) {
    return { ok: false, reason: `not a phone number: "${text}"`, raw: text };
  }
  const parsed = parsePhoneNumberFromString(cleaned, defaultCountry as CountryCode);
  if (parsed === undefined) return { ok: false, reason: `cannot parse phone number "${text}"`, raw: text };
  if (!parsed.isValid()) return { ok: false, reason: `invalid phone number "${text}" (${parsed.number})`, raw: text };
  return {
    ok: true,
    e164: parsed.number,
    country: parsed.country ?? null,
    callingCode: parsed.countryCallingCode,
    national: parsed.nationalNumber,
    raw: text,
  };
}
