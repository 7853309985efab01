/**
 * Span filters (by kind, errors only, slower than X ms) and the expansion
 * shortcuts next to them (collapse spans shorter than X ms). Pure (no DOM).
 * A filtered tree keeps the spans that pass and their ancestors, so every
 * kept span is still shown where it sits.
 */
import { Span, Trace } from '../model/types';
import { withAncestors } from './search';
import { ExpansionState } from './expansion';
import { spanDurationAt } from './timeline';

export interface SpanFilter {
  /** Kinds to keep (upper case); empty keeps every kind. */
  kinds: ReadonlySet<string>;
  errorsOnly: boolean;
  /** Keep spans lasting at least this many ms; 0 is off. Running spans last until `now`. */
  minDurationMs: number;
}

export const NO_FILTER: SpanFilter = { kinds: new Set(), errorsOnly: false, minDurationMs: 0 };

export function filterActive(f: SpanFilter): boolean {
  return f.kinds.size > 0 || f.errorsOnly || f.minDurationMs > 0;
}

export function passesFilter(f: SpanFilter, s: Span, now: number): boolean {
  return (
    (f.kinds.size === 0 || f.kinds.has(s.kind)) &&
    (!f.errorsOnly || s.status === 'ERROR') &&
    (f.minDurationMs <= 0 || spanDurationAt(s, now) >= f.minDurationMs)
  );
}

/**
 * The spans a filtered tree shows: those passing the filter (and `extra`, e.g.
 * "is a search match") with their ancestors; undefined when nothing filters.
 */
export function keptSpans(
  trace: Trace,
  f: SpanFilter,
  now: number,
  extra?: (s: Span) => boolean
): Set<Span> | undefined {
  const active = filterActive(f);
  if (!active && !extra) {
    return undefined;
  }
  const pass: Span[] = [];
  for (const s of trace.spans) {
    if ((!active || passesFilter(f, s, now)) && (!extra || extra(s))) {
      pass.push(s);
    }
  }
  return withAncestors(trace, pass);
}

/** The kinds present in the trace, most frequent first (for the kind filter's choices). */
export function kindsOf(trace: Trace): string[] {
  const counts = new Map<string, number>();
  for (const s of trace.spans) {
    counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(e => e[0]);
}

/** Collapse every span (with children) that lasts less than `ms`: hides the quick noise. */
export function collapseShorterThan(trace: Trace, expansion: ExpansionState, ms: number, now: number): number {
  let n = 0;
  for (const s of trace.spans) {
    if (s.children.length > 0 && spanDurationAt(s, now) < ms) {
      expansion.setExpanded(s, false);
      n++;
    }
  }
  return n;
}

/** The deepest span's depth (0 for roots only). */
export function maxDepth(trace: Trace): number {
  let d = 0;
  for (const s of trace.spans) {
    if (s.depth > d) {
      d = s.depth;
    }
  }
  return d;
}
