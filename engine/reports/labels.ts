/** Words the report builders share, in English and Spanish. */
import type { ReportLang } from './document.js';

export interface ReportFilters {
  from?: string;
  to?: string;
  queue?: string;
  campaign?: string;
  agent?: string;
}

const F = {
  en: { from: 'From', to: 'to', through: 'through', queue: 'Queue', campaign: 'Campaign', agent: 'Agent', all: 'All data', generated: 'Generated', tz: 'time zone' },
  es: { from: 'Desde', to: 'hasta', through: 'hasta', queue: 'Cola', campaign: 'Campaña', agent: 'Agente', all: 'Todos los datos', generated: 'Generado', tz: 'zona horaria' },
} as const;

/** "From 2026-01-01 to 2026-01-31 · Campaign Spring · Agent Ana", or "All data". */
export function filtersLine(lang: ReportLang, f: ReportFilters): string {
  const w = F[lang];
  const parts: string[] = [];
  if (f.from !== undefined || f.to !== undefined) parts.push(`${w.from} ${f.from ?? '…'} ${w.to} ${f.to ?? '…'}`);
  if (f.queue !== undefined) parts.push(`${w.queue}: ${f.queue}`);
  if (f.campaign !== undefined) parts.push(`${w.campaign}: ${f.campaign}`);
  if (f.agent !== undefined) parts.push(`${w.agent}: ${f.agent}`);
  return parts.length === 0 ? w.all : parts.join(' · ');
}

export function generatedLine(lang: ReportLang, at: number, timeZone: string): string {
  const stamp = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
    .format(at)
    .replace(',', '');
  return `${F[lang].generated} ${stamp} (${F[lang].tz} ${timeZone})`;
}
