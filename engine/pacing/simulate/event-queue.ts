/**
 * The simulator's own event queue: a binary min-heap on (time, insertion order). Ties fire in the order they
 * were scheduled, which keeps runs deterministic.
 */
export interface SimEvent<T> {
  readonly t: number;
  readonly seq: number;
  readonly payload: T;
}

export class EventQueue<T> {
  private readonly heap: SimEvent<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(t: number, payload: T): void {
    const h = this.heap;
    h.push({ t, seq: this.seq++, payload });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i] as SimEvent<T>, h[p] as SimEvent<T>)) break;
      [h[i], h[p]] = [h[p] as SimEvent<T>, h[i] as SimEvent<T>];
      i = p;
    }
  }

  pop(): SimEvent<T> | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l] as SimEvent<T>, h[m] as SimEvent<T>)) m = l;
        if (r < h.length && less(h[r] as SimEvent<T>, h[m] as SimEvent<T>)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as SimEvent<T>, h[i] as SimEvent<T>];
        i = m;
      }
    }
    return top;
  }
}

function less<T>(a: SimEvent<T>, b: SimEvent<T>): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}
