import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { fmtDateTime, fmtDuration, fmtPhone } from '../../app/format';
import { Pager } from '../../components/Pager';
import { CALL_PAGE_LIMIT, CallFilterBar, useCallFilters } from '../calls/call-filters';

const NOWRAP = { whiteSpace: 'nowrap' } as const;
/** Names wrap within a bounded column (a long campaign name takes two lines, not the State column's place). */
const NAME = { minWidth: 110, maxWidth: 240, overflowWrap: 'anywhere' } as const;

/** Recordings (QA): filters like the call history, newest first; agents see their own calls (the API scopes it). */
export default function RecordingListScreen() {
  const { t } = useTranslation();
  const filters = useCallFilters();
  const { query, offset, setOffset, agentName, campaignName } = filters;
  const recs = useQuery({ queryKey: ['recordings', query], queryFn: () => unwrap(api.GET('/api/recordings', { params: { query } })), refetchInterval: 10_000 });

  return (
    <Stack>
      <Title order={1}>{t('nav.recordings')}</Title>
      <CallFilterBar filters={filters} />
      {recs.isError ? (
        <Alert color="red" title={t('errors.loadFailed')}>
          {(recs.error as Error).message}
        </Alert>
      ) : recs.isLoading ? (
        <Loader aria-label={t('common.loading')} />
      ) : (
        <Paper withBorder p="sm">
          {recs.data!.items.length === 0 ? (
            <Group justify="space-between">
              <Text c="dimmed">{t('recordings.empty')}</Text>
              <Button
                variant="default"
                onClick={filters.clear}
              >
                {t('common.clearFilters')}
              </Button>
            </Group>
          ) : (
            // Fits 1280 px: figures and dates stay on one line; names (campaign, agent, outcome) wrap instead of
            // pushing Duration and State out of view. Sideways scrolling only below what a phone-sized screen holds.
            <Table.ScrollContainer minWidth={720}>
              <Table striped highlightOnHover fz="sm" data-testid="recordings-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('calls.when')}</Table.Th>
                    <Table.Th>{t('common.phone')}</Table.Th>
                    <Table.Th>{t('common.campaign')}</Table.Th>
                    <Table.Th>{t('common.agent')}</Table.Th>
                    <Table.Th>{t('calls.disposition')}</Table.Th>
                    <Table.Th>{t('calls.amdResult')}</Table.Th>
                    <Table.Th style={NOWRAP}>{t('recordings.duration')}</Table.Th>
                    <Table.Th style={NOWRAP}>{t('recordings.state')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {recs.data!.items.map((r) => (
                    <Table.Tr key={r.callId}>
                      <Table.Td style={NOWRAP}>
                        <Anchor component={Link} to={`/recordings/${r.callId}`}>
                          {fmtDateTime(r.startedAt)}
                        </Anchor>
                      </Table.Td>
                      <Table.Td className="tabular" style={NOWRAP}>
                        {fmtPhone(r.call.phone)}
                      </Table.Td>
                      <Table.Td style={NAME}>{r.call.campaignName ?? (r.call.campaignId ? (campaignName.get(r.call.campaignId) ?? r.call.campaignId) : '—')}</Table.Td>
                      <Table.Td style={NAME}>{r.call.agentId ? (agentName.get(r.call.agentId) ?? r.call.agentId) : '—'}</Table.Td>
                      <Table.Td>{r.call.disposition ? t(`disposition.${r.call.disposition}`, { defaultValue: r.call.disposition }) : '—'}</Table.Td>
                      <Table.Td>{r.call.amdStatus ? t(`amd.${r.call.amdStatus}`, { defaultValue: r.call.amdStatus }) : '—'}</Table.Td>
                      <Table.Td className="tabular" style={NOWRAP}>
                        {r.durationMs === null ? '—' : fmtDuration(r.durationMs / 1000)}
                      </Table.Td>
                      <Table.Td style={NOWRAP}>
                        {/* max-content: a badge's label truncates itself (…) when its column is squeezed */}
                        <Badge color={r.state === 'ready' ? 'green' : r.state === 'failed' ? 'red' : 'gray'} variant="light" style={{ minWidth: 'max-content' }}>
                          {t(`recordings.states.${r.state}`)}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Pager total={recs.data!.total} limit={CALL_PAGE_LIMIT} offset={offset} onOffset={setOffset} />
        </Paper>
      )}
    </Stack>
  );
}
