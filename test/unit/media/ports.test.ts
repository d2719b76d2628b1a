import { describe, expect, it } from 'vitest';
import { PortAllocator } from '../../../engine/media/ports.js';

describe('PortAllocator', () => {
  it('hands out every port of the range once, then nothing', () => {
    const a = new PortAllocator(40000, 40003);
    expect([a.allocate(), a.allocate(), a.allocate(), a.allocate()]).toEqual([40000, 40001, 40002, 40003]);
    expect(a.allocate()).toBeUndefined();
    expect(a.used).toBe(4);
  });

  it('reuses a released port only after the rest of the range (round-robin)', () => {
    const a = new PortAllocator(10, 13);
    expect(a.allocate()).toBe(10);
    a.release(10);
    expect([a.allocate(), a.allocate(), a.allocate(), a.allocate()]).toEqual([11, 12, 13, 10]);
  });

  it('skips a port marked busy for a full turn of the range, then tries it again', () => {
    const a = new PortAllocator(1, 3);
    const p = a.allocate();
    expect(p).toBe(1);
    a.markBusy(1);
    expect(a.isInUse(1)).toBe(false);
    const next = [a.allocate(), a.allocate()];
    expect(next).toEqual([2, 3]);
    a.release(2);
    a.release(3);
    // three allocations later the busy mark has expired
    expect(a.allocate()).toBe(2);
    expect(a.allocate()).toBe(3);
    expect(a.allocate()).toBe(1);
  });

  it('returns undefined when the only free ports are marked busy', () => {
    const a = new PortAllocator(5, 6);
    a.allocate();
    a.markBusy(a.allocate()!);
    expect(a.allocate()).toBeUndefined();
  });

  it('rejects an invalid range', () => {
    expect(() => new PortAllocator(5, 4)).toThrow(RangeError);
    expect(() => new PortAllocator(0, 4)).toThrow(RangeError);
    expect(() => new PortAllocator(1, 70000)).toThrow(RangeError);
  });
});
