/**
 * Any supported trace payload → Trace[]: `detect` recognises the shape and
 * reads it into raw spans, `buildTrace` builds each tree.
 */
import { buildSteps } from './build';
import { detectSteps } from './formats/detect';
import { drain, Steps } from './steps';

export { SLICE_SPANS, spanCountHint } from './formats/detect';
export { LiveDocs } from './formats/live-docs';
import { ParseResult, Trace } from './types';

/**
 * Parse a MIME payload: an object, JSON text or JSON Lines; MLflow v2/v3
 * traces, TraceData, span lists or single spans; OTLP/JSON; Jaeger JSON; or a
 * list of any of these. Never throws: problems come back as `{ok: false, error}`
 * (nothing readable) or as warnings on the traces (partly readable).
 */
export function parsePayload(data: unknown): ParseResult {
  return drain(parseSteps(data));
}

/** parsePayload, pausing every few thousand spans with how far it is (see steps.ts). */
export function* parseSteps(data: unknown): Steps<ParseResult> {
  try {
    const d = yield* detectSteps(data);
    if (typeof d === 'string') {
      return { ok: false, error: d };
    }
    const traces: Trace[] = [];
    for (const raw of d.traces) {
      traces.push(yield* buildSteps(raw));
    }
    if (d.skipped.length > 0) {
      const note = d.skipped.map(s => `Skipped: ${s}`);
      if (traces.length > 0) {
        traces[0].warnings.push(...note);
      }
    }
    return { ok: true, traces };
  } catch (e) {
    // Last resort only: every known bad shape is reported above with a proper message.
    return {
      ok: false,
      error: `nbtrace could not read this payload (internal error: ${e instanceof Error ? e.message : String(e)}).`
    };
  }
}
