/**
 * The span id → span index of a trace: an open-addressing hash table over
 * one Int32Array, sized once for the trace. A Map costs a trace of 100k spans
 * about 50 ms to fill (it grows by doubling, entry by entry); this table is
 * filled in one pass without growing or allocating per span. Only the first
 * span of an id is kept (the builder renames later ones first).
 */
import { Span, SpanIndex } from './types';

/** FNV-1a over the UTF-16 code units. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  return h;
}

export class IdIndex implements SpanIndex {
  /** `spans`: the table's entries are positions in this list; `capacity`: how many ids it will hold at most. */
  constructor(spans: readonly Span[], capacity: number) {
    let size = 8;
    while (size < capacity * 2) {
      size *= 2;
    }
    this._spans = spans;
    this._slots = new Int32Array(size).fill(-1);
    this._mask = size - 1;
  }

  /**
   * Enter spans[k] under its id; false (and nothing entered) when the id is
   * already taken. An id must not change while it is in the table.
   */
  add(k: number): boolean {
    const slot = this._slot(this._spans[k].id);
    if (this._slots[slot] !== -1) {
      return false;
    }
    this._slots[slot] = k;
    this._size++;
    return true;
  }

  get(id: string): Span | undefined {
    if (typeof id !== 'string') {
      return undefined;
    }
    const at = this._slots[this._slot(id)];
    return at === -1 ? undefined : this._spans[at];
  }

  /** The slot that holds `id`, or the empty one where it would go (linear probing). */
  private _slot(id: string): number {
    const slots = this._slots;
    const mask = this._mask;
    let i = hash(id) & mask;
    for (;;) {
      const at = slots[i];
      if (at === -1 || this._spans[at].id === id) {
        return i;
      }
      i = (i + 1) & mask;
    }
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  get size(): number {
    return this._size;
  }

  /** The ids, in no particular order. */
  *keys(): IterableIterator<string> {
    for (const at of this._slots) {
      if (at !== -1) {
        yield this._spans[at].id;
      }
    }
  }

  private readonly _spans: readonly Span[];
  private readonly _slots: Int32Array;
  private readonly _mask: number;
  private _size = 0;
}
