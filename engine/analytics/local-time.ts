/**
 * The center's local day (YYYY-MM-DD) and hour (0–23) of an epoch second, in an IANA zone. Every zone offset is
 * a multiple of 15 minutes, so one Intl lookup per quarter hour is cached and reused for every line inside it:
 * millions of lines cost a few thousand lookups. Pure.
 */
export interface LocalSlot {
  day: string;
  hour: number;
}

export class LocalTime {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly cache = new Map<number, LocalSlot>();
  private lastQ = Number.NaN;
  private lastSlot: LocalSlot = { day: '', hour: 0 };

  constructor(readonly timeZone: string) {
    this.fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
    });
  }

  of(epochSeconds: number): LocalSlot {
    const q = Math.floor(epochSeconds / 900);
    if (q === this.lastQ) return this.lastSlot;
    let slot = this.cache.get(q);
    if (slot === undefined) {
      let y = '';
      let m = '';
      let d = '';
      let h = 0;
      for (const p of this.fmt.formatToParts(q * 900_000)) {
        if (p.type === 'year') y = p.value;
        else if (p.type === 'month') m = p.value;
        else if (p.type === 'day') d = p.value;
        else if (p.type === 'hour') h = Number(p.value);
      }
      slot = { day: `${y}-${m}-${d}`, hour: h };
      if (this.cache.size > 20_000) this.cache.clear();
      this.cache.set(q, slot);
    }
    this.lastQ = q;
    this.lastSlot = slot;
    return slot;
  }
}
