/**
 * MLflow traces: `Trace.to_dict()` v2 and v3 (+ the 3.5.0 and Databricks V4
 * span variants), TraceData alone (`{spans, request, response}`), bare span
 * lists and single span dicts → RawTrace.
 */
import { readAssessments } from './assessments';
import { attributeMap, decodeJson, decodeStructuredJson } from '../attributes';
import { normalizeMlflowId } from './ids';
import { normalizeStatus } from '../span-fields';
import { RawEvent, RawSpan, RawTrace, Warnings } from '../raw';
import { memoParse, mlflowSpanKey, SpanMemo, SpanMemoMap } from './span-memo';
import { durationMs, eventTimeNs, toNs } from '../time';
import { NsParts, nsOfParts, readNs } from '../ns-parts';
import { costFromObject } from '../cost';
import { usageFromObject } from '../tokens';
import { TraceFormat, TraceState } from '../types';
import { isObject, num, Obj, pick, str } from '../util';

/** Does `o` look like one MLflow span (any schema version)? */
export function isMlflowSpan(o: unknown): o is Obj {
  if (!isObject(o)) {
    return false;
  }
  return (
    (isObject(o.context) && 'span_id' in o.context) ||
    'span_id' in o ||
    'start_time_unix_nano' in o ||
    ('start_time' in o && ('parent_id' in o || 'name' in o))
  );
}

/** Does `o` look like a whole MLflow trace ({info, data})? */
export function isMlflowTrace(o: Obj): boolean {
  const info = o.info ?? o.trace_info;
  return isObject(info) && (isObject(o.data) || Array.isArray(o.spans));
}

interface ParsedSpan {
  span: RawSpan;
  /** OTel trace id of the span (normalized). */
  traceId: string | null;
  /** MLflow request/trace id from the `mlflow.traceRequestId` attribute. */
  requestId?: string;
  v2: boolean;
}

function parseEvent(e: unknown, spanStartNs: bigint | undefined): RawEvent | undefined {
  if (!isObject(e)) {
    return undefined;
  }
  return {
    name: str(e.name) ?? '(event)',
    // `*_nano` fields held µs until MLflow 3.10.1: eventTimeNs fixes the unit by magnitude.
    timeNs: eventTimeNs(toNs(pick(e, 'time_unix_nano', 'timestamp', 'timestamp_ns')), spanStartNs),
    // Event attributes are not JSON-encoded in MLflow: keep them (unwrapping V4 key/value lists).
    attributes: attributeMap(e.attributes)
  };
}

/** The span's status code and message across v2, legacy v1 (`status: {status_code, description}`) and v3. */
function spanStatus(o: Obj): [RawSpan['status'], string] {
  let code: unknown = o.status_code;
  let msg: unknown = o.status_message;
  if (isObject(o.status)) {
    code ??= pick(o.status, 'code', 'status_code');
    msg ??= pick(o.status, 'message', 'description');
  } else if (typeof o.status === 'string') {
    code ??= o.status;
  }
  const status = normalizeStatus(code);
  let message = typeof msg === 'string' ? msg : '';
  // Legacy spans repeat the code as description ("OK"): that is not a message.
  if (message.toUpperCase() === status) {
    message = '';
  }
  return [status, message];
}

/** Where span times are read into (see ns-parts.ts). */
const T: NsParts = { ms: 0, sub: 0 };

export function parseMlflowSpan(o: Obj): ParsedSpan {
  const v2 = isObject(o.context);
  const ctx = v2 ? (o.context as Obj) : o;
  const hasStart = readNs(pick(o, 'start_time_unix_nano', 'start_time_ns', 'start_time'), T);
  const startMs = hasStart ? T.ms : undefined;
  const startSub = T.sub;
  const end = pick(o, 'end_time_unix_nano', 'end_time_ns', 'end_time');
  const hasEnd = end !== undefined && end !== null && readNs(end, T);
  const attributes = attributeMap(o.attributes, decodeJson);
  const [status, statusMessage] = spanStatus(o);
  const events: RawEvent[] = [];
  if (Array.isArray(o.events) && o.events.length > 0) {
    const startNs = startMs === undefined ? undefined : nsOfParts(startMs, startSub);
    for (const e of o.events) {
      const ev = parseEvent(e, startNs);
      if (ev) {
        events.push(ev);
      }
    }
  }
  const rid = attributes['mlflow.traceRequestId'];
  return {
    span: {
      id: normalizeMlflowId(ctx.span_id) ?? '',
      parentId: normalizeMlflowId(pick(o, 'parent_span_id', 'parent_id')),
      name: str(o.name),
      startMs,
      startSub,
      endMs: hasEnd ? T.ms : undefined,
      endSub: T.sub,
      status,
      statusMessage,
      attributes,
      events,
      kindHint: str(o.span_type)
    },
    traceId: normalizeMlflowId(ctx.trace_id),
    requestId: typeof rid === 'string' && rid !== '' ? rid : undefined,
    v2
  };
}

function traceState(v: unknown): TraceState | undefined {
  if (typeof v !== 'string') {
    return undefined;
  }
  const s = v.toUpperCase().replace(/^(TRACE_STATUS_|STATE_)/, '');
  return s === 'OK' || s === 'ERROR' || s === 'IN_PROGRESS' ? s : undefined;
}

/** Span parses of the live traces seen last (see memoParse). */
const liveMemo = new SpanMemo<ParsedSpan>();

