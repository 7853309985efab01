/**
 * Two evaluation runs joined on their records: what got better, what got
 * worse. The rules are the Python side's (`compare_documents`, a test keeps
 * the two equal): repetitions averaged first (pass/fail as 1/0, errors left
 * out); a scorer moved beyond 1 % of max(1, |A|) — any flip of a pass/fail
 * score — in the direction it counts as better; latency beyond max(20 % of
 * A, 5 ms), tokens and cost beyond 5 % of A, lower being better; a row that
 * fails in B but not in A regressed. A row's verdict: regressed if a scorer or
 * its status regressed, else improved if any improved, else unchanged. Pure.
 */
import { EvalRun } from '../model/eval';
import { RecordLine, recordLines } from './eval-table';
import { scoreNumber } from './verdicts';

export type Trend = 'improved' | 'regressed' | 'unchanged';
export type Verdict = Trend | 'added' | 'removed';

export interface RecordAgg {
  n: number;
  error: boolean;
  scores: Map<string, number | undefined>;
  latencyMs?: number;
  tokens?: number;
  cost?: number;
}

export interface ComparedRow {
  recordId: string;
  kind: 'matched' | 'added' | 'removed';
  /** The record's line in A and in B (as the single-run table has it). */
  a?: RecordLine;
  b?: RecordLine;
  aggA?: RecordAgg;
  aggB?: RecordAgg;
  /** Metric (scorer name, "status", "latency_ms", "tokens", "cost") → trend; null when a side has no value. */
  trends: Map<string, Trend | null>;
  verdict: Verdict;
}

export interface RunComparison {
  rows: ComparedRow[];
  /** The metrics in column order: B's scorers, then A's others, then status, latency, tokens, cost. */
  metrics: string[];
  counts: Map<string, Record<Trend, number>>;
  verdicts: Record<Verdict, number>;
  warnings: string[];
}

export const COST_METRICS: ReadonlyArray<[string, number, number]> = [
  ['latency_ms', 0.2, 5],
  ['tokens', 0.05, 0],
  ['cost', 0.05, 0]
];

