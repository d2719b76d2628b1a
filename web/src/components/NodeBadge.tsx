import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The engine node an agent is live on (several nodes, #18): the wallboard's tiles and the agent list. */
export function NodeBadge({ node }: { node: string }) {
  const { t } = useTranslation();
  return (
    <Badge size="xs" variant="outline" color="gray" tt="none" title={t('wallboard.onNode', { node })} aria-label={t('wallboard.onNode', { node })} data-testid="agent-node" style={{ flexShrink: 1, minWidth: 0 }}>
      {node}
    </Badge>
  );
}
