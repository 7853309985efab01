/**
 * A Trace back to OTLP/JSON: what "Copy JSON" and "Open in New Tab" use when
 * an output holds several traces (so no single source document). Pure. The
 * result parses back to the same tree (ids, parents, names, kinds, status,
 * times, attributes, events); format-specific extras are not kept.
 */
import { Span, Trace } from './types';

type AnyValue = Record<string, unknown>;

/** A JSON value as an OTLP AnyValue (objects as kvlists, arrays as arrays). */
export function toAnyValue(v: unknown, depth = 0): AnyValue {
  if (typeof v === 'string') {
    return { stringValue: v };
  }
  if (typeof v === 'boolean') {
    return { boolValue: v };
  }
  if (typeof v === 'number') {
    return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  }
  if (typeof v === 'bigint') {
    return { intValue: v.toString() };
  }
  if (v === null || v === undefined || typeof v !== 'object' || depth > 64) {
    return {};
  }
  if (Array.isArray(v)) {
    return { arrayValue: { values: v.map(x => toAnyValue(x, depth + 1)) } };
  }
  return { kvlistValue: { values: keyValues(v as Record<string, unknown>, depth + 1) } };
}

function keyValues(o: Record<string, unknown>, depth = 0): { key: string; value: AnyValue }[] {
  return Object.keys(o).map(key => ({ key, value: toAnyValue(o[key], depth) }));
}

const STATUS_CODE = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export function traceToOtlp(trace: Trace): Record<string, unknown> {
  // OTLP reads a time of 0 as "not set": a trace without a real epoch (or at 0) starts 1 s later.
  const epochMs = trace.startEpochMs !== undefined && trace.startEpochMs > 0 ? trace.startEpochMs : 1000;
  const baseNs = BigInt(Math.round(epochMs * 1e6));
  const ns = (ms: number): string => (baseNs + BigInt(Math.round(ms * 1e6))).toString();
  const spans = trace.spans.map((s: Span) => {
    const attributes: Record<string, unknown> = { ...s.attributes };
    // Keep the kind even when it came from outside the attributes (e.g. a legacy span_type).
    if (s.kind !== 'UNKNOWN' && attributes['openinference.span.kind'] === undefined) {
      attributes['openinference.span.kind'] = s.kind;
    }
    return {
      traceId: trace.id,
      spanId: s.id,
      parentSpanId: s.parentId ?? '',
      name: s.name,
      startTimeUnixNano: ns(s.start),
      ...(s.end !== undefined ? { endTimeUnixNano: ns(s.end) } : {}),
      attributes: keyValues(attributes),
      events: s.events.map(e => ({
        name: e.name,
        ...(e.time !== undefined ? { timeUnixNano: ns(e.time) } : {}),
        attributes: keyValues(e.attributes)
      })),
      status: { code: STATUS_CODE[s.status], ...(s.statusMessage ? { message: s.statusMessage } : {}) }
    };
  });
  // No resource or scope: their attributes already sit on each span (the parser put them there).
  return { resourceSpans: [{ scopeSpans: [{ spans }] }] };
}
