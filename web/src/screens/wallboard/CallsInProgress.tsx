import { memo } from 'react';
import { Badge, Group, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { WallboardCall } from '../../api/types';
import { Elapsed } from '../../components/Elapsed';
import { fmtPhone } from '../../app/format';
import { STAGES, type Stage } from './board-state';

export const STAGE_COLOR: Record<Stage, string> = { dialing: 'gray', ringing: 'cyan', amd: 'grape', waiting: 'orange', machine: 'dark', talking: 'blue' };
/** More rows than this are summarised (the counts per stage above the table stay exact). */
const MAX_ROWS = 150;

const CallRow = memo(function CallRow({ call, campaign, agent, showNode }: { call: WallboardCall; campaign: string; agent: string; showNode: boolean }) {
  const { t } = useTranslation();
  return (
    <Table.Tr>
      <Table.Td>
        <Badge color={STAGE_COLOR[call.stage]} variant="light">
          {t(`stage.${call.stage}`)}
        </Badge>
      </Table.Td>
      <Table.Td className="tabular">{fmtPhone(call.phone)}</Table.Td>
      <Table.Td>{campaign}</Table.Td>
      <Table.Td>{agent}</Table.Td>
      {showNode && <Table.Td data-testid="call-node">{call.node_id ?? '—'}</Table.Td>}
      <Table.Td>
        <Elapsed since={call.stage_since} colored={call.stage === 'talking'} />
      </Table.Td>
    </Table.Tr>
  );
});

const ORDER: Record<Stage, number> = { dialing: 0, ringing: 1, amd: 2, waiting: 3, machine: 4, talking: 5 };

export function CallsInProgress({
  calls,
  counts,
  campaignNames,
  agentNames,
  showNode = false,
}: {
  calls: WallboardCall[];
  counts: Record<Stage, number>;
  campaignNames: Map<string, string>;
  agentNames: Map<string, string>;
  /** Several engine nodes: a column names each call's node. */
  showNode?: boolean;
}) {
  const { t } = useTranslation();
  const rows = [...calls].sort((a, b) => ORDER[b.stage] - ORDER[a.stage] || a.stage_since - b.stage_since).slice(0, MAX_ROWS);
  return (
    <>
      <Group gap="xs" mb="xs" data-testid="stage-counts">
        {STAGES.map((s) => (
          <Badge key={s} color={STAGE_COLOR[s]} variant="outline" size="lg" className="tabular" data-testid={`stage-count-${s}`}>
            {t(`stage.${s}`)}: {counts[s]}
          </Badge>
        ))}
      </Group>
      {calls.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('wallboard.noCalls')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560} mah={380}>
          <Table striped highlightOnHover stickyHeader>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('wallboard.stage')}</Table.Th>
                <Table.Th>{t('common.phone')}</Table.Th>
                <Table.Th>{t('common.campaign')}</Table.Th>
                <Table.Th>{t('common.agent')}</Table.Th>
                {showNode && <Table.Th>{t('wallboard.node')}</Table.Th>}
                <Table.Th>{t('wallboard.inStage')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => (
                <CallRow key={c.id} call={c} campaign={c.campaign_id ? (campaignNames.get(c.campaign_id) ?? c.campaign_id) : '—'} agent={c.agent_id ? (agentNames.get(c.agent_id) ?? c.agent_id) : '—'} showNode={showNode} />
              ))}
            </Table.Tbody>
          </Table>
          {calls.length > MAX_ROWS && (
            <Text size="sm" c="dimmed" mt={4}>
              {t('wallboard.moreCalls', { n: calls.length - MAX_ROWS })}
            </Text>
          )}
        </Table.ScrollContainer>
      )}
    </>
  );
}
