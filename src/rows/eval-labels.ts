/**
 * An evaluation run's numbers in words: metric chips ("contains 83%",
 * "latency p50 1.2 s"), the progress line ("7 of 12 done · 2 running · about
 * 3 s left"), the dataset ("golden · 12 records · digest 3f2a…"). Pure.
 */
import { EvalProgress, EvalRun } from '../model/eval';
import { formatCompact, formatCount, formatDuration, money } from './labels';

export interface MetricLabel {
  key: string;
  /** Who it is about: a scorer's name, "latency", "tokens", "cost", "errors". */
  name: string;
  text: string;
  /** A pass rate, when it is one (0..1). */
  rate?: number;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** One metric (`"<name>/<aggregation>"`) for people. */
export function metricLabel(key: string, value: number): MetricLabel {
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(0, slash);
  const agg = slash < 0 ? '' : key.slice(slash + 1);
  if (key === 'errors') {
    return { key, name: 'errors', text: `${formatCount(value)} error${value === 1 ? '' : 's'}` };
  }
  if (name === 'latency_ms') {
    return { key, name: 'latency', text: `latency ${agg} ${formatDuration(value)}` };
  }
  if (name === 'tokens') {
    return { key, name: 'tokens', text: `${formatCompact(value)} tokens` };
  }
  if (name === 'cost') {
    return { key, name: 'cost', text: `cost ${money(value)}` };
  }
  if (agg === 'pass_rate') {
    return { key, name, text: `${name} ${pct(value)}`, rate: value };
  }
  const shown = Number.isInteger(value) ? formatCount(value) : String(Math.round(value * 1000) / 1000);
  return { key, name, text: `${name} ${agg === 'mean' ? '' : `${agg} `}${shown}` };
}

/** The run's metrics, scorers first (in the run's scorer order), then latency, tokens, cost, errors. */
export function metricLabels(run: EvalRun): MetricLabel[] {
  const order = new Map(run.scorers.map((s, i) => [s.name, i]));
  const rank = (m: MetricLabel): number =>
    order.has(m.name) ? order.get(m.name)! : { latency: 1000, tokens: 1001, cost: 1002, errors: 1003 }[m.name] ?? 999;
  return [...run.metrics]
    .map(([k, v]) => metricLabel(k, v))
    .filter(m => !(m.key === 'errors' && run.metrics.get('errors') === 0))
    .sort((a, b) => rank(a) - rank(b));
}

export function progressText(p: EvalProgress, state: string): string {
  const parts = [`${formatCount(p.done)} of ${formatCount(p.total)} done`];
  if (p.running) {
    parts.push(`${formatCount(p.running)} running`);
  }
  if (p.errors) {
    parts.push(`${formatCount(p.errors)} error${p.errors === 1 ? '' : 's'}`);
  }
  if (state === 'RUNNING' && p.etaMs !== undefined && p.done < p.total) {
    parts.push(`about ${formatDuration(p.etaMs)} left`);
  }
  if (state === 'INTERRUPTED') {
    parts.push('interrupted');
  }
  return parts.join(' · ');
}

export function datasetText(run: EvalRun): string {
  const d = run.dataset;
  const size = d.size !== undefined ? ` · ${formatCount(d.size)} record${d.size === 1 ? '' : 's'}` : '';
  return `${d.name}${size}${d.digest ? ` · digest ${d.digest}` : ''}`;
}

export function stateText(run: EvalRun): string {
  const state = run.state === 'RUNNING' ? 'running' : run.state === 'INTERRUPTED' ? 'interrupted' : 'done';
  return run.dryRun ? `${state} · dry run` : state;
}
