import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { fmtDateTime, fmtDuration, fmtPhone } from '../../app/format';
import { Pager } from '../../components/Pager';
import { CALL_PAGE_LIMIT, CallFilterBar, useCallFilters } from './call-filters';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** Call history: filters (dates are days in the call center's time zone), newest first, a page at a time. */
export default function CallListScreen() {
  const { t } = useTranslation();
  const filters = useCallFilters();
  const { query, offset, setOffset, agentName, campaignName } = filters;
  const calls = useQuery({ queryKey: ['calls', query], queryFn: () => unwrap(api.GET('/api/calls', { params: { query } })), refetchInterval: 10_000 });

  return (
    <Stack>
      <Title order={1}>{t('nav.calls')}</Title>
      <CallFilterBar filters={filters} />
      {calls.isError ? (
        <Alert color="red" title={t('errors.loadFailed')}>
          {(calls.error as Error).message}
        </Alert>
      ) : calls.isLoading ? (
        <Loader aria-label={t('common.loading')} />
      ) : (
        <Paper withBorder p="sm">
          {calls.data!.items.length === 0 ? (
            <Group justify="space-between">
              <Text c="dimmed">{t('calls.empty')}</Text>
              <Button
                variant="default"
                onClick={filters.clear}
              >
                {t('common.clearFilters')}
              </Button>
            </Group>
          ) : (
            <Table.ScrollContainer minWidth={900}>
              {/* Dates, numbers and durations never wrap; names and results may, so that all eight columns fit 1280 px
                  in Spanish too ("Contestada (persona)", "Tipificación") without a sideways scroll. */}
              <Table striped highlightOnHover fz="sm" data-testid="calls-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('calls.when')}</Table.Th>
                    <Table.Th>{t('common.phone')}</Table.Th>
                    <Table.Th>{t('common.campaign')}</Table.Th>
                    <Table.Th>{t('common.agent')}</Table.Th>
                    <Table.Th>{t('calls.disposition')}</Table.Th>
                    <Table.Th>{t('calls.amdResult')}</Table.Th>
                    <Table.Th>{t('calls.outcome')}</Table.Th>
                    <Table.Th>{t('calls.talk')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {calls.data!.items.map((c) => {
                    const campaign = c.campaignId ? (campaignName.get(c.campaignId) ?? c.campaignId) : null;
                    return (
                      <Table.Tr key={c.id}>
                        <Table.Td style={NO_WRAP}>
                          <Anchor component={Link} to={`/calls/${c.id}`}>
                            {fmtDateTime(c.createdAt)}
                          </Anchor>
                        </Table.Td>
                        <Table.Td className="tabular" style={NO_WRAP}>
                          {fmtPhone(c.phone)}
                        </Table.Td>
                        <Table.Td maw={160} title={campaign ?? undefined} style={{ ...NO_WRAP, overflow: 'hidden', textOverflow: 'ellipsis' }}>
                          {campaign ?? '—'}
                        </Table.Td>
                        <Table.Td>{c.agentId ? (agentName.get(c.agentId) ?? c.agentId) : '—'}</Table.Td>
                        <Table.Td>{c.disposition ? t(`disposition.${c.disposition}`) : <Badge color="blue">{t('calls.inProgress')}</Badge>}</Table.Td>
                        <Table.Td>{c.amdStatus ? t(`amd.${c.amdStatus}`) : '—'}</Table.Td>
                        <Table.Td>{c.outcome ? t(`outcome.${c.outcome}`) : '—'}</Table.Td>
                        <Table.Td className="tabular" style={NO_WRAP}>{c.talkMs === null ? '—' : fmtDuration(c.talkMs / 1000)}</Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Pager total={calls.data!.total} limit={CALL_PAGE_LIMIT} offset={offset} onOffset={setOffset} />
        </Paper>
      )}
    </Stack>
  );
}
