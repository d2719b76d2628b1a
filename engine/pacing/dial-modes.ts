/**
 * Which Pacer a campaign's dial mode means, the dial level shown with its decisions, and when a decision is worth
 * a `campaign.pacing` event. Pure; the engine's dial loop (engine/shell) calls these every pacing tick.
 */
import type { DialMode } from '../campaigns/index.js';
import { defaultGovernorConfig } from './abandon-governor.js';
import { predictivePacer } from './predictive.js';
import { powerPacer, progressivePacer } from './ratio.js';
import type { Pacer, PacingStatus } from './types.js';

/**
 * How a campaign dials. The stored modes, plus `fixed`: the engine's original loop (a fixed number of calls in
 * flight, an agent reserved per call when one is free), kept for embedders that pass one campaign and a
 * concurrency.
 */
export type EngineDialMode = DialMode | 'fixed';

export interface PacingSettings {
  dialMode: EngineDialMode;
  /** Power: lines per ready agent. */
  dialRatio?: number;
  /** Predictive: the abandon target (fraction of live answers, 0.03 = 3 %). */
  dropTarget?: number;
}

/** Preview: nothing is placed automatically (agents place calls themselves; test calls still work). */
export function previewPacer(): Pacer<Record<string, never>> {
  return { name: 'preview', initial: () => ({}), observe: (s) => s, decide: (s) => ({ state: s, decision: { place: 0, mode: 'preview' } }) };
}

/** The pacer for a dial mode; `fixed` has none (the engine's own loop). */
export function pacerFor(p: PacingSettings): Pacer<unknown> | null {
  switch (p.dialMode) {
    case 'preview':
      return previewPacer() as Pacer<unknown>;
    case 'progressive':
      return progressivePacer() as Pacer<unknown>;
    case 'power':
      return powerPacer(Math.max(1, p.dialRatio ?? 1), 'power') as Pacer<unknown>;
    case 'predictive':
      return predictivePacer(
        { governor: { ...defaultGovernorConfig, target: p.dropTarget ?? defaultGovernorConfig.target, rule: 'us' } },
        'predictive',
      ) as Pacer<unknown>;
    case 'fixed':
      return null;
  }
}

/** Dial level shown with the decision: lines per ready agent where the mode has a fixed one. */
export function pacingLevel(p: PacingSettings): number | null {
  switch (p.dialMode) {
    case 'progressive':
      return 1;
    case 'power':
      return Math.max(1, p.dialRatio ?? 1);
    default:
      return null;
  }
}

/**
 * The mode label: the dial mode, and the rule inside it when the pacer falls back to another one
 * ("predictive/progressive (little data)"). The pacer's running numbers ("p*=0.031", "price=120s") are left out:
 * they move every tick and the label is what a `campaign.pacing` event is published for.
 */
export function modeLabel(dialMode: EngineDialMode, decisionMode: string): string {
  const rule = decisionMode.replace(/\s+(p\*|price)=\S+$/, '');
  return rule === dialMode ? dialMode : `${dialMode}/${rule}`;
}

/** A `campaign.pacing` event is due when mode, place or level differ from the last one published. */
export function pacingChanged(prev: PacingStatus | null, next: PacingStatus): boolean {
  return !prev || prev.mode !== next.mode || prev.place !== next.place || prev.level !== next.level;
}
