import { useState } from 'react';
import { Alert, Badge, Button, Group, Loader, Modal, Paper, PasswordInput, Select, Stack, Switch, Table, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api, unwrap, ApiError } from '../../api/client';
import { fmtDateTime } from '../../app/format';
import { useSession } from '../../auth/useSession';

const ROLES = ['agent', 'teamlead', 'supervisor', 'admin'] as const;

export default function UsersScreen() {
  const { t } = useTranslation();
  const me = useSession();
  const qc = useQueryClient();
  const users = useQuery({ queryKey: ['users'], queryFn: () => unwrap(api.GET('/api/users')) });
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ username: '', password: '', role: 'agent' as (typeof ROLES)[number], team: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/users', { body: { username: form.username.trim(), password: form.password, role: form.role, team: form.team.trim() || null } })),
    onSuccess: () => {
      setOpen(false);
      setForm({ username: '', password: '', role: 'agent', team: '' });
      void qc.invalidateQueries({ queryKey: ['users'] });
      notifications.show({ color: 'green', message: t('users.created') });
    },
    onError: (e) => setErrors(e instanceof ApiError && e.details.length > 0 ? e.fieldErrors(t) : { username: (e as Error).message }),
  });
  const update = useMutation({
    mutationFn: (v: { id: string; body: { role?: (typeof ROLES)[number]; active?: boolean } }) => unwrap(api.PATCH('/api/users/{id}', { params: { path: { id: v.id } }, body: v.body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['users'] }),
    onError: (e) => notifications.show({ color: 'red', title: t('errors.actionFailed'), message: (e as Error).message }),
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('nav.users')}</Title>
        <Button onClick={() => setOpen(true)}>{t('users.new')}</Button>
      </Group>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('users.new')}>
        <Stack>
          <TextInput label={t('login.username')} value={form.username} onChange={(e) => setForm({ ...form, username: e.currentTarget.value })} error={errors.username} />
          <PasswordInput label={t('login.password')} description={t('password.rule', { n: 12 })} value={form.password} onChange={(e) => setForm({ ...form, password: e.currentTarget.value })} error={errors.password} />
          <Select label={t('users.role')} data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))} value={form.role} onChange={(v) => v && setForm({ ...form, role: v as (typeof ROLES)[number] })} allowDeselect={false} />
          <TextInput label={t('users.team')} value={form.team} onChange={(e) => setForm({ ...form, team: e.currentTarget.value })} error={errors.team} />
          <Button onClick={() => create.mutate()} loading={create.isPending}>
            {t('users.create')}
          </Button>
        </Stack>
      </Modal>
      {users.isError ? (
        <Alert color="red">{(users.error as Error).message}</Alert>
      ) : users.isLoading ? (
        <Loader aria-label={t('common.loading')} />
      ) : (
        <Paper withBorder p="sm">
          <Table striped data-testid="users-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('login.username')}</Table.Th>
                <Table.Th>{t('users.role')}</Table.Th>
                <Table.Th>{t('users.team')}</Table.Th>
                <Table.Th>{t('users.active')}</Table.Th>
                <Table.Th>{t('users.createdAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.data!.items.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    {u.username} {u.mustChangePassword && <Badge color="orange">{t('users.mustChange')}</Badge>}
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={t('users.roleOf', { user: u.username })}
                      data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
                      value={u.role}
                      onChange={(v) => v && v !== u.role && update.mutate({ id: u.id, body: { role: v as (typeof ROLES)[number] } })}
                      allowDeselect={false}
                      disabled={u.id === me?.user.id}
                      w={170}
                      size="xs"
                    />
                  </Table.Td>
                  <Table.Td>{u.team ?? '—'}</Table.Td>
                  <Table.Td>
                    <Switch aria-label={t('users.activeOf', { user: u.username })} checked={u.active} disabled={u.id === me?.user.id} onChange={(e) => update.mutate({ id: u.id, body: { active: e.currentTarget.checked } })} />
                  </Table.Td>
                  <Table.Td>{fmtDateTime(u.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}
