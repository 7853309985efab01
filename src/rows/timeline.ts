/**
 * The time axis shared by every row: one d3 linear scale from trace-relative
 * ms to a percentage of the timeline column, and the tick marks above it.
 * Percentages (not pixels) keep rows independent of the column width, so a
 * resize never re-renders rows.
 */
import { scaleLinear, ScaleLinear } from 'd3-scale';
import { Span } from '../model/types';
import { formatDuration } from './labels';

export type TimeScale = ScaleLinear<number, number>;

export interface Tick {
  /** ms from trace start */
  value: number;
  /** position in % of the timeline column */
  percent: number;
  label: string;
}

export interface BarGeometry {
  /** % of the timeline column */
  left: number;
  /** % of the timeline column (may be 0; CSS gives bars a minimum visible width) */
  width: number;
  /** The span lies entirely outside the scale's (zoomed) domain: no bar. */
  outside: boolean;
}

/** A time window [from, to] in ms from the trace start (a zoom). */
export type TimeWindow = readonly [number, number];

/**
 * A scale from [0, duration] ms — or from a zoom window — to [0, 100] %.
 * A zero-length trace or window still gets a usable domain.
 */
export function createTimeScale(duration: number, zoom?: TimeWindow | null): TimeScale {
  if (zoom && Number.isFinite(zoom[0]) && Number.isFinite(zoom[1]) && zoom[1] > zoom[0]) {
    return scaleLinear().domain([zoom[0], zoom[1]]).range([0, 100]).clamp(true);
  }
  const end = Number.isFinite(duration) && duration > 0 ? duration : 1;
  return scaleLinear().domain([0, end]).range([0, 100]).clamp(true);
}

/** About `count` nicely rounded ticks (d3's 1-2-5 steps) with duration labels. */
export function axisTicks(scale: TimeScale, count = 5): Tick[] {
  return scale.ticks(count).map(value => ({
    value,
    percent: scale(value),
    label: formatDuration(value)
  }));
}

/** Where a span ends for drawing and timing: its end, or "now" while it runs (never before its start). */
export function spanEnd(span: Span, now: number): number {
  return span.end ?? Math.max(now, span.start);
}

/** How long a span lasts (ms): up to `now` while it runs (compare's `spanDuration` is undefined then). */
export function spanDurationAt(span: Span, now: number): number {
  return spanEnd(span, now) - span.start;
}

/**
 * Where a span's bar sits. A running span (no end) is drawn up to `now`
 * (ms from trace start), which the live view advances.
 */
export function barGeometry(span: Span, scale: TimeScale, now?: number): BarGeometry {
  const start = scale(span.start);
  const endMs = spanEnd(span, now ?? span.start);
  const end = scale(endMs);
  const [d0, d1] = scale.domain();
  const outside = endMs < d0 || span.start > d1;
  return { left: round3(start), width: round3(Math.max(0, end - start)), outside };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
