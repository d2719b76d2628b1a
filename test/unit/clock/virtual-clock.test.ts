import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../engine/clock/index.js';

describe('VirtualClock', () => {
  it('fires timers in due order, ties in the order they were set', () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@20'), 20);
    clock.setTimeout(() => fired.push('a@10'), 10);
    clock.setTimeout(() => fired.push('c@20'), 20);
    clock.advance(15);
    expect(fired).toEqual(['a@10']);
    expect(clock.now()).toBe(15);
    clock.advance(5);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
  });

  it('runs timers set while advancing when they fall due inside the same advance', () => {
    const clock = new VirtualClock(0);
    const at: number[] = [];
    clock.setTimeout(() => {
      at.push(clock.now());
      clock.setTimeout(() => at.push(clock.now()), 30);
    }, 10);
    clock.advance(100);
    expect(at).toEqual([10, 40]);
  });

  it('repeats intervals until cleared and never fires a cleared timeout', () => {
    const clock = new VirtualClock(1000);
    let ticks = 0;
    const interval = clock.setInterval(() => ticks++, 250);
    const never = clock.setTimeout(() => {
      throw new Error('cleared timer fired');
    }, 100);
    clock.clearTimeout(never);
    clock.advance(1000);
    expect(ticks).toBe(4);
    clock.clearInterval(interval);
    clock.advance(1000);
    expect(ticks).toBe(4);
    expect(clock.pending).toBe(0);
  });
});
