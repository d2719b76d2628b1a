/**
 * Reports over the product's own CallLogs (issue #16): daily summary, hourly distribution, dispositions, agent
 * ranking and campaign results, for ended calls created in [from, to) — days and hours in the center's time zone —
 * optionally of one campaign or one agent. Each gives its JSON rows and a ReportDocument for PDF/XLSX, in English
 * or Spanish.
 *
 * Definitions: humans = ANSWERED_HUMAN + DROPPED; drops = DROPPED; abandon % = drops / humans; talk in seconds;
 * AHT = (talk + wrap-up) / connected calls (the dashboard's definition); success % = connected / calls.
 */
import { LocalTime, round2 } from '../analytics/index.js';
import { DISPOSITIONS } from '../events/index.js';
import type { CallMetrics, CallReportGroup } from '../store/index.js';
import type { Cell, ReportColumn, ReportDocument, ReportLang } from './document.js';
import { filtersLine, generatedLine } from './labels.js';

export const CALL_REPORT_TYPES = ['daily', 'hourly', 'dispositions', 'agents', 'campaigns'] as const;
export type CallReportType = (typeof CALL_REPORT_TYPES)[number];

/**
 * Where a CallLog report reads (#18): the CallLog sums of one database (`CallMetrics`: SQLite's store or the
 * PostgreSQL `call_logs` the nodes write) and the names of its agents and campaigns (the same database's, so a report
 * over PostgreSQL names the nodes' agents and campaigns). A name it does not know shows the id.
 */
export interface CallReportSource {
  metrics: Pick<CallMetrics, 'reportGroups' | 'firstCallAt' | 'wrapMsPer'>;
  agentName(id: string): Promise<string | undefined>;
  campaignName(id: string): Promise<string | undefined>;
}

export interface CallReportQuery {
  type: CallReportType;
  from?: number;
  to: number;
  campaignId?: string;
  agentId?: string;
  timeZone: string;
  lang: ReportLang;
  /** The filter dates as the user gave them, for the filters line. */
  fromText?: string;
  toText?: string;
  at: number;
}

interface Figures {
  calls: number;
  humans: number;
  machines: number;
  drops: number;
  abandon_pct: number;
  talk_s: number;
}
export interface DailyRow extends Figures { day: string }
export interface HourlyRow extends Figures { hour: number }
export interface DispositionRow { disposition: string; label: string; calls: number; pct: number }
export interface AgentRow { agent_id: string; agent: string; calls: number; connected: number; talk_s: number; aht_s: number }
export interface CampaignRow extends Figures { campaign_id: string | null; campaign: string; connected: number; no_answer: number; busy: number; failed: number; success_pct: number }
export type CallReportRow = DailyRow | HourlyRow | DispositionRow | AgentRow | CampaignRow;

export interface CallReport {
  type: CallReportType;
  time_zone: string;
  from: number | null;
  to: number;
  rows: CallReportRow[];
  document: ReportDocument;
}

const DISPOSITION_LABELS: Record<ReportLang, Record<string, string>> = {
  en: {
    ANSWERED_HUMAN: 'Answered (human)', MACHINE: 'Answering machine', NO_ANSWER: 'No answer', BUSY: 'Busy', CONGESTION: 'Congestion',
    INVALID_NUMBER: 'Invalid number', FAILED: 'Failed', DROPPED: 'Dropped (abandoned)', HUNG_UP_DURING_AMD: 'Hung up during AMD',
    CANCELLED: 'Cancelled', INTERRUPTED: 'Interrupted', '': 'No disposition',
  },
  es: {
    ANSWERED_HUMAN: 'Atendida (persona)', MACHINE: 'Contestador', NO_ANSWER: 'Sin respuesta', BUSY: 'Ocupado', CONGESTION: 'Congestión',
    INVALID_NUMBER: 'Número no válido', FAILED: 'Fallida', DROPPED: 'Abandonada', HUNG_UP_DURING_AMD: 'Colgó durante AMD',
    CANCELLED: 'Cancelada', INTERRUPTED: 'Interrumpida', '': 'Sin disposición',
  },
};

