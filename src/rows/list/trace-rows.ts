/**
 * The trace list's rows: one per trace, with the facts the query language
 * reads (rows/query/facts.ts), what it used by model and span type, and the
 * columns' sort. A summary (a trace without its spans) takes its span count
 * and models from its `nbtrace.summary` metadata, and span conditions match
 * the distinct span names, types, statuses and models it kept (not span
 * content, which it does not carry). Pure.
 */
import { ListEntry } from '../../model/trace-list';
import { Assessment } from '../../model/types';
import { traceFacts } from '../query/facts';
import { matches, TraceFacts } from '../query/match';
import { Query } from '../query/parser';
import { entryUsage, NO_MODEL, TraceUsage } from './usage';

export interface ListRow {
  /** Stable across updates: the trace id (or its place, when it has none). */
  key: string;
  entry: ListEntry;
  facts: TraceFacts;
  usage: TraceUsage;
  /** Its cost is (partly) estimated from tokens and list prices, not reported. */
  costEstimated: boolean;
  /** Input / output tokens, when the trace says. */
  inputTokens?: number;
  outputTokens?: number;
  scores: readonly Assessment[];
}

export type ListColumnId = 'name' | 'status' | 'start' | 'latency' | 'spans' | 'tokens' | 'cost' | 'models' | 'session' | 'tags' | 'scores';

export interface ListColumn {
  id: ListColumnId;
  label: string;
}

const ALL_COLUMNS: ListColumn[] = [
  { id: 'name', label: 'Trace' },
  { id: 'status', label: 'Status' },
  { id: 'start', label: 'Started' },
  { id: 'latency', label: 'Latency' },
  { id: 'spans', label: 'Spans' },
  { id: 'tokens', label: 'Tokens' },
  { id: 'cost', label: 'Cost' },
  { id: 'models', label: 'Models' },
  { id: 'session', label: 'Session / user' },
  { id: 'tags', label: 'Tags' },
  { id: 'scores', label: 'Scores' }
];

const PRODUCER_KEYS = /^(mlflow\.|info\.|data\.|nbtrace\.|otel\.|service\.|telemetry\.|process\.|host\.|os\.|resource\.|scope\.)/;
const tagMemo = new WeakMap<ListRow, [string, string][]>();

/** Tags worth a column: not the ones every trace of a producer carries (computed once per row). */
export function userTags(row: ListRow): [string, string][] {
  let out = tagMemo.get(row);
  if (!out) {
    out = [];
    const m = row.entry.trace.metadata;
    for (const k of Object.keys(m)) {
      const v = m[k];
      if (typeof v !== 'object' && !PRODUCER_KEYS.test(k)) {
        out.push([k, String(v)]);
      }
    }
    tagMemo.set(row, out);
  }
  return out;
}

/** Whether a row has a user tag (without building the list: most traces have none). */
function hasUserTag(row: ListRow): boolean {
  const memo = tagMemo.get(row);
  if (memo) {
    return memo.length > 0;
  }
  const m = row.entry.trace.metadata;
  for (const k in m) {
    if (typeof m[k] !== 'object' && !PRODUCER_KEYS.test(k)) {
      return true;
    }
  }
  return false;
}

export function listRow(entry: ListEntry, index: number): ListRow {
  const trace = entry.trace;
  const facts = traceFacts(trace);
  const usage = entryUsage(entry);
  if (!entry.hasSpans) {
    facts.span_count = entry.summary?.spans ?? 0;
    // Span conditions match a summary on what it kept of its spans (not their content).
    facts.spans = entry.summary?.seen ?? [];
    facts.models = Object.keys(usage.models).filter(m => m !== NO_MODEL);
  }
  let costEstimated = entry.hasSpans && trace.cost?.estimated === true;
  if (facts.cost === undefined) {
    costEstimated = Object.values(usage.models).some(m => m.cost !== undefined && m.estimated === true);
    const costs = Object.values(usage.models).map(m => m.cost).filter((c): c is number => c !== undefined);
    if (costs.length > 0) {
      facts.cost = costs.reduce((a, b) => a + b, 0);
    }
  }
  let input = trace.tokens?.input;
  let output = trace.tokens?.output;
  if (input === undefined && output === undefined) {
    for (const m of Object.values(usage.models)) {
      input = m.input !== undefined ? (input ?? 0) + m.input : input;
      output = m.output !== undefined ? (output ?? 0) + m.output : output;
    }
  }
  if (facts.tokens === undefined && (input !== undefined || output !== undefined)) {
    facts.tokens = (input ?? 0) + (output ?? 0);
  }
  return { key: trace.id || `#${index}`, entry, facts, usage, costEstimated, inputTokens: input, outputTokens: output, scores: trace.assessments };
}

