/** Span inputs/outputs and status helpers, shared by all formats. */
import { decodeIfContainer, decodeJson } from './attributes';
import { RawEvent } from './raw';
import { SpanStatus } from './types';
import { isObject, Obj } from './util';

function has(a: Obj, k: string): boolean {
  return a[k] !== undefined;
}

/** OpenInference `input.value`/`output.value`: JSON when the mime type says so or when it is an object/array. */
function openInferenceValue(a: Obj, prefix: 'input' | 'output'): unknown {
  const v = a[`${prefix}.value`];
  const mime = a[`${prefix}.mime_type`];
  if (typeof mime === 'string' && mime.toLowerCase().includes('json')) {
    return decodeJson(v);
  }
  return decodeIfContainer(v);
}

/**
 * Inputs, in order: `mlflow.spanInputs` (already decoded by the MLflow parser),
 * OpenInference `input.value`, GenAI `gen_ai.input.messages`,
 * `gen_ai.tool.call.arguments`, `tool_call.function.arguments`.
 */
export function spanInputs(a: Obj): unknown {
  if (has(a, 'mlflow.spanInputs')) {
    return a['mlflow.spanInputs'];
  }
  if (has(a, 'input.value')) {
    return openInferenceValue(a, 'input');
  }
  for (const k of ['gen_ai.input.messages', 'gen_ai.tool.call.arguments', 'tool_call.function.arguments']) {
    if (has(a, k)) {
      return decodeJson(a[k]);
    }
  }
  return undefined;
}

/** Outputs: `mlflow.spanOutputs`, `output.value`, `gen_ai.output.messages`, `gen_ai.tool.call.result`. */
export function spanOutputs(a: Obj): unknown {
  if (has(a, 'mlflow.spanOutputs')) {
    return a['mlflow.spanOutputs'];
  }
  if (has(a, 'output.value')) {
    return openInferenceValue(a, 'output');
  }
  for (const k of ['gen_ai.output.messages', 'gen_ai.tool.call.result']) {
    if (has(a, k)) {
      return decodeJson(a[k]);
    }
  }
  return undefined;
}

/**
 * Status from any of: OTLP ints (0 unset, 1 ok, 2 error), `STATUS_CODE_*`
 * names, plain "OK"/"ERROR"/"UNSET" (any case), numeric strings.
 */
export function normalizeStatus(v: unknown): SpanStatus {
  if (typeof v === 'number') {
    return v === 1 ? 'OK' : v === 2 ? 'ERROR' : 'UNSET';
  }
  if (typeof v === 'string') {
    const s = v.trim().toUpperCase().replace(/^STATUS_CODE_/, '');
    if (s === 'OK' || s === '1') {
      return 'OK';
    }
    if (s === 'ERROR' || s === '2') {
      return 'ERROR';
    }
  }
  return 'UNSET';
}

/** "<exception.type>: <exception.message>" from the first `exception` event, or ''. */
export function exceptionMessage(events: readonly RawEvent[]): string {
  for (const e of events) {
    if (e.name !== 'exception' || !isObject(e.attributes)) {
      continue;
    }
    const t = e.attributes['exception.type'];
    const m = e.attributes['exception.message'];
    const type = t === undefined || t === null ? '' : String(t);
    const msg = m === undefined || m === null ? '' : String(m);
    if (type && msg) {
      return `${type}: ${msg}`;
    }
    if (type || msg) {
      return type || msg;
    }
  }
  return '';
}
