/**
 * The queue statistics report (queue_log metrics) as a ReportDocument for the PDF: the main figures per queue,
 * offered/answered/abandoned per queue as the chart, offered by hour per queue and the agents.
 */
import { activeBucket, reportLabels, type DayRange, type QueueLogMetrics } from '../analytics/index.js';
import type { ReportDocument, ReportLang } from './document.js';
import { generatedLine, filtersLine } from './labels.js';

export function queueReportDocument(m: QueueLogMetrics, lang: ReportLang, queue: string | undefined, at: number, timeZone: string, range?: DayRange): ReportDocument {
  const t = reportLabels(lang);
  const names = Object.keys(m.queues).filter((q) => queue === undefined || q === queue);
  const qs = names.map((n) => [n, m.queues[n]!] as const);
  return {
    lang,
    title: lang === 'es' ? 'Estadísticas de colas' : 'Queue statistics',
    filters: filtersLine(lang, { queue, ...range }),
    generated: generatedLine(lang, at, timeZone),
    chart: {
      title: lang === 'es' ? 'Llamadas por cola' : 'Calls per queue',
      categories: names,
      series: [
        { label: t.offered, values: qs.map(([, q]) => q.offered) },
        { label: t.answered, values: qs.map(([, q]) => q.answered) },
        { label: t.abandoned, values: qs.map(([, q]) => q.abandoned) },
      ],
    },
    tables: [
      {
        title: t.queues,
        columns: [
          { label: t.queue, align: 'left', weight: 1.4 },
          { label: t.offered }, { label: t.answered }, { label: t.abandoned }, { label: t.timeout }, { label: t.exitwithkey }, { label: t.exitempty },
          { label: t.withdraw }, { label: t.asa, kind: 'duration' }, { label: t.maxWait, kind: 'duration' }, { label: t.avgTalk, kind: 'duration' }, { label: t.totalTalk, kind: 'duration' }, { label: t.abandonRate },
        ],
        rows: qs.map(([n, q]) => [n, q.offered, q.answered, q.abandoned, q.timeout, q.exitwithkey, q.exitempty, q.withdraw, q.asa_s, q.max_wait_answered_s, q.avg_talk_s, q.total_talk_s, q.abandon_rate_pct]),
      },
      {
        title: lang === 'es' ? 'Nivel de servicio' : 'Service level',
        columns: [
          { label: t.queue, align: 'left', weight: 1.4 },
          { label: t.sl }, { label: t.inSl }, { label: t.slAns }, { label: t.slAnsAb }, { label: t.aqSl }, { label: t.aqSl2 }, { label: t.rna },
        ],
        rows: qs.map(([n, q]) => [n, q.servicelevel_s, q.answered_within_sl, q.sl_pct_of_answered, q.sl_pct_of_answered_plus_abandoned, q.app_queue.sl_pct, q.app_queue.sl2_pct, q.ringnoanswer]),
      },
      {
        title: t.byHour,
        columns: [{ label: t.queue, align: 'left', weight: 1.4 }, { label: t.hour, align: 'left' }, { label: t.offered }, { label: t.answered }, { label: t.abandoned }, { label: t.inSl }, { label: t.talk, kind: 'duration' }],
        rows: qs.flatMap(([n, q]) => q.by_hour.filter(activeBucket).map((b) => [n, `${String(b.hour).padStart(2, '0')}:00`, b.offered, b.answered, b.abandoned, b.answered_within_sl, b.talk_s])),
      },
      {
        title: t.byDay,
        columns: [{ label: t.queue, align: 'left', weight: 1.4 }, { label: t.day, align: 'left' }, { label: t.offered }, { label: t.answered }, { label: t.abandoned }, { label: t.inSl }, { label: t.talk, kind: 'duration' }],
        rows: qs.flatMap(([n, q]) => q.by_day.filter(activeBucket).map((b) => [n, b.day, b.offered, b.answered, b.abandoned, b.answered_within_sl, b.talk_s])),
      },
      {
        title: t.agents,
        columns: [{ label: t.agent, align: 'left', weight: 1.6 }, { label: t.calls }, { label: t.talk, kind: 'duration' }, { label: t.avgTalk, kind: 'duration' }, { label: t.rna }, { label: t.pause, kind: 'duration' }, { label: t.loggedIn, kind: 'duration' }, { label: t.occupancy }],
        rows: Object.entries(m.agents).map(([n, a]) => [n, a.calls_answered, a.talk_s, a.avg_talk_s, a.ringnoanswer, a.pause_s, a.logged_in_s, a.occupancy_pct]),
      },
    ],
  };
}
