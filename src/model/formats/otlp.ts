/**
 * OTLP/JSON (`resourceSpans[].scopeSpans[].spans[]`, legacy
 * `instrumentationLibrarySpans`) → one RawTrace per trace id. Several
 * documents (JSON Lines from the file exporter) are merged first, because one
 * trace is usually spread over many lines / resourceSpans.
 *
 * Resource attributes: span attributes stay as the span sent them, except that
 * `service.name` (and `otel.scope.name`/`otel.scope.version`) are added when
 * the span lacks them, so the detail panel shows where a span ran. All
 * resource attributes also go to the trace metadata as `resource.<key>`
 * (a list of the distinct values when the trace's resources differ).
 */
import { attributeMap, decodeJson } from '../attributes';
import { normalizeOtelId } from './ids';
import { normalizeStatus } from '../span-fields';
import { DerivedFields, RawEvent, RawSpan, RawTrace, Warnings } from '../raw';
import { SpanStatus } from '../types';
import { drain, STEP_SPANS, Steps } from '../steps';
import { eventTimeNs, toNs } from '../time';
import { NsParts, nsOfParts, readNs } from '../ns-parts';
import { isObject, Obj, str } from '../util';

const NO_STATUS: Obj = {};
const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

export function isOtlpSpan(o: unknown): o is Obj {
  return isObject(o) && 'spanId' in o && ('traceId' in o || 'startTimeUnixNano' in o);
}

/** Where a span's time is read into (one at a time: no allocation per span). */
const T: NsParts = { ms: 0, sub: 0 };

/** Read a span time into T; false when missing (proto3 writes 0 for an unset time) or unreadable. */
function readTime(v: unknown): boolean {
  return readNs(v, T) && (T.ms !== 0 || T.sub !== 0);
}

/** proto3 writes 0 for an unset time: treat it as missing. */
function timeNs(v: unknown): bigint | undefined {
  const ns = toNs(v);
  return ns === undefined || ns === 0n ? undefined : ns;
}

function spanKindName(v: unknown): string | undefined {
  if (typeof v === 'number') {
    return v >= 1 && v < SPAN_KINDS.length ? SPAN_KINDS[v] : undefined;
  }
  if (typeof v === 'string') {
    const s = v.toUpperCase().replace(/^SPAN_KIND_/, '');
    return s && s !== 'UNSPECIFIED' ? s : undefined;
  }
  return undefined;
}

/** Span attribute values: AnyValues unwrapped; `mlflow.*` JSON-decoded (MLflow exports them JSON-encoded over OTLP). */
function decodeMlflowValue(value: unknown, key: string): unknown {
  return key.startsWith('mlflow.') ? decodeJson(value) : value;
}

interface Group {
  spans: RawSpan[];
  resources: Set<Obj>;
  warnings: Warnings;
}

/**
 * One OTLP span: ids, name, times and status are read at once; the attribute
 * map and the events (AnyValue unwrapping, the bulk of a span) on first read.
 */
class OtlpSpan implements RawSpan {
  constructor(s: Obj, resource: Obj, scope: Obj | undefined) {
    this._s = s;
    this._resource = resource;
    this._scope = scope;
    this.id = normalizeOtelId(s.spanId) ?? '';
    this.parentId = normalizeOtelId(s.parentSpanId);
    this.name = str(s.name);
    if (readTime(s.startTimeUnixNano)) {
      this.startMs = T.ms;
      this.startSub = T.sub;
    }
    if (readTime(s.endTimeUnixNano)) {
      this.endMs = T.ms;
      this.endSub = T.sub;
    }
    const status = isObject(s.status) ? s.status : NO_STATUS;
    this.status = normalizeStatus(status.code);
    this.statusMessage = typeof status.message === 'string' ? status.message : '';
  }

  id: string;
  parentId: string | null;
  name: string | undefined;
  startMs: number | undefined = undefined;
  startSub = 0;
  endMs: number | undefined = undefined;
  endSub = 0;
  status: SpanStatus;
  statusMessage: string;
  derived?: DerivedFields = undefined;

  get attributes(): Obj {
    return (this._attributes ??= spanAttributes(this._s, this._resource, this._scope));
  }

  get events(): RawEvent[] {
    return (this._events ??= spanEvents(this._s.events, this.startMs === undefined ? undefined : nsOfParts(this.startMs, this.startSub)));
  }

  private _s: Obj;
  private _resource: Obj;
  private _scope: Obj | undefined;
  private _attributes: Obj | undefined = undefined;
  private _events: RawEvent[] | undefined = undefined;
}

