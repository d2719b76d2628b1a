import { useState } from 'react';
import { Alert, Button, Group, Loader, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api, errorText, unwrap } from '../../api/client';
import { useSession } from '../../auth/useSession';
import { fmtDateTime, fmtPhone } from '../../app/format';
import { useCampaignList } from '../campaigns/useCampaigns';

/** Do-not-call lists: the internal one (every campaign) and each campaign's own. */
export default function DncScreen() {
  const { t } = useTranslation();
  const session = useSession();
  const canManage = session?.user.role === 'supervisor' || session?.user.role === 'admin';
  const campaigns = useCampaignList();
  const qc = useQueryClient();
  const [list, setList] = useState<string>('internal');
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | null>(null);
  const campaignId = list === 'internal' ? undefined : list;
  const entries = useQuery({ queryKey: ['dnc', list], queryFn: () => unwrap(api.GET('/api/dnc', { params: { query: campaignId ? { campaign_id: campaignId } : {} } })) });
  const add = useMutation({
    mutationFn: () => unwrap(api.POST('/api/dnc', { body: { phone: phone.trim(), ...(campaignId ? { campaign_id: campaignId } : {}) } })),
    onSuccess: () => {
      setPhone('');
      setError(null);
      void qc.invalidateQueries({ queryKey: ['dnc', list] });
      notifications.show({ color: 'green', message: t('dnc.added') });
    },
    onError: (e) => setError(errorText(e, t)),
  });
  const remove = useMutation({
    mutationFn: (p: string) => unwrap(api.DELETE('/api/dnc/{phone}', { params: { path: { phone: p }, query: campaignId ? { campaign_id: campaignId } : {} } as never })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['dnc', list] }),
    onError: (e) => notifications.show({ color: 'red', title: t('errors.actionFailed'), message: (e as Error).message }),
  });
  const items = ((entries.data as { items?: Array<{ phoneE164?: string; phone?: string; createdAt?: number; reason?: string | null }> } | undefined)?.items ?? []).map((r) => ({ phone: r.phoneE164 ?? r.phone ?? '', at: r.createdAt ?? null, reason: r.reason ?? null }));
  return (
    <Stack>
      <Title order={1}>{t('nav.dnc')}</Title>
      <Paper withBorder p="sm">
        <Group align="flex-end">
          <Select
            label={t('dnc.list')}
            data={[{ value: 'internal', label: t('dnc.internal') }, ...(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.name }))]}
            value={list}
            onChange={(v) => v && setList(v)}
            allowDeselect={false}
            w={320}
          />
          {canManage && (
            <>
              <TextInput label={t('dnc.phone')} description={t('dnc.phoneHint')} value={phone} onChange={(e) => setPhone(e.currentTarget.value)} error={error} w={240} />
              <Button onClick={() => add.mutate()} loading={add.isPending} disabled={phone.trim() === ''}>
                {t('dnc.add')}
              </Button>
            </>
          )}
        </Group>
      </Paper>
      {entries.isError ? (
        <Alert color="red">{(entries.error as Error).message}</Alert>
      ) : entries.isLoading ? (
        <Loader aria-label={t('common.loading')} />
      ) : items.length === 0 ? (
        <Paper withBorder p="md">
          <Text c="dimmed">{t('dnc.empty')}</Text>
        </Paper>
      ) : (
        <Paper withBorder p="sm">
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('common.phone')}</Table.Th>
                <Table.Th>{t('dnc.since')}</Table.Th>
                <Table.Th>{t('dnc.reason')}</Table.Th>
                {canManage && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((r) => (
                <Table.Tr key={r.phone}>
                  <Table.Td className="tabular">{fmtPhone(r.phone)}</Table.Td>
                  <Table.Td>{fmtDateTime(r.at)}</Table.Td>
                  <Table.Td>{r.reason ?? '—'}</Table.Td>
                  {canManage && (
                    <Table.Td>
                      <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate(r.phone)}>
                        {t('dnc.remove')}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}
