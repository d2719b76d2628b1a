import type { DomainEvent, DomainEventOf, DomainEventType } from './types.js';

type Listener<E> = (event: E) => void;

/**
 * A tiny typed emitter: subscribe to one type or to all ('*'). A throwing subscriber is reported through
 * `onError` and never stops the others or the engine — a broken live board must not stop dialing.
 */
export class DomainEvents {
  private readonly byType = new Map<string, Set<Listener<never>>>();
  private readonly all = new Set<Listener<DomainEvent>>();

  constructor(private readonly onError: (err: unknown, event: DomainEvent) => void = () => {}) {}

  on<T extends DomainEventType>(type: T, fn: Listener<DomainEventOf<T>>): () => void;
  on(type: '*', fn: Listener<DomainEvent>): () => void;
  on(type: string, fn: Listener<never>): () => void {
    if (type === '*') {
      const f = fn as unknown as Listener<DomainEvent>;
      this.all.add(f);
      return () => this.all.delete(f);
    }
    let set = this.byType.get(type);
    if (!set) this.byType.set(type, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  emit(event: DomainEvent): void {
    const set = this.byType.get(event.type);
    if (set) for (const fn of [...set]) this.call(fn as unknown as Listener<DomainEvent>, event);
    for (const fn of [...this.all]) this.call(fn, event);
  }

  emitAll(events: readonly DomainEvent[]): void {
    for (const e of events) this.emit(e);
  }

  private call(fn: Listener<DomainEvent>, event: DomainEvent): void {
    try {
      fn(event);
    } catch (err) {
      this.onError(err, event);
    }
  }
}