function parseSpanList(
  list: unknown[],
  w: Warnings,
  prev?: SpanMemoMap<ParsedSpan>,
  next?: SpanMemoMap<ParsedSpan>
): ParsedSpan[] {
  const out: ParsedSpan[] = [];
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    if (isObject(s)) {
      out.push(prev || next ? memoParse(s, mlflowSpanKey(s), prev, next, parseMlflowSpan) : parseMlflowSpan(s));
    } else {
      w.add('bad span', `Span #${i + 1} is not an object (${s === null ? 'null' : typeof s}); skipped.`);
    }
  }
  return out;
}

function formatOf(spans: ParsedSpan[]): TraceFormat {
  return spans.length > 0 && spans.every(s => s.v2) ? 'mlflow-v2' : 'mlflow-v3';
}

function idFromSpans(spans: ParsedSpan[]): string {
  for (const s of spans) {
    if (s.requestId) {
      return s.requestId;
    }
  }
  return spans.find(s => s.traceId)?.traceId ?? '';
}

/** `{info, data: {spans}}` → one RawTrace, or an error sentence. */
export function parseMlflowTrace(doc: Obj): RawTrace | string {
  const info = (doc.info ?? doc.trace_info) as Obj;
  const data = isObject(doc.data) ? doc.data : doc;
  if (!Array.isArray(data.spans)) {
    return `This looks like an MLflow trace (it has "info"), but data.spans is ${
      data.spans === undefined ? 'missing' : 'not a list'
    }.`;
  }
  const warnings = new Warnings();
  const v2 = 'request_id' in info;
  const state = traceState(v2 ? info.status : info.state ?? info.status);
  const [prev, next] = liveMemo.begin(str(info.trace_id) ?? str(info.request_id), state === 'IN_PROGRESS');
  const parsed = parseSpanList(data.spans, warnings, prev, next);
  const metadata: Obj = {
    ...attributeMap(info.request_metadata ?? info.trace_metadata, decodeStructuredJson),
    ...attributeMap(info.tags, decodeStructuredJson)
  };
  addInfoFields(info, data, metadata);
  droppedWarnings(metadata, warnings);
  const name = metadata['mlflow.traceName'];
  const requestTime = typeof info.request_time === 'string' ? Date.parse(info.request_time) : NaN;
  return {
    id: str(info.request_id) ?? str(info.trace_id) ?? idFromSpans(parsed),
    format: v2 ? 'mlflow-v2' : info.trace_id !== undefined ? 'mlflow-v3' : formatOf(parsed),
    spans: parsed.map(p => p.span),
    name: typeof name === 'string' && name !== '' ? name : undefined,
    state,
    metadata,
    tokens: usageFromObject(metadata['mlflow.trace.tokenUsage']),
    cost: costFromObject(metadata['mlflow.trace.cost']),
    startEpochMsFallback: num(info.timestamp_ms) ?? (Number.isFinite(requestTime) ? requestTime : undefined),
    assessments: readAssessments(info.assessments),
    warnings
  };
}

/** What nbtrace's tracer did not record (over its limits) must show: it says so in the metadata. */
function droppedWarnings(metadata: Obj, warnings: Warnings): void {
  const spans = num(metadata['nbtrace.droppedSpans']);
  if (spans !== undefined && spans > 0) {
    warnings.add('dropped', `${spans.toLocaleString('en-US')} spans were not recorded (over the tracer's max_spans_per_trace).`);
  }
  const events = num(metadata['nbtrace.droppedEvents']);
  if (events !== undefined && events > 0) {
    warnings.add('dropped', `${events.toLocaleString('en-US')} events were not recorded (over the tracer's max_events_per_span).`);
  }
}

/** A few info fields worth showing, under an `info.` prefix so they never clash with tags. */
function addInfoFields(info: Obj, data: Obj, metadata: Obj): void {
  const loc = isObject(info.trace_location) ? info.trace_location : undefined;
  const exp = info.experiment_id ?? (loc && isObject(loc.mlflow_experiment) ? loc.mlflow_experiment.experiment_id : undefined);
  const fields: Obj = {
    'info.experiment_id': exp,
    'info.request_time': info.request_time,
    'info.timestamp_ms': info.timestamp_ms,
    'info.execution_duration_ms': durationMs(
      pick(info, 'execution_duration_ms', 'execution_time_ms', 'execution_duration')
    ),
    'info.client_request_id': info.client_request_id,
    'info.assessments': Array.isArray(info.assessments) && info.assessments.length > 0 ? info.assessments : undefined,
    'data.request': decodeJson(data.request),
    'data.response': decodeJson(data.response)
  };
  for (const k in fields) {
    if (fields[k] !== undefined && fields[k] !== null) {
      metadata[k] = fields[k];
    }
  }
}

/**
 * Spans without info: TraceData (`{spans, request, response}`, one trace) or
 * a bare list (grouped by trace id, since a list may mix traces).
 */
export function parseMlflowSpans(list: unknown[], traceData?: Obj): RawTrace[] {
  const warnings = new Warnings();
  const parsed = parseSpanList(list, warnings);
  const groups = new Map<string, ParsedSpan[]>();
  for (const p of parsed) {
    const key = traceData ? '' : p.requestId ?? p.traceId ?? '';
    let g = groups.get(key);
    if (!g) {
      g = [];
      groups.set(key, g);
    }
    g.push(p);
  }
  const out: RawTrace[] = [];
  for (const g of groups.values()) {
    const metadata: Obj = {};
    if (traceData) {
      addInfoFields({}, traceData, metadata);
    }
    out.push({
      id: idFromSpans(g),
      format: formatOf(g),
      spans: g.map(p => p.span),
      metadata,
      warnings: out.length === 0 ? warnings : new Warnings()
    });
  }
  return out;
}
