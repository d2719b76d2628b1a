import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { fmtDateTime, fmtDuration, fmtPhone, zonedDayStartIso } from '../../app/format';
import { useMe } from '../agent/useAgentConsole';
import { Pager } from '../../components/Pager';
import { useSession } from '../../auth/useSession';

const DISPOSITIONS = ['ANSWERED_HUMAN', 'MACHINE', 'NO_ANSWER', 'BUSY', 'CONGESTION', 'INVALID_NUMBER', 'FAILED', 'DROPPED', 'HUNG_UP_DURING_AMD', 'CANCELLED', 'INTERRUPTED'] as const;
const AMD = ['HUMAN', 'MACHINE', 'NOTSURE', 'HANGUP'] as const;
const LIMIT = 25;

/** Call history: filters (dates are days in the call center's time zone), newest first, a page at a time. */
export default function CallListScreen() {
  const { t } = useTranslation();
  const session = useSession();
  const manager = session?.user.role !== 'agent';
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [agent, setAgent] = useState<string | null>(null);
  const [campaign, setCampaign] = useState<string | null>(null);
  const [disposition, setDisposition] = useState<string | null>(null);
  const [amd, setAmd] = useState<string | null>(null);
  const [offset, setOffset] = useState(0);

  const me = useMe();
  const zone = me.data?.time_zone ?? 'UTC';
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => unwrap(api.GET('/api/agents')) });
  const campaigns = useQuery({ queryKey: ['campaigns'], enabled: manager, queryFn: () => unwrap(api.GET('/api/campaigns')) });
  const query = {
    ...(from ? { from: zonedDayStartIso(from, zone) } : {}),
    // Through the end of that day: the next local midnight, exclusive.
    ...(to ? { to: zonedDayStartIso(to, zone, 1) } : {}),
    ...(agent ? { agent_id: agent } : {}),
    ...(campaign ? { campaign_id: campaign } : {}),
    ...(disposition ? { disposition: disposition as (typeof DISPOSITIONS)[number] } : {}),
    ...(amd ? { amd_status: amd as (typeof AMD)[number] } : {}),
    limit: LIMIT,
    offset,
  };
  const calls = useQuery({ queryKey: ['calls', query], queryFn: () => unwrap(api.GET('/api/calls', { params: { query } })), refetchInterval: 10_000 });
  const set = <T,>(f: (v: T) => void) => (v: T) => {
    f(v);
    setOffset(0);
  };
  const agentName = new Map((agents.data?.items ?? []).map((a) => [a.id, a.name]));
  const campaignName = new Map(((campaigns.data as { items?: Array<{ id: string; name: string }> } | undefined)?.items ?? []).map((c) => [c.id, c.name]));

  return (
    <Stack>
      <Title order={1}>{t('nav.calls')}</Title>
      <Paper withBorder p="sm">
        <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }}>
          <TextInput type="date" label={t('calls.from')} value={from} onChange={(e) => set(setFrom)(e.currentTarget.value)} />
          <TextInput type="date" label={t('calls.to')} value={to} onChange={(e) => set(setTo)(e.currentTarget.value)} />
          <Select label={t('common.agent')} clearable data={(agents.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))} value={agent} onChange={set(setAgent)} placeholder={t('common.all')} />
          {manager && <Select label={t('common.campaign')} clearable data={[...campaignName].map(([value, label]) => ({ value, label }))} value={campaign} onChange={set(setCampaign)} placeholder={t('common.all')} />}
          <Select label={t('calls.disposition')} clearable data={DISPOSITIONS.map((d) => ({ value: d, label: t(`disposition.${d}`) }))} value={disposition} onChange={set(setDisposition)} placeholder={t('common.all')} />
          <Select label={t('calls.amdResult')} clearable data={AMD.map((d) => ({ value: d, label: t(`amd.${d}`) }))} value={amd} onChange={set(setAmd)} placeholder={t('common.all')} />
        </SimpleGrid>
        <Text size="xs" c="dimmed" mt={6}>
          {t('calls.dateHint', { zone })}
        </Text>
      </Paper>
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
                onClick={() => {
                  setFrom('');
                  setTo('');
                  for (const f of [setAgent, setCampaign, setDisposition, setAmd]) f(null);
                }}
              >
                {t('common.clearFilters')}
              </Button>
            </Group>
          ) : (
            <Table.ScrollContainer minWidth={900}>
              <Table striped highlightOnHover fz="sm" style={{ whiteSpace: 'nowrap' }} data-testid="calls-table">
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
                  {calls.data!.items.map((c) => (
                    <Table.Tr key={c.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/calls/${c.id}`}>
                          {fmtDateTime(c.createdAt)}
                        </Anchor>
                      </Table.Td>
                      <Table.Td className="tabular">{fmtPhone(c.phone)}</Table.Td>
                      <Table.Td maw={200} style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
                        {c.campaignId ? (campaignName.get(c.campaignId) ?? c.campaignId) : '—'}
                      </Table.Td>
                      <Table.Td>{c.agentId ? (agentName.get(c.agentId) ?? c.agentId) : '—'}</Table.Td>
                      <Table.Td>{c.disposition ? t(`disposition.${c.disposition}`) : <Badge color="blue">{t('calls.inProgress')}</Badge>}</Table.Td>
                      <Table.Td>{c.amdStatus ? t(`amd.${c.amdStatus}`) : '—'}</Table.Td>
                      <Table.Td>{c.outcome ? t(`outcome.${c.outcome}`) : '—'}</Table.Td>
                      <Table.Td className="tabular">{c.talkMs === null ? '—' : fmtDuration(c.talkMs / 1000)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Pager total={calls.data!.total} limit={LIMIT} offset={offset} onOffset={setOffset} />
        </Paper>
      )}
    </Stack>
  );
}
