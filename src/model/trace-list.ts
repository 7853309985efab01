/**
 * A trace list payload (`application/vnd.nbtrace.traces+json`, what
 * `nbtrace.show(list)`, `nbtrace.search_traces` and a cell's overflow
 * display) → the entries of the list. Pure, never throws.
 *
 * The payload: `{version: 1, traces: [doc, ...], summaries?: [doc, ...],
 * title?, query?, omitted?}`. `traces` are whole trace documents of any format
 * parsePayload reads; `summaries` are MLflow traces without their spans (an
 * `info` and no `data.spans`, or empty ones) with a `summary` object beside
 * the info (or, in a summary kept elsewhere, the metadata text
 * `nbtrace.summary`) saying what the spans held (span count, use per model
 * and per span type, their distinct names and types), so a list of thousands
 * of traces stays small. `omitted`:
 * traces left out altogether (over the output's bound). Any other payload
 * parsePayload reads (a list of traces, JSON Lines) is read as `traces`.
 */
import { parsePayload } from './parse';
import { Span, Trace, TraceState } from './types';
import { isObject, num, Obj } from './util';
import { costFromObject } from './cost';
import { usageFromObject } from './tokens';

/** One model's use in a trace: calls and the tokens and cost they reported. */
export interface ModelUse {
  calls: number;
  input?: number;
  output?: number;
  total?: number;
  cost?: number;
  /** Some of the cost is estimated from tokens and list prices (none reported). */
  estimated?: boolean;
}

/** One span type's share of a trace: spans, errors, their summed time, tokens and cost. */
export interface KindUse {
  count: number;
  errors: number;
  ms: number;
  tokens?: number;
  cost?: number;
}

/** One distinct (name, type, status, model) among a summary's spans (as the query reads a span: no content kept). */
export interface SeenSpan {
  name: string;
  type: string;
  status: string;
  model?: string;
  content: string;
}

/** `text` parsed as JSON, or `text` itself if it is not JSON. */
function parsedOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** What a summary says about the spans it does not carry. */
export interface SpanSummary {
  spans?: number;
  models: Record<string, ModelUse>;
  kinds: Record<string, KindUse>;
  /** Its spans' distinct names, types, statuses and models (up to a bound), so span conditions can match it. */
  seen: SeenSpan[];
}

function readSeen(v: unknown): SeenSpan[] {
  const out: SeenSpan[] = [];
  if (Array.isArray(v)) {
    for (const x of v.slice(0, 1000)) {
      if (Array.isArray(x) && typeof x[0] === 'string' && typeof x[1] === 'string' && typeof x[2] === 'string') {
        out.push(typeof x[3] === 'string' ? { name: x[0], type: x[1], status: x[2], model: x[3], content: '' } : { name: x[0], type: x[1], status: x[2], content: '' });
      }
    }
  }
  return out;
}

export interface ListEntry {
  trace: Trace;
  /** The document it came from (for "Copy JSON", and to open it). */
  source: unknown;
  /** False for a summary: the trace's info without its spans. */
  hasSpans: boolean;
  summary?: SpanSummary;
}

export interface TraceList {
  title?: string;
  /** A query to start the filter box with. */
  query?: string;
  entries: ListEntry[];
  /** Traces left out altogether. */
  omitted: number;
  warnings: string[];
}

export type TraceListResult = { ok: true; list: TraceList } | { ok: false; error: string };

/** The metadata key of a summary's span statistics, where it is text (ours is an object beside the info). */
export const SUMMARY_KEY = 'nbtrace.summary';

function isEnvelope(data: unknown): data is Obj {
  return isObject(data) && (Array.isArray(data.traces) || Array.isArray(data.summaries)) && !('resourceSpans' in data) && !('info' in data);
}

function uses<T>(v: unknown, read: (o: Obj) => T | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  if (isObject(v)) {
    for (const k of Object.keys(v)) {
      const o = v[k];
      const r = isObject(o) ? read(o) : undefined;
      if (r !== undefined && k !== '__proto__') {
        out[k] = r;
      }
    }
  }
  return out;
}

function nonNegative(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && n >= 0 ? n : undefined;
}

/** Copy the non-negative numbers of `from` named in `keys` onto `into`. */
function numbers<T extends object>(into: T, from: Obj, keys: readonly string[]): T {
  for (const k of keys) {
    const v = nonNegative(from[k]);
    if (v !== undefined) {
      (into as Record<string, unknown>)[k] = v;
    }
  }
  return into;
}

const MODEL_FIELDS = ['input', 'output', 'total', 'cost'];
const KIND_FIELDS = ['tokens', 'cost'];

