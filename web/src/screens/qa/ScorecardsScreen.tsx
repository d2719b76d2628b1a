import { useState } from 'react';
import { ActionIcon, Alert, Anchor, Badge, Button, Checkbox, Group, Loader, NumberInput, Paper, Select, Stack, Switch, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, unwrap } from '../../api/client';
import { problemText } from '../../api/problems';
import type { components } from '../../api/schema';
import { fmtDateTime, fmtNumber } from '../../app/format';

type Scorecard = components['schemas']['Scorecard'];
type Criterion = Scorecard['criteria'][number];
type ItemType = Criterion['type'];
const TYPES: ItemType[] = ['yesno', 'scale5', 'points'];

/** An item being edited: strings for the inputs, the id kept (scores given already refer to it). */
interface Draft {
  id: string;
  section: string;
  label: string;
  type: ItemType;
  weight: number | '';
  max: number | '';
  critical: boolean;
}

const toDraft = (c: Criterion): Draft => ({ id: c.id, section: c.section ?? '', label: c.label, type: c.type, weight: c.weight, max: c.max ?? '', critical: c.critical ?? false });

/** A new item's id: unique in the card, within the API's pattern (letters, digits, "-"). */
function newId(items: Draft[]): string {
  let n = items.length + 1;
  while (items.some((i) => i.id === `item-${n}`)) n++;
  return `item-${n}`;
}

function toCriteria(items: Draft[]): Criterion[] {
  return items.map((i) => ({
    id: i.id,
    label: i.label.trim(),
    type: i.type,
    weight: i.weight === '' ? 0 : i.weight,
    ...(i.type === 'points' && i.max !== '' ? { max: i.max } : {}),
    ...(i.section.trim() ? { section: i.section.trim() } : {}),
    ...(i.type === 'yesno' && i.critical ? { critical: true } : {}),
  }));
}