function mean(xs: (number | undefined)[]): number | undefined {
  const v = xs.filter((x): x is number => x !== undefined && x !== null && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}

/** A record's numbers over its repetitions. */
export function aggregate(line: RecordLine): RecordAgg {
  const names = new Set<string>();
  for (const r of line.reps) {
    for (const n of r.scores.keys()) {
      names.add(n);
    }
  }
  const scores = new Map<string, number | undefined>();
  for (const name of names) {
    scores.set(
      name,
      mean(line.reps.map(r => r.scores.get(name)).filter(s => s !== undefined && !s.error).map(s => scoreNumber(s!.value)))
    );
  }
  return {
    n: line.reps.length,
    error: line.reps.some(r => r.status === 'error'),
    scores,
    latencyMs: mean(line.reps.map(r => r.latencyMs)),
    tokens: mean(line.reps.map(r => r.tokens?.total)),
    cost: mean(line.reps.map(r => r.cost))
  };
}

/** improved / regressed / unchanged, or null when a side has no value. */
export function trend(a: number | undefined, b: number | undefined, higherIsBetter: boolean, rel: number, floor: number): Trend | null {
  if (a === undefined || b === undefined) {
    return null;
  }
  const delta = b - a;
  if (Math.abs(delta) <= Math.max(rel * Math.abs(a), floor)) {
    return 'unchanged';
  }
  return (higherIsBetter ? delta > 0 : delta < 0) ? 'improved' : 'regressed';
}

function metricValue(agg: RecordAgg, metric: string): number | undefined {
  return metric === 'latency_ms' ? agg.latencyMs : metric === 'tokens' ? agg.tokens : agg.cost;
}

/** What makes two runs not like for like, in words (the Python side says the same). */
export function comparisonWarnings(a: EvalRun, b: EvalRun): string[] {
  const out: string[] = [];
  if (a.dataset.digest !== b.dataset.digest) {
    out.push(
      `The runs used different data: ${a.name} ran ${a.dataset.name} (${a.dataset.size ?? '?'} records, digest ${a.dataset.digest}), ` +
        `${b.name} ran ${b.dataset.name} (${b.dataset.size ?? '?'} records, digest ${b.dataset.digest}); rows are joined on their inputs.`
    );
  }
  const sa = new Set(a.scorers.map(s => s.name));
  const sb = new Set(b.scorers.map(s => s.name));
  const onlyA = [...sa].filter(n => !sb.has(n)).sort();
  const onlyB = [...sb].filter(n => !sa.has(n)).sort();
  if (onlyA.length || onlyB.length) {
    const parts = [onlyA.length ? `only in ${a.name}: ${onlyA.join(', ')}` : '', onlyB.length ? `only in ${b.name}: ${onlyB.join(', ')}` : ''];
    out.push(`The runs used different scorers (${parts.filter(Boolean).join('; ')}).`);
  }
  return out;
}

export function compareRuns(a: EvalRun, b: EvalRun): RunComparison {
  const linesA = new Map(recordLines(a).map(l => [l.recordId, l]));
  const linesB = new Map(recordLines(b).map(l => [l.recordId, l]));
  const higher = new Map<string, boolean>();
  for (const s of [...a.scorers, ...b.scorers]) {
    if (!higher.has(s.name)) {
      higher.set(s.name, s.higherIsBetter);
    }
  }
  const scorerNames = b.scorers.map(s => s.name);
  for (const s of a.scorers) {
    if (!scorerNames.includes(s.name)) {
      scorerNames.push(s.name);
    }
  }
  const metrics = [...scorerNames, 'status', ...COST_METRICS.map(m => m[0])];
  const counts = new Map<string, Record<Trend, number>>(metrics.map(m => [m, { improved: 0, regressed: 0, unchanged: 0 }]));
  const verdicts: Record<Verdict, number> = { improved: 0, regressed: 0, unchanged: 0, added: 0, removed: 0 };
  const rows: ComparedRow[] = [];
  const order = [...linesB.keys(), ...[...linesA.keys()].filter(k => !linesB.has(k))];
  for (const recordId of order) {
    const la = linesA.get(recordId);
    const lb = linesB.get(recordId);
    if (!la || !lb) {
      const kind = la ? 'removed' : 'added';
      verdicts[kind]++;
      rows.push({ recordId, kind, a: la, b: lb, aggA: la && aggregate(la), aggB: lb && aggregate(lb), trends: new Map(), verdict: kind });
      continue;
    }
    const x = aggregate(la);
    const y = aggregate(lb);
    const trends = new Map<string, Trend | null>();
    for (const name of scorerNames) {
      const sa = x.scores.get(name);
      const sb = y.scores.get(name);
      const flips = (sa === 0 || sa === 1) && (sb === 0 || sb === 1);
      trends.set(name, trend(sa, sb, higher.get(name) ?? true, flips ? 0 : 0.01, flips ? 0 : 0.01));
    }
    trends.set('status', x.error === y.error ? 'unchanged' : y.error ? 'regressed' : 'improved');
    for (const [metric, rel, floor] of COST_METRICS) {
      trends.set(metric, trend(metricValue(x, metric), metricValue(y, metric), false, rel, floor));
    }
    for (const [metric, t] of trends) {
      if (t !== null) {
        counts.get(metric)![t]++;
      }
    }
    const judged = [...scorerNames.map(n => trends.get(n)), trends.get('status')];
    const verdict: Verdict = judged.includes('regressed') ? 'regressed' : judged.includes('improved') ? 'improved' : 'unchanged';
    verdicts[verdict]++;
    rows.push({ recordId, kind: 'matched', a: la, b: lb, aggA: x, aggB: y, trends, verdict });
  }
  return { rows, metrics, counts, verdicts, warnings: comparisonWarnings(a, b) };
}
