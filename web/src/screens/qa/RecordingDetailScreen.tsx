import { useCallback, useState } from 'react';
import { Alert, Anchor, Badge, Button, Grid, Group, Loader, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { fmtDateTime, fmtDuration, fmtPhone } from '../../app/format';
import { Field } from '../../components/Field';
import { Player } from './Player';
import { AmdTraceChart } from './AmdTraceChart';
import { ScorePanel } from './ScorePanel';

/** One recording: the player (waveform, speed, shortcuts), the AMD trace under it, and the scorecard beside. */
export default function RecordingDetailScreen() {
  const { id } = useParams();
  const callId = id!;
  const { t } = useTranslation();
  const [position, setPosition] = useState(0);
  const onTime = useCallback((s: number) => setPosition(s), []);
  // What the player plays: the conversation, or the AMD window (the first seconds after answer, before any
  // agent: the conversation's recording starts at the bridge, after the decision). Under the AMD window's
  // waveform the AMD trace is drawn on the same time axis.
  const [chosenPart, setPart] = useState<'call' | 'amd' | null>(null);
  const [playerS, setPlayerS] = useState<number | null>(null);
  const onDuration = useCallback((s: number) => setPlayerS(s), []);
  const rec = useQuery({
    queryKey: ['recording', callId],
    queryFn: () => unwrap(api.GET('/api/recordings/{callId}', { params: { path: { callId } } })),
    refetchInterval: (q) => (q.state.data && ['ready', 'failed', 'deleted'].includes(q.state.data.state) ? false : 3000),
  });
  const ready = (rec.data?.hasAudio ?? false) || (rec.data?.hasAmdAudio ?? false);
  // Signed URLs (valid 10 min, for this user and call): asked once the audio exists, again before they expire.
  const urls = useQuery({
    queryKey: ['recording-urls', callId],
    enabled: ready,
    staleTime: 8 * 60_000,
    refetchInterval: 8 * 60_000,
    queryFn: () => unwrap(api.POST('/api/recordings/{callId}/urls', { params: { path: { callId } } })),
  });
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => unwrap(api.GET('/api/agents')) });
  const part = chosenPart ?? (urls.data?.audio ? 'call' : urls.data?.amdAudio ? 'amd' : null);
  const src = part === 'call' ? urls.data?.audio : part === 'amd' ? urls.data?.amdAudio : null;

  if (rec.isLoading) return <Loader aria-label={t('common.loading')} />;
  if (rec.isError) return <Alert color="red" title={t('errors.loadFailed')}>{(rec.error as Error).message}</Alert>;
  const r = rec.data!;
  const agentName = r.call.agentId ? (agents.data?.items.find((a) => a.id === r.call.agentId)?.name ?? r.call.agentId) : '—';
  return (
    <Stack>
      <Anchor component={Link} to="/recordings" size="sm">
        ← {t('recordings.back')}
      </Anchor>
      <Group justify="space-between">
        <Title order={1}>
          {t('recordings.detailTitle')} · {fmtPhone(r.call.phone)}
        </Title>
        <Badge size="lg" color={r.state === 'ready' ? 'green' : r.state === 'failed' ? 'red' : 'gray'} data-testid="recording-state">
          {t(`recordings.states.${r.state}`)}
        </Badge>
      </Group>
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 2, md: 5 }}>
          <Field label={t('calls.when')} value={fmtDateTime(r.startedAt)} />
          <Field label={t('common.agent')} value={agentName} />
          <Field label={t('common.campaign')} value={r.call.campaignName ?? r.call.campaignId ?? '—'} />
          <Field label={t('calls.disposition')} value={r.call.disposition ? t(`disposition.${r.call.disposition}`, { defaultValue: r.call.disposition }) : '—'} />
          <Field label={t('recordings.duration')} value={r.durationMs === null ? '—' : fmtDuration(r.durationMs / 1000)} />
        </SimpleGrid>
        <Anchor component={Link} to={`/calls/${r.callId}`} size="sm">
          {t('recordings.openCall')}
        </Anchor>
      </Paper>
      {r.error && (
        <Alert color="red" title={t('recordings.failed', { attempts: r.attempts })}>
          {r.error}
        </Alert>
      )}
      <Grid>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="sm">
                {t('recordings.player')}
              </Title>
              {!ready ? (
                <Text c="dimmed">{['ready', 'failed', 'deleted'].includes(r.state) ? t('recordings.noAudio') : t('recordings.notReady')}</Text>
              ) : urls.data && src ? (
                <Stack gap="xs">
                  {urls.data.audio && urls.data.amdAudio && (
                    <SegmentedControl
                      value={part!}
                      onChange={(v) => {
                        setPart(v as 'call' | 'amd');
                        setPlayerS(null);
                        setPosition(0);
                      }}
                      data={[
                        { value: 'call', label: t('recordings.partCall') },
                        { value: 'amd', label: t('recordings.partAmd') },
                      ]}
                      aria-label={t('recordings.part')}
                      data-testid="player-part"
                    />
                  )}
                  <Player
                    key={part}
                    src={src}
                    peaks={part === 'call' ? r.peaks : null}
                    durationMs={part === 'call' ? r.durationMs : null}
                    onTime={onTime}
                    onDuration={onDuration}
                    below={part === 'amd' && r.amd && playerS ? <AmdTraceChart trace={r.amd} positionS={position} axis={{ durationS: playerS, offsetS: 0 }} /> : null}
                  />
                </Stack>
              ) : urls.isError ? (
                <Alert color="red">{(urls.error as Error).message}</Alert>
              ) : (
                <Loader aria-label={t('common.loading')} />
              )}
              {urls.data?.download && part === 'call' && (
                <Anchor href={urls.data.download} size="sm" download>
                  {t('recordings.download')}
                </Anchor>
              )}
              {r.pauses.length > 0 && (
                <Text size="sm" mt="xs">
                  {t('recordings.pauses', { at: r.pauses.map((p) => fmtDuration(p.offsetMs / 1000)).join(', ') })}
                </Text>
              )}
            </Paper>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="sm">
                {t('recordings.amdTitle')}
              </Title>
              {!r.amd ? (
                <Text c="dimmed">{t('recordings.noAmd')}</Text>
              ) : part === 'amd' ? (
                <Text size="sm" c="dimmed" data-testid="amd-under-waveform">
                  {t('recordings.amdUnderWaveform')}
                </Text>
              ) : (
                <Stack gap="xs">
                  <AmdTraceChart trace={r.amd} positionS={-1} />
                  {urls.data?.amdAudio && (
                    <Button variant="default" size="xs" w="fit-content" onClick={() => setPart('amd')} data-testid="play-amd-window">
                      {t('recordings.playAmdWindow')}
                    </Button>
                  )}
                </Stack>
              )}
            </Paper>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <ScorePanel callId={r.callId} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
