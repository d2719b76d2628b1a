import { describe, expect, it } from 'vitest';
import { sortableId } from '../../../engine/store/ids.js';

describe('sortableId', () => {
  it('never repeats when callers pass clocks that go back and forth (it used to restart its counter per time)', () => {
    const ids = [sortableId(1000), sortableId(2000), sortableId(1000), sortableId(1000), sortableId(2000)];
    expect(new Set(ids).size).toBe(5);
    // Still ordered by time first.
    expect(sortableId(1000) < sortableId(2000)).toBe(true);
  });
});
