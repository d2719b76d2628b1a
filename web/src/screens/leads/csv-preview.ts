/**
 * A first look at a CSV in the browser, for the column-mapping preview: the header and a few rows (quotes,
 * doubled quotes, `,` or `;` separators). The server parses the whole file; this only reads the start.
 */
export interface CsvPreview {
  headers: string[];
  rows: string[][];
  delimiter: ',' | ';' | '\t';
}

export function parseCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((c) => c.trim());
}

export function previewCsv(text: string, maxRows = 5): CsvPreview {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const first = lines[0] ?? '';
  const delimiter = ([';', '\t', ','] as const).reduce((best, d) => (first.split(d).length > first.split(best).length ? d : best), ',' as ',' | ';' | '\t');
  return { headers: parseCsvLine(first, delimiter), rows: lines.slice(1, 1 + maxRows).map((l) => parseCsvLine(l, delimiter)), delimiter };
}

/** Lead fields the importer knows, and header names that usually hold them (English and Spanish). */
export const LEAD_FIELDS = ['phone', 'name', 'firstName', 'lastName', 'city', 'email', 'priority', 'timeZone'] as const;
export type LeadField = (typeof LEAD_FIELDS)[number];
const GUESS: Record<LeadField, string[]> = {
  phone: ['phone', 'telephone', 'tel', 'mobile', 'number', 'telefono', 'teléfono', 'celular', 'movil', 'móvil', 'numero', 'número'],
  name: ['name', 'full name', 'nombre', 'nombre completo'],
  firstName: ['first name', 'firstname', 'first', 'nombres'],
  lastName: ['last name', 'lastname', 'surname', 'apellido', 'apellidos'],
  city: ['city', 'town', 'ciudad', 'localidad'],
  email: ['email', 'e-mail', 'mail', 'correo', 'correo electrónico'],
  priority: ['priority', 'prioridad'],
  timeZone: ['time zone', 'timezone', 'tz', 'zona horaria'],
};

/** Field → header, for the headers that look like one. */
export function guessMapping(headers: string[]): Partial<Record<LeadField, string>> {
  const out: Partial<Record<LeadField, string>> = {};
  for (const f of LEAD_FIELDS) {
    const h = headers.find((x) => GUESS[f].includes(x.trim().toLowerCase()));
    if (h !== undefined) out[f] = h;
  }
  return out;
}

/** The rejected rows as a CSV report (line numbers count the header as line 1). */
export function rejectedRowsCsv(rows: Array<{ line: number; reason: string }>): string {
  const q = (s: string) => (/[",\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return ['line,reason', ...rows.map((r) => `${r.line},${q(r.reason)}`)].join('\n') + '\n';
}

/**
 * The importer reports each rejected row in English (engine/leads); the common reasons are shown in the UI's
 * language, anything else as written. Returns an i18n key under `import.reasons.` and its values, or null.
 */
export function rowReasonKey(reason: string): { key: string; values: Record<string, string> } | null {
  const rules: Array<[RegExp, string, string[]]> = [
    [/^missing phone number$/, 'missingPhone', []],
    [/^invalid phone number "(.*)" \((.*)\)$/, 'invalidPhone', ['value']],
    [/^not a phone number: "(.*)"$/, 'notPhone', ['value']],
    [/^cannot parse phone number "(.*)"$/, 'notPhone', ['value']],
    [/^duplicate: (\S+) is already in the campaign$/, 'duplicate', ['phone']],
    [/^duplicate: (\S+) already on line (\d+)$/, 'duplicateLine', ['phone', 'line']],
    [/^priority must be an integer 1–5, got "(.*)"$/, 'priority', ['value']],
    [/^unknown time zone "(.*)"$/, 'timeZone', ['value']],
    [/^invalid email "(.*)"$/, 'email', ['value']],
  ];
  for (const [re, key, names] of rules) {
    const m = re.exec(reason);
    if (m) return { key, values: Object.fromEntries(names.map((n, i) => [n, m[i + 1] ?? ''])) };
  }
  return null;
}
