/**
 * The abandon rate both ways the governor counts it (abandon-governor.ts `counted`), for reports and the wallboard:
 * - US (FTC TSR): drops / live answers — the counted figure;
 * - Ofcom: AMD false positives are abandoned calls too; the engine cannot see them, so the reasoned estimate
 *   fp ≈ live answers · r / (1 − r) (r = share of live people AMD takes for machines) is added to both sides,
 *   which comes to counted · (1 − r) + r: with no drop at all the Ofcom figure is r itself. That part is an
 *   allowance from an assumed rate, not something counted, so it is returned apart (`amdFpRatePct`) for screens
 *   to show beside the counted figure.
 * Percentages (3 = 3 %); null when nobody answered (no rate to show, counted or estimated).
 */
export interface AbandonPercents {
  us: number | null;
  ofcom: number | null;
  /** r as a percentage: the AMD false-positive allowance in the Ofcom figure (the governor's `amdHumanAsMachineRate`). */
  amdFpRatePct: number;
}

export function abandonPercents(c: { humans: number; dropped: number }, amdHumanAsMachineRate: number): AbandonPercents {
  const live = c.humans + c.dropped;
  const r = Math.min(Math.max(amdHumanAsMachineRate, 0), 0.99);
  const fp = (live * r) / (1 - r);
  return {
    us: live > 0 ? (100 * c.dropped) / live : null,
    ofcom: live > 0 ? (100 * (c.dropped + fp)) / (live + fp) : null,
    amdFpRatePct: 100 * r,
  };
}