/** `nbtrace.summary` metadata → SpanSummary (unreadable parts are left out). */
export function readSpanSummary(v: unknown): SpanSummary | undefined {
  let o = v;
  if (typeof v === 'string') {
    try {
      o = JSON.parse(v); // each summary's text is its own: no cache to look up
    } catch {
      return undefined;
    }
  }
  if (!isObject(o)) {
    return undefined;
  }
  return {
    spans: nonNegative(o.spans),
    models: uses(o.models, m => {
      const use: ModelUse = numbers({ calls: nonNegative(m.calls) ?? 0 }, m, MODEL_FIELDS);
      if (m.estimated === true) {
        use.estimated = true;
      }
      return use;
    }),
    kinds: uses(o.kinds, k => numbers({ count: nonNegative(k.count) ?? 0, errors: nonNegative(k.errors) ?? 0, ms: nonNegative(k.ms) ?? 0 }, k, KIND_FIELDS)),
    seen: readSeen(o.seen)
  };
}

/** Metadata the reader must decode (token and cost roll-ups); other JSON text a summary keeps as text. */
const DECODED_KEYS = new Set(['mlflow.trace.tokenUsage', 'mlflow.trace.cost', 'mlflow.traceName']);

/**
 * A summary document made whole enough to parse: its info, no spans. Its
 * metadata values that are JSON text (the trace's inputs and outputs, cut)
 * are held back and put in again as the text they are: a list of thousands
 * of summaries filters on them as text, and decoding each would double its
 * first paint.
 */
function summaryDoc(doc: unknown): { doc: unknown; held: Obj } {
  const held: Obj = {};
  let d = doc;
  if (isObject(d) && !isObject(d.info) && !('data' in d) && ('trace_id' in d || 'request_id' in d)) {
    d = { info: d };
  }
  if (!isObject(d) || !isObject(d.info)) {
    return { doc: d, held };
  }
  let info = d.info;
  const key = isObject(info.trace_metadata) ? 'trace_metadata' : isObject(info.request_metadata) ? 'request_metadata' : undefined;
  if (key) {
    const meta = info[key] as Obj;
    const light: Obj = {};
    for (const k of Object.keys(meta)) {
      const v = meta[k];
      if (typeof v === 'string' && (v.startsWith('{') || v.startsWith('[') || v.startsWith('"')) && !DECODED_KEYS.has(k)) {
        held[k] = v;
      } else {
        light[k] = v;
      }
    }
    info = { ...info, [key]: light };
  }
  const data = isObject(d.data) ? d.data : {};
  return { doc: { ...d, info, data: Array.isArray(data.spans) ? data : { ...data, spans: [] } }, held };
}

/** A summary has no spans: all of them share these (frozen: nothing may add to them). */
const NO_SPANS: Span[] = Object.freeze([]) as unknown as Span[];
const NO_SPANS_BY_ID: Map<string, Span> = new Map();

const STATES: Record<string, TraceState> = { OK: 'OK', ERROR: 'ERROR', IN_PROGRESS: 'IN_PROGRESS' };

/**
 * The summary of nbtrace's own making (an MLflow v3 info of text values, no
 * spans, no assessments) read directly: what parsePayload would make of it,
 * without the work a trace with spans needs, since a list holds thousands.
 * Anything else: undefined (parsePayload reads it). tests/list/ holds the two
 * to the same result.
 */
export function quickSummaryTrace(doc: unknown): Trace | undefined {
  if (!isObject(doc) || !isObject(doc.info) || ('data' in doc && !(isObject(doc.data) && Array.isArray(doc.data.spans) && doc.data.spans.length === 0))) {
    return undefined;
  }
  const info = doc.info;
  const meta = info.trace_metadata ?? {};
  const tags = info.tags ?? {};
  const state = typeof info.state === 'string' ? STATES[info.state] : undefined;
  if (
    typeof info.trace_id !== 'string' || !info.trace_id || !state || 'request_id' in info || 'request_metadata' in info ||
    info.assessments !== undefined || 'experiment_id' in info || 'trace_location' in info || 'timestamp_ms' in info ||
    typeof info.request_time !== 'string' || !isObject(meta) || !isObject(tags)
  ) {
    return undefined;
  }
  const metadata: Obj = {};
  for (const map of [meta, tags]) {
    for (const k of Object.keys(map)) {
      const v = map[k];
      if (typeof v !== 'string' || k === '__proto__') {
        return undefined;
      }
      if (k === 'mlflow.trace.tokenUsage' || k === 'mlflow.trace.cost') {
        metadata[k] = parsedOr(v); // unique per trace: the shared decode cache would only fill up
      } else if (k === 'mlflow.traceName' && v.startsWith('"')) {
        return undefined; // JSON text as a name: the reader's decoding rules apply
      } else {
        metadata[k] = v;
      }
    }
  }
  if (num(metadata['nbtrace.droppedSpans']) || num(metadata['nbtrace.droppedEvents'])) {
    return undefined; // its warnings are the reader's to word
  }
  const ms = num(info.execution_duration_ms);
  metadata['info.request_time'] = info.request_time;
  if (ms !== undefined) {
    metadata['info.execution_duration_ms'] = ms;
  }
  const start = Date.parse(info.request_time);
  const name = metadata['mlflow.traceName'];
  return {
    id: info.trace_id,
    format: 'mlflow-v3',
    name: typeof name === 'string' && name !== '' ? name : info.trace_id,
    state,
    startEpochMs: Number.isFinite(start) ? start : undefined,
    duration: 0,
    roots: NO_SPANS,
    spans: NO_SPANS,
    byId: NO_SPANS_BY_ID,
    tokens: usageFromObject(metadata['mlflow.trace.tokenUsage']),
    cost: costFromObject(metadata['mlflow.trace.cost']),
    metadata,
    assessments: [],
    warnings: []
  };
}

