/**
 * How tall a trace view will be before it is built, so an off-screen
 * output's placeholder takes the same room and the page does not jump when
 * the view replaces it (TracePlaceholder). Pure: the rows the tree starts
 * with (by the expansion defaults, counted only up to the visible cap) times
 * the row height, plus the fixed parts of a view around the tree. The header
 * is not estimated: the placeholder shows the real one.
 */
import { Trace } from '../model/types';
import { ExpansionOptions, ExpansionState } from './expansion';

/**
 * Heights in px of a trace view's parts below its header, as JupyterLab's
 * default font sizes lay them out (measured in Chromium: tools row with the
 * overview 81 plus the 2 px of the overview's margin that collapse through
 * it, without the overview 45; the data-problems line 17; column header 23;
 * the empty detail panel 34). The box's border is the placeholder's own.
 */
export const VIEW_PARTS_PX = {
  tools: 83,
  toolsNoTimeline: 45,
  warnings: 17,
  columns: 23,
  detail: 34
} as const;

export interface PlaceholderGeometry {
  rowHeight: number;
  maxVisibleRows: number;
  timelineVisible: boolean;
}

/**
 * The rows the tree starts with under `expansion` (what buildRows would list),
 * counted up to `cap`: O(min(rows, cap)), whatever the trace's size.
 */
export function initialRowCount(trace: Trace, expansion: Partial<ExpansionOptions>, cap: number): number {
  const state = new ExpansionState(expansion);
  const stack = trace.roots.slice().reverse();
  let count = 0;
  while (stack.length > 0 && count < cap) {
    const span = stack.pop()!;
    count++;
    if (state.isExpanded(span)) {
      for (let i = span.children.length - 1; i >= 0; i--) {
        stack.push(span.children[i]);
      }
    }
  }
  return count;
}

/** The height of a built view below its header: tools, column header, the tree's rows (capped), detail. */
export function bodyHeight(rows: number, g: PlaceholderGeometry, hasWarnings: boolean): number {
  const P = VIEW_PARTS_PX;
  const shown = Math.max(0, Math.min(rows, g.maxVisibleRows));
  return (
    (g.timelineVisible ? P.tools : P.toolsNoTimeline) +
    (hasWarnings ? P.warnings : 0) +
    P.columns +
    shown * g.rowHeight +
    P.detail
  );
}

/** `bodyHeight` of `trace` as it would first show with `expansion`. */
export function estimateBodyHeight(trace: Trace, g: PlaceholderGeometry, expansion: Partial<ExpansionOptions>): number {
  return bodyHeight(initialRowCount(trace, expansion, g.maxVisibleRows), g, trace.warnings.length > 0);
}
