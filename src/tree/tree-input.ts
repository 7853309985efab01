/**
 * Mouse and keyboard on a tree element (TreePane's): clicks select or
 * toggle, keys follow the WAI-ARIA tree pattern (keyAction), printable
 * characters jump to the next span whose name starts with them (type-ahead),
 * "/" goes to the search box. Acts only through its target's public methods.
 */
import { Span, Trace } from '../model/types';
import { applyKeyAction, keyAction, typeAheadIndex } from '../rows/keyboard';
import { parentOf, Row, rowIndexOf } from '../rows/visible-rows';

/** What the input handling needs of the view. */
export interface TreeInputTarget {
  readonly trace: Trace;
  readonly rows: readonly Row[];
  readonly selectedId: string | null;
  /** Rows that fit in the viewport (PageUp/PageDown step). */
  pageSize(): number;
  select(id: string | null): void;
  setExpanded(id: string, expanded: boolean): void;
  expandAll(): void;
  /** Expand every sibling (same parent) of the span: the `*` key. */
  expandSiblings(span: Span): void;
  focusSearch(): void;
}

/** Typed characters within this time form one type-ahead prefix. */
const TYPE_AHEAD_MS = 600;

export class TreeInput {
  constructor(tree: HTMLElement, target: TreeInputTarget) {
    this._tree = tree;
    this._target = target;
    tree.addEventListener('click', this._onClick);
    tree.addEventListener('dblclick', this._onDblClick);
    tree.addEventListener('keydown', this._onKeyDown);
    tree.addEventListener('mousedown', this._onMouseDown);
    tree.addEventListener('focus', this._onFocus);
  }

  dispose(): void {
    const tree = this._tree;
    tree.removeEventListener('click', this._onClick);
    tree.removeEventListener('dblclick', this._onDblClick);
    tree.removeEventListener('keydown', this._onKeyDown);
    tree.removeEventListener('mousedown', this._onMouseDown);
    tree.removeEventListener('focus', this._onFocus);
  }

  private _rowIndexFromEvent(event: Event): number {
    const target = event.target as HTMLElement | null;
    const rowEl = target?.closest?.('.nbtrace-row') as HTMLElement | null;
    if (!rowEl || !rowEl.dataset.spanId) {
      return -1;
    }
    return rowIndexOf(this._target.rows, rowEl.dataset.spanId);
  }

  private _onClick = (event: MouseEvent): void => {
    const index = this._rowIndexFromEvent(event);
    if (index < 0) {
      return;
    }
    const row = this._target.rows[index];
    if (row.hasChildren && (event.target as HTMLElement).closest('.nbtrace-twisty')) {
      this._target.setExpanded(row.span.id, !row.expanded);
      return;
    }
    this._target.select(row.span.id);
  };

  private _onDblClick = (event: MouseEvent): void => {
    const index = this._rowIndexFromEvent(event);
    const row = index >= 0 ? this._target.rows[index] : undefined;
    if (row && row.hasChildren && !(event.target as HTMLElement).closest('.nbtrace-twisty')) {
      this._target.setExpanded(row.span.id, !row.expanded);
    }
  };

  private _onMouseDown = (): void => {
    this._mouseFocus = true;
  };

  private _onFocus = (): void => {
    // Keyboard users landing on the tree start at the first span (a click selects what it hits).
    const byMouse = this._mouseFocus;
    this._mouseFocus = false;
    const t = this._target;
    if (!byMouse && t.selectedId === null && t.rows.length > 0) {
      t.select(t.rows[0].span.id);
    }
  };

  private _onKeyDown = (event: KeyboardEvent): void => {
    const t = this._target;
    const plain = !event.ctrlKey && !event.metaKey && !event.altKey;
    if (event.key === '/' && plain) {
      // "/" jumps to the search box, as in many viewers.
      this._consume(event);
      t.focusSearch();
      return;
    }
    if (t.rows.length === 0) {
      return;
    }
    const rows = t.rows;
    const current = rowIndexOf(rows, t.selectedId);
    if (event.key === '*' && plain) {
      this._consume(event);
      if (current >= 0) {
        t.expandSiblings(rows[current].span);
      }
      return;
    }
    const action = keyAction(event.key, rows, current, t.pageSize(), i => {
      const parent = parentOf(t.trace, rows[i].span);
      return parent ? rowIndexOf(rows, parent.id) : -1;
    });
    if (action !== null) {
      this._consume(event);
      applyKeyAction(action, rows, t);
      return;
    }
    if (plain && event.key.length === 1 && event.key !== ' ') {
      const now = performance.now();
      this._typed = now - this._typedAt < TYPE_AHEAD_MS ? this._typed + event.key : event.key;
      this._typedAt = now;
      const index = typeAheadIndex(rows, current, this._typed);
      if (index >= 0) {
        this._consume(event);
        t.select(rows[index].span.id);
      }
    }
  };

  private _consume(event: Event): void {
    event.preventDefault();
    event.stopPropagation();
  }

  private _tree: HTMLElement;
  private _target: TreeInputTarget;
  private _mouseFocus = false;
  private _typed = '';
  private _typedAt = -Infinity;
}
