import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Card, Group, Loader, Paper, Select, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { Elapsed, serverNow } from '../../components/Elapsed';
import { fmtDuration, fmtInt, fmtPct, fmtPhone } from '../../app/format';
import { useAgentState, useMe } from './useAgentConsole';
import { LeadCard } from './LeadCard';
import { StatCard } from '../../components/Field';
import { hangupErrorText } from './hangup-error';
import { stateErrorText } from './state-error';

export const OUTCOMES = ['sale', 'interested', 'callback', 'not_interested', 'wrong_number', 'do_not_call', 'other'] as const;
const PAUSE_REASONS = ['break', 'lunch', 'training', 'meeting', 'technical', 'other'] as const;
const STATE_COLOR: Record<string, string> = { READY: 'green', RESERVED: 'cyan', TALKING: 'blue', WRAP_UP: 'violet', PAUSED: 'orange', LOGGED_OUT: 'gray' };

function startOfToday(): string {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
}

/** Seconds left of wrap-up, ticking. */
function WrapUpCountdown({ since, wrapUpMs }: { since: number; wrapUpMs: number }) {
  const { t } = useTranslation();
  const [left, setLeft] = useState(() => Math.max(0, (since + wrapUpMs - serverNow()) / 1000));
  useEffect(() => {
    const id = setInterval(() => setLeft(Math.max(0, (since + wrapUpMs - serverNow()) / 1000)), 250);
    return () => clearInterval(id);
  }, [since, wrapUpMs]);
  return (
    <Text fw={700} className="tabular" data-testid="wrap-up-countdown" aria-live="polite">
      {t('agent.wrapUpLeft', { time: fmtDuration(Math.ceil(left)) })}
    </Text>
  );
}

function Disposition({ callId }: { callId: string }) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<string | null>(null);
  const [notes, setNotes] = useState('');
  const save = useMutation({
    mutationFn: () => unwrap(api.POST('/api/calls/{id}/outcome', { params: { path: { id: callId } }, body: { outcome: outcome as (typeof OUTCOMES)[number], notes } })),
    onSuccess: (r) => notifications.show({ color: 'green', message: r.dnc_added ? t('agent.savedDnc') : t('agent.saved') }),
    onError: (e) => notifications.show({ color: 'red', title: t('errors.actionFailed'), message: hangupErrorText(e, t) }),
  });
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h5" mb="xs">
        {t('agent.disposition')}
      </Title>
      <Group gap="xs" role="group" aria-label={t('agent.disposition')}>
        {OUTCOMES.map((o) => (
          <Button key={o} variant={outcome === o ? 'filled' : 'default'} aria-pressed={outcome === o} onClick={() => setOutcome(o)} color={o === 'do_not_call' ? 'red' : undefined}>
            {t(`outcome.${o}`)}
          </Button>
        ))}
      </Group>
      <Textarea mt="sm" label={t('calls.notes')} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} autosize minRows={2} maxLength={4000} />
      <Group mt="sm">
        <Button onClick={() => save.mutate()} disabled={outcome === null} loading={save.isPending} data-testid="save-disposition">
          {t('agent.saveDisposition')}
        </Button>
        {save.isSuccess && (
          <Text c="green.9" size="sm" fw={600} data-testid="disposition-saved">
            {t('agent.saved')}
          </Text>
        )}
      </Group>
    </Paper>
  );
}

