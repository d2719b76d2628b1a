/** One doctor check's outcome, and how the command prints them: one line each, the fix under a failure. */
export type Verdict = 'PASS' | 'FAIL' | 'WARN' | 'SKIP';

export interface CheckResult {
  /** Short stable name, e.g. `ari`, `rtp` (the --json output keys on it). */
  id: string;
  title: string;
  verdict: Verdict;
  detail: string;
  /** What to do about a FAIL or WARN. */
  fix?: string;
}

export function formatResult(r: CheckResult): string {
  const head = `${r.verdict.padEnd(4)}  ${r.title}: ${r.detail}`;
  return r.fix && r.verdict !== 'PASS' ? `${head}\n      fix: ${r.fix}` : head;
}

export const pass = (id: string, title: string, detail: string): CheckResult => ({ id, title, verdict: 'PASS', detail });
export const fail = (id: string, title: string, detail: string, fix: string): CheckResult => ({ id, title, verdict: 'FAIL', detail, fix });
export const warn = (id: string, title: string, detail: string, fix: string): CheckResult => ({ id, title, verdict: 'WARN', detail, fix });
export const skip = (id: string, title: string, detail: string): CheckResult => ({ id, title, verdict: 'SKIP', detail });
