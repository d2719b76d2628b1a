import { useState } from 'react';
import { Alert, Badge, Button, Group, NumberInput, Paper, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, ApiError } from '../../api/client';
import { fmtNumber, fmtPct } from '../../app/format';
import { BarChart } from '../../components/charts';

/** Runs the pacing simulator for this campaign's settings and a team size; algorithms side by side. */
export function WhatIfPanel({ campaignId }: { campaignId: string }) {
  const { t } = useTranslation();
  const [agents, setAgents] = useState<number | string>(10);
  const [hours, setHours] = useState<number | string>(1);
  const [human, setHuman] = useState<number | string>(25);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const sim = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/campaigns/{id}/what-if', { params: { path: { id: campaignId } }, body: { agents: Number(agents), hours: Number(hours), seeds: 2, human_rate: Number(human) / 100 } })),
    onError: (e) => setErrors(e instanceof ApiError ? e.fieldErrors(t) : {}),
  });
  const r = sim.data;
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4">
        {t('whatIf.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('whatIf.intro')}
      </Text>
      <Group align="flex-end">
        <NumberInput label={t('whatIf.agents')} min={1} max={500} value={agents} onChange={setAgents} error={errors.agents} w={140} />
        <NumberInput label={t('whatIf.hours')} min={0.5} max={8} step={0.5} decimalScale={1} value={hours} onChange={setHours} error={errors.hours} w={140} />
        <NumberInput label={t('whatIf.humanRate')} min={0} max={100} suffix=" %" value={human} onChange={setHuman} error={errors.human_rate} w={160} />
        <Button
          onClick={() => {
            setErrors({});
            sim.mutate();
          }}
          loading={sim.isPending}
        >
          {t('whatIf.run')}
        </Button>
      </Group>
      {sim.isError && !(sim.error instanceof ApiError && sim.error.details.length > 0) && (
        <Alert color="red" mt="sm">
          {(sim.error as Error).message}
        </Alert>
      )}
      {r && (
        <>
          <Text size="sm" mt="md">
            {t('whatIf.summary', { agents: r.agents, hours: r.hours, seeds: r.seeds, target: fmtNumber(r.target_pct, 1), bound: fmtNumber(r.upper_bound_talk_min, 1), s: fmtNumber(r.elapsed_ms / 1000, 1) })}
          </Text>
          <SimpleGrid cols={{ base: 1, xl: 2 }} mt="sm">
            <Table.ScrollContainer minWidth={560}>
              <Table striped data-testid="what-if-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('whatIf.algorithm')}</Table.Th>
                    <Table.Th>{t('whatIf.talkMin')}</Table.Th>
                    <Table.Th>{t('kpi.abandonUs')}</Table.Th>
                    <Table.Th>{t('kpi.abandonOfcom')}</Table.Th>
                    <Table.Th>{t('whatIf.callsPerHour')}</Table.Th>
                    <Table.Th>{t('whatIf.verdict')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {r.results.map((x) => (
                    <Table.Tr key={x.name}>
                      <Table.Td>{x.name}</Table.Td>
                      <Table.Td className="tabular">{fmtNumber(x.talk_min_per_agent_hour, 1)}</Table.Td>
                      <Table.Td className="tabular">{fmtPct(x.abandon_us_pct, 2)}</Table.Td>
                      <Table.Td className="tabular">{fmtPct(x.abandon_ofcom_pct, 2)}</Table.Td>
                      <Table.Td className="tabular">{fmtNumber(x.calls_per_hour, 0)}</Table.Td>
                      <Table.Td>
                        <Badge color={x.within_target ? 'green' : 'red'}>{x.within_target ? t('whatIf.within') : t('whatIf.over')}</Badge>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <BarChart
              title={t('whatIf.chart')}
              labels={r.results.map((x) => x.name)}
              series={[
                { label: t('whatIf.talkMin'), data: r.results.map((x) => x.talk_min_per_agent_hour), color: '#1c7ed6' },
                { label: t('kpi.abandonUs'), data: r.results.map((x) => x.abandon_us_pct), color: '#e03131' },
              ]}
              height={260}
            />
          </SimpleGrid>
        </>
      )}
    </Paper>
  );
}
