import { useState } from 'react';
import { Alert, Badge, Button, Group, Loader, Modal, MultiSelect, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api, unwrap, ApiError } from '../../api/client';
import type { components } from '../../api/schema';
import { useSession } from '../../auth/useSession';
import AgentPhoneModal, { type PhoneAgent } from './AgentPhoneModal';
import { NodeBadge } from '../../components/NodeBadge';
import { useCampaignList } from '../campaigns/useCampaigns';
import { filterAgents, isFiltered, NO_AGENT_FILTER, teamsOf, type AgentFilter } from './agent-filter';

interface AgentForm {
  name: string;
  endpoint: string;
  team: string;
  user: string | null;
  campaignIds: string[];
}
const EMPTY_FORM: AgentForm = { name: '', endpoint: 'PJSIP/', team: '', user: null, campaignIds: [] };
/** An agent of the list, as the form needs it. */
type AgentRow = Pick<components['schemas']['Agent'], 'id' | 'name' | 'endpoint' | 'team' | 'userId' | 'campaignIds'>;

const STATE_COLOR: Record<string, string> = { READY: 'green', RESERVED: 'cyan', TALKING: 'blue', WRAP_UP: 'violet', PAUSED: 'orange', LOGGED_OUT: 'gray' };
const STATES = Object.keys(STATE_COLOR);

/**
 * Agents and their phones (endpoint), the user each belongs to, the campaigns each serves (none: all), and their live
 * state; admins also get each human agent's phone config for the Asterisk box and a new SIP password for it
 * (AgentPhoneModal). With several engine nodes up, a logged-in agent's state carries the node it is on. The list filters
 * in the browser by name or phone, team, campaign served and state (agent-filter.ts).
 */
