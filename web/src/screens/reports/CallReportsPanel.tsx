/**
 * Detailed reports from the CallLogs (supervisors and admins): pick a type (daily, hourly, dispositions, agents,
 * campaigns), a campaign and an agent; see the table and a chart; download it as XLSX or PDF in the UI language.
 */
import { useState } from 'react';
import { Alert, Button, Group, Loader, Paper, SegmentedControl, Select, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, downloadFile, unwrap } from '../../api/client';
import { fmtDuration, fmtInt, fmtNumber } from '../../app/format';
import { BarChart } from '../../components/charts';
import { useCampaignList } from '../campaigns/useCampaigns';

export const CALL_REPORT_TYPES = ['daily', 'hourly', 'dispositions', 'agents', 'campaigns'] as const;
export type CallReportType = (typeof CALL_REPORT_TYPES)[number];
type Row = Record<string, string | number | null>;

/** Columns per type: the row field shown, and whether it is the category (chart labels). */
const COLUMNS: Record<CallReportType, string[]> = {
  daily: ['day', 'calls', 'humans', 'machines', 'drops', 'abandon_pct', 'talk_s'],
  hourly: ['hour', 'calls', 'humans', 'machines', 'drops', 'abandon_pct', 'talk_s'],
  dispositions: ['label', 'calls', 'pct'],
  agents: ['agent', 'calls', 'connected', 'talk_s', 'aht_s'],
  campaigns: ['campaign', 'calls', 'humans', 'connected', 'machines', 'drops', 'no_answer', 'busy', 'failed', 'abandon_pct', 'success_pct', 'talk_s'],
};
const CHART: Record<CallReportType, string[]> = {
  daily: ['calls', 'humans', 'drops'],
  hourly: ['calls', 'humans'],
  dispositions: ['calls'],
  agents: ['calls', 'connected'],
  campaigns: ['calls', 'humans', 'drops'],
};
const COLORS = ['#1c7ed6', '#2f9e44', '#e03131'];

/** Seconds, shown as m:ss / h:mm:ss like the tiles (and as Excel times in the XLSX). */
const DURATIONS = new Set(['talk_s', 'aht_s']);
/** Time-axis reports: rows without calls stay in the chart, not in the table (the exports do the same). */
const TIME_AXIS = new Set<CallReportType>(['daily', 'hourly']);

function cell(v: string | number | null | undefined, key: string): string {
  if (v === null || v === undefined) return '—';
  if (DURATIONS.has(key) && typeof v === 'number') return fmtDuration(v);
  if (key === 'hour' && typeof v === 'number') return `${String(v).padStart(2, '0')}:00`;
  if (typeof v !== 'number') return String(v);
  // The UI language's separators (33,33 and 1.234 in Spanish), like every other figure on screen.
  if (key.endsWith('pct')) return fmtNumber(v, 1);
  return Number.isInteger(v) ? fmtInt(v) : fmtNumber(v, 2);
}

export function CallReportsPanel({ from, to, zone }: { from: string; to: string; zone: string }) {
  const { t, i18n } = useTranslation();
  const [type, setType] = useState<CallReportType>('daily');
  const [campaign, setCampaign] = useState<string | null>(null);
  const [agent, setAgent] = useState<string | null>(null);
  const lang = i18n.language.startsWith('es') ? 'es' : 'en';
  const campaigns = useCampaignList();
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => unwrap(api.GET('/api/agents')) });
  const query = { from, to, tz: zone, lang, ...(campaign ? { campaign_id: campaign } : {}), ...(agent ? { agent_id: agent } : {}) } as const;
  const report = useQuery({
    queryKey: ['call-report', type, query],
    queryFn: async () => (await unwrap(api.GET('/api/reports/{type}', { params: { path: { type }, query } }))) as unknown as { rows: Row[] },
  });
  const rows = report.data?.rows ?? [];
  const cols = COLUMNS[type];
  const tableRows = TIME_AXIS.has(type) ? rows.filter((r) => Number(r.calls ?? 0) > 0) : rows;
  const download = (format: 'xlsx' | 'pdf') => {
    const qs = new URLSearchParams({ ...query, format } as Record<string, string>).toString();
    void downloadFile(`/api/reports/${type}/export?${qs}`, `${type}-${lang}.${format}`).catch((e: Error) => notifications.show({ color: 'red', message: e.message }));
  };
  const campaignItems = (campaigns.data ?? []).map((c) => ({ value: c.id, label: c.name }));
  return (
    <Paper withBorder p="sm" data-testid="call-reports">
      <Stack>
        <Title order={2} size="h4">
          {t('reports.detailed')}
        </Title>
        <Group align="flex-end">
          <div>
            <Text size="sm" fw={500} mb={4} id="report-type-label">
              {t('reports.type')}
            </Text>
            <SegmentedControl aria-labelledby="report-type-label" value={type} onChange={(v) => setType(v as CallReportType)} data={CALL_REPORT_TYPES.map((v) => ({ value: v, label: t(`reports.types.${v}`) }))} />
          </div>
          <Select label={t('common.campaign')} clearable placeholder={t('common.all')} data={campaignItems} value={campaign} onChange={setCampaign} w={200} />
          <Select label={t('common.agent')} clearable placeholder={t('common.all')} data={(agents.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))} value={agent} onChange={setAgent} w={200} />
          <Button variant="default" onClick={() => download('xlsx')}>
            {t('reports.downloadXlsx')}
          </Button>
          <Button variant="default" onClick={() => download('pdf')}>
            {t('reports.downloadPdf')}
          </Button>
        </Group>
        {report.isError ? (
          <Alert color="red" title={t('errors.loadFailed')}>
            {(report.error as Error).message}
          </Alert>
        ) : report.isLoading ? (
          <Loader aria-label={t('common.loading')} />
        ) : rows.length === 0 ? (
          <Text c="dimmed">{t('common.noRows')}</Text>
        ) : (
          <>
            <BarChart
              title={t(`reports.types.${type}`)}
              labels={rows.map((r) => cell(r[cols[0]!], cols[0]!))}
              series={CHART[type].map((k, i) => ({ label: t(`reports.col.${k}`), data: rows.map((r) => Number(r[k] ?? 0)), color: COLORS[i % COLORS.length]! }))}
              height={260}
            />
            {/* Compact (12 px headers that wrap at spaces, narrow padding) so the campaigns report's 12 columns fit the card at
                1280 px in Spanish; narrower screens scroll inside the card, never the page. */}
            <Table.ScrollContainer minWidth={600}>
              <Table striped withTableBorder fz="sm" horizontalSpacing={5} verticalSpacing={6} className="tabular report-table" data-testid="call-report-table">
                <Table.Thead>
                  <Table.Tr>
                    {cols.map((k, i) => (
                      <Table.Th key={k} ta={i === 0 ? 'left' : 'right'} fz="xs">
                        {t(`reports.col.${k}`)}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {tableRows.map((r, n) => (
                    <Table.Tr key={n}>
                      {cols.map((k, i) => (
                        <Table.Td key={k} ta={i === 0 ? 'left' : 'right'}>
                          {cell(r[k], k)}
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {TIME_AXIS.has(type) && tableRows.length < rows.length && (
              <Text size="xs" c="dimmed">
                {t('reports.emptyLeftOut')}
              </Text>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}