const W = {
  en: {
    daily: 'Daily summary', hourly: 'Hourly distribution', dispositions: 'Disposition summary', agents: 'Agent ranking', campaigns: 'Campaign results',
    day: 'Day', hour: 'Hour', calls: 'Calls', humans: 'Humans', machines: 'Machines', drops: 'Drops', abandon: 'Abandon %', talk: 'Talk',
    disposition: 'Disposition', pct: '% of calls', rank: '#', agent: 'Agent', connected: 'Connected', aht: 'AHT', campaign: 'Campaign',
    noAnswer: 'No answer', busy: 'Busy', failed: 'Failed', success: 'Success %', none: '(none)',
    chartDaily: 'Calls per day', chartHourly: 'Calls per hour', chartDisp: 'Calls per disposition', chartAgents: 'Calls per agent', chartCampaigns: 'Calls per campaign',
  },
  es: {
    daily: 'Resumen diario', hourly: 'Distribución por hora', dispositions: 'Resumen de disposiciones', agents: 'Ranking de agentes', campaigns: 'Resultados por campaña',
    day: 'Día', hour: 'Hora', calls: 'Llamadas', humans: 'Personas', machines: 'Contestadores', drops: 'Abandonadas', abandon: 'Abandono %', talk: 'Conversación',
    disposition: 'Disposición', pct: '% de llamadas', rank: '#', agent: 'Agente', connected: 'Conectadas', aht: 'TMO', campaign: 'Campaña',
    noAnswer: 'Sin respuesta', busy: 'Ocupado', failed: 'Fallidas', success: 'Éxito %', none: '(ninguna)',
    chartDaily: 'Llamadas por día', chartHourly: 'Llamadas por hora', chartDisp: 'Llamadas por disposición', chartAgents: 'Llamadas por agente', chartCampaigns: 'Llamadas por campaña',
  },
} as const;

export function dispositionLabel(d: string | null, lang: ReportLang): string {
  return DISPOSITION_LABELS[lang][d ?? ''] ?? d ?? '';
}

const EMPTY: Omit<CallReportGroup, 'key'> = { calls: 0, humans: 0, connected: 0, machines: 0, drops: 0, noAnswer: 0, busy: 0, failed: 0, talkMs: 0 };
function add(a: Omit<CallReportGroup, 'key'>, b: Omit<CallReportGroup, 'key'>): Omit<CallReportGroup, 'key'> {
  return {
    calls: a.calls + b.calls, humans: a.humans + b.humans, connected: a.connected + b.connected, machines: a.machines + b.machines, drops: a.drops + b.drops,
    noAnswer: a.noAnswer + b.noAnswer, busy: a.busy + b.busy, failed: a.failed + b.failed, talkMs: a.talkMs + b.talkMs,
  };
}
function figures(g: Omit<CallReportGroup, 'key'>): Figures {
  return { calls: g.calls, humans: g.humans, machines: g.machines, drops: g.drops, abandon_pct: g.humans === 0 ? 0 : round2((100 * g.drops) / g.humans), talk_s: round2(g.talkMs / 1000) };
}

const pct = (n: number, d: number): number => (d === 0 ? 0 : round2((100 * n) / d));

/** Local days YYYY-MM-DD from `from` to the last instant before `to`, at most 400 (else only the days with calls). */
function daysBetween(from: number, to: number, lt: LocalTime): string[] | null {
  const out: string[] = [];
  let last = '';
  for (let t = from; t < to; t += 3_600_000) {
    const d = lt.of(Math.floor(t / 1000)).day;
    if (d !== last) out.push(d);
    last = d;
    if (out.length > 400) return null;
  }
  const end = lt.of(Math.floor((to - 1) / 1000)).day;
  if (to > from && end !== last) out.push(end);
  return out;
}

