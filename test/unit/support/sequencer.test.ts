// The test-file sequencer: known-long files first, longest first; the rest keep vitest's order, the files that
// share a fork (the unit project) last.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { longFirst } from '../../support/sequencer/index.js';
import { KNOWN_DURATIONS_MS } from '../../support/sequencer/durations.js';

describe('longFirst', () => {
  it('puts known files first by descending duration and keeps the order of the others', () => {
    const files = ['tiny-a', 'long', 'tiny-b', 'longest', 'mid', 'tiny-c'];
    const order = longFirst(files, (f) => f, { long: 50, longest: 140, mid: 20 });
    expect(order).toEqual(['longest', 'long', 'mid', 'tiny-a', 'tiny-b', 'tiny-c']);
  });

  it('puts the files that share a fork after the others, together, in their order (known-long ones stay first)', () => {
    const files = ['u-1', 'i-1', 'u-long', 'u-2', 'i-2'];
    const order = longFirst(files, (f) => f, { 'u-long': 9 }, (f) => f.startsWith('u-'));
    expect(order).toEqual(['u-long', 'i-1', 'i-2', 'u-1', 'u-2']);
  });

  it('loses no file and adds none', () => {
    const files = ['a', 'b', 'c'];
    expect(longFirst(files, (f) => f, { z: 1, b: 5 }).sort()).toEqual(files);
  });

  it('names only test files that exist (a renamed file would silently fall back to the slow order)', () => {
    const root = new URL('../../../', import.meta.url);
    const missing = Object.keys(KNOWN_DURATIONS_MS).filter((f) => !f.endsWith('.test.ts') || !existsSync(new URL(f, root)));
    expect(missing).toEqual([]);
  });
});
