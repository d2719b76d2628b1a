/**
 * Queues (issue #16): Asterisk queue statistics from the followed queue_log, live (refreshed every 5 s while the
 * tail reads new lines) and historical (a range of local days in the center's zone, today by default). Tiles for
 * the chosen queue or all of them, every queue in a table, its hours and days as charts, the agents, the callers
 * in a queue now, and the report as XLSX / PDF for the same days. Supervisors and admins.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Group, Loader, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, api, downloadFile, unwrap } from '../../api/client';
import { fmtDateTime, fmtDuration, fmtInt, fmtPct } from '../../app/format';
import { BarChart } from '../../components/charts';
import { StatCard } from '../../components/Field';
import { useMe } from '../agent/useAgentConsole';
import { sumQueues, todayIn } from './queue-figures';
import { AgentTable, QueueTable, WaitingCallers, TalkingCallers } from './QueueTables';

const LIVE_MS = 5000;

export default function QueuesScreen() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const zone = me.data?.time_zone ?? 'UTC';
  const today = todayIn(zone);
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const lang = i18n.language.startsWith('es') ? 'es' : 'en';
  const range = { ...((from ?? today) ? { from: from ?? today } : {}), ...((to ?? today) ? { to: to ?? today } : {}) };
  const isToday = range.from === today && range.to === today;
  const ready = me.data !== undefined;

  const list = useQuery({ queryKey: ['queues', range], enabled: ready, refetchInterval: LIVE_MS, queryFn: () => unwrap(api.GET('/api/queues', { params: { query: range } })) });
  const agents = useQuery({ queryKey: ['queue-agents', range], enabled: ready, refetchInterval: LIVE_MS, queryFn: () => unwrap(api.GET('/api/queues/agents', { params: { query: range } })) });
  const calls = useQuery({ queryKey: ['queue-calls'], enabled: ready, refetchInterval: LIVE_MS, queryFn: () => unwrap(api.GET('/api/queues/calls')) });
  const queues = list.data?.queues ?? [];
  const current = selected !== null && queues.some((q) => q.name === selected) ? selected : null;
  const detail = useQuery({
    queryKey: ['queue', current, range],
    enabled: current !== null,
    refetchInterval: LIVE_MS,
    queryFn: () => unwrap(api.GET('/api/queues/{name}', { params: { path: { name: current! }, query: range } })),
  });

  const download = (format: 'xlsx' | 'pdf') => {
    const qs = new URLSearchParams({ ...range, lang, format, ...(current ? { queue: current } : {}) }).toString();
    void downloadFile(`/api/reports/queues/export?${qs}`, `queues-${lang}.${format}`).catch((e: Error) => notifications.show({ color: 'red', message: e.message }));
  };

  const shown = current ? queues.filter((q) => q.name === current) : queues;
  const sum = sumQueues(shown);
  const live = (calls.data?.calls ?? []).filter((c) => current === null || c.queue === current);
  const waiting = live.filter((c) => c.state === 'waiting');
  const talking = live.filter((c) => c.state === 'talking');
  const src = list.data?.source;
  const unavailable = list.error instanceof ApiError && list.error.status === 503;

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Title order={1}>{t('nav.queues')}</Title>
        {src && (
          <Stack gap={0} align="flex-end">
            <Group gap="xs">
              <Badge color={src.following && !src.lastError ? 'green' : 'yellow'} variant="light">
                {src.following ? t('queues.following') : t('queues.notFollowing')}
              </Badge>
              <Text size="sm" className="tabular">
                {src.file}
              </Text>
            </Group>
            <Text size="xs" c="dimmed" className="tabular">
              {t('queues.sourceLine', { lines: fmtInt(src.lines), malformed: fmtInt(src.malformed), at: fmtDateTime(src.lastPollAt, zone) })}
            </Text>
          </Stack>
        )}
      </Group>
      <Paper withBorder p="sm">
        <Group align="flex-end">
          <TextInput type="date" label={t('calls.from')} value={range.from ?? ''} max={range.to} onChange={(e) => setFrom(e.currentTarget.value)} />
          <TextInput type="date" label={t('calls.to')} value={range.to ?? ''} min={range.from} onChange={(e) => setTo(e.currentTarget.value)} />
          <Button variant={isToday ? 'light' : 'default'} onClick={() => (setFrom(null), setTo(null))}>
            {t('queues.today')}
          </Button>
          <Button variant="default" onClick={() => download('xlsx')} disabled={!list.data}>
            {t('reports.downloadXlsx')}
          </Button>
          <Button variant="default" onClick={() => download('pdf')} disabled={!list.data}>
            {t('reports.downloadPdf')}
          </Button>
        </Group>
        <Text size="xs" c="dimmed" mt={6}>
          {isToday ? t('queues.liveHint', { zone }) : t('queues.rangeHint', { zone })}
        </Text>
      </Paper>
      {unavailable ? (
        <Alert color="yellow" title={t('queues.noSourceTitle')}>
          {t('queues.noSource')}
        </Alert>
      ) : list.isError ? (
        <Alert color="red" title={t('errors.loadFailed')}>
          {(list.error as Error).message}
        </Alert>
      ) : !list.data ? (
        <Loader aria-label={t('common.loading')} />
      ) : (
        <>
          <Title order={2} size="h4">
            {current ? t('queues.oneQueue', { queue: current }) : t('queues.allQueues')}
          </Title>
          <SimpleGrid cols={{ base: 2, md: 4, lg: 8 }} data-testid="queue-tiles">
            <StatCard label={t('queues.col.offered')} value={fmtInt(sum.offered)} />
            <StatCard label={t('queues.col.answered')} value={fmtInt(sum.answered)} />
            <StatCard label={t('queues.col.abandoned')} value={fmtInt(sum.abandoned)} />
            <StatCard label={t('queues.col.abandonRate')} value={fmtPct(sum.abandon_rate_pct)} />
            <StatCard label={t('queues.serviceLevel')} value={fmtPct(sum.sl_pct_of_answered)} />
            <StatCard label={t('queues.col.asa')} value={fmtDuration(sum.asa_s)} />
            <StatCard label={t('queues.col.avgTalk')} value={fmtDuration(sum.avg_talk_s)} />
            <StatCard label={t('queues.waitingNow')} value={fmtInt(waiting.length)} />
          </SimpleGrid>
          {queues.length === 0 ? (
            <Text c="dimmed">{t('queues.nothingInRange')}</Text>
          ) : (
            <Paper withBorder p="sm">
              <Title order={2} size="h5" mb={4}>
                {t('queues.tableTitle')}
              </Title>
              <Text size="xs" c="dimmed" mb="xs">
                {t('queues.tableHint')}
              </Text>
              <QueueTable queues={queues} selected={current} onSelect={setSelected} />
            </Paper>
          )}
          {current && detail.data && (
            <SimpleGrid cols={{ base: 1, lg: 2 }}>
              <Paper withBorder p="sm">
                <Title order={2} size="h5" mb="xs">
                  {t('queues.byHour', { queue: current })}
                </Title>
                <BarChart
                  title={t('queues.byHour', { queue: current })}
                  labels={detail.data.by_hour.map((b) => `${String(b.hour).padStart(2, '0')}:00`)}
                  series={[
                    { label: t('queues.col.answered'), data: detail.data.by_hour.map((b) => b.answered), color: '#2f9e44' },
                    { label: t('queues.col.abandoned'), data: detail.data.by_hour.map((b) => b.abandoned), color: '#e03131' },
                  ]}
                  stacked
                  height={240}
                />
              </Paper>
              <Paper withBorder p="sm">
                <Title order={2} size="h5" mb="xs">
                  {t('queues.byDay', { queue: current })}
                </Title>
                <BarChart
                  title={t('queues.byDay', { queue: current })}
                  labels={detail.data.by_day.map((b) => b.day)}
                  series={[
                    { label: t('queues.col.answered'), data: detail.data.by_day.map((b) => b.answered), color: '#2f9e44' },
                    { label: t('queues.col.abandoned'), data: detail.data.by_day.map((b) => b.abandoned), color: '#e03131' },
                  ]}
                  stacked
                  height={240}
                />
              </Paper>
            </SimpleGrid>
          )}
          <Paper withBorder p="sm">
            <Title order={2} size="h5" mb="xs">
              {t('queues.waitingTitle')}
            </Title>
            <WaitingCallers calls={waiting} />
          </Paper>
          <Paper withBorder p="sm">
            <Title order={2} size="h5" mb="xs">
              {t('queues.talkingTitle')}
            </Title>
            <TalkingCallers calls={talking} />
          </Paper>
          <Paper withBorder p="sm">
            <Title order={2} size="h5" mb="xs">
              {t('queues.agentsTitle')}
            </Title>
            {(agents.data?.agents ?? []).length === 0 ? <Text c="dimmed">{t('common.noRows')}</Text> : <AgentTable agents={agents.data!.agents} />}
          </Paper>
        </>
      )}
    </Stack>
  );
}
