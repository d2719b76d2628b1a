/**
 * Local days and hours in an IANA time zone, as epoch milliseconds. Reports bucket calls by the call center's
 * day (a Costa Rica team's "today" starts at 06:00 UTC; Madrid's days are 23 or 25 hours long twice a year), so
 * bucket edges come from the tz database through Intl, never from a fixed offset. Pure.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local wall-clock fields of `at` in `timeZone`. */
function wallClock(at: number, timeZone: string): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const out = { y: 0, m: 0, d: 0, h: 0, min: 0, s: 0 };
  for (const p of formatter(timeZone).formatToParts(at)) {
    if (p.type === 'year') out.y = Number(p.value);
    else if (p.type === 'month') out.m = Number(p.value);
    else if (p.type === 'day') out.d = Number(p.value);
    else if (p.type === 'hour') out.h = Number(p.value);
    else if (p.type === 'minute') out.min = Number(p.value);
    else if (p.type === 'second') out.s = Number(p.value);
  }
  return out;
}

/** Milliseconds the zone is ahead of UTC at instant `at` (negative west of Greenwich). */
export function zoneOffsetMs(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s);
  return asUtc - (at - (((at % 1000) + 1000) % 1000));
}

/** The instant local midnight began on the local day that contains `at`. */
export function startOfLocalDay(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const midnightAsUtc = Date.UTC(w.y, w.m - 1, w.d);
  // First guess with the offset at `at`, then again with the offset at the guess (they differ across a DST
  // change that happened earlier the same day).
  let t = midnightAsUtc - zoneOffsetMs(at, timeZone);
  t = midnightAsUtc - zoneOffsetMs(t, timeZone);
  // Zones whose clocks skip midnight itself (DST at 00:00): the day then starts at the first instant after.
  const check = wallClock(t, timeZone);
  if (check.d !== w.d) t += 3_600_000;
  return t;
}

/** The start of the local day after the one starting at `dayStart` (days last 23–25 h, so +26 h is inside it). */
export function nextLocalDay(dayStart: number, timeZone: string): number {
  return startOfLocalDay(dayStart + 26 * 3_600_000, timeZone);
}

export type ZonedBucket = 'hour' | 'day';

/**
 * Starts of the local hour or day buckets that cover [from, to), in order. Hours are counted from local midnight,
 * so a 25-hour day has 25 hour buckets and half-hour zones get buckets on their own hour marks.
 */
export function zonedBucketStarts(from: number, to: number, size: ZonedBucket, timeZone: string): number[] {
  const out: number[] = [];
  for (let day = startOfLocalDay(from, timeZone); day < to; day = nextLocalDay(day, timeZone)) {
    if (size === 'day') {
      out.push(day);
      continue;
    }
    const end = nextLocalDay(day, timeZone);
    for (let h = day; h < end && h < to; h += 3_600_000) if (h + 3_600_000 > from) out.push(h);
  }
  return out;
}

/** The instant local midnight began on calendar date `isoDate` (YYYY-MM-DD) in `timeZone`. */
export function localDateStart(isoDate: string, timeZone: string): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const noonUtc = Date.UTC(y, m - 1, d, 12);
  // The instant the local clock reads about 12:00 on that date (safe from the ±14 h offsets), then its midnight.
  return startOfLocalDay(noonUtc - zoneOffsetMs(noonUtc, timeZone), timeZone);
}
