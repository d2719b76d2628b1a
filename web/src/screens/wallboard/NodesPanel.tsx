import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { fmtInt, fmtTime } from '../../app/format';
import type { ClusterBoardEvent, ClusterBoardNode } from '../../live/events';
import { AGENT_STATES, STAGES } from './board-state';

/** The wallboard's colours for agent states and call stages (as the agents-by-state row and the calls table). */
export const AGENT_STATE_COLORS: Record<string, string> = { READY: 'green', RESERVED: 'cyan', TALKING: 'blue', WRAP_UP: 'violet', PAUSED: 'orange', LOGGED_OUT: 'gray' };
const STAGE_COLORS: Record<string, string> = { dialing: 'gray', ringing: 'yellow', amd: 'grape', waiting: 'orange', machine: 'gray', talking: 'blue' };

/** Non-zero counts as small badges: a node's (or the cluster's) agents by state, or calls by stage. */
function Counts({ counts, order, colors, label, testId }: { counts: Record<string, number>; order: readonly string[]; colors: Record<string, string>; label: (k: string) => string; testId: string }) {
  const shown = order.filter((k) => (counts[k] ?? 0) > 0);
  return (
    <Group gap={6} wrap="wrap" data-testid={testId}>
      {shown.length === 0 ? (
        <Text size="sm" c="dimmed">
          —
        </Text>
      ) : (
        shown.map((k) => (
          <Badge key={k} color={colors[k] ?? 'gray'} variant="light" className="tabular" data-testid={`${testId}-${k}`}>
            {label(k)}: {counts[k]}
          </Badge>
        ))
      )}
    </Group>
  );
}

function NodeCard({ n, zone }: { n: ClusterBoardNode; zone: string }) {
  const { t } = useTranslation();
  const up = n.state === 'up';
  return (
    <Paper
      withBorder
      p="xs"
      data-testid={`node-${n.nodeId}`}
      data-state={n.state}
      style={up ? undefined : { borderColor: 'var(--mantine-color-red-6)', background: 'var(--mantine-color-red-0)' }}
    >
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text fw={650} truncate>
          {n.nodeId}
        </Text>
        <Badge color={up ? 'green' : 'red'} variant={up ? 'light' : 'filled'} style={{ flexShrink: 0 }} data-testid={`node-${n.nodeId}-state`}>
          {up ? t('nodes.up') : t('nodes.down')}
        </Badge>
      </Group>
      <Text size="xs" c={up ? 'dimmed' : 'red.8'} className="tabular" data-testid={`node-${n.nodeId}-since`}>
        {n.since === null ? t('nodes.sinceUnknown') : t(up ? 'nodes.upSince' : 'nodes.downSince', { time: fmtTime(n.since, zone) })}
      </Text>
      <Text size="xs" truncate title={n.asterisk ?? undefined} data-testid={`node-${n.nodeId}-asterisk`}>
        {t('nodes.asterisk')}: {n.asterisk === 'embedded' ? t('nodes.embedded') : (n.asterisk ?? '—')}
      </Text>
      {up && (
        <Stack gap={4} mt={6}>
          <Text size="sm" className="tabular">
            {t('nodes.agentsLoggedIn', { n: fmtInt(n.agentsLoggedIn) })}
          </Text>
          <Counts counts={n.agents} order={AGENT_STATES} colors={AGENT_STATE_COLORS} label={(k) => t(`agentState.${k}`)} testId={`node-${n.nodeId}-agents`} />
          <Text size="sm" className="tabular">
            {t('nodes.callsLive', { n: fmtInt(n.callsTotal) })}
          </Text>
          <Counts counts={n.calls} order={STAGES} colors={STAGE_COLORS} label={(k) => t(`stage.${k}`)} testId={`node-${n.nodeId}-calls`} />
        </Stack>
      )}
    </Paper>
  );
}

/** Every engine node of the cluster (#18): up or down and since when, its Asterisk, its agents and calls; the totals over the nodes up. */
export function NodesPanel({ board, zone }: { board: ClusterBoardEvent; zone: string }) {
  const { t } = useTranslation();
  const k = board.totals;
  return (
    <Paper withBorder p="sm" data-testid="nodes-panel">
      <Group justify="space-between" wrap="wrap" mb="xs">
        <Title order={2} size="h5">
          {t('nodes.title')}
        </Title>
        <Group gap="xs">
          <Badge color="green" variant="light" className="tabular" data-testid="nodes-up">
            {t('nodes.nUp', { n: k.nodesUp })}
          </Badge>
          <Badge color={k.nodesDown > 0 ? 'red' : 'gray'} variant={k.nodesDown > 0 ? 'filled' : 'light'} className="tabular" data-testid="nodes-down">
            {t('nodes.nDown', { n: k.nodesDown })}
          </Badge>
        </Group>
      </Group>
      <Paper withBorder p="xs" mb="sm" bg="var(--mantine-color-gray-0)" data-testid="nodes-totals">
        <Text size="sm" fw={600} mb={4}>
          {t('nodes.totals')}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          <Stack gap={4}>
            <Text size="sm" className="tabular" data-testid="nodes-total-agents">
              {t('nodes.agentsLoggedIn', { n: fmtInt(k.agentsLoggedIn) })}
            </Text>
            <Counts counts={k.agents} order={AGENT_STATES} colors={AGENT_STATE_COLORS} label={(s) => t(`agentState.${s}`)} testId="nodes-total-agents-by" />
          </Stack>
          <Stack gap={4}>
            <Text size="sm" className="tabular" data-testid="nodes-total-calls">
              {t('nodes.callsLive', { n: fmtInt(k.callsTotal) })}
            </Text>
            <Counts counts={k.calls} order={STAGES} colors={STAGE_COLORS} label={(s) => t(`stage.${s}`)} testId="nodes-total-calls-by" />
          </Stack>
        </SimpleGrid>
      </Paper>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
        {board.nodes.map((n) => (
          <NodeCard key={n.nodeId} n={n} zone={zone} />
        ))}
      </SimpleGrid>
    </Paper>
  );
}
