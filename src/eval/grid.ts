/**
 * A virtualized ARIA grid (the WAI-ARIA grid pattern) for result tables: a
 * header row of sortable column headers, then one row per item, of which only
 * those in view exist in the DOM (VirtualList). The grid holds the focus and
 * points at the active cell with aria-activedescendant: arrows move it,
 * Home / End go to the row's first / last cell (with Ctrl: the first / last
 * row), PageUp / PageDown, Enter or Space opens the row's details (on a
 * header: sorts), Escape closes them. A click opens the row. The owner says
 * what each cell shows; text goes in as text only.
 */
import { el } from '../common/dom';
import { DEFAULT_ROW_HEIGHT } from '../settings';
import { VirtualList } from '../tree/virtual-list';

export interface GridColumn {
  id: string;
  label: string;
  /** A CSS grid track, e.g. "minmax(120px, 2fr)" or "80px". */
  width: string;
  sortable: boolean;
  /** Tooltip of the header. */
  title?: string;
}

export interface GridOptions<T> {
  label: string;
  columns: GridColumn[];
  /** Fill one cell (it is reused: set everything every time). */
  renderCell(cell: HTMLElement, item: T, column: GridColumn): void;
  /** A key that stays the same for the same item across updates. */
  keyOf(item: T): string;
  onOpen(item: T | null): void;
  onSort(column: GridColumn): void;
  maxVisibleRows?: number;
}

let nextGridId = 0;

