import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Loader, NumberInput, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap, ApiError } from '../../api/client';
import { useSession } from '../../auth/useSession';
import { fmtDateTime, fmtDuration, fmtPhone, fmtTime } from '../../app/format';
import { Field } from '../../components/Field';

/** A lead: its fields, who is editing it (contact lock), its attempts and its edit history. */
export default function LeadDetailScreen() {
  const { id } = useParams();
  const { t } = useTranslation();
  const session = useSession();
  const qc = useQueryClient();
  const lead = useQuery({ queryKey: ['lead', id], queryFn: () => unwrap(api.GET('/api/leads/{id}', { params: { path: { id: id! } } })), refetchInterval: 15_000 });
  const attempts = useQuery({ queryKey: ['lead-attempts', id], queryFn: () => unwrap(api.GET('/api/leads/{id}/attempts', { params: { path: { id: id! } } })) });
  const history = useQuery({ queryKey: ['lead-history', id], queryFn: () => unwrap(api.GET('/api/leads/{id}/history', { params: { path: { id: id! } } })) });
  const [edit, setEdit] = useState<{ name: string; city: string; email: string; priority: number | string } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const lock = useMutation({
    mutationFn: () => unwrap(api.POST('/api/leads/{id}/lock', { params: { path: { id: id! } } })),
    onSuccess: () => {
      const l = lead.data!;
      setEdit({ name: l.name ?? '', city: l.city ?? '', email: l.email ?? '', priority: l.priority });
      void qc.invalidateQueries({ queryKey: ['lead', id] });
    },
    onError: (e) => notifications.show({ color: 'orange', title: t('leads.lockedTitle'), message: (e as Error).message }),
  });
  const unlock = () => void api.DELETE('/api/leads/{id}/lock', { params: { path: { id: id! } } }).then(() => qc.invalidateQueries({ queryKey: ['lead', id] }));
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH('/api/leads/{id}', {
          params: { path: { id: id! } },
          body: { name: edit!.name.trim() || null, city: edit!.city.trim() || null, email: edit!.email.trim() || null, priority: Number(edit!.priority) },
        }),
      ),
    onSuccess: () => {
      setEdit(null);
      setErrors({});
      unlock();
      void qc.invalidateQueries({ queryKey: ['lead-history', id] });
      notifications.show({ color: 'green', message: t('leads.saved') });
    },
    onError: (e) => setErrors(e instanceof ApiError ? e.fieldErrors(t) : { form: (e as Error).message }),
  });

  if (lead.isLoading) return <Loader aria-label={t('common.loading')} />;
  if (lead.isError) return <Alert color="red" title={t('errors.loadFailed')}>{(lead.error as Error).message}</Alert>;
  const l = lead.data!;
  const lockedByOther = l.lock && l.lock.userId !== session?.user.id;
  return (
    <Stack>
      <Anchor component={Link} to={`/leads?campaign=${l.campaignId}`} size="sm">
        ← {t('leads.back')}
      </Anchor>
      <Group justify="space-between">
        <Group>
          <Title order={1}>{l.name ?? t('agent.unnamed')}</Title>
          <Badge color="gray">{t(`leadStatus.${l.status}`)}</Badge>
        </Group>
        {!edit && (
          <Button onClick={() => lock.mutate()} loading={lock.isPending} disabled={Boolean(lockedByOther)}>
            {t('leads.edit')}
          </Button>
        )}
      </Group>
      {l.lock && (
        <Alert color={lockedByOther ? 'orange' : 'blue'} data-testid="lead-lock">
          {lockedByOther ? t('leads.lockedBy', { user: l.lock.username, until: fmtTime(l.lock.expiresAt) }) : t('leads.lockedByYou', { until: fmtTime(l.lock.expiresAt) })}
        </Alert>
      )}
      <Paper withBorder p="md">
        {edit ? (
          <Stack>
            {errors.form && <Alert color="red">{errors.form}</Alert>}
            <SimpleGrid cols={{ base: 1, md: 4 }}>
              <TextInput label={t('leads.name')} value={edit.name} onChange={(e) => setEdit({ ...edit, name: e.currentTarget.value })} error={errors.name} />
              <TextInput label={t('leads.city')} value={edit.city} onChange={(e) => setEdit({ ...edit, city: e.currentTarget.value })} error={errors.city} />
              <TextInput label={t('leads.email')} value={edit.email} onChange={(e) => setEdit({ ...edit, email: e.currentTarget.value })} error={errors.email} />
              <NumberInput label={t('leads.priority')} min={1} max={5} value={edit.priority} onChange={(v) => setEdit({ ...edit, priority: v })} error={errors.priority} />
            </SimpleGrid>
            <Group>
              <Button onClick={() => save.mutate()} loading={save.isPending}>
                {t('common.save')}
              </Button>
              <Button
                variant="default"
                onClick={() => {
                  setEdit(null);
                  unlock();
                }}
              >
                {t('common.cancel')}
              </Button>
            </Group>
          </Stack>
        ) : (
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            <Field label={t('common.phone')} value={fmtPhone(l.phone)} />
            <Field label={t('leads.city')} value={l.city ?? '—'} />
            <Field label={t('leads.email')} value={l.email ?? '—'} />
            <Field label={t('leads.priority')} value={String(l.priority)} />
            <Field label={t('leads.attempts')} value={String(l.attempts)} />
            <Field label={t('leads.nextDue')} value={fmtDateTime(l.nextDueAt)} />
            <Field label={t('leads.timeZone')} value={l.timeZone ?? '—'} />
            {Object.entries(l.custom ?? {}).map(([k, v]) => (
              <Field key={k} label={k} value={v === null || v === undefined ? '—' : String(v)} />
            ))}
          </SimpleGrid>
        )}
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="xs">
          {t('agent.previousAttempts')}
        </Title>
        {(attempts.data?.items ?? []).length === 0 ? (
          <Text c="dimmed">{t('leads.noAttempts')}</Text>
        ) : (
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('calls.when')}</Table.Th>
                <Table.Th>{t('calls.disposition')}</Table.Th>
                <Table.Th>{t('calls.outcome')}</Table.Th>
                <Table.Th>{t('calls.talk')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {attempts.data!.items.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/calls/${a.id}`}>
                      {fmtDateTime(a.createdAt)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{a.disposition ? t(`disposition.${a.disposition}`) : t('calls.inProgress')}</Table.Td>
                  <Table.Td>{a.outcome ? t(`outcome.${a.outcome}`) : '—'}</Table.Td>
                  <Table.Td>{a.talkMs === null ? '—' : fmtDuration(a.talkMs / 1000)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="xs">
          {t('leads.history')}
        </Title>
        {(history.data?.items ?? []).length === 0 ? (
          <Text c="dimmed">{t('leads.noHistory')}</Text>
        ) : (
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('calls.when')}</Table.Th>
                <Table.Th>{t('leads.who')}</Table.Th>
                <Table.Th>{t('leads.field')}</Table.Th>
                <Table.Th>{t('leads.change')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {history.data!.items.map((h, i) => {
                const e = h as unknown as { at: number; username?: string; userId?: string; field: string; oldValue?: unknown; newValue?: unknown; from?: unknown; to?: unknown };
                return (
                  <Table.Tr key={i}>
                    <Table.Td>{fmtDateTime(e.at)}</Table.Td>
                    <Table.Td>{e.username ?? e.userId ?? '—'}</Table.Td>
                    <Table.Td>{e.field}</Table.Td>
                    <Table.Td>
                      {JSON.stringify(e.oldValue ?? e.from ?? null)} → {JSON.stringify(e.newValue ?? e.to ?? null)}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
    </Stack>
  );
}
