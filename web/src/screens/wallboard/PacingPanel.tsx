import { Badge, Group, Paper, SimpleGrid, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { WallboardCampaign } from '../../api/types';
import { fmtNumber } from '../../app/format';
import { describePacing } from './pacing-text';

export const CAMPAIGN_STATE_COLOR: Record<string, string> = { running: 'green', paused: 'orange', stopped: 'gray', draft: 'gray', completed: 'blue', failed: 'red' };

/** Each campaign's pacing: dial mode, the rule deciding now (the reason), the dial level and calls being placed. */
export function PacingPanel({ campaigns }: { campaigns: WallboardCampaign[] }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="sm">
      <Title order={2} size="h5" mb="xs">
        {t('wallboard.pacing')}
      </Title>
      {campaigns.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('wallboard.noCampaigns')}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="sm">
          {campaigns.map((c) => {
            const p = describePacing(c.pacing?.mode ?? c.dial_mode);
            const reason = [p.reasonKey ? t(`pacingReason.${p.reasonKey}`) : null, p.detail].filter(Boolean).join(' · ');
            return (
              <Paper key={c.id} withBorder p="xs" data-testid={`pacing-${c.id}`}>
                <Group justify="space-between" wrap="nowrap">
                  <Text fw={650} truncate>
                    {c.name}
                  </Text>
                  <Badge color={CAMPAIGN_STATE_COLOR[c.state] ?? 'gray'} style={{ flexShrink: 0 }}>{t(`campaignState.${c.state}`, { defaultValue: c.state })}</Badge>
                </Group>
                <Text size="sm">
                  {t(`dialMode.${p.mode}`, { defaultValue: p.mode })}
                  {reason ? ` · ${t('wallboard.reason')}: ${reason}` : ''}
                </Text>
                <Group gap="lg" mt={4}>
                  <Text size="sm" className="tabular">
                    {t('wallboard.dialLevel')}: <b>{c.pacing?.level === null || c.pacing === null ? '—' : fmtNumber(c.pacing.level, 2)}</b>
                  </Text>
                  <Text size="sm" className="tabular">
                    {t('wallboard.placing')}: <b>{c.pacing?.place ?? 0}</b>
                  </Text>
                </Group>
              </Paper>
            );
          })}
        </SimpleGrid>
      )}
    </Paper>
  );
}
