/**
 * A fixed-row-height virtualized list: only the rows in (and just around)
 * the viewport exist in the DOM, recycled from a small pool, so a 100k-span
 * trace costs the same DOM as a 50-span one.
 *
 * The viewport height is set here (rows × rowHeight, capped), never measured,
 * so the list works the same in jsdom and in a hidden output.
 */

export interface VirtualListOptions {
  rowHeight: number;
  /** Rows rendered above and below the viewport. */
  overscan: number;
  /** The viewport grows with the row count up to this many rows, then scrolls. */
  maxVisibleRows: number;
  /** Build the (empty) element for a pool slot. Called once per slot. */
  createRow(): HTMLElement;
  /** Fill `el` for row `index`. Called only when the slot shows a new index or after invalidate(). */
  renderRow(el: HTMLElement, index: number): void;
}

export class VirtualList {
  constructor(options: VirtualListOptions) {
    this._options = options;
    this.node = document.createElement('div');
    this.node.className = 'nbtrace-viewport';
    this._sizer = document.createElement('div');
    this._sizer.className = 'nbtrace-sizer';
    this._sizer.setAttribute('role', 'none');
    this.node.appendChild(this._sizer);
    this.node.addEventListener('scroll', this._onScroll, { passive: true });
  }

  /** The scrolling viewport; the owner decides its role. */
  readonly node: HTMLElement;

  get count(): number {
    return this._count;
  }

  get rowHeight(): number {
    return this._options.rowHeight;
  }

  /** Visible height in px (what the viewport is sized to). */
  get viewportHeight(): number {
    return Math.min(this._count, this._options.maxVisibleRows) * this._options.rowHeight;
  }

  /** Visit the rows currently in the DOM (e.g. to move bars without re-rendering rows). */
  forEachRendered(visit: (el: HTMLElement, index: number) => void): void {
    for (const [index, slot] of this._slotOf) {
      visit(this._pool[slot], index);
    }
  }

  /** Change the row height and/or the visible row cap (a settings change); re-renders. */
  configure(changes: Partial<Pick<VirtualListOptions, 'rowHeight' | 'maxVisibleRows'>>): void {
    const rowHeight = changes.rowHeight ?? this._options.rowHeight;
    const maxVisibleRows = changes.maxVisibleRows ?? this._options.maxVisibleRows;
    if (rowHeight === this._options.rowHeight && maxVisibleRows === this._options.maxVisibleRows) {
      return;
    }
    const firstRow = Math.floor(this._scrollTop / this._options.rowHeight);
    this._options = { ...this._options, rowHeight, maxVisibleRows };
    for (const el of this._pool) {
      el.style.height = `${rowHeight}px`;
    }
    this.setCount(this._count);
    // Keep the same first row in view at the new height.
    this.scrollTop = firstRow * rowHeight;
  }

  setCount(count: number): void {
    this._count = Math.max(0, count);
    const h = this._options.rowHeight;
    this._sizer.style.height = `${this._count * h}px`;
    this.node.style.height = `${this.viewportHeight}px`;
    this.invalidate();
  }

  /** Re-render every rendered row on the next update (data changed, same count or not). */
  invalidate(): void {
    this._slotOf.clear();
    for (let i = 0; i < this._pool.length; i++) {
      this._indexOfSlot[i] = -1;
    }
    this.update();
  }

  /** Scroll the minimum needed to show row `index`. */
  scrollToIndex(index: number): void {
    if (index < 0 || index >= this._count) {
      return;
    }
    const h = this._options.rowHeight;
    const top = index * h;
    const viewTop = this._scrollTop;
    const viewH = this.viewportHeight;
    if (top < viewTop) {
      this.scrollTop = top;
    } else if (top + h > viewTop + viewH) {
      this.scrollTop = top + h - viewH;
    } else {
      this.update();
    }
  }

  /**
   * The scroll offset as last seen (scroll events) or set here. Cached so that
   * updates never read layout right after changing the DOM (a forced reflow).
   */
  get scrollTop(): number {
    return this._scrollTop;
  }

  set scrollTop(value: number) {
    this.node.scrollTop = value;
    this._scrollTop = Math.max(0, value);
    this.update();
  }

  /** Bring the DOM in line with the scroll position. Cheap when nothing moved. */
  update(): void {
    const { rowHeight: h, overscan } = this._options;
    const viewH = this.viewportHeight;
    // The browser clamps scrollTop when content shrinks and then fires 'scroll'.
    const top = Math.min(this._scrollTop, Math.max(0, this._count * h - viewH));
    const first = Math.max(0, Math.floor(top / h) - overscan);
    const last = Math.min(this._count, Math.ceil((top + viewH) / h) + overscan);
    const needed = Math.max(0, last - first);
    while (this._pool.length < needed) {
      const el = this._options.createRow();
      el.style.position = 'absolute';
      el.style.height = `${h}px`;
      this._pool.push(el);
      this._indexOfSlot.push(-1);
    }
    // Slot = index modulo pool size: scrolling by one row re-renders one element.
    const poolSize = this._pool.length;
    this._slotOf.clear();
    const used = new Uint8Array(poolSize);
    for (let index = first; index < last; index++) {
      const slot = index % poolSize;
      used[slot] = 1;
      this._slotOf.set(index, slot);
      const el = this._pool[slot];
      if (this._indexOfSlot[slot] !== index) {
        this._indexOfSlot[slot] = index;
        const top = `${index * h}px`;
        if (el.style.top !== top) {
          el.style.top = top;
        }
        this._options.renderRow(el, index);
      }
      if (el.parentNode !== this._sizer) {
        this._sizer.appendChild(el);
      }
    }
    // Unused slots leave the DOM (kept in the pool): the DOM holds exactly the rendered rows.
    for (let slot = 0; slot < poolSize; slot++) {
      if (!used[slot] && this._pool[slot].parentNode) {
        this._pool[slot].remove();
        this._indexOfSlot[slot] = -1;
      }
    }
  }

  dispose(): void {
    this.node.removeEventListener('scroll', this._onScroll);
    if (this._frame) {
      cancelAnimationFrame(this._frame);
      this._frame = 0;
    }
  }

  private _onScroll = (): void => {
    this._scrollTop = this.node.scrollTop;
    if (this._frame) {
      return;
    }
    this._frame = requestAnimationFrame(() => {
      this._frame = 0;
      this.update();
    });
  };

  private _options: VirtualListOptions;
  private _sizer: HTMLElement;
  private _pool: HTMLElement[] = [];
  private _indexOfSlot: number[] = [];
  private _slotOf = new Map<number, number>();
  private _count = 0;
  private _frame = 0;
  private _scrollTop = 0;
}
