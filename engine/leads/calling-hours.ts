/**
 * Calling-hours rules in the lead's local time. Intl does the zone maths, so DST changes are handled by the tz
 * database rather than by offsets we would get wrong twice a year.
 */
export interface CallingWindow {
  /** "HH:MM", inclusive. */
  start: string;
  /** "HH:MM", exclusive. */
  end: string;
  /** ISO weekdays allowed, 1 = Monday … 7 = Sunday. */
  weekdays: readonly number[];
}

export interface LocalTime {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function localTime(at: number, timeZone: string): LocalTime {
  let weekday = 0;
  let hour = 0;
  let minute = 0;
  for (const part of formatter(timeZone).formatToParts(at)) {
    if (part.type === 'weekday') weekday = WEEKDAY[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { weekday, minutes: hour * 60 + minute };
}

export function hhmmToMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

export function isWithinCallingHours(at: number, timeZone: string, w: CallingWindow): boolean {
  const t = localTime(at, timeZone);
  if (!w.weekdays.includes(t.weekday)) return false;
  return t.minutes >= hhmmToMinutes(w.start) && t.minutes < hhmmToMinutes(w.end);
}

/** The subset of `zones` where it is now a permitted time to call. */
export function zonesOpenNow(zones: Iterable<string>, at: number, w: CallingWindow): string[] {
  const open: string[] = [];
  for (const z of zones) if (isWithinCallingHours(at, z, w)) open.push(z);
  return open;
}
