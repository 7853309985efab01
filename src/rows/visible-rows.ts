/**
 * Model + expansion state → the flat list of visible rows, in tree order.
 * Iterative (explicit stack): a 10,000-level chain must not hit recursion limits.
 */
import { Span, Trace } from '../model/types';
import { ExpansionState } from './expansion';

export interface Row {
  span: Span;
  /** 1-based, as aria-level wants it. */
  level: number;
  hasChildren: boolean;
  expanded: boolean;
  /** 1-based position among its siblings and their count (aria-posinset / aria-setsize). */
  posInSet: number;
  setSize: number;
}

/**
 * The visible rows. With `keep` ("matches only"), spans outside it are left
 * out with their subtrees, and positions count only the kept siblings.
 */
export function buildRows(trace: Trace, expansion: ExpansionState, keep?: ReadonlySet<Span>): Row[] {
  const shown = (list: Span[]): Span[] => (keep ? list.filter(s => keep.has(s)) : list);
  const rows: Row[] = [];
  // Parallel stacks (span, sibling list it belongs to, its index there).
  const stack: Span[] = [];
  const siblingsOf: Span[][] = [];
  const indexIn: number[] = [];
  const pushChildren = (list: Span[]): void => {
    for (let i = list.length - 1; i >= 0; i--) {
      stack.push(list[i]);
      siblingsOf.push(list);
      indexIn.push(i);
    }
  };
  pushChildren(shown(trace.roots));
  while (stack.length > 0) {
    const span = stack.pop()!;
    const siblings = siblingsOf.pop()!;
    const index = indexIn.pop()!;
    const children = keep ? shown(span.children) : span.children;
    const hasChildren = children.length > 0;
    const expanded = hasChildren && expansion.isExpanded(span);
    rows.push({
      span,
      level: span.depth + 1,
      hasChildren,
      expanded,
      posInSet: index + 1,
      setSize: siblings.length
    });
    if (expanded) {
      pushChildren(children);
    }
  }
  return rows;
}

/** Index of the row showing span `id`, or -1. */
export function rowIndexOf(rows: readonly Row[], id: string | null): number {
  if (id === null) {
    return -1;
  }
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].span.id === id) {
      return i;
    }
  }
  return -1;
}

/** Parent span of a span within the trace, or null for top-level spans. */
export function parentOf(trace: Trace, span: Span): Span | null {
  if (span.parentId === null || span.orphan) {
    return null;
  }
  return trace.byId.get(span.parentId) ?? null;
}

/**
 * Expand every ancestor of `span` so its row becomes visible
 * (e.g. when selecting a span that sits under a collapsed parent).
 * Revealing many spans, pass one `opened` set to all calls: the walk up stops
 * at an ancestor an earlier call opened, so 100k matches in a 100k-deep chain
 * cost 100k steps, not 5·10^9.
 */
export function revealSpan(trace: Trace, expansion: ExpansionState, span: Span, opened?: Set<Span>): void {
  let parent = parentOf(trace, span);
  // Bounded by the span count in case a malformed model still holds a cycle.
  for (let guard = trace.spans.length; parent && guard > 0; guard--) {
    if (opened) {
      if (opened.has(parent)) {
        return; // it and all its ancestors are open already
      }
      opened.add(parent);
    }
    if (!expansion.isExpanded(parent)) {
      expansion.setExpanded(parent, true);
    }
    parent = parentOf(trace, parent);
  }
}
