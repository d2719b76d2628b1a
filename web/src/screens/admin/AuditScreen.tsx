import { Alert, Code, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { fmtDateTime } from '../../app/format';

/** The newest audit entries: who changed what, when and from where. */
export default function AuditScreen() {
  const { t } = useTranslation();
  const audit = useQuery({ queryKey: ['audit'], queryFn: () => unwrap(api.GET('/api/audit', { params: { query: { limit: 200 } } })) });
  const users = useQuery({ queryKey: ['users'], queryFn: () => unwrap(api.GET('/api/users')) });
  const name = new Map((users.data?.items ?? []).map((u) => [u.id, u.username]));
  return (
    <Stack>
      <Title order={1}>{t('nav.audit')}</Title>
      {audit.isError ? (
        <Alert color="red">{(audit.error as Error).message}</Alert>
      ) : audit.isLoading ? (
        <Loader aria-label={t('common.loading')} />
      ) : audit.data!.items.length === 0 ? (
        <Text c="dimmed">{t('audit.empty')}</Text>
      ) : (
        <Paper withBorder p="sm">
          <Table.ScrollContainer minWidth={900}>
            <Table striped fz="sm" data-testid="audit-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('calls.when')}</Table.Th>
                  <Table.Th>{t('audit.actor')}</Table.Th>
                  <Table.Th>{t('audit.action')}</Table.Th>
                  <Table.Th>{t('audit.target')}</Table.Th>
                  <Table.Th>{t('audit.ip')}</Table.Th>
                  <Table.Th>{t('audit.details')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {audit.data!.items.map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>{fmtDateTime(a.at)}</Table.Td>
                    <Table.Td>{a.actorId ? (name.get(a.actorId) ?? a.actorId) : t(`audit.kind.${a.actorKind}`, { defaultValue: a.actorKind })}</Table.Td>
                    <Table.Td>
                      <Code>{a.action}</Code>
                    </Table.Td>
                    <Table.Td maw={260} style={{ wordBreak: 'break-all' }}>
                      {a.targetType ? `${a.targetType} ${a.targetId ?? ''}` : '—'}
                    </Table.Td>
                    <Table.Td>{a.ip ?? '—'}</Table.Td>
                    <Table.Td maw={360}>
                      <Text size="xs" ff="monospace" lineClamp={2} style={{ wordBreak: 'break-all' }}>
                        {a.details === null ? '' : JSON.stringify(a.details)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </Stack>
  );
}
