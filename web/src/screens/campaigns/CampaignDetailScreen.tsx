import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Loader, Modal, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, downloadFile, errorText, unwrap } from '../../api/client';
import { useSession } from '../../auth/useSession';
import { fmtInt, fmtNumber, fmtPct } from '../../app/format';
import { CAMPAIGN_STATE_COLOR } from '../wallboard/PacingPanel';
import { describePacing } from '../wallboard/pacing-text';
import { useCampaign, useCampaignStats } from './useCampaigns';
import { WhatIfPanel } from './WhatIfPanel';
import { StatCard } from '../../components/Field';

type Command = 'start' | 'pause' | 'stop';

export default function CampaignDetailScreen() {
  const { id } = useParams();
  const { t } = useTranslation();
  const session = useSession();
  const canManage = session?.user.role === 'supervisor' || session?.user.role === 'admin';
  const qc = useQueryClient();
  const campaign = useCampaign(id);
  const stats = useCampaignStats(id!);
  const [confirm, setConfirm] = useState<Command | 'test' | null>(null);
  // The modal keeps the last command's words while it fades out: blanking them as `confirm` turns null left
  // an unnamed button on screen for the whole transition (screen readers, axe's button-name).
  const [shownCommand, setShownCommand] = useState<Command>('start');
  if (confirm && confirm !== 'test' && confirm !== shownCommand) setShownCommand(confirm);
  const [testPhone, setTestPhone] = useState('');
  const [testError, setTestError] = useState<string | null>(null);
  /** Why the confirmed command was refused, in the user's language when the API names the rule; shown in the dialog. */
  const [runError, setRunError] = useState<string | null>(null);
  const closeConfirm = () => {
    setConfirm(null);
    setRunError(null);
  };

  const run = useMutation({
    mutationFn: async (cmd: Command) => {
      const p = { params: { path: { id: id! } } };
      if (cmd === 'start') return unwrap(api.POST('/api/campaigns/{id}/start', p));
      if (cmd === 'pause') return unwrap(api.POST('/api/campaigns/{id}/pause', p));
      return unwrap(api.POST('/api/campaigns/{id}/stop', p));
    },
    onSuccess: (_r, cmd) => {
      setConfirm(null);
      setRunError(null);
      notifications.show({ color: 'green', message: t(`campaigns.done.${cmd}`) });
      void qc.invalidateQueries({ queryKey: ['campaign', id] });
      void qc.invalidateQueries({ queryKey: ['campaign-stats', id] });
      void qc.invalidateQueries({ queryKey: ['campaigns'] });
    },
    onError: (e) => setRunError(errorText(e, t)),
  });
  const testCall = useMutation({
    mutationFn: () => unwrap(api.POST('/api/campaigns/{id}/test-call', { params: { path: { id: id! } }, body: { phone: testPhone.trim() } })),
    onSuccess: (r) => {
      setConfirm(null);
      notifications.show({ color: 'green', message: t('campaigns.testPlaced', { id: (r as { call_id: string }).call_id }) });
    },
    onError: (e) => setTestError(errorText(e, t)),
  });

  if (campaign.isLoading) return <Loader aria-label={t('common.loading')} />;
  if (campaign.isError) return <Alert color="red" title={t('errors.loadFailed')}>{(campaign.error as Error).message}</Alert>;
  const c = campaign.data!;
  const s = stats.data;
  const pacing = s?.pacing ? describePacing(s.pacing.mode) : null;

  return (
    <Stack>
      <Anchor component={Link} to="/campaigns" size="sm">
        ← {t('campaigns.back')}
      </Anchor>
      <Group justify="space-between" wrap="wrap">
        <Group>
          <Title order={1}>{c.name}</Title>
          <Badge size="lg" color={CAMPAIGN_STATE_COLOR[c.state]} data-testid="campaign-state">
            {t(`campaignState.${c.state}`)}
          </Badge>
        </Group>
        {c.state === 'failed' && c.stateReason && (
          <Alert color="red" w="100%" title={t('campaignState.failed')} data-testid="campaign-state-reason">
            {t('campaigns.failedReason', { reason: c.stateReason })}
          </Alert>
        )}
        {canManage && (
          <Group>
            <Button color="green" disabled={c.state === 'running'} onClick={() => setConfirm('start')}>
              {t('campaigns.start')}
            </Button>
            <Button color="orange" disabled={c.state !== 'running'} onClick={() => setConfirm('pause')}>
              {t('campaigns.pause')}
            </Button>
            <Button color="red" variant="outline" disabled={c.state === 'stopped' || c.state === 'draft'} onClick={() => setConfirm('stop')}>
              {t('campaigns.stop')}
            </Button>
            <Button variant="default" onClick={() => setConfirm('test')}>
              {t('campaigns.testCall')}
            </Button>
            <Button variant="default" component={Link} to={`/campaigns/${c.id}/edit`}>
              {t('campaigns.edit')}
            </Button>
          </Group>
        )}
      </Group>

      <Modal opened={confirm !== null && confirm !== 'test'} onClose={closeConfirm} title={t(`campaigns.confirm.${shownCommand}Title`)}>
        <Text mb="md">{t(`campaigns.confirm.${shownCommand}`, { name: c.name })}</Text>
        {runError && (
          <Alert color="red" title={t('errors.actionFailed')} mb="md">
            {runError}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={closeConfirm}>
            {t('common.cancel')}
          </Button>
          <Button loading={run.isPending} onClick={() => confirm && confirm !== 'test' && run.mutate(confirm)} data-testid="confirm-command">
            {t(`campaigns.${shownCommand}`)}
          </Button>
        </Group>
      </Modal>
      <Modal opened={confirm === 'test'} onClose={() => setConfirm(null)} title={t('campaigns.testCall')}>
        <TextInput label={t('campaigns.testPhone')} description={t('campaigns.testPhoneHint')} value={testPhone} onChange={(e) => setTestPhone(e.currentTarget.value)} error={testError} />
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setConfirm(null)}>
            {t('common.cancel')}
          </Button>
          <Button
            loading={testCall.isPending}
            disabled={testPhone.trim() === ''}
            onClick={() => {
              setTestError(null);
              testCall.mutate();
            }}
          >
            {t('campaigns.placeTestCall')}
          </Button>
        </Group>
      </Modal>

      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <StatCard label={t('campaigns.liveCalls')} value={s ? fmtInt(s.calls.ringing + s.calls.amd + s.calls.waiting + s.calls.connected) : '—'} />
        <StatCard label={t('campaigns.placedToday')} value={s ? fmtInt(s.today.placed) : '—'} />
        <StatCard label={t('kpi.liveHumans')} value={s ? fmtInt(s.today.humans) : '—'} />
        <StatCard label={t('kpi.abandonUs')} value={s ? fmtPct(s.today.abandonPct, 2) : '—'} />
        <StatCard label={t('campaigns.dialMode')} value={`${t(`dialMode.${pacing?.mode ?? c.dialMode}`, { defaultValue: pacing?.mode ?? c.dialMode })}${pacing?.reasonKey ? ` · ${t(`pacingReason.${pacing.reasonKey}`)}` : ''}`} />
        <StatCard label={t('wallboard.dialLevel')} value={s?.pacing?.level === null || !s?.pacing ? '—' : fmtNumber(s.pacing.level, 2)} />
        <StatCard label={t('campaigns.agentsReady')} value={s ? `${s.agents.ready} / ${s.agents.loggedIn}` : '—'} />
        <StatCard label={t('kpi.machines')} value={s ? fmtInt(s.today.machines) : '—'} />
      </SimpleGrid>
      {stats.isError && <Alert color="yellow">{t('campaigns.statsUnavailable')}</Alert>}

      <Paper withBorder p="md">
        <Group justify="space-between" mb="xs">
          <Title order={2} size="h4">
            {t('nav.leads')}
          </Title>
          <Group>
            <Button variant="default" component={Link} to={`/leads?campaign=${c.id}`}>
              {t('campaigns.viewLeads')}
            </Button>
            {canManage && (
              <Button component={Link} to={`/leads/import?campaign=${c.id}`}>
                {t('import.title')}
              </Button>
            )}
            <Button variant="default" onClick={() => void downloadFile(`/api/campaigns/${c.id}/leads/export?format=csv`, `${c.id}-leads.csv`).catch((e: Error) => notifications.show({ color: 'red', message: e.message }))}>
              {t('leads.exportCsv')}
            </Button>
            <Button variant="default" onClick={() => void downloadFile(`/api/campaigns/${c.id}/leads/export?format=xlsx`, `${c.id}-leads.xlsx`).catch((e: Error) => notifications.show({ color: 'red', message: e.message }))}>
              {t('leads.exportXlsx')}
            </Button>
          </Group>
        </Group>
        <Group gap="xs" data-testid="lead-counts">
          {Object.entries(c.leads ?? {}).length === 0 ? (
            <Text c="dimmed">{t('campaigns.noLeads')}</Text>
          ) : (
            Object.entries(c.leads ?? {}).map(([status, n]) => (
              <Badge key={status} color="gray" size="lg" className="tabular">
                {t(`leadStatus.${status}`, { defaultValue: status })}: {n}
              </Badge>
            ))
          )}
        </Group>
      </Paper>

      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="xs">
          {t('campaigns.settings')}
        </Title>
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <StatCard plain label={t('campaigns.f.maxConcurrent')} value={String(c.maxConcurrent)} />
          <StatCard plain label={t('campaigns.f.dialRatio')} value={String(c.dialRatio)} />
          <StatCard plain label={t('campaigns.f.callingHours')} value={`${c.callingHours.start}–${c.callingHours.end}`} />
          <StatCard plain label={t('campaigns.f.defaultTimeZone')} value={c.defaultTimeZone} />
          <StatCard plain label={t('campaigns.f.maxAttempts')} value={String(c.maxAttempts)} />
          <StatCard plain label={t('campaigns.f.wrapUpS')} value={`${c.wrapUpS} s`} />
          <StatCard plain label={t('campaigns.f.dropTarget')} value={fmtPct(c.dropTarget * 100, 1)} />
          <StatCard plain label={t('campaigns.f.dialStringTemplate')} value={c.dialStringTemplate} />
        </SimpleGrid>
      </Paper>

      <WhatIfPanel campaignId={c.id} />
    </Stack>
  );
}
