import { useState } from 'react';
import { Paper, Select, SimpleGrid, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { zonedDayStartIso } from '../../app/format';
import { useMe } from '../agent/useAgentConsole';
import { useSession } from '../../auth/useSession';
import { useCampaignList } from '../campaigns/useCampaigns';
import { phoneSearch } from './phone-search';

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
  const [phone, setPhone] = useState('');
  const [offset, setOffset] = useState(0);
  // Searched once typing pauses, not at every key.
  const [typedPhone] = useDebouncedValue(phone, 400);
  const phoneFound = phoneSearch(typedPhone);

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
    ...(phoneFound && 'digits' in phoneFound ? { phone: phoneFound.digits } : {}),
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
    setPhone('');
    for (const f of [setAgent, setCampaign, setDisposition, setAmd]) f(null);
  };
  const agentName = new Map((agents.data?.items ?? []).map((a) => [a.id, a.name]));
  const campaignName = new Map((campaigns.data ?? []).map((c) => [c.id, c.name]));
  const fields = { from, to, agent, campaign, disposition, amd, phone, setFrom, setTo, setAgent, setCampaign, setDisposition, setAmd, setPhone, set };
  return { query, offset, setOffset, clear, agentName, campaignName, manager, zone, fields, agents: agents.data?.items ?? [] };
}

export type CallFilters = ReturnType<typeof useCallFilters>;

/** The filter bar of `useCallFilters`. */
export function CallFilterBar({ filters }: { filters: CallFilters }) {
  const { t } = useTranslation();
  const { fields: f, manager, zone, agents, campaignName } = filters;
  return (
    <Paper withBorder p="sm">
      {/* Two rows of four at 1280 px: seven in one row left the date boxes too narrow for "dd/mm/aaaa". */}
      <SimpleGrid cols={{ base: 2, sm: 3, md: 4 }}>
        <TextInput type="date" label={t('calls.from')} value={f.from} onChange={(e) => f.set(f.setFrom)(e.currentTarget.value)} />
        <TextInput type="date" label={t('calls.to')} value={f.to} onChange={(e) => f.set(f.setTo)(e.currentTarget.value)} />
        <PhoneBox value={f.phone} onChange={f.set(f.setPhone)} />
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

/** The phone search: a hint while too short, the reason when the API would refuse what is typed. */
function PhoneBox({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  const found = phoneSearch(value);
  const problem = found && 'problem' in found ? found.problem : null;
  return (
    <TextInput
      label={t('common.phone')}
      placeholder={t('calls.phoneSearch')}
      inputMode="tel"
      maxLength={32}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={problem === 'chars' ? t('calls.phoneChars') : problem === 'long' ? t('calls.phoneLong') : undefined}
      data-testid="call-phone-filter"
    />
  );
}
