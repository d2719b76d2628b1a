import { Paper, Text } from '@mantine/core';
import type { ReactNode } from 'react';

export type Tone = 'normal' | 'warning' | 'alarm';

const toneStyle: Record<Tone, { bg: string; fg: string; border: string }> = {
  normal: { bg: 'var(--mantine-color-white)', fg: 'var(--mantine-color-dark-7)', border: 'var(--mantine-color-gray-3)' },
  warning: { bg: 'var(--mantine-color-yellow-1)', fg: '#5c4200', border: 'var(--mantine-color-yellow-6)' },
  alarm: { bg: 'var(--mantine-color-red-8)', fg: 'var(--mantine-color-white)', border: 'var(--mantine-color-red-9)' },
};

/** One figure on the board: label, big tabular number, optional sub-line. Fixed height so nothing jumps. */
export function KpiTile({ label, value, sub, tone = 'normal', testId }: { label: string; value: ReactNode; sub?: ReactNode; tone?: Tone; testId?: string }) {
  const s = toneStyle[tone];
  return (
    <Paper withBorder p="sm" radius="md" style={{ background: s.bg, borderColor: s.border, minHeight: 96 }} data-testid={testId} data-tone={tone}>
      <Text size="sm" fw={600} style={{ color: s.fg }} lh={1.2}>
        {label}
      </Text>
      <Text className="tabular kpi-value" fw={700} style={{ color: s.fg }} lh={1.1} mt={6} data-testid={testId ? `${testId}-value` : undefined}>
        {value}
      </Text>
      {sub !== undefined && (
        <Text size="xs" style={{ color: s.fg }} mt={4}>
          {sub}
        </Text>
      )}
    </Paper>
  );
}

/** Abandon % against the 3 % limit: warning colour from 2.5 %, alarm at 3 %; no rate (no live answer) is normal. */
export function abandonTone(pct: number | null, limit = 3): Tone {
  if (pct === null) return 'normal';
  if (pct >= limit) return 'alarm';
  if (pct >= limit - 0.5) return 'warning';
  return 'normal';
}
