/**
 * Carrier trunks (issue #12): the list with the dial string each campaign uses to call through it; admins add,
 * delete, get the PJSIP snippet to #include on the Asterisk box (the one `asterisk:config --trunk` writes) or push
 * the trunk live through ARI's dynamic configuration;
 * supervisors see the list to write dial strings. Passwords are never shown once saved.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Code, CopyButton, Group, Loader, Modal, Paper, PasswordInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api, unwrap, ApiError } from '../../api/client';
import { fmtDateTime } from '../../app/format';
import { useSession } from '../../auth/useSession';

const EMPTY = { name: '', host: '', username: '', password: '' };

export default function TrunksScreen() {
  const { t } = useTranslation();
  const admin = useSession()?.user.role === 'admin';
  const qc = useQueryClient();
  const trunks = useQuery({ queryKey: ['trunks'], queryFn: () => unwrap(api.GET('/api/trunks')) });
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [config, setConfig] = useState<{ name: string; text: string } | null>(null);
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/trunks', {
          body: { name: form.name.trim(), host: form.host.trim(), ...(form.username.trim() !== '' && { username: form.username.trim(), password: form.password }) },
        }),
      ),
    onSuccess: () => {
      setOpen(false);
      setForm(EMPTY);
      setErrors({});
      void qc.invalidateQueries({ queryKey: ['trunks'] });
      notifications.show({ color: 'green', message: t('trunks.created') });
    },
    onError: (e) => setErrors(e instanceof ApiError && e.details.length > 0 ? e.fieldErrors(t) : { name: (e as Error).message }),
  });
  const remove = useMutation({
    mutationFn: (name: string) => unwrap(api.DELETE('/api/trunks/{name}', { params: { path: { name } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['trunks'] }),
    onError: (e) => notifications.show({ color: 'red', title: t('errors.actionFailed'), message: (e as Error).message }),
  });
  const showConfig = useMutation({
    mutationFn: async (name: string) => ({ name, text: await unwrap(api.GET('/api/trunks/{name}/pjsip', { params: { path: { name } }, parseAs: 'text' })) }),
    onSuccess: (c) => setConfig(c),
    onError: (e) => notifications.show({ color: 'red', title: t('errors.actionFailed'), message: (e as Error).message }),
  });
  // Live through ARI's dynamic configuration; Asterisk's refusal (no PJSIP, no writable wizard) is shown as it says it.
  const push = useMutation({
    mutationFn: (name: string) => unwrap(api.POST('/api/trunks/{name}/push', { params: { path: { name } } })),
    onSuccess: (r) => notifications.show({ color: 'green', message: t('trunks.pushed', { count: r.pushed.length }) }),
    onError: (e) => notifications.show({ color: 'red', title: t('trunks.pushFailed'), message: (e as Error).message, autoClose: false }),
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('nav.trunks')}</Title>
        {admin && <Button onClick={() => setOpen(true)}>{t('trunks.new')}</Button>}
      </Group>
      <Text c="dimmed" size="sm">
        {t('trunks.intro')}
      </Text>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('trunks.new')}>
        <Stack>
          <TextInput label={t('trunks.name')} description={t('trunks.nameHint')} value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} error={errors.name} />
          <TextInput label={t('trunks.host')} description={t('trunks.hostHint')} value={form.host} onChange={(e) => setForm({ ...form, host: e.currentTarget.value })} error={errors.host} />
          <TextInput label={t('trunks.username')} description={t('trunks.authHint')} value={form.username} onChange={(e) => setForm({ ...form, username: e.currentTarget.value })} error={errors.username} />
          <PasswordInput label={t('trunks.password')} value={form.password} onChange={(e) => setForm({ ...form, password: e.currentTarget.value })} error={errors.password} />
          <Button onClick={() => create.mutate()} loading={create.isPending}>
            {t('trunks.create')}
          </Button>
        </Stack>
      </Modal>
      <Modal opened={config !== null} onClose={() => setConfig(null)} title={t('trunks.configTitle', { name: config?.name ?? '' })} size="lg">
        <Stack>
          <Text size="sm">{t('trunks.configText')}</Text>
          <Code block data-testid="trunk-config">
            {config?.text}
          </Code>
          <CopyButton value={config?.text ?? ''}>{({ copied, copy }) => <Button onClick={copy}>{copied ? t('trunks.copied') : t('trunks.copy')}</Button>}</CopyButton>
        </Stack>
      </Modal>
      {trunks.isError ? (
        <Alert color="red">{(trunks.error as Error).message}</Alert>
      ) : trunks.isLoading ? (
        <Loader aria-label={t('common.loading')} />
      ) : trunks.data!.items.length === 0 ? (
        <Text c="dimmed">{t('trunks.empty')}</Text>
      ) : (
        <Paper withBorder p="sm">
          <Table striped data-testid="trunks-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('trunks.name')}</Table.Th>
                <Table.Th>{t('trunks.host')}</Table.Th>
                <Table.Th>{t('trunks.auth')}</Table.Th>
                <Table.Th>{t('trunks.dialString')}</Table.Th>
                <Table.Th>{t('trunks.campaigns')}</Table.Th>
                <Table.Th>{t('trunks.updatedAt')}</Table.Th>
                {admin && <Table.Th>{t('trunks.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {trunks.data!.items.map((tr) => (
                <Table.Tr key={tr.name}>
                  <Table.Td>{tr.name}</Table.Td>
                  <Table.Td>{tr.host}</Table.Td>
                  <Table.Td>{tr.username ? tr.username : <Badge variant="light">{t('trunks.byIp')}</Badge>}</Table.Td>
                  <Table.Td>
                    <Code>{tr.dialStringTemplate}</Code>
                  </Table.Td>
                  <Table.Td>{tr.campaignIds.length === 0 ? '—' : tr.campaignIds.join(', ')}</Table.Td>
                  <Table.Td>{fmtDateTime(tr.updatedAt)}</Table.Td>
                  {admin && (
                    <Table.Td>
                      <Group gap={6} maw={260}>
                        <Button size="xs" variant="light" onClick={() => showConfig.mutate(tr.name)} aria-label={t('trunks.configOf', { name: tr.name })}>
                          {t('trunks.config')}
                        </Button>
                        <Button size="xs" variant="light" onClick={() => push.mutate(tr.name)} loading={push.isPending && push.variables === tr.name} aria-label={t('trunks.pushOf', { name: tr.name })}>
                          {t('trunks.push')}
                        </Button>
                        <Button
                          size="xs"
                          color="red"
                          variant="light"
                          disabled={tr.campaignIds.length > 0}
                          title={tr.campaignIds.length > 0 ? t('trunks.inUse') : undefined}
                          onClick={() => remove.mutate(tr.name)}
                          aria-label={t('trunks.deleteOf', { name: tr.name })}
                        >
                          {t('trunks.delete')}
                        </Button>
                      </Group>
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
