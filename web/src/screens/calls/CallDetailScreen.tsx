import { Alert, Anchor, Badge, Group, Loader, Paper, SimpleGrid, Stack, Text, Timeline, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { fmtDateTime, fmtDuration, fmtPhone } from '../../app/format';
import { callTimeline, hangupSide } from './timeline';
import { Field } from '../../components/Field';

export default function CallDetailScreen() {
  const { id } = useParams();
  const { t } = useTranslation();
  const call = useQuery({ queryKey: ['call', id], queryFn: () => unwrap(api.GET('/api/calls/{id}', { params: { path: { id: id! } } })), refetchInterval: (q) => (q.state.data?.endedAt === null ? 3000 : false) });
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => unwrap(api.GET('/api/agents')) });
  if (call.isLoading) return <Loader aria-label={t('common.loading')} />;
  if (call.isError) return <Alert color="red" title={t('errors.loadFailed')}>{(call.error as Error).message}</Alert>;
  const c = call.data!;
  const agentName = (agentId: string | null) => (agentId ? (agents.data?.items.find((a) => a.id === agentId)?.name ?? agentId) : '—');
  const steps = callTimeline(c);
  const side = hangupSide(c);
  const detail = (s: (typeof steps)[number]): string => {
    if (s.key === 'amd') return t('timeline.amdDetail', { status: t(`amd.${s.detail!.status}`, { defaultValue: String(s.detail!.status) }), cause: s.detail!.cause, ms: s.detail!.ms });
    if (s.key === 'bridged') return t('timeline.bridgedDetail', { agent: agentName(c.agentId) });
    if (s.key === 'ended' && s.detail!.interruption !== undefined) return t('timeline.interruptedDetail', { cause: t(`interruption.${s.detail!.interruption}`, { defaultValue: String(s.detail!.interruption) }) });
    if (s.key === 'ended') return t('timeline.endedDetail', { side: side ? t(`hangupSide.${side}`) : '—', cause: s.detail!.cause });
    return '';
  };
  return (
    <Stack>
      <Anchor component={Link} to="/calls" size="sm">
        ← {t('calls.back')}
      </Anchor>
      <Group justify="space-between">
        <Title order={1}>
          {t('calls.detailTitle')} · {fmtPhone(c.phone)}
        </Title>
        {c.disposition ? <Badge size="lg">{t(`disposition.${c.disposition}`)}</Badge> : <Badge size="lg" color="blue">{t('calls.inProgress')}</Badge>}
      </Group>
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Field label={t('common.campaign')} value={c.campaignName ?? c.campaignId ?? '—'} testId="call-campaign" />
          <Field label={t('common.agent')} value={agentName(c.agentId)} />
          <Field label={t('calls.outcome')} value={c.outcome ? t(`outcome.${c.outcome}`) : '—'} testId="call-outcome" />
          <Field label={t('calls.talk')} value={c.talkMs === null ? '—' : fmtDuration(c.talkMs / 1000)} />
          <Field label={t('calls.ring')} value={c.ringMs === null ? '—' : fmtDuration(c.ringMs / 1000)} />
          <Field label={t('calls.total')} value={c.totalMs === null ? '—' : fmtDuration(c.totalMs / 1000)} />
          <Field label={t('calls.hangupCause')} value={c.hangupCause === null ? '—' : String(c.hangupCause)} />
          <Field label={t('calls.lead')} value={c.leadId ? t('calls.openLead') : '—'} link={c.leadId ? `/leads/${c.leadId}` : undefined} />
        </SimpleGrid>
        {c.notes && (
          <Text mt="sm" data-testid="call-notes">
            <b>{t('calls.notes')}:</b> {c.notes}
          </Text>
        )}
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="md">
          {t('calls.timeline')}
        </Title>
        <Timeline active={steps.length - 1} bulletSize={18} lineWidth={2} data-testid="call-timeline">
          {steps.map((s) => (
            <Timeline.Item key={s.key} title={t(`timeline.${s.key}`)} data-testid={`timeline-${s.key}`}>
              <Text size="sm" className="tabular">
                {fmtDateTime(s.at)} (+{fmtDuration((s.at - c.createdAt) / 1000)})
              </Text>
              {detail(s) && <Text size="sm">{detail(s)}</Text>}
            </Timeline.Item>
          ))}
        </Timeline>
      </Paper>
    </Stack>
  );
}
