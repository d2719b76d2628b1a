/** Display helpers shared by every screen: numbers, durations, dates and phone numbers in the UI's language. */
import parsePhoneNumber from 'libphonenumber-js/min';
import i18n from '../i18n';

const locale = () => (i18n.language === 'es' ? 'es-ES' : 'en-US');

export function fmtInt(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : new Intl.NumberFormat(locale()).format(Math.round(n));
}

export function fmtNumber(n: number | null | undefined, digits = 1): string {
  return n === null || n === undefined || Number.isNaN(n) ? '—' : new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
}

export function fmtPct(n: number | null | undefined, digits = 1): string {
  return n === null || n === undefined ? '—' : `${fmtNumber(n, digits)} %`;
}

/** Bytes in the largest unit that keeps the number ≥ 1 (decimal units, as disks are sold): 1.5e9 → "1.5 GB". */
export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${fmtNumber(v, u === 0 || v >= 100 ? 0 : 1)} ${units[u]}`;
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—';
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function fmtDateTime(ms: number | null | undefined, timeZone?: string): string {
  if (ms === null || ms === undefined) return '—';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'medium', ...(timeZone ? { timeZone } : {}) }).format(ms);
}

export function fmtTime(ms: number | null | undefined, timeZone?: string): string {
  if (ms === null || ms === undefined) return '—';
  return new Intl.DateTimeFormat(locale(), { timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(ms);
}

/** E.164 in, international form out (+1 555 011 0001); anything unparsable is shown as stored. */
export function fmtPhone(e164: string | null | undefined): string {
  if (!e164) return '—';
  try {
    return parsePhoneNumber(e164)?.formatInternational() ?? e164;
  } catch {
    return e164;
  }
}

/** Colour of a running timer: green under 2 min, yellow from 2, red from 5, grey when nothing runs. */
export function timerColor(seconds: number | null): 'gray' | 'green' | 'yellow' | 'red' {
  if (seconds === null) return 'gray';
  if (seconds >= 300) return 'red';
  if (seconds >= 120) return 'yellow';
  return 'green';
}

/** Offset of `timeZone` from UTC at instant `at` (ms). */
function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** Local midnight of a YYYY-MM-DD day in `timeZone`, as an ISO instant the API understands. */
export function zonedDayStartIso(day: string, timeZone: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d + plusDays);
  let at = guess - zoneOffsetMs(guess, timeZone);
  at = guess - zoneOffsetMs(at, timeZone);
  return new Date(at).toISOString();
}
