import { memo, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { Alert, Badge, Button, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconMaximize, IconMinimize } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import type { Wallboard } from '../../api/types';
import { useLive } from '../../live/LiveProvider';
import { setServerOffset } from '../../components/Elapsed';
import { BarChart } from '../../components/charts';
import { fmtBytes, fmtDuration, fmtInt, fmtNumber, fmtPct, fmtTime } from '../../app/format';
import { LiveBanner } from '../../live/LiveBanner';
import { AGENT_STATES, BOARD_EVENTS, BoardState } from './board-state';
import type { ClusterRowsEvent } from '../../live/events';
import { KpiTile, abandonTone, type Tone } from './KpiTile';
import { AgentGrid } from './AgentGrid';
import { CallsInProgress } from './CallsInProgress';
import { PacingPanel } from './PacingPanel';
import { NodesPanel } from './NodesPanel';
import { useClusterBoard } from '../../live/useClusterBoard';

/** Re-sync with the server this often even when the feed is quiet (KPIs, charts). */
const REFRESH_MS = 15_000;
/** Feed events are applied at once but drawn at most this often: at 50 events/s one render per 300 ms is plenty. */
const DRAW_MS = 300;

const STATE_COLORS: Record<string, string> = { READY: 'green', RESERVED: 'cyan', TALKING: 'blue', WRAP_UP: 'violet', PAUSED: 'orange', LOGGED_OUT: 'gray' };

/** Another node's call began or ended: the day's figures (database) are read again, at most this often. */
const OTHER_NODES_REFRESH_MS = 5_000;

/** Free space on the recordings' disk below this share of it: the tile warns. */
const DISK_LOW = 0.1;

/** Recording storage (from /health): what recordings take, what is free; alarm on a disk error, warning when low. */
function RecordingDiskTile({ r }: { r: NonNullable<Wallboard['recordings']> }) {
  const { t } = useTranslation();
  const share = r.free_bytes !== null && r.total_bytes ? r.free_bytes / r.total_bytes : null;
  const tone: Tone = !r.ok || r.disk_error ? 'alarm' : share !== null && share < DISK_LOW ? 'warning' : 'normal';
  const sub = r.disk_error
    ? t('kpi.recordingsDiskError', { error: r.disk_error })
    : share === null
      ? t('kpi.recordingsFreeUnknown')
      : t('kpi.recordingsFree', { free: fmtBytes(r.free_bytes), pct: fmtNumber(share * 100, 0) });
  return (
    <KpiTile
      label={t('kpi.recordingsDisk')}
      value={fmtBytes(r.used_bytes)}
      sub={r.failed_jobs > 0 ? `${sub} · ${t('kpi.recordingsFailedJobs', { count: r.failed_jobs })}` : sub}
      tone={tone}
      testId="kpi-recordings-disk"
    />
  );
}

/** Charts redraw only when their numbers change (a new minute, a new re-sync), not at every feed event. */
const MinuteChart = memo(function MinuteChart({ perMinute, zone, height }: { perMinute: Wallboard['per_minute']; zone: string; height: number }) {
  const { t } = useTranslation();
  return <BarChart title={t('wallboard.perMinute')} labels={perMinute.map((m) => fmtTime(m.start, zone))} series={[{ label: t('kpi.calls'), data: perMinute.map((m) => m.calls), color: '#1c7ed6' }]} height={height} />;
});

const HourChart = memo(function HourChart({ hourly, zone, height }: { hourly: Wallboard['hourly']; zone: string; height: number }) {
  const { t } = useTranslation();
  return (
    <BarChart
      title={t('wallboard.hourly')}
      labels={hourly.map((h) => fmtTime(h.start, zone))}
      stacked
      series={[
        { label: t('kpi.humansConnected'), data: hourly.map((h) => h.humans), color: '#2f9e44' },
        { label: t('kpi.dropped'), data: hourly.map((h) => h.dropped), color: '#e03131' },
        { label: t('kpi.otherCalls'), data: hourly.map((h) => Math.max(0, h.calls - h.humans - h.dropped)), color: '#adb5bd' },
      ]}
      height={height}
    />
  );
});

export default function WallboardScreen() {
  const { t } = useTranslation();
  const live = useLive();
  const [params, setParams] = useSearchParams();
  const tv = params.get('tv') === '1';
  const board = useRef(new BoardState()).current;
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const [lastSync, setLastSync] = useState<number | null>(null);
  const container = useRef<HTMLDivElement>(null);

  // Every engine node, when the server serves the cluster board (PostgreSQL + Redis) to this user.
  const cluster = useClusterBoard(live.cluster);

  const q = useQuery({ queryKey: ['wallboard'], queryFn: () => unwrap(api.GET('/api/wallboard')), refetchInterval: REFRESH_MS, refetchIntervalInBackground: true });
  const refetch = useRef(q.refetch);
  refetch.current = q.refetch;

  useEffect(() => {
    if (!q.data) return;
    setServerOffset(q.data.at);
    board.reset(q.data);
    setLastSync(q.data.at);
    redraw();
  }, [q.data, board]);

  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        redraw();
      }, DRAW_MS);
    };
    const offs = BOARD_EVENTS.map((name) => live.on(name, (payload) => board.apply(name, payload) && schedule()));
    // Other engine nodes' agents and calls (PostgreSQL + Redis). Their calls' outcomes are not in the feed: when one
    // begins or ends, the KPIs (abandon rate…) are read again from the database every node writes, within 5 s.
    let reread: ReturnType<typeof setTimeout> | undefined;
    let lastReread = 0;
    offs.push(
      live.on('cluster.rows', (payload) => {
        // Kept even before the first answer: the rows are sent again only when they change.
        const r = board.applyRows(payload as ClusterRowsEvent);
        if (!board.data) return;
        if (r.changed) schedule();
        if (r.callsChanged && reread === undefined) {
          reread = setTimeout(() => {
            reread = undefined;
            lastReread = Date.now();
            void refetch.current();
          }, Math.max(1000, lastReread + OTHER_NODES_REFRESH_MS - Date.now()));
        }
      }),
    );
    return () => {
      offs.forEach((off) => off());
      clearTimeout(pending);
      clearTimeout(reread);
    };
  }, [live.on, board]);

  // TV mode: the board covers the window; the browser's full screen when the user asked for it with a click.
  const toggleTv = () => {
    const next = !tv;
    setParams(next ? { tv: '1' } : {}, { replace: true });
    if (next) void document.documentElement.requestFullscreen?.().catch(() => undefined);
    else if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  };
  useEffect(() => {
    if (!tv) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setParams({}, { replace: true });
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [tv, setParams]);

  const campaignNames = useMemo(() => new Map([...board.campaigns.values()].map((c) => [c.id, c.name])), [board.campaigns.size, board.data]);
  const agentNames = useMemo(() => new Map([...board.agents.values()].map((a) => [a.id, a.name])), [board.agents.size, board.data]);

  if (q.isError && !board.data) {
    return (
      <Alert color="red" title={t('errors.loadFailed')}>
        {(q.error as Error).message}
      </Alert>
    );
  }
  if (!board.data || !board.kpis) {
    return (
      <Group justify="center" mih={200}>
        <Loader aria-label={t('common.loading')} />
      </Group>
    );
  }

  const d = board.data;
  const k = board.kpis;
  const limit = t('kpi.limit', { pct: fmtNumber(k.abandon_limit_pct, 0) });
  const agents = [...board.agents.values()];
  const calls = [...board.calls.values()];
  const byState = board.agentsByState();
  const zone = d.time_zone;
  const showNode = board.nodeCount() > 1;

  return (
    <div ref={container} className={tv ? 'tv-board tv-mode' : undefined} data-testid="wallboard">
      {tv && <LiveBanner />}
      <Stack gap="md">
        <Group justify="space-between" wrap="wrap">
          <Group gap="sm">
            <Title order={1} size={tv ? 'h1' : 'h2'}>
              {t('nav.wallboard')}
            </Title>
            <Badge color={d.scope === 'team' ? 'violet' : 'blue'} size="lg">
              {d.scope === 'team' ? t('wallboard.team', { team: d.team ?? '—' }) : t('wallboard.organisation')}
            </Badge>
          </Group>
          <Group gap="sm">
            <Text size="sm" c="dimmed" className="tabular" data-testid="last-sync">
              {t('wallboard.synced', { time: fmtTime(lastSync, zone) })} · {zone}
            </Text>
            <Button variant="default" leftSection={tv ? <IconMinimize size={16} aria-hidden /> : <IconMaximize size={16} aria-hidden />} onClick={toggleTv}>
              {tv ? t('wallboard.exitTv') : t('wallboard.tvMode')}
            </Button>
          </Group>
        </Group>

        <SimpleGrid cols={{ base: 2, sm: 3, lg: 5, xl: d.recordings ? 10 : 9 }} spacing="sm">
          <KpiTile label={t('kpi.callsToday')} value={fmtInt(k.calls_today)} testId="kpi-calls-today" />
          <KpiTile label={t('kpi.liveHumans')} value={fmtInt(k.humans_today)} sub={t('kpi.droppedN', { n: k.dropped_today })} testId="kpi-humans" />
          <KpiTile label={t('kpi.machines')} value={fmtInt(k.machines_today)} testId="kpi-machines" />
          <KpiTile
            label={t('kpi.abandonUs')}
            value={fmtPct(k.abandon_pct_us, 2)}
            sub={k.abandon_pct_us === null ? `${t('kpi.noLiveAnswers')} · ${limit}` : limit}
            tone={abandonTone(k.abandon_pct_us, k.abandon_limit_pct)}
            testId="kpi-abandon-us"
          />
          {/* Ofcom counts AMD false positives as abandoned; they are estimated from an assumed rate, not counted, so
              the tile says so: counted (the US figure) + the allowance. With no live answer there is no rate at all. */}
          <KpiTile
            label={t('kpi.abandonOfcom')}
            value={fmtPct(k.abandon_pct_ofcom, 2)}
            sub={
              k.abandon_pct_us === null ? (
                `${t('kpi.noLiveAnswers')} · ${limit}`
              ) : (
                <>
                  <span data-testid="kpi-abandon-ofcom-parts">{t('kpi.ofcomParts', { counted: fmtPct(k.abandon_pct_us, 2), fp: fmtNumber(k.amd_fp_rate_pct, 1) })}</span>
                  {` · ${limit}`}
                </>
              )
            }
            tone={abandonTone(k.abandon_pct_ofcom, k.abandon_limit_pct)}
            testId="kpi-abandon-ofcom"
          />
          <KpiTile label={t('kpi.aht')} value={fmtDuration(k.aht_s)} testId="kpi-aht" />
          <KpiTile label={t('kpi.asa')} value={k.asa_s === null ? '—' : `${fmtNumber(k.asa_s, 1)} s`} testId="kpi-asa" />
          <KpiTile label={t('kpi.callsPerMinute')} value={fmtNumber(k.calls_per_minute, 1)} testId="kpi-cpm" />
          <KpiTile label={t('kpi.activeCalls')} value={fmtInt(calls.length)} testId="kpi-active" />
          {d.recordings && <RecordingDiskTile r={d.recordings} />}
        </SimpleGrid>

        <Paper withBorder p="sm">
          <Group gap="xs" wrap="wrap" data-testid="agents-by-state">
            <Text fw={600} mr="xs">
              {t('kpi.agentsByState')}
            </Text>
            {AGENT_STATES.map((s) => (
              <Badge key={s} color={STATE_COLORS[s]} size="lg" variant="light" className="tabular" data-testid={`agents-${s}`}>
                {t(`agentState.${s}`)}: {byState[s] ?? 0}
              </Badge>
            ))}
          </Group>
        </Paper>

        {cluster && <NodesPanel board={cluster} zone={zone} />}

        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <Paper withBorder p="sm">
            <Title order={2} size="h5" mb="xs">
              {t('wallboard.perMinute')}
            </Title>
            <MinuteChart perMinute={board.perMinute} zone={zone} height={tv ? 260 : 200} />
          </Paper>
          <Paper withBorder p="sm">
            <Title order={2} size="h5" mb="xs">
              {t('wallboard.hourly')}
            </Title>
            <HourChart hourly={d.hourly} zone={zone} height={tv ? 260 : 200} />
          </Paper>
        </SimpleGrid>

        {d.scope === 'org' && <PacingPanel campaigns={[...board.campaigns.values()]} />}

        <Paper withBorder p="sm">
          <Title order={2} size="h5" mb="xs">
            {t('wallboard.agents')} ({agents.length})
          </Title>
          {agents.length === 0 ? (
            <Text c="dimmed" size="sm">
              {t('wallboard.noAgents')}
            </Text>
          ) : (
            <AgentGrid agents={agents} campaignNames={campaignNames} label={t('wallboard.agents')} showNode={showNode} />
          )}
        </Paper>

        <Paper withBorder p="sm">
          <Title order={2} size="h5" mb="xs">
            {t('wallboard.callsInProgress')} ({calls.length})
          </Title>
          <CallsInProgress calls={calls} counts={board.stageCounts()} campaignNames={campaignNames} agentNames={agentNames} showNode={showNode} />
        </Paper>
      </Stack>
    </div>
  );
}
