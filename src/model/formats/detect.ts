/**
 * Shape detection: turns any accepted payload (object, JSON text, JSON Lines,
 * list of traces) into RawTraces. Never recursive: strings are parsed at most
 * twice (JSON text holding JSON text), lists are expanded one level.
 */
import { isJaegerTrace, isJaegerWrapper, parseJaegerTrace } from './jaeger';
import { isMlflowSpan, isMlflowTrace, parseMlflowSpans, parseMlflowTrace } from './mlflow';
import { isOtlpSpan, otlpSpanCount, otlpSteps } from './otlp';
import { drain, Steps } from '../steps';
import { RawTrace } from '../raw';
import { describeValue, isObject, Obj } from '../util';

export const EXPECTED =
  'Expected an MLflow trace ({info, data.spans}), an OTLP/JSON document ({resourceSpans}) or Jaeger JSON ' +
  '({traceID, spans} or {data: [...]})';

/** From this many spans on, a viewer reads a payload in steps (parseSteps) rather than at once. */
export const SLICE_SPANS = 5000;

/** About how many characters of JSON text one span takes (for a text payload's span count). */
const CHARS_PER_SPAN = 500;

/**
 * About how many spans `data` holds, from its shape alone (no parsing): the
 * span lists' lengths; text, by its length. For choosing how to read it and
 * for progress, never for what is shown.
 */
export function spanCountHint(data: unknown, depth = 0): number {
  if (typeof data === 'string') {
    return Math.round(data.length / CHARS_PER_SPAN);
  }
  if (Array.isArray(data)) {
    if (depth > 0 || spanListKind(data) !== undefined) {
      return data.length;
    }
    let n = 0;
    for (const item of data) {
      n += spanCountHint(item, 1);
    }
    return n;
  }
  if (!isObject(data)) {
    return 0;
  }
  if ('resourceSpans' in data) {
    return otlpSpanCount([data]);
  }
  const holder = isObject(data.data) ? data.data : isObject(data.trace) && isObject(data.trace.data) ? data.trace.data : data;
  if (Array.isArray(holder.spans)) {
    return holder.spans.length;
  }
  if (depth === 0 && Array.isArray(data.traces)) {
    return spanCountHint(data.traces, 0);
  }
  if (depth === 0 && Array.isArray(data.data)) {
    return spanCountHint(data.data, 0); // Jaeger's {data: [trace, …]}
  }
  return 0;
}

/** One document's outcome: an OTLP doc (merged with the others later), finished RawTraces, or an error. */
type Piece = { otlp: Obj } | { traces: RawTrace[] } | { error: string };

function isJaegerSpan(o: unknown): boolean {
  return isObject(o) && 'spanID' in o && ('operationName' in o || 'traceID' in o);
}

type SpanListKind = 'mlflow' | 'otlp' | 'jaeger' | undefined;

function spanListKind(arr: unknown[]): SpanListKind {
  const first = arr.find(x => x !== null && x !== undefined);
  if (isOtlpSpan(first)) {
    return 'otlp';
  }
  if (isJaegerSpan(first)) {
    return 'jaeger';
  }
  return isMlflowSpan(first) ? 'mlflow' : undefined;
}

function spanList(arr: unknown[], kind: SpanListKind, holder?: Obj): Piece {
  switch (kind) {
    case 'otlp':
      return { otlp: { resourceSpans: [{ resource: {}, scopeSpans: [{ spans: arr }] }] } };
    case 'jaeger':
      return { traces: [parseJaegerTrace({ ...(holder ?? {}), spans: arr })] };
    default:
      return { traces: parseMlflowSpans(arr, holder) };
  }
}

/** Text → one value (JSON) or several (JSON Lines), or an error sentence. */
function parseText(text: string): unknown[] | string {
  const t = text.trim();
  if (t === '') {
    return `${EXPECTED}; got empty text.`;
  }
  let firstError: unknown;
  try {
    return [JSON.parse(t)];
  } catch (e) {
    firstError = e;
  }
  const lines = t.split(/\r?\n/);
  if (lines.length === 1) {
    const preview = t.length > 40 ? `${t.slice(0, 40)}…` : t;
    return `${EXPECTED}, as JSON or JSON Lines; got text that is not JSON (${errorText(firstError)}): ${JSON.stringify(preview)}.`;
  }
  const values: unknown[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') {
      continue;
    }
    try {
      values.push(JSON.parse(line));
    } catch (e) {
      return `The text is neither one JSON document nor JSON Lines: line ${i + 1} is not valid JSON (${errorText(e)}).`;
    }
  }
  return values;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** One document (never a list of documents) → Piece. */
