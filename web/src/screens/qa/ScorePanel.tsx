import { Fragment, useEffect, useState } from 'react';
import { Alert, Badge, Button, Group, NumberInput, Paper, SegmentedControl, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, unwrap } from '../../api/client';
import { problemText } from '../../api/problems';
import { fmtDateTime } from '../../app/format';
import { useSession } from '../../auth/useSession';

/** The scorecard beside the player: pick a scorecard, answer its criteria, notes, save; the call's scores below. */
export function ScorePanel({ callId }: { callId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const role = useSession()?.user.role;
  const userId = useSession()?.user.id;
  const canScore = role !== undefined && role !== 'agent';
  const cards = useQuery({ queryKey: ['qa-scorecards'], enabled: canScore, queryFn: () => unwrap(api.GET('/api/qa/scorecards', { params: { query: {} } })) });
  const scores = useQuery({ queryKey: ['qa-scores', callId], queryFn: () => unwrap(api.GET('/api/recordings/{callId}/scores', { params: { path: { callId } } })) });
  const [cardId, setCardId] = useState<string | null>(null);
  const [answers, setAnswers] = useState<Record<string, number>>({});
  const [notes, setNotes] = useState('');
  const card = cards.data?.items.find((c) => c.id === cardId);

  useEffect(() => {
    if (!cardId && cards.data?.items.length) setCardId(cards.data.items[0]!.id);
  }, [cards.data, cardId]);
  // Picking a scorecard starts from my own score with it, if I gave one.
  useEffect(() => {
    const mine = scores.data?.items.find((s) => s.scorecardId === cardId && s.reviewerId === userId);
    setAnswers(mine?.answers ?? {});
    setNotes(mine?.notes ?? '');
  }, [cardId, scores.data, userId]);

  const save = useMutation({
    mutationFn: () => unwrap(api.PUT('/api/recordings/{callId}/scores', { params: { path: { callId } }, body: { scorecardId: cardId!, answers, criterionNotes: {}, notes: notes.trim() ? notes.trim() : null } })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['qa-scores', callId] });
      void qc.invalidateQueries({ queryKey: ['recordings'] });
    },
  });
  const cardName = (id: string) => cards.data?.items.find((c) => c.id === id)?.name ?? id;
  const problems = save.error instanceof ApiError ? save.error.details.map((d) => `${d.field}: ${problemText(d, t)}`) : [];

  return (
    <Stack>
      {canScore && (
        <Paper withBorder p="md" data-testid="score-form">
          <Title order={2} size="h4" mb="sm">
            {t('qa.scoreTitle')}
          </Title>
          {cards.isSuccess && cards.data.items.length === 0 ? (
            <Text c="dimmed">{t('qa.noScorecards')}</Text>
          ) : (
            <Stack gap="sm">
              <Select label={t('qa.scorecard')} data={(cards.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} value={cardId} onChange={setCardId} allowDeselect={false} />
              {card?.criteria.map((k, i) => (
                <Fragment key={k.id}>
                  {k.section && k.section !== card.criteria[i - 1]?.section && (
                    <Text size="xs" fw={700} tt="uppercase" c="dimmed" mt={i ? 'xs' : 0}>
                      {k.section}
                    </Text>
                  )}
                  <Stack gap={2}>
                    <Text size="sm" fw={500} id={`crit-${k.id}`}>
                      {k.label} <Text span size="xs" c="dimmed">({t('qa.weight', { weight: k.weight })})</Text>
                      {k.critical && (
                        <Badge component="span" color="red" variant="light" size="xs" ml={4}>
                          {t('qa.critical')}
                        </Badge>
                      )}
                    </Text>
                    {k.type === 'points' ? (
                      <NumberInput aria-labelledby={`crit-${k.id}`} min={0} max={k.max} value={answers[k.id] ?? ''} onChange={(v) => setAnswers((a) => ({ ...a, [k.id]: Number(v) }))} data-testid={`answer-${k.id}`} />
                    ) : (
                      <SegmentedControl
                        aria-labelledby={`crit-${k.id}`}
                        data-testid={`answer-${k.id}`}
                        value={answers[k.id] === undefined ? '' : String(answers[k.id])}
                        onChange={(v) => setAnswers((a) => ({ ...a, [k.id]: Number(v) }))}
                        data={
                          k.type === 'yesno'
                            ? [
                                { value: '1', label: t('common.yes') },
                                { value: '0', label: t('common.no') },
                              ]
                            : ['1', '2', '3', '4', '5'].map((v) => ({ value: v, label: v }))
                        }
                      />
                    )}
                  </Stack>
                </Fragment>
              ))}
              {card?.criteria.some((k) => k.critical && k.type === 'yesno' && answers[k.id] === 0) && (
                <Alert color="red" variant="light" data-testid="critical-failed">
                  {t('qa.criticalFailed')}
                </Alert>
              )}
              <Textarea label={t('qa.notes')} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} autosize minRows={2} maxLength={5000} />
              <Group>
                <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!card || Object.keys(answers).length === 0} data-testid="score-save">
                  {t('qa.save')}
                </Button>
                {save.isSuccess && (
                  <Text size="sm" c="green" data-testid="score-saved">
                    {t('qa.saved', { percent: save.data.percent.toFixed(0) })}
                  </Text>
                )}
              </Group>
              {save.isError && (
                <Alert color="red" title={t('qa.saveFailed')}>
                  {/* The API's summary is English; when it names the problems, they are listed in the user's language instead. */}
                  {problems.length === 0 && (save.error as Error).message}
                  {problems.map((p) => (
                    <div key={p}>{p}</div>
                  ))}
                </Alert>
              )}
            </Stack>
          )}
        </Paper>
      )}
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t('qa.scoresTitle')}
        </Title>
        {scores.data?.items.length ? (
          <Stack gap="xs" data-testid="scores-list">
            {scores.data.items.map((s) => (
              <Paper key={s.id} withBorder p="xs">
                <Group justify="space-between">
                  <Text fw={600} className="tabular" data-testid="score-percent">
                    {s.percent.toFixed(0)} %
                  </Text>
                  <Text size="sm">{cardName(s.scorecardId)}</Text>
                </Group>
                <Text size="xs" c="dimmed">
                  {t('qa.by', { who: s.reviewerName ?? s.reviewerId, when: fmtDateTime(s.updatedAt) })}
                </Text>
                {s.notes && <Text size="sm">{s.notes}</Text>}
              </Paper>
            ))}
          </Stack>
        ) : (
          <Text c="dimmed">{t('qa.noScores')}</Text>
        )}
      </Paper>
    </Stack>
  );
}
