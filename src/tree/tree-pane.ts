/**
 * The virtualized ARIA tree both views share (one trace, and a comparison):
 * the `role="tree"` viewport, its rows (a pure function of the trace, the
 * expansion state and an optional filter), the selection and its
 * `aria-activedescendant`, and mouse/keyboard input (TreeInput). The owner
 * says how a row element looks and hears when the selection changes; every
 * other tree operation is here, once.
 */
import { Span, Trace } from '../model/types';
import { ExpansionOptions, ExpansionState } from '../rows/expansion';
import { buildRows, parentOf, revealSpan, Row, rowIndexOf } from '../rows/visible-rows';
import { DEFAULT_ROW_HEIGHT, DEFAULT_SETTINGS } from '../settings';
import { TreeInput, TreeInputTarget } from './tree-input';
import { VirtualList } from './virtual-list';

/** Rows rendered above and below the viewport. */
const OVERSCAN = 8;

export interface TreePaneOptions {
  /** The tree's accessible name. */
  label: string;
  rowHeight?: number;
  /** The tree grows up to this many rows, then scrolls. */
  maxVisibleRows?: number;
  expansion?: Partial<ExpansionOptions>;
  /** Build the (empty) element of a pool slot. */
  createRow(): HTMLElement;
  /** Fill a row element for `row`. */
  renderRow(el: HTMLElement, row: Row): void;
  /** The DOM id of a span's row element (for aria-activedescendant). */
  rowId(spanId: string): string;
  /** The spans a filtered tree keeps with their ancestors (undefined: all). */
  keep?(): ReadonlySet<Span> | undefined;
  /** The selection changed: `span` is selected (null: none). */
  onSelect(span: Span | null): void;
  /** "/" in the tree: go to the search box, if there is one. */
  focusSearch?(): void;
}

export class TreePane implements TreeInputTarget {
  constructor(trace: Trace, options: TreePaneOptions) {
    this._trace = trace;
    this._options = options;
    this.expansion = new ExpansionState(options.expansion);
    this._list = new VirtualList({
      rowHeight: options.rowHeight ?? DEFAULT_ROW_HEIGHT,
      overscan: OVERSCAN,
      maxVisibleRows: options.maxVisibleRows ?? DEFAULT_SETTINGS.maxVisibleRows,
      createRow: options.createRow,
      renderRow: (el, index) => {
        const row = this._rows[index];
        if (row) {
          options.renderRow(el, row);
        }
      }
    });
    this.node = this._list.node;
    this.node.setAttribute('role', 'tree');
    this.node.setAttribute('tabindex', '0');
    this.node.setAttribute('aria-label', options.label);
    // Arrow keys etc. belong to the tree while it has focus, not to notebook shortcuts.
    this.node.setAttribute('data-lm-suppress-shortcuts', 'true');
    this._input = new TreeInput(this.node, this);
  }

  /** The scrolling `role="tree"` element; the owner places it. */
  readonly node: HTMLElement;
  readonly expansion: ExpansionState;

  get trace(): Trace {
    return this._trace;
  }

  get rows(): readonly Row[] {
    return this._rows;
  }

  get selectedId(): string | null {
    return this._selectedId;
  }

  /**
   * A newer payload of the same trace: expansion, selection (if the span is
   * still there) and scroll stay. Rows are rebuilt by the next refresh().
   */
  setTrace(trace: Trace): void {
    this._trace = trace;
    if (this._selectedId !== null && !trace.byId.has(this._selectedId)) {
      this._selectedId = null;
    }
  }

  /** Select a span by id (revealing it under collapsed parents), or clear with null. */
  select(id: string | null): void {
    const span = id === null ? null : this._trace.byId.get(id) ?? null;
    this._selectedId = span ? span.id : null;
    if (span && rowIndexOf(this._rows, span.id) < 0) {
      revealSpan(this._trace, this.expansion, span);
      this._rebuildRows();
    }
    const index = rowIndexOf(this._rows, this._selectedId);
    if (index >= 0) {
      this._list.scrollToIndex(index);
    }
    this._list.invalidate();
    this._syncActiveDescendant();
    this._options.onSelect(span);
  }

  setExpanded(id: string, expanded: boolean): void {
    const span = this._trace.byId.get(id);
    if (span && span.children.length > 0) {
      this.expansion.setExpanded(span, expanded);
      this.refresh();
    }
  }

  expandAll(): void {
    this.expansion.expandAll();
    this.refresh();
  }

  collapseAll(): void {
    this.expansion.collapseAll();
    this.refresh();
  }

  /** Expand the span and all its siblings (the `*` key of the ARIA tree pattern). */
  expandSiblings(span: Span): void {
    const parent = parentOf(this._trace, span);
    for (const s of parent ? parent.children : this._trace.roots) {
      if (s.children.length > 0) {
        this.expansion.setExpanded(s, true);
      }
    }
    this.refresh();
  }

  focusSearch(): void {
    this._options.focusSearch?.();
  }

  /** Rows that fit in the viewport (the PageUp/PageDown step). */
  pageSize(): number {
    return Math.max(1, Math.floor(this._list.viewportHeight / this._list.rowHeight) - 1);
  }

  /** Give the tree keyboard focus. */
  focus(): void {
    this.node.focus();
  }

  /** Rows changed (expansion, filters, a newer trace): rebuild them. */
  refresh(): void {
    this._rebuildRows();
    this._syncActiveDescendant();
  }

  /** Row marks changed (search, critical path, side): re-render the rows in the DOM. */
  invalidate(): void {
    this._list.invalidate();
  }

  /** Visit the rows in the DOM (e.g. to move bars without re-rendering rows). */
  forEachRendered(visit: (el: HTMLElement, row: Row) => void): void {
    this._list.forEachRendered((el, index) => {
      const row = this._rows[index];
      if (row) {
        visit(el, row);
      }
    });
  }

  /** New row height and/or visible row cap (a settings change). */
  configure(changes: { rowHeight?: number; maxVisibleRows?: number }): void {
    this._list.configure(changes);
  }

  dispose(): void {
    this._input.dispose();
    this._list.dispose();
  }

  private _rebuildRows(): void {
    this._rows = buildRows(this._trace, this.expansion, this._options.keep?.());
    this._list.setCount(this._rows.length);
  }

  private _syncActiveDescendant(): void {
    if (this._selectedId !== null && rowIndexOf(this._rows, this._selectedId) >= 0) {
      this.node.setAttribute('aria-activedescendant', this._options.rowId(this._selectedId));
    } else {
      this.node.removeAttribute('aria-activedescendant');
    }
  }

  private _trace: Trace;
  private _options: TreePaneOptions;
  private _list: VirtualList;
  private _input: TreeInput;
  private _rows: Row[] = [];
  private _selectedId: string | null = null;
}
