import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Table, Text, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../auth/useSession';
import { fmtNumber, fmtPct } from '../../app/format';
import { CAMPAIGN_STATE_COLOR } from '../wallboard/PacingPanel';
import { useCampaignList, useCampaignStats, type CampaignView } from './useCampaigns';

function LiveCells({ id }: { id: string }) {
  const s = useCampaignStats(id, 10_000);
  if (!s.data) return <Table.Td colSpan={4}>{s.isError ? '—' : <Loader size="xs" />}</Table.Td>;
  const d = s.data;
  return (
    <>
      <Table.Td className="tabular">{d.calls.ringing + d.calls.amd + d.calls.waiting + d.calls.connected}</Table.Td>
      <Table.Td className="tabular">{d.today.placed}</Table.Td>
      <Table.Td className="tabular">{fmtPct(d.today.abandonPct, 2)}</Table.Td>
      <Table.Td className="tabular">{d.pacing?.level === null || d.pacing === null ? '—' : fmtNumber(d.pacing.level, 2)}</Table.Td>
    </>
  );
}

export default function CampaignListScreen() {
  const { t } = useTranslation();
  const session = useSession();
  const canManage = session?.user.role === 'supervisor' || session?.user.role === 'admin';
  const list = useCampaignList();
  return (
    <>
      <Group justify="space-between" mb="md">
        <Title order={1}>{t('nav.campaigns')}</Title>
        {canManage && (
          <Button component={Link} to="/campaigns/new" leftSection={<IconPlus size={16} aria-hidden />}>
            {t('campaigns.new')}
          </Button>
        )}
      </Group>
      {list.isError ? (
        <Alert color="red" title={t('errors.loadFailed')}>
          {(list.error as Error).message}
        </Alert>
      ) : list.isLoading ? (
        <Loader aria-label={t('common.loading')} />
      ) : list.data!.length === 0 ? (
        <Paper withBorder p="lg">
          <Text>{canManage ? t('campaigns.emptyManager') : t('campaigns.empty')}</Text>
        </Paper>
      ) : (
        <Paper withBorder p="sm">
          <Table.ScrollContainer minWidth={800}>
            <Table striped highlightOnHover data-testid="campaigns-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('campaigns.name')}</Table.Th>
                  <Table.Th>{t('campaigns.state')}</Table.Th>
                  <Table.Th>{t('campaigns.dialMode')}</Table.Th>
                  <Table.Th>{t('campaigns.liveCalls')}</Table.Th>
                  <Table.Th>{t('campaigns.placedToday')}</Table.Th>
                  <Table.Th>{t('kpi.abandonUs')}</Table.Th>
                  <Table.Th>{t('wallboard.dialLevel')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data!.map((c: CampaignView) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/campaigns/${c.id}`}>
                        {c.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={CAMPAIGN_STATE_COLOR[c.state]}>{t(`campaignState.${c.state}`)}</Badge>
                      {c.state === 'failed' && c.stateReason && (
                        <Text size="xs" c="red" mt={4} data-testid="campaign-state-reason">
                          {t('campaigns.failedReason', { reason: c.stateReason })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{t(`dialMode.${c.dialMode}`, { defaultValue: c.dialMode })}</Table.Td>
                    <LiveCells id={c.id} />
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </>
  );
}
