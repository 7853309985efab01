/**
 * Tree keyboard behaviour (WAI-ARIA tree pattern, selection follows focus),
 * as a pure function from a key to an action on the visible rows.
 */
import { Row } from './visible-rows';

export type KeyAction =
  | { type: 'select'; index: number }
  | { type: 'expand'; index: number }
  | { type: 'collapse'; index: number }
  | { type: 'toggle'; index: number }
  | { type: 'clearSelection' }
  | { type: 'none' };

/**
 * What `key` does with the selected row at `current` (-1 when none).
 * `parentIndex(i)` finds the visible row of row i's parent (-1 if none).
 * Returns null for keys the tree does not handle (they keep bubbling).
 */
export function keyAction(
  key: string,
  rows: readonly Row[],
  current: number,
  pageSize: number,
  parentIndex: (index: number) => number
): KeyAction | null {
  const last = rows.length - 1;
  const row = current >= 0 ? rows[current] : null;
  const select = (index: number): KeyAction => ({ type: 'select', index: Math.max(0, Math.min(last, index)) });
  switch (key) {
    case 'ArrowDown':
      return select(current < 0 ? 0 : current + 1);
    case 'ArrowUp':
      return select(current < 0 ? 0 : current - 1);
    case 'Home':
      return select(0);
    case 'End':
      return select(last);
    case 'PageDown':
      return select(Math.max(0, current) + pageSize);
    case 'PageUp':
      return select(current - pageSize);
    case 'ArrowRight':
      if (!row || !row.hasChildren) {
        return { type: 'none' };
      }
      return row.expanded ? select(current + 1) : { type: 'expand', index: current };
    case 'ArrowLeft': {
      if (!row) {
        return { type: 'none' };
      }
      if (row.expanded) {
        return { type: 'collapse', index: current };
      }
      const parent = parentIndex(current);
      return parent >= 0 ? select(parent) : { type: 'none' };
    }
    case 'Enter':
    case ' ':
      return row && row.hasChildren ? { type: 'toggle', index: current } : { type: 'none' };
    case 'Escape':
      // Only while something is selected: otherwise Escape belongs to the notebook.
      return current >= 0 ? { type: 'clearSelection' } : null;
    default:
      return null;
  }
}

/** What a key action acts on (the view's public methods). */
export interface KeyTarget {
  select(id: string | null): void;
  setExpanded(id: string, expanded: boolean): void;
}

/** Carry out `action` on the visible `rows` of `target`. */
export function applyKeyAction(action: KeyAction, rows: readonly Row[], target: KeyTarget): void {
  switch (action.type) {
    case 'select':
      target.select(rows[action.index].span.id);
      break;
    case 'expand':
    case 'collapse':
    case 'toggle': {
      const row = rows[action.index];
      target.setExpanded(row.span.id, action.type === 'expand' || (action.type === 'toggle' && !row.expanded));
      break;
    }
    case 'clearSelection':
      target.select(null);
      break;
  }
}

/**
 * Type-ahead: the next row (after `current`, wrapping) whose span name starts
 * with `prefix`, case-insensitive; a repeated single letter cycles through the
 * names starting with it. -1 when none.
 */
export function typeAheadIndex(rows: readonly Row[], current: number, prefix: string): number {
  const n = rows.length;
  if (n === 0 || prefix === '') {
    return -1;
  }
  let p = prefix.toLowerCase();
  // "aaa" typed quickly means "cycle through the a's", as in file managers.
  if (p.length > 1 && [...p].every(c => c === p[0])) {
    p = p[0];
  }
  // A longer prefix may still match the current row; one letter moves on.
  const start = current < 0 ? 0 : p.length > 1 ? current : current + 1;
  for (let k = 0; k < n; k++) {
    const i = (start + k) % n;
    if (rows[i].span.name.toLowerCase().startsWith(p)) {
      return i;
    }
  }
  return -1;
}
