import { useState } from 'react';
import { Alert, Group, Loader, Paper, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../auth/useSession';
import { fmtDuration, fmtInt, fmtPct, fmtTime, zonedDayStartIso } from '../../app/format';
import { BarChart } from '../../components/charts';
import { StatCard } from '../../components/Field';
import { useMe } from '../agent/useAgentConsole';
import { CallReportsPanel } from './CallReportsPanel';

function isoDay(offsetDays = 0): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return d.toISOString().slice(0, 10);
}

interface Figures {
  calls_made: number;
  calls_success: number;
  total_talk_time: number;
  aht: number;
  success_pct: number;
  abandon_pct?: number;
  dropped?: number;
}

function FigureGrid({ m }: { m: Figures }) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }} data-testid="report-figures">
      <StatCard label={t('reports.callsMade')} value={fmtInt(m.calls_made)} />
      <StatCard label={t('reports.connected')} value={fmtInt(m.calls_success)} />
      <StatCard label={t('reports.successPct')} value={fmtPct(m.success_pct)} />
      <StatCard label={t('reports.talkTime')} value={fmtDuration(m.total_talk_time)} />
      <StatCard label={t('kpi.aht')} value={fmtDuration(m.aht)} />
      {m.abandon_pct !== undefined && <StatCard label={t('kpi.abandonUs')} value={fmtPct(m.abandon_pct, 2)} />}
    </SimpleGrid>
  );
}


/** Reports per role: agents their own figures, team leads their team's, supervisors and admins the organisation's. */
export default function ReportsScreen() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const role = session?.user.role ?? 'agent';
  const me = useMe();
  const zone = me.data?.time_zone ?? 'UTC';
  const [from, setFrom] = useState(isoDay(-6));
  const [to, setTo] = useState(isoDay(0));
  const [group, setGroup] = useState<'day' | 'hour'>('day');
  const agents = useQuery({ queryKey: ['agents'], enabled: role !== 'agent', queryFn: () => unwrap(api.GET('/api/agents')) });
  const teams = [...new Set((agents.data?.items ?? []).map((a) => a.team).filter((x): x is string => Boolean(x)))].sort();
  const [team, setTeam] = useState<string | null>(null);
  const scope: 'own' | 'team' | 'org' = role === 'agent' ? 'own' : role === 'teamlead' ? 'team' : team ? 'team' : 'org';
  const teamName = role === 'teamlead' ? session?.user.team : team;
  const range = { from, to, tz: zone };

  const report = useQuery({
    queryKey: ['report', scope, teamName, from, to, group, zone],
    enabled: me.data !== undefined && (scope !== 'team' || Boolean(teamName)),
    queryFn: async (): Promise<{ figures: Figures; breakdown?: Array<Figures & { start: number; humans?: number; dropped?: number }>; states?: Record<string, number> }> => {
      if (scope === 'own') {
        const m = await unwrap(api.GET('/api/metrics/me', { params: { query: { from: zonedDayStartIso(from, zone), to: zonedDayStartIso(to, zone, 1) } } }));
        return { figures: m, states: m.time_in_state };
      }
      const r =
        scope === 'team'
          ? await unwrap(api.GET('/api/metrics/teams/{team}', { params: { path: { team: teamName! }, query: { ...range, group } } }))
          : await unwrap(api.GET('/api/metrics/org', { params: { query: { ...range, group } } }));
      return { figures: r, breakdown: r.breakdown };
    },
  });

  const labels = (report.data?.breakdown ?? []).map((b) =>
    group === 'hour' ? `${new Intl.DateTimeFormat(i18n.language, { timeZone: zone, day: '2-digit', month: '2-digit' }).format(b.start)} ${fmtTime(b.start, zone)}` : new Intl.DateTimeFormat(i18n.language, { timeZone: zone, day: '2-digit', month: 'short' }).format(b.start),
  );
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('nav.reports')}</Title>
        <Text c="dimmed" size="sm">
          {scope === 'own' ? t('reports.scopeOwn') : scope === 'team' ? t('reports.scopeTeam', { team: teamName ?? '—' }) : t('reports.scopeOrg')}
        </Text>
      </Group>
      <Paper withBorder p="sm">
        <Group align="flex-end">
          <TextInput type="date" label={t('calls.from')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
          <TextInput type="date" label={t('calls.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} />
          {scope !== 'own' && (
            <div>
              <Text size="sm" fw={500} mb={4} id="group-label">
                {t('reports.groupBy')}
              </Text>
              <SegmentedControl
                aria-labelledby="group-label"
                value={group}
                onChange={(v) => setGroup(v as 'day' | 'hour')}
                data={[
                  { value: 'day', label: t('reports.byDay') },
                  { value: 'hour', label: t('reports.byHour') },
                ]}
              />
            </div>
          )}
          {(role === 'supervisor' || role === 'admin') && (
            <Select label={t('users.team')} placeholder={t('reports.wholeCenter')} clearable data={teams} value={team} onChange={setTeam} w={200} />
          )}
        </Group>
        <Text size="xs" c="dimmed" mt={6}>
          {t('calls.dateHint', { zone })}
        </Text>
      </Paper>
      {report.isError ? (
        <Alert color="red" title={t('errors.loadFailed')}>
          {(report.error as Error).message}
        </Alert>
      ) : report.isLoading || !report.data ? (
        scope === 'team' && !teamName ? <Alert color="yellow">{t('reports.noTeam')}</Alert> : <Loader aria-label={t('common.loading')} />
      ) : (
        <>
          <FigureGrid m={report.data.figures} />
          {report.data.breakdown && (
            <Paper withBorder p="sm">
              <Title order={2} size="h5" mb="xs">
                {t('reports.callsOverTime')}
              </Title>
              <BarChart
                title={t('reports.callsOverTime')}
                labels={labels}
                stacked
                series={[
                  { label: t('kpi.humansConnected'), data: report.data.breakdown.map((b) => b.calls_success), color: '#2f9e44' },
                  { label: t('kpi.dropped'), data: report.data.breakdown.map((b) => b.dropped ?? 0), color: '#e03131' },
                  { label: t('kpi.otherCalls'), data: report.data.breakdown.map((b) => Math.max(0, b.calls_made - b.calls_success - (b.dropped ?? 0))), color: '#adb5bd' },
                ]}
                height={280}
              />
            </Paper>
          )}
          {report.data.states && (
            <Paper withBorder p="sm">
              <Title order={2} size="h5" mb="xs">
                {t('reports.timeInState')}
              </Title>
              <BarChart
                title={t('reports.timeInState')}
                labels={Object.keys(report.data.states).map((s) => t(`agentState.${s}`, { defaultValue: s }))}
                series={[{ label: t('reports.minutes'), data: Object.values(report.data.states).map((ms) => Math.round(ms / 60_000)), color: '#1c7ed6' }]}
                height={240}
              />
            </Paper>
          )}
        </>
      )}
      {(role === 'supervisor' || role === 'admin') && me.data !== undefined && <CallReportsPanel from={from} to={to} zone={zone} />}
    </Stack>
  );
}