export function listRows(entries: readonly ListEntry[]): ListRow[] {
  return entries.map(listRow);
}

/** The columns worth showing: those some row has a value for (name, status, start and latency always). */
export function listColumns(rows: readonly ListRow[]): ListColumn[] {
  const has = (test: (r: ListRow) => boolean): boolean => rows.some(test);
  const shown: Record<ListColumnId, boolean> = {
    name: true,
    status: true,
    start: true,
    latency: true,
    spans: true,
    tokens: has(r => r.facts.tokens !== undefined),
    cost: has(r => r.facts.cost !== undefined),
    models: has(r => r.facts.models.length > 0),
    session: has(r => r.facts.session !== undefined || r.facts.user !== undefined),
    tags: has(hasUserTag),
    scores: has(r => r.scores.length > 0)
  };
  return ALL_COLUMNS.filter(c => shown[c.id]);
}

const STATUS_ORDER: Record<string, number> = { ERROR: 0, IN_PROGRESS: 1, UNSET: 2, OK: 3 };

/** A row's sort value in a column (undefined: it has none; those sort last either way). */
export function sortValue(row: ListRow, column: ListColumnId): number | string | undefined {
  const f = row.facts;
  switch (column) {
    case 'name':
      return f.name.toLowerCase();
    case 'status':
      return STATUS_ORDER[f.status] ?? 2;
    case 'start':
      return f.start_ms;
    case 'latency':
      return f.duration_ms;
    case 'spans':
      return f.span_count;
    case 'tokens':
      return f.tokens;
    case 'cost':
      return f.cost;
    case 'models':
      return f.models.length > 0 ? f.models.join(', ').toLowerCase() : undefined;
    case 'session':
      return f.session ?? f.user;
    case 'tags': {
      const t = userTags(row);
      return t.length > 0 ? t.map(([k, v]) => `${k}=${v}`).join(' ') : undefined;
    }
    case 'scores': {
      const values = row.scores.filter(a => a.kind === 'feedback' && a.error === undefined).map(a => a.value);
      const pass = values.filter(v => v === true || v === 'yes' || v === 'pass').length;
      return values.length > 0 ? pass / values.length : undefined;
    }
  }
}

export type SortDirection = 'ascending' | 'descending';

/** Rows sorted by a column (stable; rows without a value last in both directions). */
export function sortRows(rows: readonly ListRow[], column: ListColumnId, direction: SortDirection): ListRow[] {
  const sign = direction === 'ascending' ? 1 : -1;
  const keyed = rows.map((row, i) => ({ row, i, v: sortValue(row, column) }));
  keyed.sort((a, b) => {
    if (a.v === undefined || b.v === undefined) {
      return a.v === b.v ? a.i - b.i : a.v === undefined ? 1 : -1;
    }
    const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v) < String(b.v) ? -1 : String(a.v) > String(b.v) ? 1 : 0;
    return c !== 0 ? sign * c : a.i - b.i;
  });
  return keyed.map(k => k.row);
}

/** The rows a query lets through (null: all), in their order. */
export function filterRows(rows: readonly ListRow[], query: Query | null): ListRow[] {
  return query === null ? rows.slice() : rows.filter(r => matches(query, r.facts));
}
