import { normalisePhone } from './phone.js';
import { isValidTimeZone, zoneForParts } from './timezones.js';
import type { ColumnMapping } from './columns.js';

export interface ParsedLead {
  phoneE164: string;
  phoneRaw: string;
  name: string | null;
  city: string | null;
  email: string | null;
  timeZone: string | null;
  priority: number;
  custom: Record<string, unknown>;
  synthetic: boolean;
}

export type RowResult = { ok: true; lead: ParsedLead } | { ok: false; reason: string };

export interface RowContext {
  defaultCountry: string;
}

/** A spreadsheet cell as text: exceljs gives rich text, hyperlinks and formula results as objects. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    const o = v as { richText?: Array<{ text: string }>; text?: unknown; result?: unknown; hyperlink?: string };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('').trim();
    if (o.text !== undefined) return cellText(o.text);
    if (o.result !== undefined) return cellText(o.result);
  }
  return String(v).trim();
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Validates one data row against the detected columns. Pure; the importer adds line numbers and dedupe. */
export function parseLeadRow(cells: readonly unknown[], m: ColumnMapping, ctx: RowContext): RowResult {
  const get = (i: number | undefined): string => (i === undefined ? '' : cellText(cells[i]));
  const phone = normalisePhone(get(m.fields.phone), ctx.defaultCountry);
  if (!phone.ok) return { ok: false, reason: phone.reason };

  let priority = 3;
  const p = get(m.fields.priority);
  if (p !== '') {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 1 || n > 5) return { ok: false, reason: `priority must be an integer 1–5, got "${p}"` };
    priority = n;
  }

  let timeZone: string | null = get(m.fields.timeZone) || null;
  if (timeZone !== null && !isValidTimeZone(timeZone)) return { ok: false, reason: `unknown time zone "${timeZone}"` };
  timeZone ??= zoneForParts(phone.country, phone.callingCode, phone.national);

  const email = get(m.fields.email) || null;
  if (email !== null && !EMAIL.test(email)) return { ok: false, reason: `invalid email "${email}"` };

  // "Nombre" + "Apellidos" (or first + last name) become one display name.
  const given = get(m.fields.name) || get(m.fields.firstName);
  const name = [given, get(m.fields.lastName)].filter((x) => x !== '').join(' ') || null;

  const custom: Record<string, unknown> = {};
  for (const c of m.custom) {
    const v = get(c.index);
    if (v !== '') custom[c.key] = v;
  }
  return {
    ok: true,
    lead: { phoneE164: phone.e164, phoneRaw: phone.raw, name, city: get(m.fields.city) || null, email, timeZone, priority, custom, synthetic: /^(true|1|yes|si|sí|y)$/i.test(get(m.fields.synthetic)) },
  };
}
