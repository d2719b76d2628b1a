/**
 * Running timers without re-rendering React: every <Elapsed> is a bare span that one shared 1 s ticker fills
 * (text and colour level) straight in the DOM. A wallboard with 500 agents and 300 calls would otherwise re-render
 * 800 rows every second. React never writes the span's text, so the two never fight over the node.
 */
import { useCallback } from 'react';
import { fmtDuration, timerColor } from '../app/format';

/** Server time minus browser time, learned from the API's answers, so "time in state" is the server's. */
let serverOffsetMs = 0;
export function setServerOffset(serverNow: number): void {
  serverOffsetMs = serverNow - Date.now();
}
export const serverNow = () => Date.now() + serverOffsetMs;

function paint(el: HTMLElement, now: number): void {
  const since = Number(el.dataset.since);
  if (!Number.isFinite(since) || since <= 0) {
    el.textContent = '—';
    el.dataset.level = 'gray';
    return;
  }
  const s = Math.max(0, (now - since) / 1000);
  el.textContent = fmtDuration(s);
  el.dataset.level = el.dataset.colored === 'false' ? 'plain' : timerColor(s);
}

let timer: ReturnType<typeof setInterval> | undefined;
const live = new Set<HTMLElement>();
function ensureTicker(): void {
  if (timer !== undefined) return;
  timer = setInterval(() => {
    const now = serverNow();
    for (const el of live) paint(el, now);
  }, 1000);
}

export function Elapsed({ since, colored = true, className, testId }: { since: number | null; colored?: boolean; className?: string; testId?: string }) {
  const ref = useCallback(
    (el: HTMLSpanElement | null) => {
      if (!el) return;
      el.dataset.since = since === null ? '' : String(since);
      el.dataset.colored = String(colored);
      paint(el, serverNow());
      live.add(el);
      ensureTicker();
      return () => {
        live.delete(el);
      };
    },
    [since, colored],
  );
  return <span ref={ref} className={`elapsed tabular ${className ?? ''}`} data-testid={testId} />;
}
