import { useState } from 'react';
import { Alert, Badge, Button, Group, Loader, Modal, MultiSelect, Paper, Select, Stack, Table, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api, unwrap, ApiError } from '../../api/client';
import { useSession } from '../../auth/useSession';
import AgentPhoneModal, { type PhoneAgent } from './AgentPhoneModal';
import { NodeBadge } from '../../components/NodeBadge';
import { useCampaignList } from '../campaigns/useCampaigns';

const STATE_COLOR: Record<string, string> = { READY: 'green', RESERVED: 'cyan', TALKING: 'blue', WRAP_UP: 'violet', PAUSED: 'orange', LOGGED_OUT: 'gray' };

/**
 * Agents and their phones (endpoint), the user each belongs to, the campaigns each serves (none: all), and their live
 * state; admins also get each human agent's phone config for the Asterisk box and a new SIP password for it
 * (AgentPhoneModal). With several engine nodes up, a logged-in agent's state carries the node it is on.
 */
export default function AgentsScreen() {
  const { t } = useTranslation();
  const admin = useSession()?.user.role === 'admin';
  const [phone, setPhone] = useState<PhoneAgent | null>(null);
  const qc = useQueryClient();
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => unwrap(api.GET('/api/agents')), refetchInterval: 10_000 });
  const users = useQuery({ queryKey: ['users'], queryFn: () => unwrap(api.GET('/api/users')), retry: false });
  const [open, setOpen] = useState(false);
  const campaigns = useCampaignList();
  const [form, setForm] = useState({ name: '', endpoint: 'PJSIP/', team: '', user: null as string | null, campaignIds: [] as string[] });
  const [errors, setErrors] = useState<Record<string, string>>({});
  /** A refusal that names no field of the form (a 409 about one, such as its campaigns, shows under it). */
  const [formError, setFormError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/agents', {
          // No campaign chosen: the agent serves every campaign (null, as the API stores it).
          body: { kind: 'human', name: form.name.trim(), endpoint: form.endpoint.trim(), team: form.team.trim() || null, user_id: form.user, campaign_ids: form.campaignIds.length > 0 ? form.campaignIds : null },
        }),
      ),
    onSuccess: () => {
      setOpen(false);
      setFormError(null);
      setForm({ name: '', endpoint: 'PJSIP/', team: '', user: null, campaignIds: [] });
      void qc.invalidateQueries({ queryKey: ['agents'] });
      notifications.show({ color: 'green', message: t('agents.created') });
    },
    onError: (e) => {
      const byField = e instanceof ApiError && e.details.length > 0;
      setErrors(byField ? e.fieldErrors(t) : {});
      setFormError(byField ? null : (e as Error).message);
    },
  });
  // Several engine nodes up: each logged-in agent's state says which node it is on.
  const showNode = (agents.data?.nodesUp.length ?? 0) > 1;
  const userName = new Map((users.data?.items ?? []).map((u) => [u.id, u.username]));
  const campaignName = new Map((campaigns.data ?? []).map((c) => [c.id, c.name]));
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('nav.agents')}</Title>
        <Button onClick={() => setOpen(true)}>{t('agents.new')}</Button>
      </Group>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('agents.new')}>
        <Stack>
          <TextInput label={t('agents.name')} value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} error={errors.name} />
          <TextInput label={t('agents.endpoint')} description={t('agents.endpointHint')} value={form.endpoint} onChange={(e) => setForm({ ...form, endpoint: e.currentTarget.value })} error={errors.endpoint} />
          <TextInput label={t('users.team')} value={form.team} onChange={(e) => setForm({ ...form, team: e.currentTarget.value })} error={errors.team} />
          {users.data && <Select label={t('agents.user')} clearable data={users.data.items.map((u) => ({ value: u.id, label: u.username }))} value={form.user} onChange={(v) => setForm({ ...form, user: v })} error={errors.user_id} />}
          <MultiSelect
            label={t('agents.campaigns')}
            description={t('agents.campaignsHint')}
            data={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
            value={form.campaignIds}
            onChange={(v) => setForm({ ...form, campaignIds: v })}
            error={errors.campaign_ids}
            searchable
            clearable
          />
          {formError && (
            <Alert color="red" title={t('agents.notCreated')}>
              {formError}
            </Alert>
          )}
          <Button onClick={() => create.mutate()} loading={create.isPending}>
            {t('agents.create')}
          </Button>
        </Stack>
      </Modal>
      <AgentPhoneModal agent={phone} onClose={() => setPhone(null)} />
      {agents.isError ? (
        <Alert color="red">{(agents.error as Error).message}</Alert>
      ) : agents.isLoading ? (
        <Loader aria-label={t('common.loading')} />
      ) : (
        <Paper withBorder p="sm">
          <Table striped data-testid="agents-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('agents.name')}</Table.Th>
                <Table.Th>{t('agents.endpoint')}</Table.Th>
                <Table.Th>{t('users.team')}</Table.Th>
                <Table.Th>{t('agents.user')}</Table.Th>
                <Table.Th>{t('agents.campaigns')}</Table.Th>
                <Table.Th>{t('agents.state')}</Table.Th>
                {admin && <Table.Th>{t('agents.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {agents.data!.items.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>{a.name}</Table.Td>
                  <Table.Td>
                    <code>{a.endpoint}</code>
                  </Table.Td>
                  <Table.Td>{a.team ?? '—'}</Table.Td>
                  <Table.Td>{a.userId ? (userName.get(a.userId) ?? a.userId) : '—'}</Table.Td>
                  <Table.Td data-testid={`agent-campaigns-${a.id}`}>{a.campaignIds && a.campaignIds.length > 0 ? a.campaignIds.map((id) => campaignName.get(id) ?? id).join(', ') : t('agents.allCampaigns')}</Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Badge color={STATE_COLOR[a.live?.status ?? 'LOGGED_OUT']}>{t(`agentState.${a.live?.status ?? 'LOGGED_OUT'}`)}</Badge>
                      {showNode && a.live && a.live.status !== 'LOGGED_OUT' && a.live.nodeId && <NodeBadge node={a.live.nodeId} />}
                    </Group>
                  </Table.Td>
                  {admin && (
                    <Table.Td>
                      {a.kind === 'human' && (
                        <Button size="xs" variant="light" onClick={() => setPhone({ id: a.id, name: a.name })} aria-label={t('agents.phoneConfigOf', { name: a.name })}>
                          {t('agents.phoneConfig')}
                        </Button>
                      )}
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
