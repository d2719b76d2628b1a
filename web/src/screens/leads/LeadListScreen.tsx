import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Loader, NumberInput, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, downloadFile, unwrap } from '../../api/client';
import { useSession } from '../../auth/useSession';
import { fmtDateTime, fmtPhone } from '../../app/format';
import { Pager } from '../../components/Pager';
import { useCampaignList } from '../campaigns/useCampaigns';

export const LEAD_STATUSES = ['no_selected', 'selected', 'calling', 'completed', 'error', 'busy', 'no_answer', 'machine', 'dropped', 'interrupted', 'dnc'] as const;
const SORTS = ['created_at', '-created_at', 'priority', '-priority', 'name', '-name', 'city', '-city'];
const LIMIT = 25;

export default function LeadListScreen() {
  const { t } = useTranslation();
  const session = useSession();
  const canManage = session?.user.role === 'supervisor' || session?.user.role === 'admin';
  const [params] = useSearchParams();
  const campaigns = useCampaignList();
  const qc = useQueryClient();
  const [campaign, setCampaign] = useState<string | null>(params.get('campaign'));
  const [city, setCity] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [priority, setPriority] = useState<number | string>('');
  const [q, setQ] = useState('');
  const [sort, setSort] = useState('-created_at');
  const [offset, setOffset] = useState(0);
  const query = {
    ...(campaign ? { campaign_id: campaign } : {}),
    ...(city.trim() ? { city: city.trim() } : {}),
    ...(status ? { status: status as (typeof LEAD_STATUSES)[number] } : {}),
    ...(priority !== '' ? { priority: Number(priority) } : {}),
    ...(q.trim() ? { q: q.trim() } : {}),
    sort: sort as never,
    limit: LIMIT,
    offset,
  };
  const leads = useQuery({ queryKey: ['leads', query], queryFn: () => unwrap(api.GET('/api/leads', { params: { query } })) });
  const selection = useMutation({
    mutationFn: (kind: 'select' | 'reset-selection') => {
      const body = { ...(city.trim() ? { city: city.trim() } : {}), ...(priority !== '' ? { priority: Number(priority) } : {}), ...(q.trim() ? { q: q.trim() } : {}) };
      const p = { params: { path: { id: campaign! } }, body };
      return kind === 'select' ? unwrap(api.POST('/api/campaigns/{id}/leads/select', p)) : unwrap(api.POST('/api/campaigns/{id}/leads/reset-selection', p));
    },
    onSuccess: (r) => {
      notifications.show({ color: 'green', message: t('leads.selectionDone', { n: (r as { updated: number }).updated }) });
      void qc.invalidateQueries({ queryKey: ['leads'] });
    },
    onError: (e) => notifications.show({ color: 'red', title: t('errors.actionFailed'), message: (e as Error).message }),
  });
  const reset = <T,>(f: (v: T) => void) => (v: T) => {
    f(v);
    setOffset(0);
  };
  const names = new Map((campaigns.data ?? []).map((c) => [c.id, c.name]));
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('nav.leads')}</Title>
        <Group>
          {canManage && (
            <Button component={Link} to={`/leads/import${campaign ? `?campaign=${campaign}` : ''}`}>
              {t('import.title')}
            </Button>
          )}
          <Button variant="default" disabled={!campaign} onClick={() => void downloadFile(`/api/campaigns/${campaign}/leads/export?format=csv`, `${campaign}-leads.csv`).catch((e: Error) => notifications.show({ color: 'red', message: e.message }))}>
            {t('leads.exportCsv')}
          </Button>
        </Group>
      </Group>
      <Paper withBorder p="sm">
        <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }}>
          <Select label={t('common.campaign')} clearable data={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.name }))} value={campaign} onChange={reset(setCampaign)} placeholder={t('common.all')} />
          <TextInput label={t('leads.search')} value={q} onChange={(e) => reset(setQ)(e.currentTarget.value)} placeholder={t('leads.searchHint')} />
          <TextInput label={t('leads.city')} value={city} onChange={(e) => reset(setCity)(e.currentTarget.value)} />
          <Select label={t('leads.status')} clearable data={LEAD_STATUSES.map((s) => ({ value: s, label: t(`leadStatus.${s}`) }))} value={status} onChange={reset(setStatus)} placeholder={t('common.all')} />
          <NumberInput label={t('leads.priority')} min={1} max={5} value={priority} onChange={reset(setPriority)} />
          <Select label={t('leads.sort')} data={SORTS.map((s) => ({ value: s, label: t(`leads.sortBy.${s.replace('-', 'desc_')}`) }))} value={sort} onChange={(v) => v && setSort(v)} allowDeselect={false} />
        </SimpleGrid>
        {canManage && campaign && (
          <Group mt="sm">
            <Button size="xs" variant="default" loading={selection.isPending && selection.variables === 'select'} onClick={() => selection.mutate('select')}>
              {t('leads.select')}
            </Button>
            <Button size="xs" variant="default" loading={selection.isPending && selection.variables === 'reset-selection'} onClick={() => selection.mutate('reset-selection')}>
              {t('leads.resetSelection')}
            </Button>
            <Text size="xs" c="dimmed">
              {t('leads.selectionHint')}
            </Text>
          </Group>
        )}
      </Paper>
      {leads.isError ? (
        <Alert color="red" title={t('errors.loadFailed')}>
          {(leads.error as Error).message}
        </Alert>
      ) : leads.isLoading ? (
        <Loader aria-label={t('common.loading')} />
      ) : (
        <Paper withBorder p="sm">
          {leads.data!.items.length === 0 ? (
            <Text c="dimmed">{canManage ? t('leads.emptyManager') : t('leads.empty')}</Text>
          ) : (
            <Table.ScrollContainer minWidth={900}>
              <Table striped highlightOnHover fz="sm" style={{ whiteSpace: 'nowrap' }} data-testid="leads-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('leads.name')}</Table.Th>
                    <Table.Th>{t('common.phone')}</Table.Th>
                    <Table.Th>{t('leads.city')}</Table.Th>
                    <Table.Th>{t('common.campaign')}</Table.Th>
                    <Table.Th>{t('leads.status')}</Table.Th>
                    <Table.Th>{t('leads.priority')}</Table.Th>
                    <Table.Th>{t('leads.attempts')}</Table.Th>
                    <Table.Th>{t('leads.lastAttempt')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {leads.data!.items.map((l) => (
                    <Table.Tr key={l.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/leads/${l.id}`}>
                          {l.name ?? t('agent.unnamed')}
                        </Anchor>
                      </Table.Td>
                      <Table.Td className="tabular">{fmtPhone(l.phone)}</Table.Td>
                      <Table.Td>{l.city ?? '—'}</Table.Td>
                      <Table.Td>{names.get(l.campaignId) ?? l.campaignId}</Table.Td>
                      <Table.Td>
                        <Badge color="gray">{t(`leadStatus.${l.status}`)}</Badge>
                      </Table.Td>
                      <Table.Td>{l.priority}</Table.Td>
                      <Table.Td className="tabular">{l.attempts}</Table.Td>
                      <Table.Td>{fmtDateTime(l.lastAttemptAt)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Pager total={leads.data!.total} limit={LIMIT} offset={offset} onOffset={setOffset} />
        </Paper>
      )}
    </Stack>
  );
}
