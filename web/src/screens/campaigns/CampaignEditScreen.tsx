import { useEffect, useRef, useState } from 'react';
import { Alert, Anchor, Button, Checkbox, Group, Loader, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap, ApiError } from '../../api/client';
import { problemText } from '../../api/problems';
import { useCampaign } from './useCampaigns';

const DIAL_MODES = ['preview', 'progressive', 'power', 'predictive'] as const;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

interface Form {
  name: string;
  dialMode: string;
  dialRatio: number | string;
  maxConcurrent: number | string;
  dialStringTemplate: string;
  callerId: string;
  ringTimeoutS: number | string;
  start: string;
  end: string;
  weekdays: string[];
  defaultTimeZone: string;
  defaultCountry: string;
  maxAttempts: number | string;
  wrapUpS: number | string;
  dropTargetPct: number | string;
  machineAction: string;
  voicemailMessage: string;
  notsurePolicy: string;
  safeHarborMessage: string;
  /** Seconds before the next attempt, per disposition (`default` for the rest). */
  retry: Record<RetryKey, number | string>;
  recording: boolean;
}

const RETRY_KEYS = ['default', 'BUSY', 'NO_ANSWER', 'MACHINE', 'DROPPED', 'CONGESTION', 'FAILED', 'HUNG_UP_DURING_AMD', 'INTERRUPTED'] as const;
type RetryKey = (typeof RETRY_KEYS)[number];

const EMPTY: Form = {
  name: '',
  dialMode: 'progressive',
  dialRatio: 1,
  maxConcurrent: 10,
  dialStringTemplate: 'PJSIP/{e164}@trunk',
  callerId: '',
  ringTimeoutS: 25,
  start: '08:00',
  end: '21:00',
  weekdays: ['1', '2', '3', '4', '5', '6'],
  defaultTimeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  defaultCountry: 'CR',
  maxAttempts: 5,
  wrapUpS: 10,
  dropTargetPct: 3,
  machineAction: 'hangup',
  voicemailMessage: '',
  notsurePolicy: 'human',
  safeHarborMessage: 'sound:centralita/safe-harbor',
  retry: { default: 3600, BUSY: 300, NO_ANSWER: 1800, MACHINE: 3600, DROPPED: 600, CONGESTION: 120, FAILED: 600, HUNG_UP_DURING_AMD: 1800, INTERRUPTED: 300 },
  recording: false,
};

/** Form field → the API's field path (as named in 422 details). */
const FIELD_OF: Record<string, keyof Form> = { 'callingHours.start': 'start', 'callingHours.end': 'end', callingHours: 'end', dropTarget: 'dropTargetPct', retryDelays: 'retry' };

