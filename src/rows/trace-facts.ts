/**
 * Facts derived from a whole trace for the tree: which spans hide an error
 * below them, and each span's self time. Pure (no DOM).
 */
import { drain, Progress } from '../model/steps';
import { spanFactsSteps } from '../model/span-facts';
import { Span, Trace } from '../model/types';
import { spanEnd } from './timeline';

/**
 * Spans with an ERROR span somewhere below them (not counting their own
 * status): a collapsed one shows a "contains an error" mark. One reverse pass
 * over the pre-order list (model/span-facts.ts, which the builder runs too).
 */
export function spansWithErrorBelow(trace: Trace): Set<Span> {
  return new Set(drain(spanFactsSteps(trace.spans, NO_PROGRESS)).errorBelow);
}

const NO_PROGRESS = (): Progress => ({ phase: 'build', done: 0, total: 0 });

const errorsBelowOf = new WeakMap<Trace, Set<Span>>();

/** spansWithErrorBelow, computed once per trace object. */
export function errorBelow(trace: Trace, span: Span): boolean {
  if (trace.facts) {
    return trace.facts.errorBelow.has(span); // counted by the builder
  }
  let set = errorsBelowOf.get(trace);
  if (!set) {
    set = spansWithErrorBelow(trace);
    errorsBelowOf.set(trace, set);
  }
  return set.has(span);
}

/**
 * The span's own time: its duration minus the union of its children's
 * intervals (clipped to the span; overlapping children count once). Running
 * spans and children end at `now`. Never negative.
 */
export function selfTime(span: Span, now: number): number {
  const end = spanEnd(span, now);
  const duration = end - span.start;
  if (span.children.length === 0) {
    return Math.max(0, duration);
  }
  const intervals: [number, number][] = [];
  for (const c of span.children) {
    const a = Math.max(c.start, span.start);
    const b = Math.min(spanEnd(c, now), end);
    if (b > a) {
      intervals.push([a, b]);
    }
  }
  intervals.sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let curStart = 0;
  let curEnd = -Infinity; // no open run yet
  for (const [a, b] of intervals) {
    if (a > curEnd) {
      if (curEnd > -Infinity) {
        covered += curEnd - curStart;
      }
      curStart = a;
      curEnd = b;
    } else if (b > curEnd) {
      curEnd = b;
    }
  }
  if (curEnd > -Infinity) {
    covered += curEnd - curStart;
  }
  return Math.max(0, duration - covered);
}

/**
 * The next ERROR span after `fromId` in tree order (wrapping; `direction` -1
 * for the previous one), or null when the trace has none.
 */
export function nextError(trace: Trace, fromId: string | null, direction: 1 | -1 = 1): Span | null {
  const spans = trace.spans;
  const n = spans.length;
  if (n === 0) {
    return null;
  }
  let from = -1;
  if (fromId !== null) {
    const s = trace.byId.get(fromId);
    from = s ? spans.indexOf(s) : -1;
  }
  if (from < 0 && direction === -1) {
    from = 0;
  }
  for (let k = 1; k <= n; k++) {
    const s = spans[(((from + direction * k) % n) + n) % n];
    if (s.status === 'ERROR') {
      return s;
    }
  }
  return null;
}

/**
 * The critical path: the spans that determined when the trace ended. From the
 * root that ends last, walk back from its end: the child that ended last
 * (before the cursor) is on the path, the cursor moves to that child's start,
 * and so on through earlier children; each chosen child is walked the same
 * way. Iterative, O(n log n). Running spans end at `now`.
 */
export function criticalPath(trace: Trace, now: number): Set<Span> {
  const path = new Set<Span>();
  const endOf = (s: Span): number => spanEnd(s, now);
  let root: Span | undefined;
  for (const r of trace.roots) {
    if (!root || endOf(r) > endOf(root)) {
      root = r;
    }
  }
  if (!root) {
    return path;
  }
  const stack: [Span, number][] = [[root, endOf(root)]];
  while (stack.length > 0) {
    const [span, bound] = stack.pop()!;
    path.add(span);
    let cursor = Math.min(endOf(span), bound);
    const byEnd = span.children.slice().sort((a, b) => endOf(b) - endOf(a) || b.start - a.start);
    for (const c of byEnd) {
      // A child that starts at or after the cursor ran in parallel with a later step: not on the path.
      if (c.start < cursor) {
        stack.push([c, cursor]);
        cursor = c.start;
      }
    }
  }
  return path;
}
