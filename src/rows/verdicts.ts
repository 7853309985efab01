/**
 * Scores as people read them: a pass/fail verdict from a bool or a judge's
 * word ("yes", "no", "pass", …, as nbtrace's Python side reads them), a short
 * value text for chips, and a trace's assessments grouped by the span they are
 * about. Pure (no DOM).
 */
import { Assessment, Trace } from '../model/types';
import { formatCompact } from './labels';

export type Verdict = 'pass' | 'fail' | 'value' | 'error' | 'none';

const PASS_WORDS: Record<string, boolean> = {
  yes: true, no: false, pass: true, fail: false, passed: true, failed: false,
  true: true, false: false, correct: true, incorrect: false
};

/** A value read as pass / fail (undefined when it is neither). */
export function passed(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'string') {
    return Object.prototype.hasOwnProperty.call(PASS_WORDS, value.trim().toLowerCase())
      ? PASS_WORDS[value.trim().toLowerCase()]
      : undefined;
  }
  return undefined;
}

/** How a score shows: passed, failed, a value, an error, or nothing. */
export function verdictOf(value: unknown, error?: string): Verdict {
  if (error) {
    return 'error';
  }
  const p = passed(value);
  if (p !== undefined) {
    return p ? 'pass' : 'fail';
  }
  return value === undefined || value === null ? 'none' : 'value';
}

/** The value as a few characters: ✓ / ✗ for pass/fail, numbers compact, text cut. */
export function valueText(value: unknown, error?: string, max = 24): string {
  const v = verdictOf(value, error);
  if (v === 'error') {
    return 'error';
  }
  if (v === 'pass') {
    return '✓';
  }
  if (v === 'fail') {
    return '✗';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? formatCompact(value) : String(Math.round(value * 1000) / 1000);
  }
  if (value === undefined || value === null) {
    return '–';
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A score as a number for sorting and averaging: pass 1, fail 0, numbers as they are. */
export function scoreNumber(value: unknown): number | undefined {
  const p = passed(value);
  if (p !== undefined) {
    return p ? 1 : 0;
  }
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export interface TraceAssessments {
  /** About the whole trace (no span, or a span id the trace does not have). */
  trace: Assessment[];
  /** Span id → the assessments about that span. */
  bySpan: Map<string, Assessment[]>;
}

/** The trace's assessments, grouped by what they are about. */
export function groupAssessments(trace: Trace): TraceAssessments {
  const out: TraceAssessments = { trace: [], bySpan: new Map() };
  for (const a of trace.assessments) {
    if (a.spanId !== null && trace.byId.has(a.spanId)) {
      const list = out.bySpan.get(a.spanId);
      if (list) {
        list.push(a);
      } else {
        out.bySpan.set(a.spanId, [a]);
      }
    } else {
      out.trace.push(a);
    }
  }
  return out;
}

/** "contains: ✓ (CODE) — 1 of 1 facts found": what a chip's tooltip says. */
export function assessmentTitle(a: Assessment): string {
  const value = a.error ? `error: ${a.error}` : valueText(a.value, undefined, 200);
  const why = a.rationale ? ` — ${a.rationale}` : '';
  return `${a.name}: ${value} (${a.kind}, ${a.sourceType}${a.sourceId && a.sourceId !== a.name ? ` ${a.sourceId}` : ''})${why}`;
}
