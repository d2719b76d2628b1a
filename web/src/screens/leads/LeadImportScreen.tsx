import { useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Button, FileInput, Group, Paper, Progress, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconDownload, IconUpload } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, authedFetch, saveBlob, unwrap, ApiError } from '../../api/client';
import { fmtInt } from '../../app/format';
import { useCampaignList } from '../campaigns/useCampaigns';
import { guessMapping, LEAD_FIELDS, previewCsv, rejectedRowsCsv, rowReasonKey, type CsvPreview, type LeadField } from './csv-preview';

const MAX_BYTES = 50 * 1024 * 1024;

export default function LeadImportScreen() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const campaigns = useCampaignList();
  const [campaign, setCampaign] = useState<string | null>(params.get('campaign'));
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [mapping, setMapping] = useState<Partial<Record<LeadField, string>>>({});
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);

  useEffect(() => {
    setPreview(null);
    setMapping({});
    setJobId(null);
    if (!file) return;
    if (!/\.csv$/i.test(file.name) && file.type !== 'text/csv') return; // XLSX: the server maps by header names
    void file
      .slice(0, 64 * 1024)
      .text()
      .then((text) => {
        const p = previewCsv(text);
        setPreview(p);
        setMapping(guessMapping(p.headers));
      });
  }, [file]);

  const job = useQuery({
    queryKey: ['import-job', jobId],
    enabled: jobId !== null,
    queryFn: () => unwrap(api.GET('/api/import-jobs/{id}', { params: { path: { id: jobId! }, query: { errors_limit: 200 } } })),
    refetchInterval: (q) => (q.state.data && (q.state.data.state === 'done' || q.state.data.state === 'failed') ? false : 500),
  });

  const upload = async () => {
    if (!file || !campaign) return;
    setError(null);
    if (file.size > MAX_BYTES) {
      setError(t('import.tooLarge'));
      return;
    }
    const form = new FormData();
    form.set('file', file, file.name);
    const chosen = Object.fromEntries(Object.entries(mapping).filter(([, v]) => v));
    if (Object.keys(chosen).length > 0) form.set('mapping', JSON.stringify(chosen));
    setUploading(true);
    try {
      const res = await authedFetch(new Request(new URL(`/api/campaigns/${campaign}/leads/import`, window.location.origin), { method: 'POST', body: form }));
      const body = (await res.json().catch(() => ({}))) as { job_id?: string; error?: { message: string } };
      if (!res.ok || !body.job_id) throw new ApiError(res.status, 'import_failed', body.error?.message ?? `HTTP ${res.status}`);
      setJobId(body.job_id);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setUploading(false);
    }
  };

  const downloadRejected = async () => {
    const rows: Array<{ line: number; reason: string }> = [];
    for (let offset = 0; ; offset += 5000) {
      const page = await unwrap(api.GET('/api/import-jobs/{id}', { params: { path: { id: jobId! }, query: { errors_limit: 5000, errors_offset: offset } } }));
      rows.push(...page.errors.items);
      if (rows.length >= page.errors.total || page.errors.items.length === 0) break;
    }
    saveBlob(new Blob([rejectedRowsCsv(rows)], { type: 'text/csv;charset=utf-8' }), `rejected-rows-${jobId}.csv`);
  };

  const j = job.data;
  const finished = j && (j.state === 'done' || j.state === 'failed');
  const pct = j?.total ? Math.min(100, (100 * j.processed) / j.total) : finished ? 100 : 0;
  return (
    <Stack>
      <Anchor component={Link} to={campaign ? `/campaigns/${campaign}` : '/leads'} size="sm">
        ← {t('import.back')}
      </Anchor>
      <Title order={1}>{t('import.title')}</Title>
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Select label={t('common.campaign')} required data={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.name }))} value={campaign} onChange={setCampaign} placeholder={t('import.chooseCampaign')} />
          <FileInput label={t('import.file')} description={t('import.fileHint')} accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" value={file} onChange={setFile} leftSection={<IconUpload size={16} aria-hidden />} clearable placeholder={t('import.choose')} />
        </SimpleGrid>
      </Paper>

      {preview && (
        <Paper withBorder p="md" data-testid="mapping-preview">
          <Title order={2} size="h4">
            {t('import.mapping')}
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            {t('import.mappingHint')}
          </Text>
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            {LEAD_FIELDS.map((f) => (
              <Select
                key={f}
                label={t(`leadField.${f}`)}
                data={preview.headers.map((h) => ({ value: h, label: h }))}
                value={mapping[f] ?? null}
                onChange={(v) => setMapping((m) => ({ ...m, [f]: v ?? undefined }))}
                clearable
                placeholder={t('import.notMapped')}
                error={f === 'phone' && !mapping.phone ? t('import.phoneRequired') : undefined}
              />
            ))}
          </SimpleGrid>
          <Table.ScrollContainer minWidth={600} mt="md">
            <Table withTableBorder striped>
              <Table.Thead>
                <Table.Tr>
                  {preview.headers.map((h) => (
                    <Table.Th key={h}>
                      {h}
                      {Object.entries(mapping).find(([, v]) => v === h) && (
                        <Badge ml={6} size="xs">
                          {t(`leadField.${Object.entries(mapping).find(([, v]) => v === h)![0]}`)}
                        </Badge>
                      )}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {preview.rows.map((r, i) => (
                  <Table.Tr key={i}>
                    {preview.headers.map((_, k) => (
                      <Table.Td key={k}>{r[k] ?? ''}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      {file && !preview && <Text size="sm">{t('import.noPreview')}</Text>}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      <Group>
        <Button onClick={() => void upload()} disabled={!file || !campaign || (preview !== null && !mapping.phone) || (jobId !== null && !finished)} loading={uploading}>
          {t('import.start')}
        </Button>
      </Group>

      {j && (
        <Paper withBorder p="md" data-testid="import-job">
          <Group justify="space-between">
            <Title order={2} size="h4">
              {t('import.progress')}
            </Title>
            <Badge color={j.state === 'done' ? 'green' : j.state === 'failed' ? 'red' : 'blue'} data-testid="import-state">
              {t(`import.state.${j.state}`)}
            </Badge>
          </Group>
          <Progress value={pct} mt="sm" size="lg" animated={!finished} aria-label={t('import.progress')} />
          <Group mt="sm" gap="xl">
            <Text className="tabular">
              {t('import.processed')}: <b>{fmtInt(j.processed)}</b>
              {j.total !== null ? ` / ${fmtInt(j.total)}` : ''}
            </Text>
            <Text className="tabular" data-testid="import-accepted">
              {t('import.accepted')}: <b>{fmtInt(j.accepted)}</b>
            </Text>
            <Text className="tabular" data-testid="import-rejected">
              {t('import.rejected')}: <b>{fmtInt(j.rejected)}</b>
            </Text>
          </Group>
          {j.message && (
            <Alert color="red" mt="sm">
              {j.message}
            </Alert>
          )}
          {j.errors.total > 0 && (
            <>
              <Group justify="space-between" mt="md">
                <Title order={3} size="h5">
                  {t('import.rejectedRows')}
                </Title>
                <Button variant="default" leftSection={<IconDownload size={16} aria-hidden />} onClick={() => void downloadRejected()} disabled={!finished}>
                  {t('import.downloadRejected')}
                </Button>
              </Group>
              <Table mt="xs" striped data-testid="rejected-rows">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('import.line')}</Table.Th>
                    <Table.Th>{t('import.reason')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {j.errors.items.map((e) => (
                    <Table.Tr key={e.line}>
                      <Table.Td className="tabular">{e.line}</Table.Td>
                      <Table.Td>{(() => {
                        const r = rowReasonKey(e.reason);
                        return r ? t(`import.reasons.${r.key}`, r.values) : e.reason;
                      })()}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {j.errors.total > j.errors.items.length && (
                <Text size="sm" c="dimmed">
                  {t('import.moreRejected', { n: j.errors.total - j.errors.items.length })}
                </Text>
              )}
            </>
          )}
          {finished && campaign && (
            <Group mt="md">
              <Button component={Link} to={`/campaigns/${campaign}`} variant="default">
                {t('import.toCampaign')}
              </Button>
              <Button component={Link} to={`/leads?campaign=${campaign}`} variant="default">
                {t('campaigns.viewLeads')}
              </Button>
            </Group>
          )}
        </Paper>
      )}
    </Stack>
  );
}
