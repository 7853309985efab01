/**
 * Assessments (MLflow's shape): feedback — a score with its rationale and
 * source — or an expectation, on the whole trace or on one span. Read from a
 * v3 trace's `info.assessments`; an assessment another one overrode
 * (`valid: false`) is left out. Pure, never throws: entries that are not
 * assessments are skipped.
 */
import { normalizeMlflowId } from './ids';
import { Assessment } from '../types';
import { isObject, str } from '../util';

/** At most this many per trace: a hostile payload must not make a million chips. */
export const MAX_ASSESSMENTS = 1000;

function valueOf(part: Record<string, unknown>): unknown {
  if ('value' in part) {
    return part.value;
  }
  const serialized = part.serialized_value;
  return isObject(serialized) ? serialized.value : serialized;
}

function errorText(e: unknown): string | undefined {
  if (typeof e === 'string') {
    return e || undefined;
  }
  if (isObject(e)) {
    return str(e.error_message) ?? str(e.error_code) ?? str(e.message);
  }
  return undefined;
}

/** The assessments of `list` (`info.assessments`). */
export function readAssessments(list: unknown): Assessment[] {
  if (!Array.isArray(list)) {
    return [];
  }
  const out: Assessment[] = [];
  for (const a of list) {
    if (out.length >= MAX_ASSESSMENTS) {
      break;
    }
    if (!isObject(a) || a.valid === false) {
      continue;
    }
    const name = str(a.assessment_name) ?? str(a.name);
    if (name === undefined) {
      continue;
    }
    const feedback = isObject(a.feedback) ? a.feedback : undefined;
    const expectation = isObject(a.expectation) ? a.expectation : undefined;
    if (!feedback && !expectation) {
      continue;
    }
    const source = isObject(a.source) ? a.source : {};
    const spanId = a.span_id === '' || a.span_id === null || a.span_id === undefined ? null : normalizeMlflowId(a.span_id);
    out.push({
      id: str(a.assessment_id),
      name,
      kind: feedback ? 'feedback' : 'expectation',
      value: valueOf((feedback ?? expectation)!),
      rationale: typeof a.rationale === 'string' && a.rationale !== '' ? a.rationale : undefined,
      error: feedback ? errorText(feedback.error) : undefined,
      sourceType: (str(source.source_type) ?? 'UNSPECIFIED').toUpperCase(),
      sourceId: str(source.source_id),
      spanId,
      time: str(a.last_update_time) ?? str(a.create_time)
    });
  }
  return out;
}