function classify(v0: unknown): Piece {
  let v = v0;
  if (typeof v === 'string') {
    const parsed = parseText(v);
    if (typeof parsed === 'string') {
      return { error: parsed };
    }
    if (parsed.length !== 1) {
      return { error: `${EXPECTED}; got JSON Lines text inside a list.` };
    }
    v = parsed[0];
  }
  if (Array.isArray(v)) {
    const kind = spanListKind(v);
    if (v.length > 0 && kind !== undefined) {
      return spanList(v, kind);
    }
    return { error: `${EXPECTED}; got ${describeValue(v)} inside a list.` };
  }
  if (!isObject(v)) {
    return { error: `${EXPECTED}; got ${describeValue(v)}.` };
  }
  const o = v;
  if ('resourceSpans' in o) {
    return { otlp: o };
  }
  if (isMlflowTrace(o)) {
    const t = parseMlflowTrace(o);
    return typeof t === 'string' ? { error: t } : { traces: [t] };
  }
  if (isObject(o.trace) && isMlflowTrace(o.trace)) {
    const t = parseMlflowTrace(o.trace);
    return typeof t === 'string' ? { error: t } : { traces: [t] };
  }
  if (isJaegerWrapper(o)) {
    return { traces: (o.data as Obj[]).map(parseJaegerTrace) };
  }
  if (isJaegerTrace(o)) {
    return { traces: [parseJaegerTrace(o)] };
  }
  if (Array.isArray(o.spans)) {
    // MLflow TraceData ({spans, request, response}) or a bare span holder.
    if (o.spans.length === 0) {
      return { traces: [] };
    }
    const kind = spanListKind(o.spans);
    if (kind !== undefined) {
      return spanList(o.spans, kind, o);
    }
    return { error: `${EXPECTED}; got an object whose "spans" list holds ${describeValue(o.spans[0])}.` };
  }
  if (isObject(o.info) || isObject(o.trace_info)) {
    return { error: 'This looks like an MLflow trace (it has "info"), but it has no data.spans list.' };
  }
  if (isMlflowSpan(o)) {
    return { traces: parseMlflowSpans([o]) };
  }
  if (isOtlpSpan(o)) {
    return spanList([o], 'otlp');
  }
  if (isJaegerSpan(o)) {
    return spanList([o], 'jaeger');
  }
  return { error: `${EXPECTED}; got ${describeValue(o)}.` };
}

/**
 * Any accepted payload → RawTraces in input order, plus messages about list
 * items that were skipped; or an error sentence when nothing could be read.
 */
export function detect(data: unknown): Detected {
  return drain(detectSteps(data));
}

/** What detect found: the traces read and the list items skipped, or why nothing could be read. */
export type Detected = { traces: RawTrace[]; skipped: string[] } | string;

/** detect, pausing as the OTLP reader goes (MLflow and Jaeger documents are read in one step each). */
export function* detectSteps(data: unknown): Steps<Detected> {
  let values: unknown[];
  let isList = false;
  if (typeof data === 'string') {
    const parsed = parseText(data);
    if (typeof parsed === 'string') {
      return parsed;
    }
    values = parsed;
    isList = parsed.length > 1;
  } else {
    values = [data];
  }
  if (values.length === 1) {
    const only = values[0];
    if (Array.isArray(only)) {
      if (only.length === 0) {
        return `${EXPECTED}; got an empty list.`;
      }
      if (spanListKind(only) === undefined) {
        values = only; // a list of traces
        isList = true;
      }
    } else if (isObject(only) && Array.isArray(only.traces) && !('resourceSpans' in only) && !('spans' in only)) {
      values = only.traces; // {traces: [...]} (MLflow search results and similar)
      isList = true;
    }
  }
  if (values.length === 0) {
    return `${EXPECTED}; got JSON Lines text without any document.`;
  }

  const pieces = values.map(classify);
  const otlpDocs: Obj[] = [];
  let otlpAt = -1;
  const slots: RawTrace[][] = [];
  const errors: string[] = [];
  pieces.forEach((p, i) => {
    if ('otlp' in p) {
      otlpDocs.push(p.otlp);
      if (otlpAt < 0) {
        otlpAt = slots.length;
        slots.push([]);
      }
    } else if ('traces' in p) {
      slots.push(p.traces);
    } else {
      errors.push(isList ? `Item ${i + 1} of ${values.length}: ${p.error}` : p.error);
    }
  });
  if (otlpDocs.length > 0) {
    const r = yield* otlpSteps(otlpDocs);
    if (typeof r === 'string') {
      errors.push(r);
    } else {
      slots[otlpAt] = r; // merged OTLP traces sit where the first OTLP document was
    }
  }
  const traces = slots.flat();
  if (errors.length > 0 && traces.length === 0) {
    return isList && errors.length > 1 ? `None of the ${values.length} items could be read. ${errors[0]}` : errors[0];
  }
  return { traces, skipped: errors };
}
