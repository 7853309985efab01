/**
 * The browser side of a big live trace's delta updates (Python:
 * `_notebook/deltas.py`). A running trace's output gets keyframes (the whole
 * MLflow trace dict, with `nbtrace_live: {seq}`) and deltas
 * (`nbtrace_delta: {seq, base, span_count}`, the trace's `info`, and only
 * the spans that changed). One LiveDocs per output merges them back into
 * whole trace dicts: a delta applies only on top of the publish it names
 * (`base`); otherwise — a page reloaded mid-run, a missed update — the output
 * waits for the next keyframe, which comes at least every 50 publishes.
 *
 * Spans that did not change are the same objects in every merged dict, and are
 * marked unchanged (markUnchanged) so the span parse memo reuses their parse.
 */
import { markUnchanged } from './span-memo';
import { isObject, Obj } from '../util';

export const DELTA_KEY = 'nbtrace_delta';
export const LIVE_KEY = 'nbtrace_live';

/** What apply() made of a payload. */
export type LiveDoc =
  | { kind: 'whole'; data: unknown }
  | {
      /** A delta with nothing to apply it to: how many spans the trace has by now. */
      kind: 'waiting';
      spans: number;
    };

interface Merged {
  seq: number;
  info: unknown;
  spans: unknown[];
  indexOf: Map<unknown, number>;
}

function spanKey(s: unknown): unknown {
  return isObject(s) ? s.span_id : undefined;
}

function seqOf(v: unknown): number | undefined {
  return isObject(v) && typeof v.seq === 'number' && Number.isFinite(v.seq) ? v.seq : undefined;
}

export function isDelta(data: unknown): data is Obj {
  return isObject(data) && isObject(data[DELTA_KEY]);
}

export class LiveDocs {
  /** Merge `data` (any payload: only keyframes and deltas are looked at) into a whole trace dict. */
  apply(data: unknown): LiveDoc {
    if (!isDelta(data)) {
      this._keyframe(data);
      return { kind: 'whole', data };
    }
    const head = data[DELTA_KEY] as Obj;
    const m = this._merged;
    const spans = isObject(data.data) && Array.isArray(data.data.spans) ? data.data.spans : [];
    const count = typeof head.span_count === 'number' ? head.span_count : NaN;
    if (!m || seqOf(head) === undefined || head.base !== m.seq) {
      this._merged = null; // out of step: only a keyframe can help now
      return { kind: 'waiting', spans: Number.isFinite(count) ? count : spans.length };
    }
    const merged = m.spans.slice();
    for (const s of spans) {
      markUnchanged(s);
      const key = spanKey(s);
      const at = key === undefined ? undefined : m.indexOf.get(key);
      if (at === undefined) {
        if (key !== undefined) {
          m.indexOf.set(key, merged.length);
        }
        merged.push(s);
      } else {
        merged[at] = s;
      }
    }
    if (merged.length !== count) {
      this._merged = null; // the sender and this copy disagree: wait for a keyframe
      return { kind: 'waiting', spans: Number.isFinite(count) ? count : merged.length };
    }
    m.seq = head.seq as number;
    m.info = data.info;
    m.spans = merged;
    return { kind: 'whole', data: { info: data.info, data: { spans: merged } } };
  }

  /** A whole payload: the base of the next delta when it is a running trace's keyframe. */
  private _keyframe(data: unknown): void {
    const seq = isObject(data) ? seqOf(data[LIVE_KEY]) : undefined;
    const spans = isObject(data) && isObject(data.data) && Array.isArray(data.data.spans) ? data.data.spans : undefined;
    if (seq === undefined || !spans || !isObject(data)) {
      this._merged = null;
      return;
    }
    const indexOf = new Map<unknown, number>();
    spans.forEach((s, i) => {
      markUnchanged(s);
      const key = spanKey(s);
      if (key !== undefined) {
        indexOf.set(key, i);
      }
    });
    this._merged = { seq, info: data.info, spans, indexOf };
  }

  private _merged: Merged | null = null;
}
