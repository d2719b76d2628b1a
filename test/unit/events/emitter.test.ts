import { describe, expect, it } from 'vitest';
import { DomainEvents, type DomainEvent } from '../../../engine/events/index.js';

const ringing: DomainEvent = { type: 'call.ringing', callId: 'c1', at: 1 };
const answered: DomainEvent = { type: 'call.answered', callId: 'c1', at: 2 };

describe('DomainEvents', () => {
  it('delivers by type and to "*" subscribers, in order', () => {
    const bus = new DomainEvents();
    const typed: string[] = [];
    const all: string[] = [];
    bus.on('call.ringing', (e) => typed.push(e.callId));
    bus.on('*', (e) => all.push(e.type));
    bus.emitAll([ringing, answered]);
    expect(typed).toEqual(['c1']);
    expect(all).toEqual(['call.ringing', 'call.answered']);
  });

  it('unsubscribes', () => {
    const bus = new DomainEvents();
    let n = 0;
    const off = bus.on('call.ringing', () => n++);
    bus.emit(ringing);
    off();
    bus.emit(ringing);
    expect(n).toBe(1);
  });

  it('a throwing subscriber is reported and does not stop the others', () => {
    const errors: unknown[] = [];
    const bus = new DomainEvents((err) => errors.push(err));
    const got: string[] = [];
    bus.on('*', () => {
      throw new Error('board down');
    });
    bus.on('*', (e) => got.push(e.type));
    bus.emit(ringing);
    expect(got).toEqual(['call.ringing']);
    expect(errors).toHaveLength(1);
  });
});