/** `since`: when the agent entered its state (for TALKING, the bridge), the timer's start until the record has it. */
function CurrentCall({ callId, status, since }: { callId: string; status: string; since: number }) {
  const { t } = useTranslation();
  // Keyed by the agent's status too: the call is read again when it goes from reserved to talking to ended.
  // While reserved, the call's record may not be written yet when the reservation arrives (404): ask every second
  // until it is read, then not again before the bridge (a console per agent must not poll a ringing call).
  // The agent's state can also turn TALKING before the record has its bridge time: ask again every second until it
  // has, and meanwhile run the timer from the agent's own state change (the same moment).
  const call = useQuery({
    queryKey: ['call', callId, status],
    queryFn: () => unwrap(api.GET('/api/calls/{id}', { params: { path: { id: callId } } })),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => {
      if (status === 'TALKING') return q.state.data?.bridgedAt == null ? 1000 : 5000;
      return status === 'RESERVED' && q.state.data === undefined ? 1000 : false;
    },
  });
  const hangup = useMutation({
    mutationFn: () => unwrap(api.POST('/api/calls/{id}/hangup', { params: { path: { id: callId } } })),
    onError: (e) => notifications.show({ color: 'red', title: t('errors.actionFailed'), message: hangupErrorText(e, t) }),
  });
  if (call.isLoading) return <Loader aria-label={t('common.loading')} />;
  if (call.isError && status === 'RESERVED') {
    return (
      <Paper withBorder p="md">
        <Text fw={700} size="lg" data-testid="call-state">
          {t('agent.connecting')}
        </Text>
      </Paper>
    );
  }
  if (call.isError) return <Alert color="red">{(call.error as Error).message}</Alert>;
  const c = call.data!;
  const talking = status === 'TALKING' && c.endedAt === null;
  const connecting = status === 'RESERVED' && c.endedAt === null;
  return (
    <Stack>
      <Paper withBorder p="md">
        <Group justify="space-between">
          <Group>
            <Text fw={700} size="lg" data-testid="call-state">
              {talking ? t('agent.onCall') : connecting ? t('agent.connecting') : t('agent.callEnded')}
            </Text>
            <Text className="tabular">{fmtPhone(c.phone)}</Text>
          </Group>
          <Group>
            <Text size="sm">{t('agent.callTime')}</Text>
            <span style={{ fontSize: '1.6rem' }} data-testid="call-timer">
              {talking ? <Elapsed since={c.bridgedAt ?? (since > 0 ? since : null)} /> : <span className="elapsed tabular" data-level="gray">{c.talkMs === null ? '—' : fmtDuration(c.talkMs / 1000)}</span>}
            </span>
            {talking && (
              <Button color="red" onClick={() => hangup.mutate()} loading={hangup.isPending}>
                {t('agent.hangUp')}
              </Button>
            )}
          </Group>
        </Group>
      </Paper>
      <LeadCard leadId={c.leadId} phone={c.phone} />
      <Disposition key={callId} callId={callId} />
    </Stack>
  );
}

