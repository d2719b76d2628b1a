/**
 * The pacer reports its decision as text (engine/pacing: "progressive (few agents)", "predictive p*=0.012",
 * "predictive price=30s", "power 2:1"). This splits it into the dial mode, a translatable reason and the
 * technical detail (shown as is).
 */
const REASONS: Record<string, string> = {
  'few agents': 'fewAgents',
  'little data': 'littleData',
  'drops in the last minute': 'dropsLastMinute',
  'the hour is at its limit': 'hourAtLimit',
  'AMD false positives alone exceed the target': 'amdFalsePositives',
  'at the daily limit': 'dailyLimit',
  'at the 30-day limit': 'thirtyDayLimit',
};

export interface PacingText {
  mode: string;
  /** i18n key under `pacingReason.` when the reason is a known one. */
  reasonKey: string | null;
  /** Anything else the pacer said (untranslated, technical). */
  detail: string | null;
}

export function describePacing(text: string): PacingText {
  const m = /^(\w+)(?: \(([^)]*)\))?(?: (.*))?$/.exec(text.trim());
  if (!m) return { mode: text, reasonKey: null, detail: null };
  const reason = m[2] ?? null;
  const reasonKey = reason === null ? null : (REASONS[reason] ?? null);
  const detail = [reasonKey === null ? reason : null, m[3] ?? null].filter((x): x is string => x !== null && x !== '').join(' ') || null;
  return { mode: m[1]!, reasonKey, detail };
}
