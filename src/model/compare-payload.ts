/**
 * A comparison payload (what `nbtrace.compare` sends, or any payload holding
 * exactly two traces) → the two traces to align. Pure, never throws.
 */
import { parsePayload } from './parse';
import { Trace } from './types';
import { isObject } from './util';

export type ComparePayloadResult =
  | { ok: true; a: Trace; b: Trace; names: [string, string]; warnings: string[] }
  | { ok: false; error: string };

function isEnvelope(data: unknown): data is { version?: unknown; names?: unknown; traces: unknown[] } {
  return isObject(data) && Array.isArray(data.traces) && ('version' in data || 'names' in data) && !('resourceSpans' in data);
}

function namesOf(value: unknown): [string, string] {
  if (Array.isArray(value) && value.length === 2 && value.every(v => typeof v === 'string' && v.trim() !== '')) {
    return [value[0] as string, value[1] as string];
  }
  return ['A', 'B'];
}

/**
 * Read a compare payload: `{version: 1, names: [..], traces: [docA, docB]}`
 * (what `nbtrace.compare` sends), or any trace payload holding exactly two
 * traces (a list of two trace documents, JSON Lines of two, ...). Never throws.
 */
export function parseComparePayload(data: unknown): ComparePayloadResult {
  if (typeof data === 'string') {
    try {
      const parsed: unknown = JSON.parse(data);
      if (isEnvelope(parsed)) {
        data = parsed;
      }
    } catch {
      // Not one JSON document (JSON Lines?): parsePayload reads it below.
    }
  }
  const warnings: string[] = [];
  if (isEnvelope(data)) {
    if (data.version !== undefined && data.version !== 1) {
      warnings.push(`This comparison was written as version ${String(data.version)}; this viewer reads version 1.`);
    }
    if (data.traces.length !== 2) {
      return { ok: false, error: `A comparison needs exactly two traces; this one holds ${data.traces.length}.` };
    }
    const names = namesOf(data.names);
    const traces: Trace[] = [];
    for (let i = 0; i < 2; i++) {
      const r = parsePayload(data.traces[i]);
      if (!r.ok) {
        return { ok: false, error: `Trace ${names[i]} cannot be read: ${r.error}` };
      }
      if (r.traces.length === 0) {
        return { ok: false, error: `Trace ${names[i]} holds no spans.` };
      }
      if (r.traces.length > 1) {
        warnings.push(`${names[i]} holds ${r.traces.length} traces; the first is compared.`);
      }
      traces.push(r.traces[0]);
    }
    return { ok: true, a: traces[0], b: traces[1], names, warnings };
  }
  const r = parsePayload(data);
  if (!r.ok) {
    return r;
  }
  if (r.traces.length !== 2) {
    return { ok: false, error: `A comparison needs exactly two traces; this payload holds ${r.traces.length}.` };
  }
  return { ok: true, a: r.traces[0], b: r.traces[1], names: ['A', 'B'], warnings };
}