export async function buildCallReport(src: CallReportSource, q: CallReportQuery): Promise<CallReport> {
  const w = W[q.lang];
  const filter = { from: q.from, to: q.to, campaignId: q.campaignId, agentId: q.agentId };
  const lt = new LocalTime(q.timeZone);
  const groups = (by: Parameters<CallMetrics['reportGroups']>[1]) => src.metrics.reportGroups(filter, by);
  let columns: ReportColumn[];
  let cells: Cell[][];
  let rows: CallReportRow[];
  let chart: ReportDocument['chart'];
  switch (q.type) {
    case 'daily': {
      const byDay = new Map<string, Omit<CallReportGroup, 'key'>>();
      for (const g of await groups('quarter')) {
        const d = lt.of(Math.floor(Number(g.key) / 1000)).day;
        byDay.set(d, add(byDay.get(d) ?? EMPTY, g));
      }
      const start = q.from ?? (await src.metrics.firstCallAt());
      const days = (start === null ? null : daysBetween(start, q.to, lt)) ?? [...byDay.keys()].sort();
      const daily: DailyRow[] = days.map((day) => ({ day, ...figures(byDay.get(day) ?? EMPTY) }));
      rows = daily;
      columns = [{ label: w.day, align: 'left' }, { label: w.calls }, { label: w.humans }, { label: w.machines }, { label: w.drops }, { label: w.abandon }, { label: w.talk, kind: 'duration' }];
      // Days without calls stay in the JSON and the chart (the time axis), not in the table (web and exports alike).
      cells = daily.filter((r) => r.calls > 0).map((r) => [r.day, r.calls, r.humans, r.machines, r.drops, r.abandon_pct, r.talk_s]);
      chart = { title: w.chartDaily, categories: daily.map((r) => r.day.slice(5)), series: [{ label: w.calls, values: daily.map((r) => r.calls) }, { label: w.humans, values: daily.map((r) => r.humans) }, { label: w.drops, values: daily.map((r) => r.drops) }] };
      break;
    }
    case 'hourly': {
      const byHour = Array.from({ length: 24 }, () => EMPTY);
      for (const g of await groups('quarter')) {
        const h = lt.of(Math.floor(Number(g.key) / 1000)).hour;
        byHour[h] = add(byHour[h]!, g);
      }
      const hourly: HourlyRow[] = byHour.map((g, hour) => ({ hour, ...figures(g) }));
      rows = hourly;
      columns = [{ label: w.hour, align: 'left' }, { label: w.calls }, { label: w.humans }, { label: w.machines }, { label: w.drops }, { label: w.abandon }, { label: w.talk, kind: 'duration' }];
      cells = hourly.filter((r) => r.calls > 0).map((r) => [`${String(r.hour).padStart(2, '0')}:00`, r.calls, r.humans, r.machines, r.drops, r.abandon_pct, r.talk_s]);
      chart = { title: w.chartHourly, categories: hourly.map((r) => String(r.hour).padStart(2, '0')), series: [{ label: w.calls, values: hourly.map((r) => r.calls) }, { label: w.humans, values: hourly.map((r) => r.humans) }] };
      break;
    }
    case 'dispositions': {
      const byDisp = await groups('disposition');
      const total = byDisp.reduce((s, g) => s + g.calls, 0);
      const order = (d: string | number | null): number => {
        const i = DISPOSITIONS.indexOf(d as (typeof DISPOSITIONS)[number]);
        return i < 0 ? DISPOSITIONS.length : i;
      };
      const disp: DispositionRow[] = byDisp
        .sort((a, b) => b.calls - a.calls || order(a.key) - order(b.key))
        .map((g) => ({ disposition: g.key === null ? '' : String(g.key), label: dispositionLabel(g.key === null ? null : String(g.key), q.lang), calls: g.calls, pct: pct(g.calls, total) }));
      rows = disp;
      columns = [{ label: w.disposition, align: 'left', weight: 2 }, { label: w.calls }, { label: w.pct }];
      cells = disp.map((r) => [r.label, r.calls, r.pct]);
      chart = { title: w.chartDisp, categories: disp.map((r) => r.label), series: [{ label: w.calls, values: disp.map((r) => r.calls) }] };
      break;
    }
    case 'agents': {
      const byAgent = (await groups('agent')).filter((g) => g.key !== null);
      const from = q.from ?? (await src.metrics.firstCallAt()) ?? q.to;
      const agents: AgentRow[] = [];
      for (const g of byAgent) {
        const id = String(g.key);
        const [wrapMs] = await src.metrics.wrapMsPer([id], [[from, q.to]]);
        agents.push({
          agent_id: id,
          agent: (await src.agentName(id)) ?? id,
          calls: g.calls,
          connected: g.connected,
          talk_s: round2(g.talkMs / 1000),
          aht_s: g.connected === 0 ? 0 : round2((g.talkMs + (wrapMs ?? 0)) / 1000 / g.connected),
        });
      }
      agents.sort((a, b) => b.calls - a.calls || b.talk_s - a.talk_s || a.agent.localeCompare(b.agent));
      rows = agents;
      columns = [{ label: w.rank, weight: 0.4 }, { label: w.agent, align: 'left', weight: 2 }, { label: w.calls }, { label: w.connected }, { label: w.talk, kind: 'duration' }, { label: w.aht, kind: 'duration' }];
      cells = agents.map((r, i) => [i + 1, r.agent, r.calls, r.connected, r.talk_s, r.aht_s]);
      chart = { title: w.chartAgents, categories: agents.map((r) => r.agent), series: [{ label: w.calls, values: agents.map((r) => r.calls) }, { label: w.connected, values: agents.map((r) => r.connected) }] };
      break;
    }
    case 'campaigns': {
      const byCampaign = (await groups('campaign')).sort((a, b) => String(a.key ?? '').localeCompare(String(b.key ?? '')));
      const names = await Promise.all(byCampaign.map((g) => (g.key === null ? w.none : src.campaignName(String(g.key)))));
      const camps: CampaignRow[] = byCampaign.map((g, i) => ({
        campaign_id: g.key === null ? null : String(g.key),
        campaign: names[i] ?? String(g.key),
        ...figures(g),
        connected: g.connected,
        no_answer: g.noAnswer,
        busy: g.busy,
        failed: g.failed,
        success_pct: pct(g.connected, g.calls),
      }));
      rows = camps;
      columns = [
        { label: w.campaign, align: 'left', weight: 2 }, { label: w.calls }, { label: w.humans }, { label: w.connected }, { label: w.machines }, { label: w.drops },
        { label: w.noAnswer }, { label: w.busy }, { label: w.failed }, { label: w.abandon }, { label: w.success }, { label: w.talk, kind: 'duration' },
      ];
      cells = camps.map((r) => [r.campaign, r.calls, r.humans, r.connected, r.machines, r.drops, r.no_answer, r.busy, r.failed, r.abandon_pct, r.success_pct, r.talk_s]);
      chart = { title: w.chartCampaigns, categories: camps.map((r) => r.campaign), series: [{ label: w.calls, values: camps.map((r) => r.calls) }, { label: w.humans, values: camps.map((r) => r.humans) }, { label: w.drops, values: camps.map((r) => r.drops) }] };
      break;
    }
  }
  const campaignName = q.campaignId === undefined ? undefined : ((await src.campaignName(q.campaignId)) ?? q.campaignId);
  const agentName = q.agentId === undefined ? undefined : ((await src.agentName(q.agentId)) ?? q.agentId);
  const document: ReportDocument = {
    lang: q.lang,
    title: w[q.type],
    filters: filtersLine(q.lang, { from: q.fromText, to: q.toText, campaign: campaignName, agent: agentName }),
    generated: generatedLine(q.lang, q.at, q.timeZone),
    chart,
    tables: [{ title: w[q.type], columns, rows: cells }],
  };
  return { type: q.type, time_zone: q.timeZone, from: q.from ?? null, to: q.to, rows, document };
}
