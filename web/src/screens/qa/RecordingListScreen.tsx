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
const NOWRAP = { whiteSpace: 'nowrap' } as const;
/** Names wrap within a bounded column (a long campaign name takes two lines, not the State column's place). */
const NAME = { minWidth: 110, maxWidth: 240, overflowWrap: 'anywhere' } as const;

/** Recordings (QA): filters like the call history, newest first; agents see their own calls (the API scopes it). */
export default function RecordingListScreen() {
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
    ...(to ? { to: zonedDayStartIso(to, zone, 1) } : {}),
    ...(agent ? { agent_id: agent } : {}),
    ...(campaign ? { campaign_id: campaign } : {}),
    ...(disposition ? { disposition: disposition as (typeof DISPOSITIONS)[number] } : {}),
    ...(amd ? { amd_status: amd as (typeof AMD)[number] } : {}),
    limit: LIMIT,
    offset,
  };
  const recs = useQuery({ queryKey: ['recordings', query], queryFn: () => unwrap(api.GET('/api/recordings', { params: { query } })), refetchInterval: 10_000 });
  const set =
    <T,>(f: (v: T) => void) =>
    (v: T) => {
      f(v);
      setOffset(0);
    };
  const agentName = new Map((agents.data?.items ?? []).map((a) => [a.id, a.name]));
  const campaignName = new Map(((campaigns.data as { items?: Array<{ id: string; name: string }> } | undefined)?.items ?? []).map((c) => [c.id, c.name]));

  return (
    <Stack>
      <Title order={1}>{t('nav.recordings')}</Title>
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
                      <Table.Td style={NAME}>{r.call.campaignId ? (campaignName.get(r.call.campaignId) ?? r.call.campaignId) : '—'}</Table.Td>
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
          <Pager total={recs.data!.total} limit={LIMIT} offset={offset} onOffset={setOffset} />
        </Paper>
      )}
    </Stack>
  );
}