export default function CampaignEditScreen() {
  const { id } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const existing = useCampaign(id);
  // Trunks kept in Centralita (Administration → Trunks); supervisors and admins, who edit campaigns, may read them.
  const trunks = useQuery({ queryKey: ['trunks'], queryFn: () => unwrap(api.GET('/api/trunks')) }).data?.items ?? [];
  const [f, setF] = useState<Form>(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<keyof Form | 'form', string>>>({});
  const formRef = useRef<HTMLFormElement>(null);
  // A refused save is seen where it is: the first field in error (or the form's own alert) is brought into view and
  // focused, since the Save button sits at the bottom of a long form and the problem may be at its top.
  useEffect(() => {
    if (Object.keys(errors).length === 0) return;
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], [role="alert"]');
    if (!first) return;
    first.scrollIntoView({ block: 'center' });
    if (first.matches('input, textarea')) first.focus({ preventScroll: true });
  }, [errors]);
  useEffect(() => {
    const c = existing.data;
    if (!c) return;
    setF({
      name: c.name,
      dialMode: c.dialMode,
      dialRatio: c.dialRatio,
      maxConcurrent: c.maxConcurrent,
      dialStringTemplate: c.dialStringTemplate,
      callerId: c.callerId ?? '',
      ringTimeoutS: c.ringTimeoutS,
      start: c.callingHours.start,
      end: c.callingHours.end,
      weekdays: c.weekdays.map(String),
      defaultTimeZone: c.defaultTimeZone,
      defaultCountry: c.defaultCountry,
      maxAttempts: c.maxAttempts,
      wrapUpS: c.wrapUpS,
      dropTargetPct: Math.round(c.dropTarget * 1000) / 10,
      machineAction: c.machineAction,
      voicemailMessage: c.voicemailMessage ?? '',
      notsurePolicy: c.notsurePolicy ?? 'human',
      safeHarborMessage: c.safeHarborMessage ?? EMPTY.safeHarborMessage,
      retry: { ...EMPTY.retry, ...(c.retryDelays ?? {}) },
      recording: c.recording,
    });
  }, [existing.data]);
  const set = <K extends keyof Form>(k: K) => (v: Form[K]) => setF((prev) => ({ ...prev, [k]: v }));

  const save = useMutation({
    mutationFn: async () => {
      const body = {
        name: f.name,
        dialMode: f.dialMode as (typeof DIAL_MODES)[number],
        dialRatio: Number(f.dialRatio),
        maxConcurrent: Number(f.maxConcurrent),
        dialStringTemplate: f.dialStringTemplate,
        callerId: f.callerId.trim() === '' ? null : f.callerId.trim(),
        ringTimeoutS: Number(f.ringTimeoutS),
        callingHours: { start: f.start, end: f.end },
        weekdays: f.weekdays.map(Number),
        defaultTimeZone: f.defaultTimeZone,
        defaultCountry: f.defaultCountry.toUpperCase(),
        maxAttempts: Number(f.maxAttempts),
        wrapUpS: Number(f.wrapUpS),
        dropTarget: Number(f.dropTargetPct) / 100,
        machineAction: f.machineAction as 'hangup' | 'message',
        voicemailMessage: f.voicemailMessage.trim() === '' ? null : f.voicemailMessage.trim(),
        notsurePolicy: f.notsurePolicy as 'human' | 'machine',
        safeHarborMessage: f.safeHarborMessage.trim(),
        retryDelays: Object.fromEntries(RETRY_KEYS.map((k) => [k, Number(f.retry[k])])),
        recording: f.recording,
      };
      if (id) return unwrap(api.PATCH('/api/campaigns/{id}', { params: { path: { id } }, body }));
      // The document marks defaulted settings as required; the API fills them (engine/campaigns/settings.ts).
      return unwrap(api.POST('/api/campaigns', { body: body as never }));
    },
    onSuccess: (c) => {
      void qc.invalidateQueries({ queryKey: ['campaigns'] });
      void qc.invalidateQueries({ queryKey: ['campaign', id] });
      notifications.show({ color: 'green', message: t('campaigns.saved') });
      void navigate(`/campaigns/${(c as { id: string }).id}`);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.details.length > 0) {
        const out: Partial<Record<keyof Form | 'form', string>> = {};
        for (const d of e.details) {
          const key = (FIELD_OF[d.field] ?? d.field.split('.')[0]) as keyof Form;
          out[key in f ? key : 'form'] ??= `${key in f ? '' : `${d.field}: `}${problemText(d, t)}`;
        }
        setErrors(out);
      } else setErrors({ form: (e as Error).message });
    },
  });

  if (id && existing.isLoading) return <Loader aria-label={t('common.loading')} />;
  if (id && existing.isError) return <Alert color="red">{(existing.error as Error).message}</Alert>;
  const e = errors;
  return (
    <form
      ref={formRef}
      onSubmit={(ev) => {
        ev.preventDefault();
        // The obvious mistakes are caught here, in the UI's language; the API checks everything else.
        if (f.name.trim() === '') {
          setErrors({ name: t('campaigns.nameRequired') });
          return;
        }
        setErrors({});
        save.mutate();
      }}
      noValidate
    >
      <Stack>
        <Anchor component={Link} to={id ? `/campaigns/${id}` : '/campaigns'} size="sm">
          ← {t('campaigns.back')}
        </Anchor>
        <Title order={1}>{id ? t('campaigns.editTitle') : t('campaigns.newTitle')}</Title>
        {e.form && (
          <Alert color="red" role="alert">
            {e.form}
          </Alert>
        )}
        <Paper withBorder p="md">
          <SimpleGrid cols={{ base: 1, md: 2, lg: 3 }}>
            <TextInput label={t('campaigns.name')} required value={f.name} onChange={(ev) => set('name')(ev.currentTarget.value)} error={e.name} />
            <Select label={t('campaigns.dialMode')} data={DIAL_MODES.map((m) => ({ value: m, label: t(`dialMode.${m}`) }))} value={f.dialMode} onChange={(v) => v && set('dialMode')(v)} allowDeselect={false} error={e.dialMode} />
            <NumberInput label={t('campaigns.f.dialRatio')} description={t('campaigns.h.dialRatio')} min={1} max={10} step={0.5} decimalScale={2} value={f.dialRatio} onChange={set('dialRatio')} error={e.dialRatio} />
            <NumberInput label={t('campaigns.f.maxConcurrent')} min={1} max={10000} value={f.maxConcurrent} onChange={set('maxConcurrent')} error={e.maxConcurrent} />
            <Stack gap={4}>
              <TextInput label={t('campaigns.f.dialStringTemplate')} description={t('campaigns.h.dialStringTemplate')} value={f.dialStringTemplate} onChange={(ev) => set('dialStringTemplate')(ev.currentTarget.value)} error={e.dialStringTemplate} />
              {/* The trunks kept in Centralita (Administration → Trunks): one click puts the trunk's dial string in. */}
              {trunks.length > 0 && (
                <Group gap="xs">
                  {trunks.map((tr) => (
                    <Button key={tr.name} size="compact-xs" variant="light" onClick={() => set('dialStringTemplate')(tr.dialStringTemplate)}>
                      {t('campaigns.useTrunk', { name: tr.name })}
                    </Button>
                  ))}
                </Group>
              )}
            </Stack>
            <TextInput label={t('campaigns.f.callerId')} value={f.callerId} onChange={(ev) => set('callerId')(ev.currentTarget.value)} error={e.callerId} />
            <NumberInput label={t('campaigns.f.ringTimeoutS')} min={15} max={120} value={f.ringTimeoutS} onChange={set('ringTimeoutS')} error={e.ringTimeoutS} />
            <TextInput label={t('campaigns.f.callingStart')} placeholder="08:00" value={f.start} onChange={(ev) => set('start')(ev.currentTarget.value)} error={e.start} />
            <TextInput label={t('campaigns.f.callingEnd')} placeholder="21:00" value={f.end} onChange={(ev) => set('end')(ev.currentTarget.value)} error={e.end} />
            <TextInput label={t('campaigns.f.defaultTimeZone')} value={f.defaultTimeZone} onChange={(ev) => set('defaultTimeZone')(ev.currentTarget.value)} error={e.defaultTimeZone} />
            <TextInput label={t('campaigns.f.defaultCountry')} maxLength={2} value={f.defaultCountry} onChange={(ev) => set('defaultCountry')(ev.currentTarget.value)} error={e.defaultCountry} />
            <NumberInput label={t('campaigns.f.maxAttempts')} min={1} max={50} value={f.maxAttempts} onChange={set('maxAttempts')} error={e.maxAttempts} />
            <NumberInput label={t('campaigns.f.wrapUpS')} min={0} max={3600} value={f.wrapUpS} onChange={set('wrapUpS')} error={e.wrapUpS} />
            <NumberInput label={t('campaigns.f.dropTarget')} description={t('campaigns.h.dropTarget')} min={0} max={3} step={0.1} decimalScale={1} suffix=" %" value={f.dropTargetPct} onChange={set('dropTargetPct')} error={e.dropTargetPct} />
            <Select
              label={t('campaigns.f.machineAction')}
              data={[
                { value: 'hangup', label: t('campaigns.machine.hangup') },
                { value: 'message', label: t('campaigns.machine.message') },
              ]}
              value={f.machineAction}
              onChange={(v) => v && set('machineAction')(v)}
              allowDeselect={false}
            />
            <TextInput label={t('campaigns.f.voicemailMessage')} value={f.voicemailMessage} onChange={(ev) => set('voicemailMessage')(ev.currentTarget.value)} error={e.voicemailMessage} />
            <Select
              label={t('campaigns.f.notsurePolicy')}
              data={[
                { value: 'human', label: t('campaigns.notsure.human') },
                { value: 'machine', label: t('campaigns.notsure.machine') },
              ]}
              value={f.notsurePolicy}
              onChange={(v) => v && set('notsurePolicy')(v)}
              allowDeselect={false}
            />
            <TextInput label={t('campaigns.f.safeHarborMessage')} description={t('campaigns.h.safeHarborMessage')} value={f.safeHarborMessage} onChange={(ev) => set('safeHarborMessage')(ev.currentTarget.value)} error={e.safeHarborMessage} />
          </SimpleGrid>
          <Text fw={500} size="sm" mt="md">
            {t('campaigns.f.retryDelays')}
          </Text>
          <Text size="xs" c="dimmed">
            {t('campaigns.h.retryDelays')}
          </Text>
          <SimpleGrid cols={{ base: 2, md: 4 }} mt={4}>
            {RETRY_KEYS.map((k) => (
              <NumberInput
                key={k}
                label={k === 'default' ? t('campaigns.retryDefault') : t(`disposition.${k}`)}
                min={0}
                suffix=" s"
                value={f.retry[k]}
                onChange={(v) => setF((prev) => ({ ...prev, retry: { ...prev.retry, [k]: v } }))}
                error={e.retry}
              />
            ))}
          </SimpleGrid>
          <Checkbox.Group label={t('campaigns.f.weekdays')} value={f.weekdays} onChange={set('weekdays')} error={e.weekdays} mt="md">
            <Group mt={4}>
              {WEEKDAYS.map((d) => (
                <Checkbox key={d} value={String(d)} label={t(`weekday.${d}`)} />
              ))}
            </Group>
          </Checkbox.Group>
          <Switch mt="md" label={t('campaigns.f.recording')} checked={f.recording} onChange={(ev) => set('recording')(ev.currentTarget.checked)} />
        </Paper>
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
          <Button variant="default" component={Link} to={id ? `/campaigns/${id}` : '/campaigns'}>
            {t('common.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