/** The span's attributes, plus its OTLP kind, service and scope where the attributes lack them. */
function spanAttributes(s: Obj, resource: Obj, scope: Obj | undefined): Obj {
  // Decoded as the map is built: a second for-in pass over the new object costs more than the build.
  const attributes = attributeMap(s.attributes, decodeMlflowValue);
  const kind = spanKindName(s.kind);
  if (kind !== undefined && attributes['otel.span_kind'] === undefined) {
    attributes['otel.span_kind'] = kind;
  }
  if (attributes['service.name'] === undefined && resource['service.name'] !== undefined) {
    attributes['service.name'] = resource['service.name'];
  }
  if (scope) {
    if (attributes['otel.scope.name'] === undefined && str(scope.name)) {
      attributes['otel.scope.name'] = scope.name;
    }
    if (attributes['otel.scope.version'] === undefined && str(scope.version)) {
      attributes['otel.scope.version'] = scope.version;
    }
  }
  return attributes;
}

function spanEvents(list: unknown, startNs: bigint | undefined): RawEvent[] {
  const events: RawEvent[] = [];
  if (Array.isArray(list)) {
    for (const e of list) {
      if (isObject(e)) {
        events.push({
          name: str(e.name) ?? '(event)',
          timeNs: eventTimeNs(timeNs(e.timeUnixNano), startNs),
          attributes: attributeMap(e.attributes)
        });
      }
    }
  }
  return events;
}

function distinctKey(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) {
    return v;
  }
  try {
    return JSON.stringify(v);
  } catch {
    return v; // not serializable: compare by identity
  }
}

function resourceMetadata(resources: Set<Obj>): Obj {
  const values = new Map<string, Map<unknown, unknown>>();
  for (const r of resources) {
    for (const k in r) {
      let m = values.get(k);
      if (!m) {
        m = new Map();
        values.set(k, m);
      }
      m.set(distinctKey(r[k]), r[k]);
    }
  }
  const out: Obj = {};
  for (const [k, m] of values) {
    const vs = [...m.values()];
    out[`resource.${k}`] = vs.length === 1 ? vs[0] : vs;
  }
  return out;
}

/** One or more OTLP documents → RawTraces (in order of first appearance), or an error sentence. */
export function parseOtlpDocs(docs: Obj[]): RawTrace[] | string {
  return drain(otlpSteps(docs));
}

/** How many spans the documents hold (as far as their shape says; for progress only). */
export function otlpSpanCount(docs: Obj[]): number {
  let n = 0;
  for (const doc of docs) {
    for (const rs of Array.isArray(doc.resourceSpans) ? doc.resourceSpans : []) {
      const scopes = isObject(rs) ? rs.scopeSpans ?? rs.instrumentationLibrarySpans : undefined;
      for (const ss of Array.isArray(scopes) ? scopes : []) {
        n += isObject(ss) && Array.isArray(ss.spans) ? ss.spans.length : 0;
      }
    }
  }
  return n;
}

/** parseOtlpDocs, pausing every STEP_SPANS spans (see steps.ts). */
export function* otlpSteps(docs: Obj[]): Steps<RawTrace[] | string> {
  const total = otlpSpanCount(docs);
  let done = 0;
  const groups = new Map<string, Group>();
  const docWarnings = new Warnings();
  for (const doc of docs) {
    const rsList = doc.resourceSpans;
    if (!Array.isArray(rsList)) {
      return `This looks like an OTLP/JSON document, but "resourceSpans" is ${
        rsList === null ? 'null' : typeof rsList
      } instead of a list.`;
    }
    for (const rs of rsList) {
      if (!isObject(rs)) {
        docWarnings.add('bad resourceSpans', 'A resourceSpans entry is not an object; skipped.');
        continue;
      }
      const resource = attributeMap(isObject(rs.resource) ? rs.resource.attributes : undefined);
      const scopes = rs.scopeSpans ?? rs.instrumentationLibrarySpans;
      if (!Array.isArray(scopes)) {
        continue;
      }
      for (const ss of scopes) {
        if (!isObject(ss) || !Array.isArray(ss.spans)) {
          continue;
        }
        const scopeRaw = ss.scope ?? ss.instrumentationLibrary;
        const scope = isObject(scopeRaw) ? scopeRaw : undefined;
        for (const s of ss.spans) {
          if (!isObject(s)) {
            docWarnings.add('bad span', 'A span in scopeSpans is not an object; skipped.');
            continue;
          }
          const traceId = normalizeOtelId(s.traceId) ?? '';
          let g = groups.get(traceId);
          if (!g) {
            g = { spans: [], resources: new Set(), warnings: new Warnings() };
            groups.set(traceId, g);
          }
          g.resources.add(resource);
          g.spans.push(new OtlpSpan(s, resource, scope));
          if (++done % STEP_SPANS === 0) {
            yield { phase: 'read', done, total };
          }
        }
      }
    }
  }
  const out: RawTrace[] = [];
  for (const [id, g] of groups) {
    if (out.length === 0) {
      g.warnings.addAll(docWarnings.toArray());
    }
    out.push({
      id,
      format: 'otlp',
      spans: g.spans,
      metadata: resourceMetadata(g.resources),
      warnings: g.warnings
    });
  }
  return out;
}
