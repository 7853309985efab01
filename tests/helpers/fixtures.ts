/**
 * Helpers for the model tests: fixture loading (the shared fixtures live
 * beside the repo: /work/shared next to /work/main, or `NBTRACE_FIXTURES`)
 * and small builders for OTLP / MLflow payloads.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parsePayload, Span, Trace } from '../../src/model';

export const FIXTURES = process.env.NBTRACE_FIXTURES
  ? path.resolve(process.env.NBTRACE_FIXTURES)
  : path.resolve(__dirname, '../../../shared/fixtures');

export function fixtureText(rel: string): string {
  return fs.readFileSync(path.join(FIXTURES, rel), 'utf8');
}

export function fixture(rel: string): any {
  return JSON.parse(fixtureText(rel));
}

/** Parse and insist on success; returns the traces. */
export function parseOk(data: unknown): Trace[] {
  const r = parsePayload(data);
  if (!r.ok) {
    throw new Error(`expected ok, got error: ${r.error}`);
  }
  return r.traces;
}

/** Parse and insist on exactly one trace. */
export function parseOne(data: unknown): Trace {
  const traces = parseOk(data);
  if (traces.length !== 1) {
    throw new Error(`expected 1 trace, got ${traces.length}`);
  }
  return traces[0];
}

export function parseError(data: unknown): string {
  const r = parsePayload(data);
  if (r.ok) {
    throw new Error(`expected an error, got ${r.traces.length} traces`);
  }
  return r.error;
}

export function span(t: Trace, id: string): Span {
  const s = t.byId.get(id);
  if (!s) {
    throw new Error(`no span ${id} in trace ${t.id}; have ${[...t.byId.keys()].slice(0, 20).join(', ')}`);
  }
  return s;
}

/** Plain JS value → OTLP AnyValue (ints as intValue strings, like the Go/Java exporters write them). */
export function anyValue(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') {
    return { stringValue: v };
  }
  if (typeof v === 'boolean') {
    return { boolValue: v };
  }
  if (typeof v === 'number') {
    return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  }
  if (Array.isArray(v)) {
    return { arrayValue: { values: v.map(anyValue) } };
  }
  if (v && typeof v === 'object') {
    return {
      kvlistValue: { values: Object.entries(v).map(([key, value]) => ({ key, value: anyValue(value) })) }
    };
  }
  return {};
}

export function otlpAttributes(attrs: Record<string, unknown>): { key: string; value: unknown }[] {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: anyValue(value) }));
}

export const TRACE_HEX = '0af7651916cd43dd8448eb211c80319c';

/** One OTLP document holding the given spans in one resource/scope. */
export function otlpDoc(spans: Record<string, unknown>[], resourceAttrs: Record<string, unknown> = {}): any {
  return {
    resourceSpans: [
      {
        resource: { attributes: otlpAttributes(resourceAttrs) },
        scopeSpans: [{ scope: { name: 'test-scope', version: '0.1' }, spans }]
      }
    ]
  };
}

/** An MLflow v3 span dict (JSON-encoded attribute values, base64-free hex ids are fine). */
export function mlflowV3Span(fields: {
  id: string;
  parent?: string | null;
  name?: string;
  start?: string | number | null;
  end?: string | number | null;
  attributes?: Record<string, unknown>;
  status?: string;
  message?: string;
  events?: unknown[];
}): Record<string, unknown> {
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields.attributes ?? {})) {
    attributes[k] = JSON.stringify(v);
  }
  return {
    trace_id: 'ZqqBulxlq2cwRCfKHxmDVA==',
    span_id: fields.id,
    parent_span_id: fields.parent ?? null,
    name: fields.name ?? fields.id,
    start_time_unix_nano: fields.start === undefined ? '1700000000000000000' : fields.start,
    end_time_unix_nano: fields.end === undefined ? '1700000001000000000' : fields.end,
    attributes,
    status: { code: fields.status ?? 'STATUS_CODE_OK', message: fields.message ?? '' },
    events: fields.events ?? []
  };
}

/** An MLflow v3 trace dict around the given spans. */
export function mlflowV3Trace(spans: unknown[], info: Record<string, unknown> = {}): any {
  return {
    info: {
      trace_id: 'tr-0123456789abcdef0123456789abcdef',
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '7' } },
      request_time: '2023-11-14T22:13:20Z',
      state: 'OK',
      trace_metadata: {},
      tags: {},
      ...info
    },
    data: { spans }
  };
}