function readSummary(doc: unknown, index: number, warnings: string[]): ListEntry | undefined {
  const quick = quickSummaryTrace(doc);
  if (quick) {
    return summaryEntry(quick, doc);
  }
  const { doc: whole, held } = summaryDoc(doc);
  const r = parsePayload(whole);
  if (!r.ok || r.traces.length === 0) {
    warnings.push(`Summary #${index + 1} was skipped: ${r.ok ? 'it names no trace' : r.error}`);
    return undefined;
  }
  const trace = r.traces[0];
  Object.assign(trace.metadata, held);
  trace.warnings = trace.warnings.filter(w => !w.startsWith('This trace has no spans'));
  return summaryEntry(trace, doc);
}

function summaryEntry(trace: Trace, doc: unknown): ListEntry {
  // A summary has no spans to time: its info says how long it took.
  const ms = num(trace.metadata['info.execution_duration_ms']);
  if (ms !== undefined && ms >= 0) {
    trace.duration = ms;
  }
  // Ours: an object beside the info (parsed with the output); else metadata text (a summary kept in MLflow).
  const own = isObject(doc) && doc.summary !== undefined ? doc.summary : trace.metadata[SUMMARY_KEY];
  return { trace, source: doc, hasSpans: trace.spans.length > 0, summary: readSpanSummary(own) };
}

function readTraces(docs: unknown[], warnings: string[]): ListEntry[] {
  const out: ListEntry[] = [];
  docs.forEach((doc, i) => {
    const r = parsePayload(doc);
    if (!r.ok) {
      warnings.push(`Trace #${i + 1} was skipped: ${r.error}`);
      return;
    }
    for (const trace of r.traces) {
      out.push({ trace, source: r.traces.length === 1 ? doc : undefined, hasSpans: true });
    }
  });
  return out;
}

/** The entries, one per trace id: a later one replaces an earlier (a trace updated while the list grew). */
function unique(entries: ListEntry[]): ListEntry[] {
  const at = new Map<string, number>();
  const out: ListEntry[] = [];
  for (const e of entries) {
    const i = e.trace.id ? at.get(e.trace.id) : undefined;
    if (i === undefined) {
      if (e.trace.id) {
        at.set(e.trace.id, out.length);
      }
      out.push(e);
    } else if (e.hasSpans || !out[i].hasSpans) {
      out[i] = e;
    }
  }
  return out;
}

export function parseTraceList(data: unknown): TraceListResult {
  try {
    const warnings: string[] = [];
    if (isEnvelope(data)) {
      const traces = Array.isArray(data.traces) ? data.traces : [];
      const summaries = Array.isArray(data.summaries) ? data.summaries : [];
      const entries = readTraces(traces, warnings);
      summaries.forEach((doc, i) => {
        const e = readSummary(doc, i, warnings);
        if (e) {
          entries.push(e);
        }
      });
      if (entries.length === 0 && (traces.length > 0 || summaries.length > 0)) {
        return { ok: false, error: `None of the ${traces.length + summaries.length} traces in this list could be read. ${warnings[0] ?? ''}`.trim() };
      }
      return {
        ok: true,
        list: {
          title: typeof data.title === 'string' ? data.title : undefined,
          query: typeof data.query === 'string' ? data.query : undefined,
          entries: unique(entries),
          omitted: nonNegative(data.omitted) ?? 0,
          warnings
        }
      };
    }
    const r = parsePayload(data);
    if (!r.ok) {
      return r;
    }
    const entries = r.traces.map(trace => ({ trace, source: r.traces.length === 1 ? data : undefined, hasSpans: true }));
    return { ok: true, list: { entries: unique(entries), omitted: 0, warnings } };
  } catch (e) {
    return { ok: false, error: `nbtrace could not read this trace list (internal error: ${e instanceof Error ? e.message : String(e)}).` };
  }
}
