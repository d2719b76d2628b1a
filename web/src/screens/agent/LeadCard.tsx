import { Alert, Badge, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { fmtDateTime, fmtDuration, fmtPhone } from '../../app/format';
import { Field } from '../../components/Field';

/** The lead of the current call: locked for this agent, then read with its earlier attempts. */
export function LeadCard({ leadId, phone }: { leadId: string | null; phone: string }) {
  const { t } = useTranslation();
  const lead = useQuery({
    queryKey: ['lead-card', leadId],
    enabled: leadId !== null,
    queryFn: async () => {
      // Agents read a lead only while holding its lock (their own call's lead).
      await unwrap(api.POST('/api/leads/{id}/lock', { params: { path: { id: leadId! } } }));
      return unwrap(api.GET('/api/leads/{id}', { params: { path: { id: leadId! } } }));
    },
  });
  const attempts = useQuery({ queryKey: ['lead-attempts', leadId], enabled: leadId !== null, queryFn: () => unwrap(api.GET('/api/leads/{id}/attempts', { params: { path: { id: leadId! } } })) });

  if (leadId === null) {
    return (
      <Paper withBorder p="md" data-testid="lead-card">
        <Title order={3} size="h4">
          {fmtPhone(phone)}
        </Title>
        <Text c="dimmed" size="sm">
          {t('agent.noLead')}
        </Text>
      </Paper>
    );
  }
  if (lead.isLoading) return <Loader aria-label={t('common.loading')} />;
  if (lead.isError) return <Alert color="red">{(lead.error as Error).message}</Alert>;
  const l = lead.data!;
  const custom = Object.entries(l.custom ?? {});
  const previous = (attempts.data?.items ?? []).slice(1);
  return (
    <Paper withBorder p="md" data-testid="lead-card">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} size="h3" data-testid="lead-name">
            {l.name ?? t('agent.unnamed')}
          </Title>
          <Badge color="gray">{t('leads.priorityN', { n: l.priority })}</Badge>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Field label={t('common.phone')} value={fmtPhone(l.phone)} testId="lead-phone" />
          <Field label={t('leads.city')} value={l.city ?? '—'} testId="lead-city" />
          <Field label={t('leads.email')} value={l.email ?? '—'} />
          {custom.map(([k, v]) => (
            <Field key={k} label={k} value={v === null || v === undefined ? '—' : String(v)} />
          ))}
        </SimpleGrid>
        <Title order={4} size="h6" mt="xs">
          {t('agent.previousAttempts')} ({previous.length})
        </Title>
        {previous.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('agent.firstAttempt')}
          </Text>
        ) : (
          <Table withTableBorder striped data-testid="previous-attempts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('calls.when')}</Table.Th>
                <Table.Th>{t('calls.disposition')}</Table.Th>
                <Table.Th>{t('calls.outcome')}</Table.Th>
                <Table.Th>{t('calls.talk')}</Table.Th>
                <Table.Th>{t('calls.notes')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {previous.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>{fmtDateTime(a.createdAt)}</Table.Td>
                  <Table.Td>{a.disposition ? t(`disposition.${a.disposition}`) : '—'}</Table.Td>
                  <Table.Td>{a.outcome ? t(`outcome.${a.outcome}`) : '—'}</Table.Td>
                  <Table.Td>{a.talkMs === null ? '—' : fmtDuration(a.talkMs / 1000)}</Table.Td>
                  <Table.Td>{a.notes ?? ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
