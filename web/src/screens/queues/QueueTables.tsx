/**
 * The queue screen's tables: every queue with the figures (a row is a button that opens the queue's hours
 * and days) and an "All queues" total; the agents of the queue_log; the callers in a queue right
 * now, and apart from them those answered and still talking (no longer in the queue).
 */
import { Table, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { QueueAgentStats, QueueLiveCall, QueueSummary } from '../../api/types';
import { fmtDuration, fmtInt, fmtPct } from '../../app/format';
import { Elapsed } from '../../components/Elapsed';
import { sumQueues, type QueueTotalsRow } from './queue-figures';

function QueueCells({ q }: { q: QueueTotalsRow }) {
  return (
    <>
      <Table.Td ta="right">{fmtInt(q.offered)}</Table.Td>
      <Table.Td ta="right">{fmtInt(q.answered)}</Table.Td>
      <Table.Td ta="right">{fmtInt(q.abandoned)}</Table.Td>
      <Table.Td ta="right">{fmtPct(q.abandon_rate_pct)}</Table.Td>
      <Table.Td ta="right">{fmtDuration(q.asa_s)}</Table.Td>
      <Table.Td ta="right">{fmtDuration(q.max_wait_answered_s)}</Table.Td>
      <Table.Td ta="right">{fmtDuration(q.avg_talk_s)}</Table.Td>
      <Table.Td ta="right">{fmtPct(q.sl_pct_of_answered)}</Table.Td>
      <Table.Td ta="right">{fmtPct(q.sl_pct_of_answered_plus_abandoned)}</Table.Td>
      <Table.Td ta="right">{fmtInt(q.ringnoanswer)}</Table.Td>
    </>
  );
}

export function QueueTable({ queues, selected, onSelect }: { queues: QueueSummary[]; selected: string | null; onSelect: (name: string | null) => void }) {
  const { t } = useTranslation();
  const heads = ['offered', 'answered', 'abandoned', 'abandonRate', 'asa', 'maxWait', 'avgTalk', 'slAnswered', 'slAnsweredAbandoned', 'rna'] as const;
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped highlightOnHover withTableBorder fz="sm" horizontalSpacing="xs" data-testid="queue-table" className="tabular">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('queues.col.queue')}</Table.Th>
            {heads.map((h) => (
              <Table.Th key={h} ta="right">
                {t(`queues.col.${h}`)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {queues.map((q) => (
            <Table.Tr key={q.name} bg={selected === q.name ? 'var(--mantine-color-blue-light)' : undefined}>
              <Table.Td>
                <UnstyledButton aria-pressed={selected === q.name} onClick={() => onSelect(selected === q.name ? null : q.name)} fw={600} c="blue.8">
                  {q.name}
                </UnstyledButton>
                <Text size="xs" c="dimmed">
                  {t('queues.slTarget', { s: q.servicelevel_s })}
                </Text>
              </Table.Td>
              <QueueCells q={q} />
            </Table.Tr>
          ))}
        </Table.Tbody>
        {queues.length > 1 && (
          <Table.Tfoot>
            <Table.Tr fw={700}>
              <Table.Td>{t('queues.allQueues')}</Table.Td>
              <QueueCells q={sumQueues(queues)} />
            </Table.Tr>
          </Table.Tfoot>
        )}
      </Table>
    </Table.ScrollContainer>
  );
}

export function AgentTable({ agents }: { agents: QueueAgentStats[] }) {
  const { t } = useTranslation();
  const heads = ['callsAnswered', 'talk', 'avgTalk', 'rna', 'pause', 'loggedIn', 'occupancy'] as const;
  const nodes = withNodes(agents);
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table striped withTableBorder data-testid="queue-agent-table" className="tabular">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('common.agent')}</Table.Th>
            {nodes && <Table.Th>{t('queues.col.node')}</Table.Th>}
            {heads.map((h) => (
              <Table.Th key={h} ta="right">
                {t(`queues.col.${h}`)}
              </Table.Th>
            ))}
            <Table.Th>{t('queues.col.pauseReasons')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {agents.map((a) => (
            <Table.Tr key={a.name}>
              <Table.Td>{a.name}</Table.Td>
              {nodes && (
                <Table.Td data-testid="queue-agent-node" style={{ whiteSpace: 'nowrap' }}>
                  {a.node ?? '—'}
                </Table.Td>
              )}
              <Table.Td ta="right">{fmtInt(a.calls_answered)}</Table.Td>
              <Table.Td ta="right">{fmtDuration(a.talk_s)}</Table.Td>
              <Table.Td ta="right">{fmtDuration(a.avg_talk_s)}</Table.Td>
              <Table.Td ta="right">{fmtInt(a.ringnoanswer)}</Table.Td>
              <Table.Td ta="right">{fmtDuration(a.pause_s)}</Table.Td>
              <Table.Td ta="right">{fmtDuration(a.logged_in_s)}</Table.Td>
              <Table.Td ta="right">{fmtPct(a.occupancy_pct)}</Table.Td>
              <Table.Td>
                {Object.entries(a.pause_s_by_reason)
                  .map(([r, s]) => `${r || t('queues.noReason')} ${fmtDuration(s)}`)
                  .join(' · ') || '—'}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Callers in a queue now: entered, not yet connected to an agent nor gone (`state` waiting). */
export function WaitingCallers({ calls }: { calls: QueueLiveCall[] }) {
  const { t } = useTranslation();
  if (calls.length === 0) return <Text c="dimmed">{t('queues.nobodyWaiting')}</Text>;
  const nodes = withNodes(calls);
  return (
    <Table withTableBorder data-testid="queue-live-calls" className="tabular">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('queues.col.queue')}</Table.Th>
          <Table.Th>{t('queues.col.caller')}</Table.Th>
          <Table.Th ta="right">{t('queues.col.position')}</Table.Th>
          <Table.Th ta="right">{t('queues.col.inQueue')}</Table.Th>
          {nodes && <Table.Th>{t('queues.col.node')}</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {calls.map((c) => (
          <Table.Tr key={c.callid}>
            <Table.Td>{c.queue}</Table.Td>
            <Table.Td>{c.callerId || '—'}</Table.Td>
            <Table.Td ta="right">{c.position ?? '—'}</Table.Td>
            <Table.Td ta="right">
              <Elapsed since={c.enteredAt * 1000} />
            </Table.Td>
            {nodes && <Table.Td>{c.node ?? '—'}</Table.Td>}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Callers answered from a queue and still talking (`state` talking): out of the queue, the call not ended. */
export function TalkingCallers({ calls }: { calls: QueueLiveCall[] }) {
  const { t } = useTranslation();
  if (calls.length === 0) return <Text c="dimmed">{t('queues.nobodyTalking')}</Text>;
  const nodes = withNodes(calls);
  return (
    <Table withTableBorder data-testid="queue-talking-calls" className="tabular">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('queues.col.queue')}</Table.Th>
          <Table.Th>{t('queues.col.caller')}</Table.Th>
          <Table.Th>{t('common.agent')}</Table.Th>
          <Table.Th ta="right">{t('queues.col.waited')}</Table.Th>
          <Table.Th ta="right">{t('queues.col.talking')}</Table.Th>
          {nodes && <Table.Th>{t('queues.col.node')}</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {calls.map((c) => (
          <Table.Tr key={c.callid}>
            <Table.Td>{c.queue}</Table.Td>
            <Table.Td>{c.callerId || '—'}</Table.Td>
            <Table.Td>{c.agent ?? '—'}</Table.Td>
            <Table.Td ta="right">{c.waitS === null ? '—' : fmtDuration(c.waitS)}</Table.Td>
            <Table.Td ta="right">
              <Elapsed since={(c.enteredAt + (c.waitS ?? 0)) * 1000} />
            </Table.Td>
            {nodes && <Table.Td data-testid="queue-call-node">{c.node ?? '—'}</Table.Td>}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** On PostgreSQL the queue_log table names each agent's and call's node (`node`): then the tables show a Node column. */
function withNodes(rows: ReadonlyArray<{ node?: string | null }>): boolean {
  return rows.some((r) => r.node !== undefined);
}
