/**
 * Fixtures of "today, already past" (queue_log lines, calls) need today to have begun long enough ago: just after
 * midnight in the center's zone, lines written at "today's start + 330 s" lie in the future and the product
 * rightly shows nothing of them yet (a CI run at 06:05 UTC failed that way in Costa Rica). This picks the first of
 * some fixed-offset zones whose day began at least `roomS` seconds before `nowS`, and when (epoch seconds).
 * With two zones an hour or more apart one always fits for any room under an hour.
 */
export const FIXED_OFFSET_ZONES = {
  'America/Costa_Rica': -6,
  'America/Bogota': -5,
  UTC: 0,
} as const;

export type FixedOffsetZone = keyof typeof FIXED_OFFSET_ZONES;

export function zoneWithRoom(nowS: number, roomS: number, zones: readonly FixedOffsetZone[]): { zone: FixedOffsetZone; dayStart: number } {
  for (const zone of zones) {
    const offsetS = FIXED_OFFSET_ZONES[zone] * 3600;
    const dayStart = Math.floor((nowS + offsetS) / 86_400) * 86_400 - offsetS;
    if (nowS - dayStart >= roomS) return { zone, dayStart };
  }
  throw new Error(`none of ${zones.join(', ')} has had ${roomS} s of today yet`);
}
