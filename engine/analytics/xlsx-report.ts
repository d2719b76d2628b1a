/**
 * The queue statistics report as XLSX, streamed (exceljs WorkbookWriter): sheets Queues (the figures and
 * app_queue's own SL/SL2, labelled), By hour, By day (the center's time zone) and Agents, headed in English or
 * Spanish. Rows are committed as they are written, so the sheet is never held whole in memory. Times (ASA, waits,
 * talk, pauses, logged in) are Excel times formatted `[h]:mm:ss` like the screen's m:ss; hours and days with no
 * activity are left out of their sheets (as on the screen and in the PDF).
 */
import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { Bucket } from './aggregate.js';
import type { QueueLogMetrics } from './metrics.js';

const DURATION_FORMAT = '[h]:mm:ss';

/** A row whose cells at `durations` (0-based) are seconds, written as Excel times. */
function addRow(ws: ExcelJS.Worksheet, values: Array<string | number | null>, durations: number[] = []): void {
  const row = ws.addRow(values.map((v, i) => (typeof v === 'number' && durations.includes(i) ? v / 86_400 : v)));
  for (const i of durations) row.getCell(i + 1).numFmt = DURATION_FORMAT;
  row.commit();
}

/** An hour or a day with anything in it. */
export const activeBucket = (b: Bucket): boolean => b.offered + b.answered + b.abandoned + b.talk_s > 0;

/** Seconds as the web app shows them: 278 → "4:38", 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export type ReportLang = 'en' | 'es';

const T = {
  en: {
    queues: 'Queues', byHour: 'By hour', byDay: 'By day', agents: 'Agents',
    queue: 'Queue', offered: 'Offered', answered: 'Answered', abandoned: 'Abandoned', timeout: 'Timed out', exitwithkey: 'Left with a key',
    exitempty: 'Left, queue empty', withdraw: 'Withdrawn', asa: 'ASA', maxWait: 'Max wait answered', avgTalk: 'Average talk',
    totalTalk: 'Total talk', inSl: 'Answered within SL', slAns: 'SL % of answered', slAnsAb: 'SL % of answered + abandoned',
    aqSl: "app_queue SL %", aqSl2: "app_queue SL2 %", sl: 'Service level (s)', rna: 'Ring no answer', abandonRate: 'Abandon rate %',
    hour: 'Hour', day: 'Day', agent: 'Agent', calls: 'Calls answered', talk: 'Talk', pause: 'Pause', loggedIn: 'Logged in',
    occupancy: 'Occupancy %', pauses: 'Pauses by reason',
  },
  es: {
    queues: 'Colas', byHour: 'Por hora', byDay: 'Por día', agents: 'Agentes',
    queue: 'Cola', offered: 'Ofrecidas', answered: 'Atendidas', abandoned: 'Abandonadas', timeout: 'Tiempo agotado', exitwithkey: 'Salió con una tecla',
    exitempty: 'Salió, cola vacía', withdraw: 'Retiradas', asa: 'ASA', maxWait: 'Espera máx. atendidas', avgTalk: 'Conversación media',
    totalTalk: 'Conversación total', inSl: 'Atendidas dentro del NS', slAns: 'NS % de atendidas', slAnsAb: 'NS % de atendidas + abandonadas',
    aqSl: 'NS de app_queue %', aqSl2: 'NS2 de app_queue %', sl: 'Nivel de servicio (s)', rna: 'Timbró sin respuesta', abandonRate: 'Tasa de abandono %',
    hour: 'Hora', day: 'Día', agent: 'Agente', calls: 'Llamadas atendidas', talk: 'Conversación', pause: 'Pausa', loggedIn: 'Conectado',
    occupancy: 'Ocupación %', pauses: 'Pausas por motivo',
  },
} as const;

export function reportLabels(lang: ReportLang): (typeof T)[ReportLang] {
  return T[lang];
}

export async function writeQueueReportXlsx(m: QueueLogMetrics, lang: ReportLang, output: Writable, queue?: string): Promise<void> {
  const t = T[lang];
  // Loaded at first use: exceljs (and its zip stack) would cost every process that imports the API.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.stream.xlsx.WorkbookWriter({ stream: output, useSharedStrings: false, useStyles: true });
  const names = Object.keys(m.queues).filter((q) => queue === undefined || q === queue);
  const qs = wb.addWorksheet(t.queues);
  qs.addRow([t.queue, t.offered, t.answered, t.abandoned, t.timeout, t.exitwithkey, t.exitempty, t.withdraw, t.asa, t.maxWait, t.avgTalk, t.totalTalk, t.inSl, t.slAns, t.slAnsAb, t.aqSl, t.aqSl2, t.sl, t.rna, t.abandonRate]).commit();
  for (const n of names) {
    const q = m.queues[n]!;
    addRow(qs, [n, q.offered, q.answered, q.abandoned, q.timeout, q.exitwithkey, q.exitempty, q.withdraw, q.asa_s, q.max_wait_answered_s, q.avg_talk_s, q.total_talk_s, q.answered_within_sl, q.sl_pct_of_answered, q.sl_pct_of_answered_plus_abandoned, q.app_queue.sl_pct, q.app_queue.sl2_pct, q.servicelevel_s, q.ringnoanswer, q.abandon_rate_pct], [8, 9, 10, 11]);
  }
  qs.commit();
  const bucketHead = [t.offered, t.answered, t.abandoned, t.inSl, t.talk];
  const hs = wb.addWorksheet(t.byHour);
  hs.addRow([t.queue, t.hour, ...bucketHead]).commit();
  for (const n of names) for (const b of m.queues[n]!.by_hour.filter(activeBucket)) addRow(hs, [n, `${String(b.hour).padStart(2, '0')}:00`, b.offered, b.answered, b.abandoned, b.answered_within_sl, b.talk_s], [6]);
  hs.commit();
  const ds = wb.addWorksheet(t.byDay);
  ds.addRow([t.queue, t.day, ...bucketHead]).commit();
  for (const n of names) for (const b of m.queues[n]!.by_day.filter(activeBucket)) addRow(ds, [n, b.day, b.offered, b.answered, b.abandoned, b.answered_within_sl, b.talk_s], [6]);
  ds.commit();
  const as = wb.addWorksheet(t.agents);
  as.addRow([t.agent, t.calls, t.talk, t.avgTalk, t.rna, t.pause, t.loggedIn, t.occupancy, t.pauses]).commit();
  for (const [n, a] of Object.entries(m.agents)) {
    const pauses = Object.entries(a.pause_s_by_reason).map(([r, s]) => `${r || '—'}: ${formatDuration(s)}`).join('; ');
    addRow(as, [n, a.calls_answered, a.talk_s, a.avg_talk_s, a.ringnoanswer, a.pause_s, a.logged_in_s, a.occupancy_pct, pauses], [2, 3, 5, 6]);
  }
  as.commit();
  await wb.commit();
}
