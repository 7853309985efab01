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
import { RawEvent, RawSpan, RawTrace, Warnings } from '../raw';
import { eventTimeNs, toNs } from '../time';
import { isObject, Obj, str } from '../util';

const NO_STATUS: Obj = {};
const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

export function isOtlpSpan(o: unknown): o is Obj {
  return isObject(o) && 'spanId' in o && ('traceId' in o || 'startTimeUnixNano' in o);
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

/** Span attributes: AnyValues unwrapped; `mlflow.*` values JSON-decoded (MLflow exports them JSON-encoded over OTLP). */
function spanAttributes(v: unknown): Obj {
  // Decoded as the map is built: a second for-in pass over the new object costs more than the build.
  return attributeMap(v, decodeMlflowValue);
}

function decodeMlflowValue(value: unknown, key: string): unknown {
  return key.startsWith('mlflow.') ? decodeJson(value) : value;
}

interface Group {
  spans: RawSpan[];
  resources: Set<Obj>;
  warnings: Warnings;
}

function parseSpan(s: Obj, resource: Obj, scope: Obj | undefined): RawSpan {
  const attributes = spanAttributes(s.attributes);
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
  const startNs = timeNs(s.startTimeUnixNano);
  const events: RawEvent[] = [];
  if (Array.isArray(s.events)) {
    for (const e of s.events) {
      if (isObject(e)) {
        events.push({
          name: str(e.name) ?? '(event)',
          timeNs: eventTimeNs(timeNs(e.timeUnixNano), startNs),
          attributes: attributeMap(e.attributes)
        });
      }
    }
  }
  const status = isObject(s.status) ? s.status : NO_STATUS;
  return {
    id: normalizeOtelId(s.spanId) ?? '',
    parentId: normalizeOtelId(s.parentSpanId),
    name: str(s.name),
    startNs,
    endNs: timeNs(s.endTimeUnixNano),
    status: normalizeStatus(status.code),
    statusMessage: typeof status.message === 'string' ? status.message : '',
    attributes,
    events
  };
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
          g.spans.push(parseSpan(s, resource, scope));
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
