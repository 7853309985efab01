/**
 * Jaeger JSON (UI export / query API): `{traceID, spans, processes}` or the
 * API wrapper `{data: [trace, ...]}`. Times are µs; the parent is the first
 * CHILD_OF reference (else FOLLOWS_FROM, else the legacy `parentSpanID`).
 */
import { NsParts, partsOfNs } from '../ns-parts';
import { jaegerTags } from '../attributes';
import { normalizeOtelId } from './ids';
import { normalizeStatus } from '../span-fields';
import { RawEvent, RawSpan, RawTrace, Warnings } from '../raw';
import { usToNs } from '../time';
import { isObject, Obj, str } from '../util';

export function isJaegerTrace(o: Obj): boolean {
  return (
    Array.isArray(o.spans) &&
    ('traceID' in o || 'processes' in o || (o.spans.length > 0 && isObject(o.spans[0]) && 'spanID' in o.spans[0]))
  );
}

/** `{data: [trace, ...]}` from the Jaeger query API. */
export function isJaegerWrapper(o: Obj): boolean {
  return Array.isArray(o.data) && o.data.every(t => isObject(t) && isJaegerTrace(t));
}

function parentOf(s: Obj): string | null {
  if (Array.isArray(s.references)) {
    let follows: unknown;
    for (const r of s.references) {
      if (!isObject(r)) {
        continue;
      }
      const type = typeof r.refType === 'string' ? r.refType.toUpperCase() : '';
      if (type === 'CHILD_OF') {
        return normalizeOtelId(r.spanID);
      }
      if (type === 'FOLLOWS_FROM' && follows === undefined) {
        follows = r.spanID;
      }
    }
    if (follows !== undefined) {
      return normalizeOtelId(follows);
    }
  }
  return normalizeOtelId(s.parentSpanID);
}

function statusOf(tags: Obj): [RawSpan['status'], string] {
  const msg = tags['otel.status_description'];
  const message = typeof msg === 'string' ? msg : '';
  if (tags.error === true || tags.error === 'true') {
    return ['ERROR', message];
  }
  return [normalizeStatus(tags['otel.status_code']), message];
}

/** Where span times are converted into (see ns-parts.ts). */
const T: NsParts = { ms: 0, sub: 0 };

/** Start and end as RawSpan's ns parts. */
function spanTimes(startNs: bigint | undefined, endNs: bigint | undefined): Pick<RawSpan, 'startMs' | 'startSub' | 'endMs' | 'endSub'> {
  const times: Pick<RawSpan, 'startMs' | 'startSub' | 'endMs' | 'endSub'> = {};
  if (startNs !== undefined) {
    partsOfNs(startNs, T);
    times.startMs = T.ms;
    times.startSub = T.sub;
  }
  if (endNs !== undefined) {
    partsOfNs(endNs, T);
    times.endMs = T.ms;
    times.endSub = T.sub;
  }
  return times;
}

function parseSpan(s: Obj, processes: Obj): RawSpan {
  const attributes = jaegerTags(s.tags);
  const process = typeof s.processID === 'string' ? processes[s.processID] : s.process;
  if (isObject(process) && attributes['service.name'] === undefined && str(process.serviceName)) {
    attributes['service.name'] = process.serviceName;
  }
  if (attributes['otel.span_kind'] === undefined && typeof attributes['span.kind'] === 'string') {
    attributes['otel.span_kind'] = attributes['span.kind'].toUpperCase();
  }
  const startNs = usToNs(s.startTime);
  const durNs = usToNs(s.duration);
  const events: RawEvent[] = [];
  if (Array.isArray(s.logs)) {
    for (const log of s.logs) {
      if (!isObject(log)) {
        continue;
      }
      const fields = jaegerTags(log.fields);
      // OTel → Jaeger keeps the event name in the `event` field.
      const name = str(fields.event) ?? str(fields.message) ?? '(log)';
      events.push({ name, timeNs: usToNs(log.timestamp), attributes: fields });
    }
  }
  const [status, statusMessage] = statusOf(attributes);
  return {
    id: normalizeOtelId(s.spanID) ?? '',
    parentId: parentOf(s),
    name: str(s.operationName),
    ...spanTimes(startNs, startNs !== undefined && durNs !== undefined ? startNs + durNs : undefined),
    status,
    statusMessage,
    attributes,
    events
  };
}

export function parseJaegerTrace(t: Obj): RawTrace {
  const warnings = new Warnings();
  const processes = isObject(t.processes) ? t.processes : {};
  const spans: RawSpan[] = [];
  const list = Array.isArray(t.spans) ? t.spans : [];
  let traceId = normalizeOtelId(t.traceID);
  for (const s of list) {
    if (!isObject(s)) {
      warnings.add('bad span', 'A Jaeger span is not an object; skipped.');
      continue;
    }
    traceId ??= normalizeOtelId(s.traceID);
    spans.push(parseSpan(s, processes));
  }
  if (Array.isArray(t.warnings)) {
    for (const w of t.warnings) {
      if (typeof w === 'string') {
        warnings.add('jaeger', w);
      }
    }
  }
  const services = new Set<string>();
  for (const p of Object.values(processes)) {
    if (isObject(p) && typeof p.serviceName === 'string') {
      services.add(p.serviceName);
    }
  }
  return {
    id: traceId ?? '',
    format: 'jaeger',
    spans,
    metadata: services.size > 0 ? { 'service.name': services.size === 1 ? [...services][0] : [...services] } : {},
    warnings
  };
}