export default function AgentConsoleScreen() {
  const { t } = useTranslation();
  const me = useMe();
  const agents = me.data?.agents ?? [];
  const [chosen, setChosen] = useState<string | null>(null);
  const agentId = chosen ?? agents[0]?.id;
  const { state, query, setState } = useAgentState(agentId);
  const [reason, setReason] = useState<string | null>(null);
  const today = useQuery({ queryKey: ['metrics-me-today'], queryFn: () => unwrap(api.GET('/api/metrics/me', { params: { query: { from: startOfToday() } } })), refetchInterval: 30_000 });

  const command = useMutation({
    mutationFn: async (verb: 'login' | 'ready' | 'pause' | 'logout') => {
      const path = { params: { path: { id: agentId! } } };
      if (verb === 'pause') return unwrap(api.POST('/api/agents/{id}/pause', { ...path, body: { reason: reason ?? 'other' } }));
      if (verb === 'login') return unwrap(api.POST('/api/agents/{id}/login', path));
      if (verb === 'ready') return unwrap(api.POST('/api/agents/{id}/ready', path));
      return unwrap(api.POST('/api/agents/{id}/logout', path));
    },
    onSuccess: (s) => s && setState((prev) => ({ status: s.status, since: s.since, pauseReason: s.pauseReason, wrapUpMs: s.wrapUpMs ?? prev?.wrapUpMs ?? null, callId: s.calls[0] ?? prev?.callId ?? null })),
    onError: (e) => notifications.show({ color: 'red', title: t('errors.actionFailed'), message: stateErrorText(e, t) }),
  });

  if (me.isLoading || (agentId && query.isLoading)) return <Loader aria-label={t('common.loading')} />;
  if (agents.length === 0) {
    return (
      <Stack>
        <Title order={1}>{t('nav.agent')}</Title>
        <Alert color="yellow" title={t('agent.noAgentTitle')}>
          {t('agent.noAgentText')}
        </Alert>
      </Stack>
    );
  }
  if (query.isError) return <Alert color="red">{(query.error as Error).message}</Alert>;
  const s = state;
  const status = s?.status ?? 'LOGGED_OUT';
  const m = today.data;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('nav.agent')}</Title>
        {agents.length > 1 && (
          <Select label={t('common.agent')} data={agents.map((a) => ({ value: a.id, label: a.name }))} value={agentId ?? null} onChange={setChosen} allowDeselect={false} w={220} />
        )}
      </Group>
      <Card withBorder>
        <Group justify="space-between" wrap="wrap">
          <Group>
            <Text fw={600}>{agents.find((a) => a.id === agentId)?.name}</Text>
            <Badge size="xl" color={STATE_COLOR[status] ?? 'gray'} data-testid="agent-status">
              {t(`agentState.${status}`)}
            </Badge>
            {s?.pauseReason && <Text size="sm">{t(`pauseReason.${s.pauseReason}`, { defaultValue: s.pauseReason })}</Text>}
            <Text size="sm">{t('agent.inState')}</Text>
            <Elapsed since={status === 'LOGGED_OUT' ? null : (s?.since ?? null)} colored={false} />
            {status === 'WRAP_UP' && s?.wrapUpMs ? <WrapUpCountdown since={s.since} wrapUpMs={s.wrapUpMs} /> : null}
          </Group>
          <Group>
            {status === 'LOGGED_OUT' ? (
              <Button onClick={() => command.mutate('login')} loading={command.isPending && command.variables === 'login'}>
                {t('agent.login')}
              </Button>
            ) : (
              <>
                <Button color="green" onClick={() => command.mutate('ready')} disabled={status === 'READY' || status === 'TALKING' || status === 'RESERVED'} loading={command.isPending && command.variables === 'ready'}>
                  {t('agent.ready')}
                </Button>
                <Select
                  aria-label={t('agent.pauseReason')}
                  placeholder={t('agent.pauseReason')}
                  data={PAUSE_REASONS.map((r) => ({ value: r, label: t(`pauseReason.${r}`) }))}
                  value={reason}
                  onChange={setReason}
                  w={210}
                />
                <Button color="orange" onClick={() => command.mutate('pause')} disabled={reason === null || status === 'PAUSED'} loading={command.isPending && command.variables === 'pause'}>
                  {t('agent.pause')}
                </Button>
                <Button variant="default" onClick={() => command.mutate('logout')} loading={command.isPending && command.variables === 'logout'}>
                  {t('agent.logout')}
                </Button>
              </>
            )}
          </Group>
        </Group>
      </Card>

      {s?.callId ? (
        <CurrentCall callId={s.callId} status={status} since={s.since} />
      ) : (
        <Paper withBorder p="xl" data-testid="idle-panel">
          <Group>
            <span style={{ fontSize: '1.6rem' }} data-testid="call-timer">
              <Elapsed since={null} />
            </span>
            <Text c="dimmed">{status === 'READY' ? t('agent.waitingForCall') : t('agent.notReady')}</Text>
          </Group>
        </Paper>
      )}

      <Paper withBorder p="md">
        <Title order={2} size="h5" mb="xs">
          {t('agent.myDay')}
        </Title>
        <SimpleGrid cols={{ base: 2, md: 5 }}>
          <StatCard plain label={t('reports.callsMade')} value={fmtInt(m?.calls_made)} />
          <StatCard plain label={t('reports.connected')} value={fmtInt(m?.calls_success)} />
          <StatCard plain label={t('reports.talkTime')} value={fmtDuration(m?.total_talk_time)} />
          <StatCard plain label={t('kpi.aht')} value={fmtDuration(m?.aht)} />
          <StatCard plain label={t('reports.successPct')} value={fmtPct(m?.success_pct)} />
        </SimpleGrid>
      </Paper>
    </Stack>
  );
}
