/** One task's entry in a TimeIndex: its instant (ms), its id (to tell equal instants apart) and a value. */
export interface Entry<V> {
  at: number;
  id: string;
  value: V;
}

function before<V>(a: Entry<V>, at: number, id: string): boolean {
  return a.at < at || (a.at === at && a.id < id);
}

/**
 * Entries ordered by (instant, id): insert and remove by binary search, counts over a range of
 * instants in O(log n). The live board's windows ("in the last hour", "since midnight") are ranges
 * of this order, so a figure over a window costs two searches, not a pass over every task.
 */
export class TimeIndex<V> {
  readonly entries: Entry<V>[] = [];

  private position(at: number, id: string): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.entries[mid]!, at, id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(at: number, id: string, value: V): void {
    this.entries.splice(this.position(at, id), 0, { at, id, value });
  }

  /** Replaces every entry (sorted once: building by insertions would cost O(n²)). */
  reset(entries: Entry<V>[]): void {
    entries.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.entries.length = 0;
    for (const e of entries) this.entries.push(e);
  }

  private find(at: number, id: string): number {
    const i = this.position(at, id);
    const entry = this.entries[i];
    if (!entry || entry.at !== at || entry.id !== id) throw new Error(`TimeIndex: no entry ${id} at ${at}`);
    return i;
  }

  /** Removes the entry of `id` at `at` (which must be there) and returns its value. */
  remove(at: number, id: string): V {
    return this.entries.splice(this.find(at, id), 1)[0]!.value;
  }

  /** Gives the entry of `id` at `at` (which must be there) a new value in place; returns the old one. */
  update(at: number, id: string, value: V): V {
    const entry = this.entries[this.find(at, id)]!;
    const old = entry.value;
    entry.value = value;
    return old;
  }

  /** Index of the first entry at or after `at`. */
  firstAtOrAfter(at: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid]!.at < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Entries with `from <= at < to` (integer milliseconds: `at <= t` is `at < t + 1`). */
  countIn(from: number, to: number): number {
    return to <= from ? 0 : this.firstAtOrAfter(to) - this.firstAtOrAfter(from);
  }

  get size(): number {
    return this.entries.length;
  }
}

/**
 * A TimeIndex with a sliding lower bound: `enter`/`leave` keep an aggregate over the entries at or
 * after `from` current as entries come and go and as `from` moves (either way), so the aggregate
 * over "the last hour" costs the entries that crossed the bound since the last look.
 */
export class SlidingWindow<V> {
  private readonly index = new TimeIndex<V>();
  private from = Number.NEGATIVE_INFINITY;

  constructor(private readonly hooks: { enter(value: V): void; leave(value: V): void }) {}

  insert(at: number, id: string, value: V): void {
    this.index.insert(at, id, value);
    if (at >= this.from) this.hooks.enter(value);
  }

  remove(at: number, id: string): void {
    const value = this.index.remove(at, id);
    if (at >= this.from) this.hooks.leave(value);
  }

  update(at: number, id: string, value: V): void {
    const old = this.index.update(at, id, value);
    if (at < this.from || old === value) return;
    this.hooks.leave(old);
    this.hooks.enter(value);
  }

  /**
   * Replaces every entry, the window staying where it is; returns the values now in the window, for
   * the owner to rebuild its aggregate from (the hooks are not called).
   */
  reset(entries: Entry<V>[]): V[] {
    this.index.reset(entries);
    const inside = this.index.entries;
    const values: V[] = [];
    for (let i = this.index.firstAtOrAfter(this.from); i < inside.length; i++) values.push(inside[i]!.value);
    return values;
  }

  /** Moves the window to the entries at or after `from`. */
  slideTo(from: number): void {
    if (from === this.from) return;
    const entries = this.index.entries;
    if (from > this.from) {
      for (let i = this.index.firstAtOrAfter(this.from); i < entries.length && entries[i]!.at < from; i++) this.hooks.leave(entries[i]!.value);
    } else {
      for (let i = this.index.firstAtOrAfter(from); i < entries.length && entries[i]!.at < this.from; i++) this.hooks.enter(entries[i]!.value);
    }
    this.from = from;
  }
}

/** A sorted multiset of numbers: order statistics (median, percentiles) without sorting per look. */
export class SortedNumbers {
  readonly values: number[] = [];

  private lowerBound(v: number): number {
    let lo = 0;
    let hi = this.values.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.values[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  reset(values: number[]): void {
    values.sort((a, b) => a - b);
    this.values.length = 0;
    for (const v of values) this.values.push(v);
  }

  add(v: number): void {
    this.values.splice(this.lowerBound(v), 0, v);
  }

  delete(v: number): void {
    const i = this.lowerBound(v);
    if (this.values[i] !== v) throw new Error(`SortedNumbers: ${v} is not there`);
    this.values.splice(i, 1);
  }
}
