/**
 * Evaluation results (`application/vnd.nbtrace.eval+json`, what
 * `nbtrace.evaluate` and `nbtrace.compare_runs` display) → EvalRun(s).
 *
 * `{version: 1, kind: "run", run}` or `{version: 1, kind: "comparison", a, b}`;
 * a run is `{id, name, state, dataset {name, digest, size}, scorers [{name,
 * source, higher_is_better}], metrics {key: number}, progress {...}, rows}`
 * and a row `{index, repetition, record_id, inputs, expectations, outputs,
 * status, error, latency_ms, tokens {input_tokens, output_tokens,
 * total_tokens}, cost, scores {name: {value, rationale, error, source, trace?}},
 * trace_id, trace}`. Row traces stay raw payloads until a row is opened.
 * Pure, never throws; anything unexpected is dropped or defaulted, with a
 * warning when it matters.
 */
import { usageFromObject } from './tokens';
import { TokenUsage } from './types';
import { isObject, num, Obj, str } from './util';

export type RowStatus = 'pending' | 'running' | 'done' | 'error';

export interface EvalScore {
  value: unknown;
  rationale?: string;
  error?: string;
  /** CODE, LLM_JUDGE, HUMAN. */
  source: string;
  spanId?: string;
  /** The scorer's own trace (an LLM judge's call), as a raw trace payload. */
  trace?: unknown;
}

export interface EvalRow {
  index: number;
  repetition: number;
  recordId: string;
  inputs: unknown;
  expectations: unknown;
  outputs: unknown;
  status: RowStatus;
  error?: string;
  latencyMs?: number;
  tokens?: TokenUsage;
  cost?: number;
  /** `cost` is an estimate (tokens × list prices; the trace reported none). */
  costEstimated?: boolean;
  scores: Map<string, EvalScore>;
  traceId?: string;
  /** The row's trace, as a raw payload (parsed when the row is opened). */
  trace?: unknown;
  /** The trace exists but this (live) update left it out to stay small. */
  traceDeferred: boolean;
}

export interface ScorerSpec {
  name: string;
  source: string;
  higherIsBetter: boolean;
}

export interface EvalProgress {
  total: number;
  done: number;
  running: number;
  pending: number;
  errors: number;
  etaMs?: number;
}

export interface EvalRun {
  id: string;
  name: string;
  /** RUNNING, DONE, INTERRUPTED. */
  state: string;
  dryRun: boolean;
  startedAt?: string;
  durationMs?: number;
  dataset: { name: string; digest: string; size?: number };
  scorers: ScorerSpec[];
  metrics: Map<string, number>;
  progress: EvalProgress;
  rows: EvalRow[];
}

export type EvalPayload = { kind: 'run'; run: EvalRun } | { kind: 'comparison'; a: EvalRun; b: EvalRun };

export type EvalParseResult = { ok: true; payload: EvalPayload; warnings: string[] } | { ok: false; error: string };

/** At most this many rows are read from one run (a table of more is not readable anyway). */
export const MAX_ROWS = 100_000;
const STATUSES = new Set<RowStatus>(['pending', 'running', 'done', 'error']);

function text(v: unknown): string | undefined {
  if (typeof v === 'string') {
    return v === '' ? undefined : v;
  }
  return v === undefined || v === null ? undefined : String(v);
}

function entries(o: unknown): [string, unknown][] {
  return isObject(o) ? Object.entries(o) : [];
}

function readScore(v: unknown): EvalScore {
  const o: Obj = isObject(v) ? v : { value: v };
  return {
    value: o.value,
    rationale: text(o.rationale),
    error: text(o.error),
    source: (str(o.source) ?? 'CODE').toUpperCase(),
    spanId: text(o.span_id),
    trace: isObject(o.trace) || typeof o.trace === 'string' ? o.trace : undefined
  };
}

function readRow(v: unknown, i: number): EvalRow | undefined {
  if (!isObject(v)) {
    return undefined;
  }
  const scores = new Map<string, EvalScore>();
  for (const [name, s] of entries(v.scores)) {
    scores.set(name, readScore(s));
  }
  const status = str(v.status) as RowStatus | undefined;
  const index = num(v.index);
  return {
    index: index !== undefined && Number.isInteger(index) && index >= 0 ? index : i,
    repetition: Math.max(0, Math.floor(num(v.repetition) ?? 0)),
    recordId: text(v.record_id) ?? `row-${i}`,
    inputs: v.inputs,
    expectations: v.expectations,
    outputs: v.outputs,
    status: status && STATUSES.has(status) ? status : 'done',
    error: text(v.error),
    latencyMs: num(v.latency_ms),
    tokens: usageFromObject(v.tokens),
    cost: num(v.cost),
    ...(v.cost_estimated === true ? { costEstimated: true } : {}),
    scores,
    traceId: text(v.trace_id),
    trace: isObject(v.trace) || typeof v.trace === 'string' ? v.trace : undefined,
    traceDeferred: v.trace_deferred === true
  };
}

