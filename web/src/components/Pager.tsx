import { Group, Pagination, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Page controls with the "x–y of n" line; offset-based like every list route. */
export function Pager({ total, limit, offset, onOffset }: { total: number; limit: number; offset: number; onOffset: (o: number) => void }) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <Group justify="space-between" mt="sm">
      <Text size="sm" c="dimmed" className="tabular">
        {total === 0 ? t('common.noRows') : t('common.range', { from: offset + 1, to: Math.min(total, offset + limit), total })}
      </Text>
      {pages > 1 && <Pagination total={pages} value={Math.floor(offset / limit) + 1} onChange={(p) => onOffset((p - 1) * limit)} size="sm" getControlProps={(c) => ({ 'aria-label': t(`common.page.${c}`) })} />}
    </Group>
  );
}
