import { Group, Stack, Text, VisuallyHidden } from '@mantine/core';
import { Bar } from 'react-chartjs-2';
import type { ChartOptions } from 'chart.js';
import { useTranslation } from 'react-i18next';
import '../../components/charts';

const FRAME_MS = 20;

export interface AmdTrace {
  status: string;
  cause: string;
  decisionMs: number;
  beepAtMs?: number;
  frameEnergy: number[];
  words: Array<{ startMs: number; endMs: number }>;
  notes: string[];
  decisionFrame: number;
  lateFrame?: number;
  toneFrames?: number[];
}

export type FrameKind = 'silence' | 'word' | 'decision' | 'tone';

/** What each 20 ms frame was: in a word, the tone (beep), the decision frame, or neither. */
export function frameKinds(trace: AmdTrace): FrameKind[] {
  const tones = new Set(trace.toneFrames ?? []);
  if (trace.beepAtMs !== undefined) tones.add(Math.floor(trace.beepAtMs / FRAME_MS));
  return trace.frameEnergy.map((_, i) => {
    if (i === trace.decisionFrame) return 'decision';
    if (tones.has(i)) return 'tone';
    const ms = i * FRAME_MS;
    return trace.words.some((w) => ms >= w.startMs && ms < w.endMs) ? 'word' : 'silence';
  });
}

const COLORS: Record<FrameKind, string> = { silence: '#8a96a8', word: '#2b8a3e', decision: '#c92a2a', tone: '#e8590c' };

/**
 * Where the chart sits on the player's time axis: the seconds the player shows (its duration) and the second at
 * which the trace's frame 0 falls. Given, the chart's plot spans its box edge to edge (no y axis, inner tick
 * labels) on a linear 0…duration axis: second t is right under second t of the waveform above it, which spans the
 * same box.
 */
export interface PlayerAxis {
  durationS: number;
  offsetS: number;
}

/** Writes the plot area's edges on the chart's box (data-plot="left,right" in px), for tests and for people. */
const plotEdges = {
  id: 'plotEdges',
  afterLayout(chart: { canvas: HTMLCanvasElement; chartArea: { left: number; right: number } }) {
    const box = chart.canvas.parentElement;
    if (box) box.dataset['plot'] = `${Math.round(chart.chartArea.left)},${Math.round(chart.chartArea.right)}`;
  },
};

/**
 * The AMD trace: energy per 20 ms frame (words in green, the beep in orange, the decision frame in red), the
 * decision and its cause, the beep's time, and the detector's notes. With `axis`, drawn on the player's time axis
 * under its waveform (see PlayerAxis); without, on its own axis of seconds after answer.
 */
export function AmdTraceChart({ trace, positionS, axis }: { trace: AmdTrace; positionS: number; axis?: PlayerAxis }) {
  const { t } = useTranslation();
  const kinds = frameKinds(trace);
  const posFrame = Math.floor(((positionS - (axis?.offsetS ?? 0)) * 1000) / FRAME_MS);
  const labels = trace.frameEnergy.map((_, i) => ((i * FRAME_MS) / 1000).toFixed(2));
  const options: ChartOptions<'bar'> = axis
    ? {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        // No padding anywhere: the plot must span the box edge to edge, like the waveform above it.
        layout: { padding: 0, autoPadding: false },
        plugins: { legend: { display: false }, tooltip: { enabled: true } },
        scales: {
          x: { type: 'linear', min: 0, max: axis.durationS, offset: false, grid: { offset: false }, ticks: { align: 'inner', padding: 0, maxRotation: 0, autoSkipPadding: 16, callback: (v) => `${Number(v).toFixed(1)} s` } },
          y: { display: false, beginAtZero: true },
        },
      }
    : {
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { enabled: true } },
        scales: {
          x: { title: { display: true, text: t('recordings.amdSeconds') }, ticks: { maxRotation: 0, autoSkipPadding: 16 } },
          y: { beginAtZero: true, title: { display: true, text: t('recordings.amdEnergy') } },
        },
      };
  const title = t('recordings.amdChart', { status: t(`amd.${trace.status}`, { defaultValue: trace.status }), cause: trace.cause, ms: Math.round(trace.decisionMs) });
  const colors = kinds.map((k, i) => (i === posFrame ? '#1c5fb8' : COLORS[k]));
  const data = axis
    ? { datasets: [{ label: t('recordings.amdEnergy'), data: trace.frameEnergy.map((y, i) => ({ x: axis.offsetS + (i * FRAME_MS) / 1000 + FRAME_MS / 2000, y })), backgroundColor: colors, borderWidth: 0, barPercentage: 1, categoryPercentage: 1 }] }
    : { labels, datasets: [{ label: t('recordings.amdEnergy'), data: trace.frameEnergy, backgroundColor: colors, borderWidth: 0, barPercentage: 1, categoryPercentage: 1 }] };
  return (
    <Stack gap={4} data-testid="amd-trace">
      <div className={axis ? 'amd-chart amd-chart-aligned' : 'amd-chart'} data-testid="amd-chart">
        <Bar role="img" aria-label={title} options={options} data={data as never} plugins={axis ? [plotEdges] : []} />
      </div>
      <Group gap="lg" wrap="wrap">
        <Text size="sm" data-testid="amd-decision">
          <b>{t('recordings.amdDecision')}:</b> {title}
        </Text>
        {trace.beepAtMs !== undefined && (
          <Text size="sm" data-testid="amd-beep">
            <b>{t('recordings.amdBeep')}:</b> {(trace.beepAtMs / 1000).toFixed(2)} s
          </Text>
        )}
        <Text size="sm">
          <b>{t('recordings.amdWords')}:</b> {trace.words.length}
        </Text>
      </Group>
      <Group gap="md" wrap="wrap" aria-hidden>
        {(['word', 'tone', 'decision', 'silence'] as const).map((k) => (
          <Text key={k} size="xs" className={`amd-legend amd-legend-${k}`}>
            {t(`recordings.amdLegend.${k}`)}
          </Text>
        ))}
      </Group>
      {trace.notes.length > 0 && (
        <Text size="xs" c="dimmed">
          {trace.notes.join(' · ')}
        </Text>
      )}
      <VisuallyHidden>
        <table>
          <caption>{title}</caption>
          <tbody>
            {trace.words.map((w) => (
              <tr key={w.startMs}>
                <td>{t('recordings.amdWords')}</td>
                <td>
                  {w.startMs}–{w.endMs} ms
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </VisuallyHidden>
    </Stack>
  );
}
