import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ActionIcon, Alert, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { IconPlayerPauseFilled, IconPlayerPlayFilled, IconPlayerTrackNext, IconPlayerTrackPrev } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import WaveSurfer from 'wavesurfer.js';
import { fmtDuration } from '../../app/format';

export const SPEEDS = [0.75, 1, 1.25, 1.5, 2] as const;
const SEEK_S = 5;

/** The page's CSP nonce: wavesurfer writes a <style> into its shadow root, allowed by this nonce. */
const cspNonce = (): string | undefined => document.querySelector('meta[name="csp-nonce"]')?.getAttribute('content') ?? undefined;

/** Space or arrows typed into a form field are that field's, not the player's. */
function ownedByField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return true;
  return target.closest('[role="radiogroup"],[role="listbox"],[role="combobox"],[role="slider"]') !== null;
}

/**
 * The recording's player: an <audio> element (src = a short-lived signed URL, no token) driven by wavesurfer.js,
 * which draws the API's peaks (no decoding in the browser). Play/pause, ±5 s, speed; keyboard: space, ←, →.
 * `onTime` reports the position (the AMD chart marks it), `onDuration` the audio's length once known; `below` is
 * drawn right under the waveform, in a box of the same width (the AMD chart on the player's time axis).
 */
export function Player({
  src,
  peaks,
  durationMs,
  onTime,
  onDuration,
  below,
}: {
  src: string;
  peaks: number[] | null;
  durationMs: number | null;
  onTime?: (s: number) => void;
  onDuration?: (s: number) => void;
  below?: ReactNode;
}) {
  const { t } = useTranslation();
  const audioRef = useRef<HTMLAudioElement>(null);
  const waveRef = useRef<HTMLDivElement>(null);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [speed, setSpeed] = useState('1');
  const [error, setError] = useState<string | null>(null);
  const [mediaDuration, setMediaDuration] = useState<number | null>(null);
  // The stored duration when known (peaks are drawn before the audio loads); else what the audio says.
  const duration = durationMs !== null ? durationMs / 1000 : (mediaDuration ?? 0);

  useEffect(() => {
    const media = audioRef.current;
    const container = waveRef.current;
    if (!media || !container) return;
    let ws: WaveSurfer | null = null;
    try {
      const nonce = cspNonce();
      ws = WaveSurfer.create({
        container,
        media,
        height: 96,
        waveColor: '#7a8aa0',
        progressColor: '#1c5fb8',
        cursorColor: '#c92a2a',
        barWidth: 2,
        barGap: 1,
        normalize: true,
        ...(peaks && peaks.length ? { peaks: [peaks], duration: (durationMs ?? 0) / 1000 || undefined } : {}),
        ...(nonce ? { cspNonce: nonce } : {}),
      });
    } catch (err) {
      setError((err as Error).message);
    }
    return () => ws?.destroy();
  }, [peaks, durationMs]);

  useEffect(() => {
    const a = audioRef.current;
    if (!a) return;
    const tick = () => {
      setTime(a.currentTime);
      onTime?.(a.currentTime);
    };
    const on = () => setPlaying(true);
    const off = () => setPlaying(false);
    const fail = () => setError(t('recordings.audioError'));
    const length = () => {
      if (!Number.isFinite(a.duration)) return;
      setMediaDuration(a.duration);
      onDuration?.(a.duration);
    };
    length();
    a.addEventListener('durationchange', length);
    a.addEventListener('timeupdate', tick);
    a.addEventListener('seeked', tick);
    a.addEventListener('play', on);
    a.addEventListener('pause', off);
    a.addEventListener('ended', off);
    a.addEventListener('error', fail);
    return () => {
      a.removeEventListener('timeupdate', tick);
      a.removeEventListener('seeked', tick);
      a.removeEventListener('play', on);
      a.removeEventListener('pause', off);
      a.removeEventListener('ended', off);
      a.removeEventListener('error', fail);
      a.removeEventListener('durationchange', length);
    };
  }, [onTime, onDuration, t]);

  const toggle = () => {
    const a = audioRef.current;
    if (!a) return;
    if (a.paused) void a.play().catch((e: Error) => setError(e.message));
    else a.pause();
  };
  const seekBy = (d: number) => {
    const a = audioRef.current;
    if (!a) return;
    const end = Number.isFinite(a.duration) ? a.duration : duration;
    a.currentTime = Math.min(Math.max(0, a.currentTime + d), end || a.currentTime + d);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || ownedByField(e.target)) return;
      if (e.key === ' ') {
        e.preventDefault();
        toggle();
      } else if (e.key === 'ArrowLeft') {
        e.preventDefault();
        seekBy(-SEEK_S);
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        seekBy(SEEK_S);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  useEffect(() => {
    if (audioRef.current) audioRef.current.playbackRate = Number(speed);
  }, [speed]);

  return (
    <Stack gap="xs" data-testid="player">
      <audio ref={audioRef} src={src} preload="metadata" data-testid="recording-audio" />
      <div ref={waveRef} className="waveform" data-testid="waveform" role="img" aria-label={t('recordings.waveform')} />
      {below}
      <Group justify="space-between" wrap="wrap">
        <Group gap="xs">
          <ActionIcon variant="default" size="lg" onClick={() => seekBy(-SEEK_S)} aria-label={t('recordings.back5')}>
            <IconPlayerTrackPrev size={18} />
          </ActionIcon>
          <ActionIcon size="xl" onClick={toggle} aria-label={playing ? t('recordings.pause') : t('recordings.play')} data-testid="play-toggle">
            {playing ? <IconPlayerPauseFilled size={22} /> : <IconPlayerPlayFilled size={22} />}
          </ActionIcon>
          <ActionIcon variant="default" size="lg" onClick={() => seekBy(SEEK_S)} aria-label={t('recordings.forward5')}>
            <IconPlayerTrackNext size={18} />
          </ActionIcon>
          <Text className="tabular" data-testid="player-time">
            {fmtDuration(time)} / {fmtDuration(duration)}
          </Text>
        </Group>
        <Group gap="xs">
          <Text size="sm" id="speed-label">
            {t('recordings.speed')}
          </Text>
          <SegmentedControl aria-labelledby="speed-label" size="xs" value={speed} onChange={setSpeed} data={SPEEDS.map((s) => ({ value: String(s), label: `${s}×` }))} data-testid="speed" />
        </Group>
      </Group>
      <Text size="xs" c="dimmed">
        {t('recordings.shortcuts')}
      </Text>
      {error && (
        <Alert color="red" title={t('recordings.audioError')}>
          {error}
        </Alert>
      )}
    </Stack>
  );
}