/** The editor of one scorecard (new when `card` is null): name, items with section, type, weight, critical. */
function ScorecardEditor({ card, onDone }: { card: Scorecard | null; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState(card?.name ?? '');
  const [items, setItems] = useState<Draft[]>(() => card?.criteria.map(toDraft) ?? [{ id: 'item-1', section: '', label: '', type: 'yesno', weight: 1, max: '', critical: false }]);
  const save = useMutation({
    mutationFn: () =>
      card
        ? unwrap(api.PATCH('/api/qa/scorecards/{id}', { params: { path: { id: card.id } }, body: { name: name.trim(), criteria: toCriteria(items) } }))
        : unwrap(api.POST('/api/qa/scorecards', { body: { name: name.trim(), criteria: toCriteria(items) } })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['qa-scorecards'] });
      onDone();
    },
  });
  // Fields edited since the last save: the API judged their old value, so its error no longer applies (a field just
  // filled in must not still say "Required"). Cleared when saving again.
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  const touch = (...fields: string[]) => setEdited((had) => (fields.every((f) => had.has(f)) ? had : new Set([...had, ...fields])));
  const errors = save.error instanceof ApiError ? save.error.fieldErrors(t) : {};
  const err = (field: string) => (edited.has(field) ? undefined : errors[field]);
  const openErrors = Object.keys(errors).filter((f) => !edited.has(f));
  const submit = () => {
    setEdited(new Set());
    save.mutate();
  };
  const totalWeight = items.reduce((s, i) => s + (i.weight === '' ? 0 : i.weight), 0);
  const set = (k: number, patch: Partial<Draft>) => {
    touch(...Object.keys(patch).map((f) => `criteria.${k}.${f}`));
    setItems((all) => all.map((it, i) => (i === k ? { ...it, ...patch } : it)));
  };
  // Moving or removing an item renumbers the rest: the API's errors (by index) would land on the wrong rows.
  const renumbered = () => save.reset();
  const move = (k: number, d: -1 | 1) => {
    renumbered();
    setItems((all) => {
      const out = [...all];
      const [it] = out.splice(k, 1);
      out.splice(k + d, 0, it!);
      return out;
    });
  };
  const remove = (k: number) => {
    renumbered();
    setItems((all) => all.filter((_, i) => i !== k));
  };
  // Messages the API gave without a field of an item (e.g. "at least one criterion must weigh more than 0").
  const general = save.error instanceof ApiError ? save.error.details.filter((d) => !/^criteria\.\d+\./.test(d.field) && d.field !== 'name') : [];

  return (
    <Paper withBorder p="md" data-testid="scorecard-editor">
      <Stack>
        <Title order={2} size="h4">
          {card ? t('scorecards.editTitle', { name: card.name }) : t('scorecards.newTitle')}
        </Title>
        <TextInput label={t('scorecards.name')} value={name} onChange={(e) => {
            touch('name');
            setName(e.currentTarget.value);
          }} maxLength={200} error={err('name')} required data-testid="scorecard-name" />
        <Text size="sm" c="dimmed">
          {t('scorecards.help')}
        </Text>
        <Table.ScrollContainer minWidth={860}>
          <Table verticalSpacing={6} data-testid="scorecard-items">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={150}>{t('scorecards.section')}</Table.Th>
                <Table.Th>{t('scorecards.item')}</Table.Th>
                <Table.Th w={140}>{t('scorecards.type')}</Table.Th>
                <Table.Th w={90}>{t('scorecards.max')}</Table.Th>
                <Table.Th w={100}>{t('scorecards.weight')}</Table.Th>
                <Table.Th w={80}>{t('scorecards.critical')}</Table.Th>
                <Table.Th w={110}>
                  <VisuallyHidden>{t('scorecards.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((it, k) => {
                const n = k + 1;
                const f = (field: string) => err(`criteria.${k}.${field}`);
                return (
                  <Table.Tr key={it.id} data-testid={`item-row-${k}`}>
                    <Table.Td>
                      <TextInput aria-label={t('scorecards.sectionOf', { n })} value={it.section} onChange={(e) => set(k, { section: e.currentTarget.value })} maxLength={80} error={f('section')} placeholder={t('scorecards.noSection')} />
                    </Table.Td>
                    <Table.Td>
                      <TextInput aria-label={t('scorecards.itemOf', { n })} value={it.label} onChange={(e) => set(k, { label: e.currentTarget.value })} maxLength={200} error={f('label')} required />
                    </Table.Td>
                    <Table.Td>
                      <Select
                        aria-label={t('scorecards.typeOf', { n })}
                        data={TYPES.map((v) => ({ value: v, label: t(`scorecards.types.${v}`) }))}
                        value={it.type}
                        onChange={(v) => v && set(k, { type: v as ItemType, ...(v !== 'yesno' ? { critical: false } : {}), ...(v === 'points' && it.max === '' ? { max: 10 } : {}) })}
                        allowDeselect={false}
                        error={f('type')}
                      />
                    </Table.Td>
                    <Table.Td>
                      {it.type === 'points' ? (
                        <NumberInput aria-label={t('scorecards.maxOf', { n })} min={1} max={1000} allowDecimal={false} value={it.max} onChange={(v) => set(k, { max: v === '' ? '' : Number(v) })} error={f('max')} />
                      ) : (
                        <Text size="sm" c="dimmed">
                          —
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <NumberInput aria-label={t('scorecards.weightOf', { n })} min={0} max={100} value={it.weight} onChange={(v) => set(k, { weight: v === '' ? '' : Number(v) })} error={f('weight')} />
                      <Text size="xs" c="dimmed" className="tabular">
                        {totalWeight > 0 ? `${fmtNumber(((it.weight === '' ? 0 : it.weight) / totalWeight) * 100, 0)} %` : '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Checkbox aria-label={t('scorecards.criticalOf', { n })} checked={it.critical} disabled={it.type !== 'yesno'} onChange={(e) => set(k, { critical: e.currentTarget.checked })} error={f('critical')} data-testid={`critical-${k}`} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <ActionIcon variant="default" onClick={() => move(k, -1)} disabled={k === 0} aria-label={t('scorecards.up', { n })}>
                          <IconArrowUp size={16} aria-hidden />
                        </ActionIcon>
                        <ActionIcon variant="default" onClick={() => move(k, 1)} disabled={k === items.length - 1} aria-label={t('scorecards.down', { n })}>
                          <IconArrowDown size={16} aria-hidden />
                        </ActionIcon>
                        <ActionIcon variant="default" color="red" onClick={() => remove(k)} disabled={items.length === 1} aria-label={t('scorecards.remove', { n })}>
                          <IconTrash size={16} aria-hidden />
                        </ActionIcon>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Group justify="space-between">
          <Button variant="default" leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setItems((all) => [...all, { id: newId(all), section: all.at(-1)?.section ?? '', label: '', type: 'yesno', weight: 1, max: '', critical: false }])} disabled={items.length >= 50} data-testid="add-item">
            {t('scorecards.addItem')}
          </Button>
          <Text size="sm" c="dimmed">
            {t('scorecards.criticalHelp')}
          </Text>
        </Group>
        {save.isError && (!(save.error instanceof ApiError) || save.error.details.length === 0 || general.length > 0 || openErrors.length > 0) && (
          <Alert color="red" title={t('scorecards.saveFailed')} data-testid="scorecard-error">
            {/* The API's summary is English; with details, the fields (and the list below) say it in the user's language. */}
            {save.error instanceof ApiError && save.error.details.length > 0 ? general.length === 0 && t('problems.checkFields') : (save.error as Error).message}
            {general.map((d) => (
              <div key={d.field + d.problem}>{problemText(d, t)}</div>
            ))}
          </Alert>
        )}
        <Group>
          <Button onClick={submit} loading={save.isPending} data-testid="scorecard-save">
            {t('scorecards.save')}
          </Button>
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** Scorecards (supervisors, admins): the list, and the editor for a new or an existing one; archive instead of delete. */
export default function ScorecardsScreen() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [archived, setArchived] = useState(false);
  const [editing, setEditing] = useState<Scorecard | 'new' | null>(null);
  const cards = useQuery({ queryKey: ['qa-scorecards', { archived }], queryFn: () => unwrap(api.GET('/api/qa/scorecards', { params: { query: archived ? { archived: 'true' } : {} } })) });
  const archive = useMutation({
    mutationFn: (c: Scorecard) => unwrap(api.PATCH('/api/qa/scorecards/{id}', { params: { path: { id: c.id } }, body: { archived: !c.archived } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['qa-scorecards'] }),
  });
  const sections = (c: Scorecard) => [...new Set(c.criteria.map((k) => k.section).filter((s): s is string => !!s))];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('nav.scorecards')}</Title>
        {editing === null && (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing('new')} data-testid="scorecard-new">
            {t('scorecards.new')}
          </Button>
        )}
      </Group>
      {editing !== null && <ScorecardEditor key={editing === 'new' ? 'new' : editing.id} card={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      <Paper withBorder p="sm">
        <Switch label={t('scorecards.showArchived')} checked={archived} onChange={(e) => setArchived(e.currentTarget.checked)} mb="sm" />
        {cards.isError ? (
          <Alert color="red" title={t('errors.loadFailed')}>
            {(cards.error as Error).message}
          </Alert>
        ) : cards.isLoading ? (
          <Loader aria-label={t('common.loading')} />
        ) : cards.data!.items.length === 0 ? (
          <Text c="dimmed">{t('scorecards.empty')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={700}>
            <Table striped fz="sm" data-testid="scorecards-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('scorecards.name')}</Table.Th>
                  <Table.Th>{t('scorecards.sections')}</Table.Th>
                  <Table.Th>{t('scorecards.items')}</Table.Th>
                  <Table.Th>{t('scorecards.updated')}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t('scorecards.actions')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {cards.data!.items.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      <Anchor component="button" type="button" onClick={() => setEditing(c)} fz="sm">
                        {c.name}
                      </Anchor>{' '}
                      {c.archived && (
                        <Badge color="gray" variant="light">
                          {t('scorecards.archived')}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{sections(c).join(' · ') || '—'}</Table.Td>
                    <Table.Td className="tabular">
                      {c.criteria.length}
                      {c.criteria.some((k) => k.critical) && (
                        <Badge color="red" variant="light" ml="xs">
                          {t('scorecards.criticalN', { n: c.criteria.filter((k) => k.critical).length })}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{fmtDateTime(c.updatedAt)}</Table.Td>
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button size="xs" variant="default" onClick={() => setEditing(c)}>
                          {t('scorecards.edit')}
                        </Button>
                        <Button size="xs" variant="subtle" color={c.archived ? 'blue' : 'red'} onClick={() => archive.mutate(c)} loading={archive.isPending && archive.variables?.id === c.id}>
                          {c.archived ? t('scorecards.restore') : t('scorecards.archive')}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </Stack>
  );
}
