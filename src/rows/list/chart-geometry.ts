/**
 * Where the trace list's small charts draw (d3 scales; the DOM side only
 * places what this computes): the latency histogram's bars and the bars of
 * cost (or tokens) by model. Pure.
 */
import { scaleBand, scaleLinear } from 'd3-scale';
import { Bin, ModelTotals } from './aggregate';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The histogram's bars in a `width` × `height` box (a non-empty bin is at least 1 px tall). */
export function histogramBars(bins: readonly Bin[], width: number, height: number): Rect[] {
  if (bins.length === 0) {
    return [];
  }
  const max = Math.max(...bins.map(b => b.count));
  const x = scaleBand<number>()
    .domain(bins.map((_, i) => i))
    .range([0, width])
    .paddingInner(0.12);
  const y = scaleLinear().domain([0, max || 1]).range([0, height]);
  return bins.map((b, i) => {
    const h = b.count > 0 ? Math.max(1, y(b.count)) : 0;
    return { x: x(i) ?? 0, y: height - h, width: x.bandwidth(), height: h };
  });
}

export type ModelMetric = 'cost' | 'tokens';

/** The metric the by-model bars show: cost when any model has one, else tokens (undefined: neither). */
export function modelMetric(models: readonly ModelTotals[]): ModelMetric | undefined {
  return models.some(m => m.cost !== undefined && m.cost > 0) ? 'cost' : models.some(m => m.total !== undefined && m.total > 0) ? 'tokens' : undefined;
}

export function metricOf(m: ModelTotals, metric: ModelMetric): number {
  return (metric === 'cost' ? m.cost : m.total) ?? 0;
}

/** Each model's bar length (0–`width`), on one scale from 0 to the largest. */
export function modelBarWidths(models: readonly ModelTotals[], metric: ModelMetric, width: number): number[] {
  const max = Math.max(0, ...models.map(m => metricOf(m, metric)));
  const x = scaleLinear().domain([0, max || 1]).range([0, width]);
  return models.map(m => x(metricOf(m, metric)));
}
