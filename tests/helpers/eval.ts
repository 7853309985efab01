/** Small builders of evaluation payloads (what nbtrace.evaluate displays) for tests. */
import { mlflowV3Span, mlflowV3Trace } from './fixtures';

export interface RowSpec {
  q: string;
  out?: unknown;
  status?: string;
  error?: string;
  /** ms (default 100; undefined given explicitly: none). */
  latency?: number;
  tokens?: number;
  cost?: number;
  scores?: Record<string, unknown>;
  rep?: number;
  /** The record's position (default: the row's). */
  index?: number;
  trace?: boolean;
}

/** A row; `scores` values are {value, rationale?, error?} or a bare value. */
export function row(spec: RowSpec, index: number): Record<string, unknown> {
  const scores: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec.scores ?? {})) {
    scores[k] = v !== null && typeof v === 'object' ? { source: 'CODE', ...(v as object) } : { value: v, source: 'CODE' };
  }
  return {
    index: spec.index ?? index,
    repetition: spec.rep ?? 0,
    record_id: `r-${spec.q}`,
    inputs: { question: spec.q },
    expectations: { expected_response: `answer to ${spec.q}` },
    outputs: spec.out ?? `answer to ${spec.q}`,
    status: spec.status ?? 'done',
    error: spec.error ?? null,
    latency_ms: 'latency' in spec ? spec.latency ?? null : 100,
    tokens: spec.tokens === undefined ? null : { input_tokens: spec.tokens - 5, output_tokens: 5, total_tokens: spec.tokens },
    cost: spec.cost ?? null,
    scores,
    trace_id: `tr-${spec.q}`,
    trace: spec.trace === false ? null : mlflowV3Trace([mlflowV3Span({ id: 'AAAAAAAAAAE=', name: `agent ${spec.q}` })], { trace_id: `tr-${spec.q}` })
  };
}

export function run(name: string, specs: RowSpec[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const scorers = [...new Set(specs.flatMap(s => Object.keys(s.scores ?? {})))].map(n => ({ name: n, source: 'CODE', higher_is_better: true }));
  return {
    id: `run-${name}`,
    name,
    state: 'DONE',
    dataset: { name: 'golden', digest: 'abc123abc123', size: specs.length },
    scorers,
    metrics: {},
    progress: { total: specs.length, done: specs.length, running: 0, pending: 0, errors: 0 },
    rows: specs.map((s, i) => row(s, i)),
    ...extra
  };
}

export function runPayload(name: string, specs: RowSpec[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { version: 1, kind: 'run', run: run(name, specs, extra) };
}
