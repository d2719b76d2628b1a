import { Fragment, useState } from 'react';
import { Alert, Anchor, Badge, Group, Loader, Paper, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { fmtDateTime, fmtNumber } from '../../app/format';

type Scorecard = components['schemas']['Scorecard'];
type Criterion = Scorecard['criteria'][number];
type Score = components['schemas']['QaScore'];

/** A spread of this many points or more between reviewers needs a calibration talk; half of it, a look. */
const SPREAD_HIGH = 20;
const spreadColor = (p: number) => (p >= SPREAD_HIGH ? 'red' : p >= SPREAD_HIGH / 2 ? 'yellow' : 'green');

/** An answer as the share of the item's marks (0–100), as the score's percentage counts it. */
export function answerPct(k: Criterion, a: number | undefined): number | null {
  if (a === undefined) return null;
  if (k.type === 'yesno') return a ? 100 : 0;
  if (k.type === 'scale5') return ((Math.min(5, Math.max(1, a)) - 1) / 4) * 100;
  return Math.min(1, Math.max(0, a / (k.max ?? 1))) * 100;
}

/** Items in their sections' order of first appearance (the editor keeps a section's items together). */
function bySection(criteria: Criterion[]): Array<[string | null, Criterion[]]> {
  const out = new Map<string | null, Criterion[]>();
  for (const k of criteria) out.set(k.section ?? null, [...(out.get(k.section ?? null) ?? []), k]);
  return [...out];
}

/** Several reviewers' scores of one call on one scorecard, side by side: each item's answers and their spread. */
function SideBySide({ callId, card }: { callId: string; card: Scorecard | undefined }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['qa-calibration', callId, card?.id],
    enabled: card !== undefined,
    queryFn: () => unwrap(api.GET('/api/qa/calibration', { params: { query: { call_id: callId, scorecard_id: card!.id } } })),
  });
  if (!card) return <Text c="dimmed">{t('calibration.noScorecard')}</Text>;
  if (q.isLoading) return <Loader aria-label={t('common.loading')} />;
  if (q.isError) return <Alert color="red" title={t('errors.loadFailed')}>{(q.error as Error).message}</Alert>;
  const scores: Score[] = q.data!.scores;
  const answer = (k: Criterion, s: Score) => {
    const a = s.answers[k.id];
    if (a === undefined) return '—';
    if (k.type === 'yesno') return a ? t('common.yes') : t('common.no');
    if (k.type === 'scale5') return `${a} / 5`;
    return `${a} / ${k.max ?? '?'}`;
  };
  const itemSpread = (k: Criterion) => {
    const v = scores.map((s) => answerPct(k, s.answers[k.id])).filter((x): x is number => x !== null);
    return v.length < 2 ? null : Math.max(...v) - Math.min(...v);
  };
  const totals = scores.map((s) => s.percent);
  const totalSpread = totals.length ? Math.max(...totals) - Math.min(...totals) : 0;
  const mean = totals.length ? totals.reduce((a, b) => a + b, 0) / totals.length : 0;

  return (
    <Stack gap="sm" data-testid="calibration-detail">
      <Group justify="space-between" wrap="wrap">
        <Title order={2} size="h4">
          {t('calibration.detailTitle', { card: card.name })}
        </Title>
        <Anchor component={Link} to={`/recordings/${callId}`} size="sm">
          {t('calibration.listen')}
        </Anchor>
      </Group>
      <Table.ScrollContainer minWidth={320 + 150 * scores.length}>
        <Table withTableBorder withColumnBorders fz="sm" data-testid="calibration-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('calibration.item')}</Table.Th>
              {scores.map((s) => (
                <Table.Th key={s.id} data-testid="reviewer">
                  {s.reviewerName ?? s.reviewerId}
                  <Text size="xs" c="dimmed" fw={400}>
                    {fmtDateTime(s.updatedAt)}
                  </Text>
                </Table.Th>
              ))}
              <Table.Th>{t('calibration.spread')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {bySection(card.criteria).map(([section, items]) => (
              <Fragment key={section ?? '—'}>
                {section && (
                  <Table.Tr className="calibration-section">
                    <Table.Th colSpan={scores.length + 2} scope="colgroup">
                      {section}
                    </Table.Th>
                  </Table.Tr>
                )}
                {items.map((k) => {
                  const sp = itemSpread(k);
                  return (
                    <Table.Tr key={k.id} data-testid={`cal-item-${k.id}`}>
                      <Table.Th scope="row" fw={400}>
                        {k.label}{' '}
                        {k.critical && (
                          <Badge color="red" variant="light" size="xs">
                            {t('scorecards.critical')}
                          </Badge>
                        )}
                      </Table.Th>
                      {scores.map((s) => (
                        <Table.Td key={s.id} className="tabular" bg={sp !== null && sp > 0 ? 'var(--mantine-color-yellow-0)' : undefined}>
                          {answer(k, s)}
                          {s.criterionNotes[k.id] && (
                            <Text size="xs" c="dimmed">
                              {s.criterionNotes[k.id]}
                            </Text>
                          )}
                        </Table.Td>
                      ))}
                      <Table.Td className="tabular" data-testid="item-spread">
                        {sp === null ? '—' : `${fmtNumber(sp, 0)} pt`}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Fragment>
            ))}
            <Table.Tr>
              <Table.Th scope="row">{t('calibration.total')}</Table.Th>
              {scores.map((s) => (
                <Table.Td key={s.id} className="tabular" fw={700} data-testid="reviewer-total">
                  {fmtNumber(s.percent, 1)} %
                </Table.Td>
              ))}
              <Table.Td>
                <Badge color={spreadColor(totalSpread)} variant="light" className="tabular" data-testid="total-spread">
                  {fmtNumber(totalSpread, 1)} pt
                </Badge>
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th scope="row">{t('qa.notes')}</Table.Th>
              {scores.map((s) => (
                <Table.Td key={s.id}>{s.notes ?? '—'}</Table.Td>
              ))}
              <Table.Td />
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="sm" c="dimmed">
        {t('calibration.summary', { n: scores.length, mean: fmtNumber(mean, 1), spread: fmtNumber(totalSpread, 1) })}
      </Text>
    </Stack>
  );
}

/**
 * Calibration (team leads, supervisors, admins): calls that two or more reviewers scored with the same scorecard,
 * widest disagreement first to the eye (the spread badge); one opened shows their scores side by side.
 */
export default function CalibrationScreen() {
  const { t } = useTranslation();
  const [open, setOpen] = useState<{ callId: string; scorecardId: string } | null>(null);
  const calls = useQuery({ queryKey: ['qa-calibration'], queryFn: () => unwrap(api.GET('/api/qa/calibration', { params: { query: {} } })) });
  const cards = useQuery({ queryKey: ['qa-scorecards', { archived: true }], queryFn: () => unwrap(api.GET('/api/qa/scorecards', { params: { query: { archived: 'true' } } })) });
  const card = (id: string) => cards.data?.items.find((c) => c.id === id);

  return (
    <Stack>
      <Title order={1}>{t('nav.calibration')}</Title>
      <Text size="sm" c="dimmed">
        {t('calibration.help', { high: SPREAD_HIGH })}
      </Text>
      <Paper withBorder p="sm">
        {calls.isError ? (
          <Alert color="red" title={t('errors.loadFailed')}>
            {(calls.error as Error).message}
          </Alert>
        ) : calls.isLoading ? (
          <Loader aria-label={t('common.loading')} />
        ) : calls.data!.calls.length === 0 ? (
          <Text c="dimmed">{t('calibration.empty')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table striped highlightOnHover fz="sm" data-testid="calibration-calls">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('calibration.call')}</Table.Th>
                  <Table.Th>{t('qa.scorecard')}</Table.Th>
                  <Table.Th>{t('calibration.reviewers')}</Table.Th>
                  <Table.Th>{t('calibration.spread')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {calls.data!.calls.map((c) => {
                  const selected = open?.callId === c.callId && open.scorecardId === c.scorecardId;
                  return (
                    <Table.Tr key={`${c.callId}/${c.scorecardId}`} bg={selected ? 'var(--mantine-color-blue-0)' : undefined}>
                      <Table.Td>
                        <Anchor component="button" type="button" fz="sm" onClick={() => setOpen({ callId: c.callId, scorecardId: c.scorecardId })} aria-current={selected ? 'true' : undefined}>
                          {c.callId}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{card(c.scorecardId)?.name ?? c.scorecardId}</Table.Td>
                      <Table.Td className="tabular">{c.reviewers}</Table.Td>
                      <Table.Td>
                        <Tooltip label={t('calibration.spreadHelp')}>
                          <Badge color={spreadColor(c.spread)} variant="light" className="tabular">
                            {fmtNumber(c.spread, 1)} pt
                          </Badge>
                        </Tooltip>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      {open && (
        <Paper withBorder p="md">
          <SideBySide callId={open.callId} card={card(open.scorecardId)} />
        </Paper>
      )}
    </Stack>
  );
}
