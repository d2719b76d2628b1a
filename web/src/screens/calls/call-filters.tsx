import { useState } from 'react';
import { Paper, Select, SimpleGrid, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { zonedDayStartIso } from '../../app/format';
import { useMe } from '../agent/useAgentConsole';
import { useSession } from '../../auth/useSession';
import { useCampaignList } from '../campaigns/useCampaigns';

const DISPOSITIONS = ['ANSWERED_HUMAN', 'MACHINE', 'NO_ANSWER', 'BUSY', 'CONGESTION', 'INVALID_NUMBER', 'FAILED', 'DROPPED', 'HUNG_UP_DURING_AMD', 'CANCELLED', 'INTERRUPTED'] as const;
const AMD = ['HUMAN', 'MACHINE', 'NOTSURE', 'HANGUP'] as const;
export const CALL_PAGE_LIMIT = 25;

/**
 * The filters the call history and the recordings list share (dates are days in the call center's time zone; a
 * changed filter goes back to the first page), the query they make, and the names their rows show.
 */
export function useCallFilters() {
  const session = useSession();
  const manager = session?.user.role !== 'agent';
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [agent, setAgent] = useState<string | null>(null);
  const [campaign, setCampaign] = useState<string | null>(null);
  const [disposition, setDisposition] = useState<string | null>(null);
  const [amd, setAmd] = useState<string | null>(null);
  const [offset, setOffset] = useState(0);

  const me = useMe();
  const zone = me.data?.time_zone ?? 'UTC';
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => unwrap(api.GET('/api/agents')) });
  const campaigns = useCampaignList({ enabled: manager });
  const query = {
    ...(from ? { from: zonedDayStartIso(from, zone) } : {}),
    // Through the end of that day: the next local midnight, exclusive.
    ...(to ? { to: zonedDayStartIso(to, zone, 1) } : {}),
    ...(agent ? { agent_id: agent } : {}),
    ...(campaign ? { campaign_id: campaign } : {}),
    ...(disposition ? { disposition: disposition as (typeof DISPOSITIONS)[number] } : {}),
    ...(amd ? { amd_status: amd as (typeof AMD)[number] } : {}),
    limit: CALL_PAGE_LIMIT,
    offset,
  };
  const set =
    <T,>(f: (v: T) => void) =>
    (v: T) => {
      f(v);
      setOffset(0);
    };
  const clear = () => {
    setFrom('');
    setTo('');
    for (const f of [setAgent, setCampaign, setDisposition, setAmd]) f(null);
  };
  const agentName = new Map((agents.data?.items ?? []).map((a) => [a.id, a.name]));
  const campaignName = new Map((campaigns.data ?? []).map((c) => [c.id, c.name]));
  const fields = { from, to, agent, campaign, disposition, amd, setFrom, setTo, setAgent, setCampaign, setDisposition, setAmd, set };
  return { query, offset, setOffset, clear, agentName, campaignName, manager, zone, fields, agents: agents.data?.items ?? [] };
}

export type CallFilters = ReturnType<typeof useCallFilters>;

/** The filter bar of `useCallFilters`. */
export function CallFilterBar({ filters }: { filters: CallFilters }) {
  const { t } = useTranslation();
  const { fields: f, manager, zone, agents, campaignName } = filters;
  return (
    <Paper withBorder p="sm">
      <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }}>
        <TextInput type="date" label={t('calls.from')} value={f.from} onChange={(e) => f.set(f.setFrom)(e.currentTarget.value)} />
        <TextInput type="date" label={t('calls.to')} value={f.to} onChange={(e) => f.set(f.setTo)(e.currentTarget.value)} />
        <Select label={t('common.agent')} clearable data={agents.map((a) => ({ value: a.id, label: a.name }))} value={f.agent} onChange={f.set(f.setAgent)} placeholder={t('common.all')} />
        {manager && <Select label={t('common.campaign')} clearable data={[...campaignName].map(([value, label]) => ({ value, label }))} value={f.campaign} onChange={f.set(f.setCampaign)} placeholder={t('common.all')} />}
        <Select label={t('calls.disposition')} clearable data={DISPOSITIONS.map((d) => ({ value: d, label: t(`disposition.${d}`) }))} value={f.disposition} onChange={f.set(f.setDisposition)} placeholder={t('common.all')} />
        <Select label={t('calls.amdResult')} clearable data={AMD.map((d) => ({ value: d, label: t(`amd.${d}`) }))} value={f.amd} onChange={f.set(f.setAmd)} placeholder={t('common.all')} />
      </SimpleGrid>
      <Text size="xs" c="dimmed" mt={6}>
        {t('calls.dateHint', { zone })}
      </Text>
    </Paper>
  );
}
