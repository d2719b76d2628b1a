import { useState } from 'react';
import { Alert, Button, Code, CopyButton, Group, Loader, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { fmtDateTime } from '../../app/format';

/** The caller's own API keys; a new key is shown once, here, and never again. */
export default function ApiKeysScreen() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => unwrap(api.GET('/api/auth/api-keys')) });
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/auth/api-keys', { body: { name: name.trim() } })),
    onSuccess: (k) => {
      setCreated(k.key);
      setName('');
      void qc.invalidateQueries({ queryKey: ['api-keys'] });
    },
    onError: (e) => notifications.show({ color: 'red', title: t('errors.actionFailed'), message: (e as Error).message }),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/auth/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  return (
    <Stack>
      <Title order={1}>{t('nav.apiKeys')}</Title>
      <Paper withBorder p="sm">
        <Group align="flex-end">
          <TextInput label={t('apiKeys.name')} description={t('apiKeys.nameHint')} value={name} onChange={(e) => setName(e.currentTarget.value)} w={300} />
          <Button onClick={() => create.mutate()} disabled={name.trim() === ''} loading={create.isPending}>
            {t('apiKeys.create')}
          </Button>
        </Group>
      </Paper>
      {created && (
        <Alert color="yellow" title={t('apiKeys.onceTitle')} data-testid="new-key">
          <Text size="sm" mb="xs">
            {t('apiKeys.onceText')}
          </Text>
          <Group>
            <Code fz="sm">{created}</Code>
            <CopyButton value={created}>{({ copied, copy }) => <Button size="xs" onClick={copy}>{copied ? t('apiKeys.copied') : t('apiKeys.copy')}</Button>}</CopyButton>
          </Group>
        </Alert>
      )}
      {keys.isLoading ? (
        <Loader aria-label={t('common.loading')} />
      ) : (keys.data?.items ?? []).length === 0 ? (
        <Text c="dimmed">{t('apiKeys.empty')}</Text>
      ) : (
        <Paper withBorder p="sm">
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('apiKeys.name')}</Table.Th>
                <Table.Th>{t('apiKeys.prefix')}</Table.Th>
                <Table.Th>{t('users.createdAt')}</Table.Th>
                <Table.Th>{t('apiKeys.lastUsed')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data!.items.map((k) => (
                <Table.Tr key={k.id}>
                  <Table.Td>{k.name}</Table.Td>
                  <Table.Td>
                    <Code>{k.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>{fmtDateTime(k.created_at)}</Table.Td>
                  <Table.Td>{fmtDateTime(k.last_used_at)}</Table.Td>
                  <Table.Td>{k.revoked_at ? t('apiKeys.revoked') : <Button size="xs" variant="subtle" color="red" onClick={() => revoke.mutate(k.id)}>{t('apiKeys.revoke')}</Button>}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}
