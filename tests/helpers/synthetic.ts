/**
 * Synthetic OTLP/JSON payloads for tests (and benchmarks): shapes that no
 * fixture has — wide, deep, huge — built from a compact span list.
 */
import { parsePayload, Trace } from '../../src/model';

export interface SpanSpec {
  id: string;
  parent?: string;
  name?: string;
  /** ms from trace start */
  start: number;
  /** ms from trace start; omit for a running span */
  end?: number;
  error?: string;
  kind?: string;
  attributes?: Record<string, string | number | boolean>;
}

const BASE_NS = 1_700_000_000_000_000_000n;

function hexId(id: string, bytes: number): string {
  // Stable hex id from any text id, so tests can name spans "root", "a", ...
  let h = 0n;
  for (const ch of id) {
    h = (h * 131n + BigInt(ch.codePointAt(0)!)) % (1n << BigInt(bytes * 8));
  }
  return h.toString(16).padStart(bytes * 2, '0');
}

export function spanHex(id: string): string {
  return hexId(id, 8);
}

export function otlpDoc(specs: SpanSpec[], traceId = 'trace-1'): Record<string, unknown> {
  const tid = hexId(traceId, 16);
  const spans = specs.map(s => {
    const attributes: { key: string; value: Record<string, unknown> }[] = [];
    if (s.kind) {
      attributes.push({ key: 'openinference.span.kind', value: { stringValue: s.kind } });
    }
    for (const [key, v] of Object.entries(s.attributes ?? {})) {
      attributes.push({
        key,
        value:
          typeof v === 'string'
            ? { stringValue: v }
            : typeof v === 'boolean'
              ? { boolValue: v }
              : Number.isInteger(v)
                ? { intValue: String(v) }
                : { doubleValue: v }
      });
    }
    return {
      traceId: tid,
      spanId: spanHex(s.id),
      parentSpanId: s.parent ? spanHex(s.parent) : '',
      name: s.name ?? s.id,
      kind: 1,
      startTimeUnixNano: String(BASE_NS + BigInt(Math.round(s.start * 1e6))),
      ...(s.end !== undefined ? { endTimeUnixNano: String(BASE_NS + BigInt(Math.round(s.end * 1e6))) } : {}),
      attributes,
      status: s.error ? { code: 2, message: s.error } : { code: 1 }
    };
  });
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'tests' } }] },
        scopeSpans: [{ scope: { name: 'nbtrace.tests' }, spans }]
      }
    ]
  };
}

/** n spans directly under one root. */
export function flatSpecs(n: number): SpanSpec[] {
  const specs: SpanSpec[] = [{ id: 'root', start: 0, end: n + 1 }];
  for (let i = 0; i < n - 1; i++) {
    specs.push({ id: `s${i}`, parent: 'root', start: i, end: i + 1 });
  }
  return specs;
}

/** A chain n levels deep. */
export function chainSpecs(n: number): SpanSpec[] {
  const specs: SpanSpec[] = [];
  for (let i = 0; i < n; i++) {
    specs.push({ id: `c${i}`, parent: i ? `c${i - 1}` : undefined, start: i, end: 2 * n - i });
  }
  return specs;
}

/** A balanced-ish tree: every span has `fanout` children until `n` spans exist. */
export function bushySpecs(n: number, fanout = 4): SpanSpec[] {
  const specs: SpanSpec[] = [{ id: 'n0', start: 0, end: n }];
  for (let i = 1; i < n; i++) {
    const parent = Math.floor((i - 1) / fanout);
    specs.push({ id: `n${i}`, parent: `n${parent}`, start: i * 0.5, end: i * 0.5 + 1 });
  }
  return specs;
}

/** Parse specs through the real model; tests fail loudly if the model rejects them. */
export function parseSpecs(specs: SpanSpec[], traceId?: string): Trace {
  const result = parsePayload(otlpDoc(specs, traceId));
  if (!result.ok) {
    throw new Error(result.error);
  }
  return result.traces[0];
}
