/**
 * Header detection for lead files in English and Spanish. Headers are compared after folding case, accents and
 * punctuation ("Teléfono móvil" → "telefono movil"), so the synonym lists stay short. Columns that are not a known
 * field become custom fields under their original header.
 */
export const LEAD_FIELDS = ['phone', 'name', 'firstName', 'lastName', 'city', 'email', 'priority', 'timeZone', 'synthetic'] as const;
export type LeadField = (typeof LEAD_FIELDS)[number];

const SYNONYMS: Record<LeadField, string[]> = {
  phone: [
    'phone', 'phone number', 'phonenumber', 'telephone', 'tel', 'mobile', 'mobile phone', 'cell', 'cellphone', 'cell phone',
    'number', 'msisdn', 'e164', 'whatsapp',
    'telefono', 'telefono movil', 'telefono celular', 'numero', 'numero de telefono', 'num telefono', 'celular', 'movil', 'cel',
  ],
  name: ['name', 'full name', 'fullname', 'contact', 'contact name', 'customer', 'nombre', 'nombre completo', 'cliente', 'contacto'],
  firstName: ['first name', 'firstname', 'given name', 'nombres', 'primer nombre'],
  lastName: ['last name', 'lastname', 'surname', 'family name', 'apellido', 'apellidos'],
  city: ['city', 'town', 'ciudad', 'localidad', 'municipio', 'canton', 'poblacion'],
  email: ['email', 'e mail', 'mail', 'email address', 'correo', 'correo electronico', 'e correo'],
  priority: ['priority', 'prio', 'prioridad'],
  timeZone: ['timezone', 'time zone', 'tz', 'zona horaria', 'huso horario', 'zona'],
  // Our own export writes it; a re-imported demo lead must stay synthetic (never dialed on a real PBX).
  synthetic: ['synthetic', 'sintetico'],
};

/** Columns our own export adds; re-importing an export must not turn them into custom fields. */
const EXPORT_ONLY = new Set(
  ['id', 'phone raw', 'status', 'attempts', 'last attempt at', 'next due at', 'last disposition', 'last error'].map(
    (h) => h,
  ),
);

export function foldHeader(h: string): string {
  return h
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const LOOKUP = new Map<string, LeadField>();
for (const f of LEAD_FIELDS) for (const s of SYNONYMS[f]) LOOKUP.set(s, f);

export interface ColumnMapping {
  /** Column index per known field. */
  fields: Partial<Record<LeadField, number>>;
  /** Other columns, kept as custom fields keyed by their header. */
  custom: Array<{ index: number; key: string }>;
}

/** Explicit override: field → header text (matched folded) or 0-based column index. */
export type MappingOverride = Partial<Record<LeadField, string | number>>;

export type DetectResult = { ok: true; mapping: ColumnMapping } | { ok: false; reason: string };

export function detectColumns(headers: readonly string[], override: MappingOverride = {}): DetectResult {
  const folded = headers.map((h) => foldHeader(String(h ?? '')));
  const fields: Partial<Record<LeadField, number>> = {};
  const taken = new Set<number>();

  for (const [field, target] of Object.entries(override) as Array<[LeadField, string | number | undefined]>) {
    if (target === undefined) continue;
    const index = typeof target === 'number' ? target : folded.indexOf(foldHeader(target));
    if (index < 0 || index >= headers.length) {
      return { ok: false, reason: `mapping for ${field}: no column ${JSON.stringify(target)} in the header` };
    }
    fields[field] = index;
    taken.add(index);
  }
  folded.forEach((h, index) => {
    if (taken.has(index)) return;
    const field = LOOKUP.get(h);
    if (field !== undefined && fields[field] === undefined) {
      fields[field] = index;
      taken.add(index);
    }
  });
  if (fields.phone === undefined) {
    return { ok: false, reason: `no phone column found in header (${headers.join(', ')}); map one explicitly` };
  }
  const custom: Array<{ index: number; key: string }> = [];
  headers.forEach((h, index) => {
    const key = String(h ?? '').trim();
    if (taken.has(index) || key === '' || EXPORT_ONLY.has(folded[index]!)) return;
    custom.push({ index, key });
  });
  return { ok: true, mapping: { fields, custom } };
}
