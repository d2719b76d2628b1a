/**
 * The abandon rate both ways the governor counts it (abandon-governor.ts), for reports and the wallboard:
 * - US (FTC TSR): drops / live answers;
 * - Ofcom: AMD false positives are abandoned calls too; the engine cannot see them, so the reasoned estimate
 *   fp ≈ humans recognised · r / (1 − r) (r = share of live people AMD takes for machines) is added to both sides.
 * Percentages (3 = 3 %); 0 when nobody answered.
 */
export function abandonPercents(
  c: { humans: number; dropped: number },
  amdHumanAsMachineRate: number,
): { us: number; ofcom: number } {
  const live = c.humans + c.dropped;
  const r = Math.min(Math.max(amdHumanAsMachineRate, 0), 0.99);
  const fp = (live * r) / (1 - r);
  return {
    us: live > 0 ? (100 * c.dropped) / live : 0,
    ofcom: live + fp > 0 ? (100 * (c.dropped + fp)) / (live + fp) : 0,
  };
}
