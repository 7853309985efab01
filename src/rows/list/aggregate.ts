/**
 * The numbers over the traces a list shows (those passing its filter):
 * count, error rate, latency percentiles, tokens and cost in total, by model
 * and by span type, and a latency histogram. Percentiles interpolate
 * linearly between the closest ranks (numpy's default, Excel's
 * PERCENTILE.INC): p50 of [1, 2, 3, 4] is 2.5. Pure.
 */
import { scaleLinear } from 'd3-scale';
import { ModelUse } from '../../model/trace-list';
import { ListRow } from './trace-rows';

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

/** One model's use summed over the traces (calls, tokens, cost: as in one trace's ModelUse). */
export interface ModelTotals extends ModelUse {
  model: string;
  /** Traces that used it. */
  traces: number;
}

export interface KindTotals {
  kind: string;
  spans: number;
  errors: number;
  /** Summed time of its spans, ms. */
  ms: number;
  tokens?: number;
  cost?: number;
}

export interface Bin {
  /** Latency range [x0, x1), ms. */
  x0: number;
  x1: number;
  count: number;
}

export interface Aggregates {
  count: number;
  errors: number;
  running: number;
  /** errors / count (0 for no traces). */
  errorRate: number;
  /** Over the finished traces that say how long they took. */
  latency?: Percentiles;
  tokens: { input?: number; output?: number; total?: number };
  cost?: number;
  /** Some of the cost is estimated from tokens and list prices. */
  costEstimated: boolean;
  byModel: ModelTotals[];
  byKind: KindTotals[];
  histogram: Bin[];
}

/** The p-quantile (0 ≤ p ≤ 1) of sorted numbers, interpolated linearly; NaN for none. */
export function quantile(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) {
    return NaN;
  }
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function percentiles(values: readonly number[]): Percentiles | undefined {
  if (values.length === 0) {
    return undefined;
  }
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  let sum = 0;
  for (const v of list) {
    sum += v;
  }
  return { p50: quantile(list, 0.5), p90: quantile(list, 0.9), p99: quantile(list, 0.99), min: list[0], max: list[list.length - 1], mean: sum / list.length };
}

/** About `bins` equal bins on round bounds (d3's nice ticks) over the values. */
export function histogram(values: readonly number[], bins = 12): Bin[] {
  if (values.length === 0) {
    return [];
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (max === min) {
    return [{ x0: min, x1: max, count: values.length }];
  }
  const ticks = scaleLinear().domain([min, max]).nice(bins).ticks(bins);
  const edges = ticks[ticks.length - 1] < max ? [...ticks, max] : ticks;
  const out: Bin[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    out.push({ x0: edges[i], x1: edges[i + 1], count: 0 });
  }
  for (const v of values) {
    let i = Math.floor(((v - edges[0]) / (edges[edges.length - 1] - edges[0])) * out.length);
    // Edges are even steps; the arithmetic guess is corrected by a step at most.
    i = Math.max(0, Math.min(out.length - 1, i));
    while (i > 0 && v < out[i].x0) {
      i--;
    }
    while (i < out.length - 1 && v >= out[i].x1) {
      i++;
    }
    out[i].count++;
  }
  return out;
}

function plus(a: number | undefined, b: number | undefined): number | undefined {
  return b === undefined ? a : (a ?? 0) + b;
}

export function aggregate(rows: readonly ListRow[]): Aggregates {
  let errors = 0;
  let running = 0;
  const latencies: number[] = [];
  const tokens: Aggregates['tokens'] = {};
  let cost: number | undefined;
  let costEstimated = false;
  const models = new Map<string, ModelTotals>();
  const kinds = new Map<string, KindTotals>();
  for (const r of rows) {
    const f = r.facts;
    errors += f.status === 'ERROR' ? 1 : 0;
    running += f.status === 'IN_PROGRESS' ? 1 : 0;
    if (f.duration_ms !== undefined && f.status !== 'IN_PROGRESS') {
      latencies.push(f.duration_ms);
    }
    tokens.input = plus(tokens.input, r.inputTokens);
    tokens.output = plus(tokens.output, r.outputTokens);
    tokens.total = plus(tokens.total, f.tokens);
    cost = plus(cost, f.cost);
    costEstimated ||= f.cost !== undefined && r.costEstimated;
    for (const [name, use] of Object.entries(r.usage.models)) {
      let m = models.get(name);
      if (!m) {
        models.set(name, (m = { model: name, traces: 0, calls: 0 }));
      }
      m.traces++;
      m.calls += use.calls;
      m.input = plus(m.input, use.input);
      m.output = plus(m.output, use.output);
      m.total = plus(m.total, use.total);
      m.cost = plus(m.cost, use.cost);
      if (use.estimated && use.cost !== undefined) {
        m.estimated = true;
      }
    }
    for (const [name, use] of Object.entries(r.usage.kinds)) {
      let k = kinds.get(name);
      if (!k) {
        kinds.set(name, (k = { kind: name, spans: 0, errors: 0, ms: 0 }));
      }
      k.spans += use.count;
      k.errors += use.errors;
      k.ms += use.ms;
      k.tokens = plus(k.tokens, use.tokens);
      k.cost = plus(k.cost, use.cost);
    }
  }
  const byModel = [...models.values()].sort((a, b) => (b.cost ?? -1) - (a.cost ?? -1) || (b.total ?? -1) - (a.total ?? -1) || b.calls - a.calls || (a.model < b.model ? -1 : 1));
  const byKind = [...kinds.values()].sort((a, b) => b.ms - a.ms || b.spans - a.spans || (a.kind < b.kind ? -1 : 1));
  return {
    count: rows.length,
    errors,
    running,
    errorRate: rows.length > 0 ? errors / rows.length : 0,
    latency: percentiles(latencies),
    tokens,
    cost,
    costEstimated,
    byModel,
    byKind,
    histogram: histogram(latencies)
  };
}