function readRun(v: unknown, warnings: string[], label: string): EvalRun | string {
  if (!isObject(v)) {
    return `${label} is not an evaluation run (expected an object with "rows").`;
  }
  if (!Array.isArray(v.rows)) {
    return `${label} has no "rows" list.`;
  }
  if (v.rows.length > MAX_ROWS) {
    warnings.push(`${label} has ${v.rows.length} rows; the first ${MAX_ROWS} are shown.`);
  }
  const rows: EvalRow[] = [];
  v.rows.slice(0, MAX_ROWS).forEach((r, i) => {
    const row = readRow(r, i);
    if (row) {
      rows.push(row);
    }
  });
  const seen = new Set<string>();
  const scorers: ScorerSpec[] = [];
  for (const s of Array.isArray(v.scorers) ? v.scorers : []) {
    const name = isObject(s) ? str(s.name) : str(s);
    if (name !== undefined && !seen.has(name)) {
      seen.add(name);
      scorers.push({
        name,
        source: (isObject(s) ? str(s.source) : undefined)?.toUpperCase() ?? 'CODE',
        higherIsBetter: !(isObject(s) && s.higher_is_better === false)
      });
    }
  }
  for (const row of rows) {
    for (const name of row.scores.keys()) {
      if (!seen.has(name)) {
        seen.add(name);
        scorers.push({ name, source: row.scores.get(name)!.source, higherIsBetter: true });
      }
    }
  }
  const metrics = new Map<string, number>();
  for (const [k, m] of entries(v.metrics)) {
    const n = num(m);
    if (n !== undefined) {
      metrics.set(k, n);
    }
  }
  const dataset = isObject(v.dataset) ? v.dataset : {};
  const p = isObject(v.progress) ? v.progress : {};
  const count = (s: RowStatus): number => rows.filter(r => r.status === s).length;
  return {
    id: text(v.id) ?? '',
    name: text(v.name) ?? 'run',
    state: (str(v.state) ?? 'DONE').toUpperCase(),
    dryRun: v.dry_run === true,
    startedAt: text(v.started_at),
    durationMs: num(v.duration_ms),
    dataset: { name: text(dataset.name) ?? 'data', digest: text(dataset.digest) ?? '', size: num(dataset.size) },
    scorers,
    metrics,
    progress: {
      total: num(p.total) ?? rows.length,
      done: num(p.done) ?? count('done') + count('error'),
      running: num(p.running) ?? count('running'),
      pending: num(p.pending) ?? count('pending'),
      errors: num(p.errors) ?? count('error'),
      etaMs: num(p.eta_ms)
    },
    rows
  };
}

/** Read an eval payload (an object or its JSON text). Never throws. */
export function parseEvalPayload(data: unknown): EvalParseResult {
  let d = data;
  if (typeof d === 'string') {
    try {
      d = JSON.parse(d);
    } catch {
      return { ok: false, error: 'This evaluation output is not valid JSON.' };
    }
  }
  if (!isObject(d)) {
    return { ok: false, error: 'This evaluation output is not an object (expected {version, kind, run}).' };
  }
  const warnings: string[] = [];
  if (d.version !== undefined && d.version !== 1) {
    warnings.push(`This output was written as version ${String(d.version)}; this viewer reads version 1.`);
  }
  try {
    if (d.kind === 'comparison') {
      const a = readRun(d.a, warnings, 'Run A');
      const b = readRun(d.b, warnings, 'Run B');
      if (typeof a === 'string' || typeof b === 'string') {
        return { ok: false, error: [a, b].filter(x => typeof x === 'string').join(' ') };
      }
      return { ok: true, payload: { kind: 'comparison', a, b }, warnings };
    }
    const run = readRun(d.run ?? d, warnings, 'The run');
    return typeof run === 'string' ? { ok: false, error: run } : { ok: true, payload: { kind: 'run', run }, warnings };
  } catch (e) {
    return { ok: false, error: `nbtrace could not read this evaluation (internal error: ${e instanceof Error ? e.message : String(e)}).` };
  }
}