export default function AgentsScreen() {
  const { t, i18n } = useTranslation();
  const role = useSession()?.user.role;
  const [filter, setFilter] = useState<AgentFilter>(NO_AGENT_FILTER);
  const admin = role === 'admin';
  /** Who may create and change agents (the API's agents.manage). */
  const manager = admin || role === 'supervisor';
  const [phone, setPhone] = useState<PhoneAgent | null>(null);
  const qc = useQueryClient();
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => unwrap(api.GET('/api/agents')), refetchInterval: 10_000 });
  const users = useQuery({ queryKey: ['users'], queryFn: () => unwrap(api.GET('/api/users')), retry: false });
  const [open, setOpen] = useState(false);
  /** The agent being changed; null: the form creates a new one. */
  const [editing, setEditing] = useState<AgentRow | null>(null);
  const campaigns = useCampaignList();
  const [form, setForm] = useState<AgentForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<Record<string, string>>({});
  /** A refusal that names no field of the form (a 409 about one, such as its campaigns, shows under it). */
  const [formError, setFormError] = useState<string | null>(null);
  const openForm = (agent: AgentRow | null) => {
    setEditing(agent);
    setForm(agent ? { name: agent.name, endpoint: agent.endpoint, team: agent.team ?? '', user: agent.userId, campaignIds: agent.campaignIds ?? [] } : EMPTY_FORM);
    setErrors({});
    setFormError(null);
    setOpen(true);
  };
  const save = useMutation({
    mutationFn: () => {
      // No campaign chosen: the agent serves every campaign (null, as the API stores it).
      const fields = { name: form.name.trim(), endpoint: form.endpoint.trim(), team: form.team.trim() || null, user_id: form.user, campaign_ids: form.campaignIds.length > 0 ? form.campaignIds : null };
      if (editing) {
        // Assignments go only when changed: the API checks them against the running campaigns, and an unchanged set
        // (even one stored before that check) must not block renaming the agent.
        const same = [...(editing.campaignIds ?? [])].sort().join('\u0000') === [...form.campaignIds].sort().join('\u0000');
        const { campaign_ids, ...rest } = fields;
        return unwrap(api.PATCH('/api/agents/{id}', { params: { path: { id: editing.id } }, body: same ? rest : { ...rest, campaign_ids } }));
      }
      return unwrap(api.POST('/api/agents', { body: { kind: 'human', ...fields } }));
    },
    onSuccess: () => {
      setOpen(false);
      setFormError(null);
      setForm(EMPTY_FORM);
      void qc.invalidateQueries({ queryKey: ['agents'] });
      notifications.show({ color: 'green', message: t(editing ? 'agents.saved' : 'agents.created') });
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
  const all = agents.data?.items ?? [];
  const shown = filterAgents(all, filter);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('nav.agents')}</Title>
        {manager && <Button onClick={() => openForm(null)}>{t('agents.new')}</Button>}
      </Group>
      <Modal opened={open} onClose={() => setOpen(false)} title={editing ? t('agents.editTitle', { name: editing.name }) : t('agents.new')}>
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
            <Alert color="red" title={t(editing ? 'agents.notSaved' : 'agents.notCreated')}>
              {formError}
            </Alert>
          )}
          <Button onClick={() => save.mutate()} loading={save.isPending}>
            {t(editing ? 'agents.save' : 'agents.create')}
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
          <SimpleGrid cols={{ base: 2, md: 4 }} mb="sm" data-testid="agents-filters">
            <TextInput label={t('agents.search')} placeholder={t('agents.searchHint')} value={filter.text} onChange={(e) => setFilter({ ...filter, text: e.currentTarget.value })} />
            <Select label={t('users.team')} clearable data={teamsOf(all, i18n.language)} value={filter.team} onChange={(v) => setFilter({ ...filter, team: v })} placeholder={t('common.all')} />
            <Select
              label={t('agents.servesCampaign')}
              clearable
              searchable
              data={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
              value={filter.campaignId}
              onChange={(v) => setFilter({ ...filter, campaignId: v })}
              placeholder={t('common.all')}
            />
            <Select label={t('agents.state')} clearable data={STATES.map((s) => ({ value: s, label: t(`agentState.${s}`) }))} value={filter.state} onChange={(v) => setFilter({ ...filter, state: v })} placeholder={t('common.all')} />
          </SimpleGrid>
          {isFiltered(filter) && (
            <Group justify="space-between" mb="xs">
              <Text size="sm" c="dimmed" data-testid="agents-count">
                {t('agents.shownOf', { shown: shown.length, total: all.length })}
              </Text>
              <Button size="xs" variant="default" onClick={() => setFilter(NO_AGENT_FILTER)}>
                {t('common.clearFilters')}
              </Button>
            </Group>
          )}
          {shown.length === 0 && all.length > 0 ? (
            <Text c="dimmed" data-testid="agents-none">
              {t('agents.noMatch')}
            </Text>
          ) : (
            <Table striped data-testid="agents-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('agents.name')}</Table.Th>
                  <Table.Th>{t('agents.endpoint')}</Table.Th>
                  <Table.Th>{t('users.team')}</Table.Th>
                  <Table.Th>{t('agents.user')}</Table.Th>
                  <Table.Th>{t('agents.campaigns')}</Table.Th>
                  <Table.Th>{t('agents.state')}</Table.Th>
                  {manager && <Table.Th>{t('agents.actions')}</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((a) => (
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
                        {/* Never cut to "DESCONECTA…": the state is the column's whole point. */}
                        <Badge color={STATE_COLOR[a.live?.status ?? 'LOGGED_OUT']} styles={{ root: { flexShrink: 0, overflow: 'visible' }, label: { overflow: 'visible' } }}>
                          {t(`agentState.${a.live?.status ?? 'LOGGED_OUT'}`)}
                        </Badge>
                        {showNode && a.live && a.live.status !== 'LOGGED_OUT' && a.live.nodeId && <NodeBadge node={a.live.nodeId} />}
                      </Group>
                    </Table.Td>
                    {manager && (
                      <Table.Td>
                        <Group gap={6} wrap="nowrap">
                          <Button size="xs" variant="default" onClick={() => openForm(a)} aria-label={t('agents.editOf', { name: a.name })}>
                            {t('agents.edit')}
                          </Button>
                          {admin && a.kind === 'human' && (
                            <Button size="xs" variant="light" onClick={() => setPhone({ id: a.id, name: a.name })} aria-label={t('agents.phoneConfigOf', { name: a.name })}>
                              {t('agents.phoneConfig')}
                            </Button>
                          )}
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      )}
    </Stack>
  );
}
