/**
 * A dataset record from a trace or one of its spans, in the shape
 * `nbtrace.add_to_dataset` takes (MLflow's): its inputs, optionally its
 * outputs as the expected response, and where it came from. Pure.
 */
import { Span, Trace } from '../model/types';

export interface DatasetRecord {
  inputs: Record<string, unknown>;
  expectations: Record<string, unknown>;
  source: { type: 'TRACE'; trace_id: string; span_id?: string };
}

/** Names a dataset may have (they go into Python code as a string literal). */
export const DATASET_NAME = /^[A-Za-z0-9_.-]{1,80}$/;

/** The record for `span` (null: the trace's first root), or why there is none. */
export function datasetRecord(trace: Trace, span: Span | null, includeOutputs: boolean): DatasetRecord | string {
  const target = span ?? trace.roots[0];
  if (!target) {
    return 'This trace has no spans.';
  }
  if (target.inputs === undefined) {
    return `“${target.name}” recorded no inputs: there is nothing to run again.`;
  }
  const inputs =
    target.inputs !== null && typeof target.inputs === 'object' && !Array.isArray(target.inputs)
      ? (target.inputs as Record<string, unknown>)
      : { input: target.inputs };
  const expectations: Record<string, unknown> = {};
  if (includeOutputs && target.outputs !== undefined) {
    expectations.expected_response = target.outputs;
  }
  const source: DatasetRecord['source'] = { type: 'TRACE', trace_id: trace.id };
  if (span && span !== trace.roots[0]) {
    source.span_id = span.id;
  }
  return { inputs, expectations, source };
}