/** The smallest width of a CSS grid track: "80px" → 80, "minmax(120px, 2fr)" → 120, else 0. */
export function minTrackWidth(track: string): number {
  const m = /^\s*(?:minmax\(\s*)?(\d+(?:\.\d+)?)px/.exec(track);
  return m ? Number(m[1]) : 0;
}

export class Grid<T> {
  constructor(options: GridOptions<T>) {
    this._options = options;
    this._id = `nbtrace-grid-${++nextGridId}`;
    this.node = el('div', 'nbtrace-grid');
    this.node.setAttribute('role', 'grid');
    this.node.setAttribute('aria-label', options.label);
    this.node.setAttribute('tabindex', '0');
    this.node.setAttribute('data-lm-suppress-shortcuts', 'true');
    this._head = el('div', 'nbtrace-grid-row nbtrace-grid-head');
    this._head.setAttribute('role', 'row');
    this._head.setAttribute('aria-rowindex', '1');
    this._list = new VirtualList({
      rowHeight: DEFAULT_ROW_HEIGHT + 4,
      overscan: 6,
      maxVisibleRows: options.maxVisibleRows ?? 14,
      createRow: () => {
        const row = el('div', 'nbtrace-grid-row');
        row.setAttribute('role', 'row');
        return row;
      },
      renderRow: (row, index) => this._renderRow(row, index)
    });
    this._list.node.classList.add('nbtrace-grid-body');
    this._list.node.setAttribute('role', 'rowgroup');
    const headGroup = el('div', 'nbtrace-grid-headgroup');
    headGroup.setAttribute('role', 'rowgroup');
    headGroup.appendChild(this._head);
    this.node.append(headGroup, this._list.node);
    this.node.addEventListener('keydown', this._onKey);
    this.node.addEventListener('click', this._onClick);
    this.setColumns(options.columns);
  }

  readonly node: HTMLElement;

  get items(): readonly T[] {
    return this._items;
  }

  /** The active cell: row index (-1: the header row) and column index. */
  get active(): { row: number; col: number } {
    return { row: this._row, col: this._col };
  }

  get openKey(): string | null {
    return this._open;
  }

  setColumns(columns: GridColumn[]): void {
    this._columns = columns;
    this.node.style.setProperty('--nbtrace-grid-columns', columns.map(c => c.width).join(' '));
    // Every row lays out the same tracks at the same width; below the tracks'
    // minimum the grid scrolls sideways, header and rows together.
    this.node.style.setProperty('--nbtrace-grid-min-width', `${columns.reduce((sum, c) => sum + minTrackWidth(c.width), 0)}px`);
    this.node.setAttribute('aria-colcount', String(columns.length));
    this._head.replaceChildren(
      ...columns.map((c, i) => {
        const cell = el('div', 'nbtrace-grid-cell nbtrace-grid-header');
        cell.setAttribute('role', 'columnheader');
        cell.setAttribute('aria-colindex', String(i + 1));
        cell.id = `${this._id}-h-${i}`;
        cell.dataset.col = c.id;
        cell.textContent = c.label;
        cell.title = c.title ?? (c.sortable ? `${c.label}: click to sort` : c.label);
        return cell;
      })
    );
    this._syncSort();
    this._list.invalidate();
  }

  /** The column sorted by, and how (null: the items' own order). */
  setSort(columnId: string | null, direction: 'ascending' | 'descending'): void {
    this._sort = columnId;
    this._direction = direction;
    this._syncSort();
  }

  /** New items (same keys keep the open row and the active row). */
  setItems(items: readonly T[]): void {
    const activeKey = this._row >= 0 && this._row < this._items.length ? this._options.keyOf(this._items[this._row]) : null;
    this._items = items;
    this._index = new Map(items.map((item, i) => [this._options.keyOf(item), i]));
    if (activeKey !== null) {
      this._row = this._index.get(activeKey) ?? Math.min(this._row, items.length - 1);
    }
    this.node.setAttribute('aria-rowcount', String(items.length + 1));
    this._list.setCount(items.length);
    this._syncActive();
  }

  /** Mark the item whose details are open (null: none). */
  setOpen(key: string | null): void {
    this._open = key;
    this._list.invalidate();
  }

  focus(): void {
    this.node.focus();
  }

  dispose(): void {
    this.node.removeEventListener('keydown', this._onKey);
    this.node.removeEventListener('click', this._onClick);
    this._list.dispose();
  }

  private _renderRow(row: HTMLElement, index: number): void {
    const item = this._items[index];
    if (item === undefined) {
      return;
    }
    const key = this._options.keyOf(item);
    row.setAttribute('aria-rowindex', String(index + 2));
    row.dataset.index = String(index);
    const open = key === this._open;
    row.classList.toggle('nbtrace-grid-row-open', open);
    row.setAttribute('aria-expanded', open ? 'true' : 'false');
    row.setAttribute('aria-selected', index === this._row ? 'true' : 'false');
    while (row.children.length < this._columns.length) {
      const cell = el('div', 'nbtrace-grid-cell');
      cell.setAttribute('role', 'gridcell');
      row.appendChild(cell);
    }
    while (row.children.length > this._columns.length) {
      row.lastElementChild!.remove();
    }
    this._columns.forEach((column, i) => {
      const cell = row.children[i] as HTMLElement;
      cell.id = `${this._id}-${index}-${i}`;
      cell.setAttribute('aria-colindex', String(i + 1));
      cell.dataset.col = column.id;
      cell.classList.toggle('nbtrace-grid-active', index === this._row && i === this._col);
      this._options.renderCell(cell, item, column);
    });
  }

  private _syncSort(): void {
    Array.from(this._head.children).forEach((cell, i) => {
      const c = this._columns[i];
      if (!c.sortable) {
        cell.removeAttribute('aria-sort');
      } else {
        cell.setAttribute('aria-sort', c.id === this._sort ? this._direction : 'none');
      }
    });
  }

  private _syncActive(): void {
    Array.from(this._head.children).forEach((cell, i) => cell.classList.toggle('nbtrace-grid-active', this._row === -1 && i === this._col));
    const id = this._row === -1 ? `${this._id}-h-${this._col}` : this._row < this._items.length ? `${this._id}-${this._row}-${this._col}` : null;
    if (id && this._row >= 0) {
      this._list.scrollToIndex(this._row);
    }
    this._list.invalidate();
    if (id) {
      this.node.setAttribute('aria-activedescendant', id);
    } else {
      this.node.removeAttribute('aria-activedescendant');
    }
  }

  private _moveTo(row: number, col: number): void {
    this._row = Math.max(-1, Math.min(this._items.length - 1, row));
    this._col = Math.max(0, Math.min(this._columns.length - 1, col));
    this._syncActive();
  }

  private _activate(): void {
    if (this._row === -1) {
      const column = this._columns[this._col];
      if (column?.sortable) {
        this._options.onSort(column);
      }
      return;
    }
    const item = this._items[this._row];
    if (item !== undefined) {
      this._options.onOpen(this._options.keyOf(item) === this._open ? null : item);
    }
  }

  private _onKey = (event: KeyboardEvent): void => {
    const page = Math.max(1, Math.floor((this._list.viewportHeight || 1) / this._list.rowHeight) - 1);
    const last = this._items.length - 1;
    let handled = true;
    switch (event.key) {
      case 'ArrowDown':
        this._moveTo(this._row + 1, this._col);
        break;
      case 'ArrowUp':
        this._moveTo(this._row - 1, this._col);
        break;
      case 'ArrowRight':
        this._moveTo(this._row, this._col + 1);
        break;
      case 'ArrowLeft':
        this._moveTo(this._row, this._col - 1);
        break;
      case 'Home':
        this._moveTo(event.ctrlKey ? 0 : this._row, 0);
        break;
      case 'End':
        this._moveTo(event.ctrlKey ? last : this._row, this._columns.length - 1);
        break;
      case 'PageDown':
        this._moveTo(Math.max(0, this._row) + page, this._col);
        break;
      case 'PageUp':
        this._moveTo(Math.max(0, this._row - page), this._col);
        break;
      case 'Enter':
      case ' ':
        this._activate();
        break;
      case 'Escape':
        if (this._open !== null) {
          this._options.onOpen(null);
        } else {
          handled = false;
        }
        break;
      default:
        handled = false;
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  private _onClick = (event: MouseEvent): void => {
    const target = event.target as HTMLElement | null;
    const header = target?.closest?.('.nbtrace-grid-header') as HTMLElement | null;
    if (header) {
      const i = Array.from(this._head.children).indexOf(header);
      this._moveTo(-1, i);
      this._activate();
      return;
    }
    const row = target?.closest?.('.nbtrace-grid-row') as HTMLElement | null;
    const index = row?.dataset.index !== undefined ? Number(row.dataset.index) : -1;
    if (index >= 0) {
      const cell = target?.closest?.('.nbtrace-grid-cell') as HTMLElement | null;
      const col = cell ? Array.from(row!.children).indexOf(cell) : this._col;
      this._moveTo(index, col >= 0 ? col : this._col);
      this._activate();
    }
  };

  private _options: GridOptions<T>;
  private _id: string;
  private _head: HTMLElement;
  private _list: VirtualList;
  private _columns: GridColumn[] = [];
  private _items: readonly T[] = [];
  private _index = new Map<string, number>();
  private _row = 0;
  private _col = 0;
  private _open: string | null = null;
  private _sort: string | null = null;
  private _direction: 'ascending' | 'descending' = 'ascending';
}
