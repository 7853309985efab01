/**
 * Reuse of span parses across the snapshots of one live trace.
 *
 * While a cell runs, the same trace arrives again and again (every ~100 ms)
 * with nearly all spans unchanged. Parsing a span (JSON-decoding its
 * attributes, normalizing ids) costs far more than checking that its JSON is
 * the same as last time, so a span whose JSON equals the previous snapshot's
 * gets the previous parse back. Correct by construction: the parse is a pure
 * function of the span's JSON, and the reuse needs deep equality.
 *
 * Only IN_PROGRESS traces are remembered (at most MAX_TRACES of them); the
 * final snapshot uses the memo once and drops it. The memo holds the
 * snapshot's span objects, which the notebook's output model holds anyway.
 */
import { isObject, Obj, sameJson } from '../util';

const MAX_TRACES = 8;

type Entry<T> = [raw: Obj, parsed: T];
export type SpanMemoMap<T> = Map<unknown, Entry<T>>;

/** Per live trace (keyed by its id): span key → [span JSON, parse] of the last snapshot. */
export class SpanMemo<T> {
  private _traces = new Map<string, SpanMemoMap<T>>();

  /**
   * Start parsing a snapshot of trace `traceId`: returns the previous
   * snapshot's memo (to read) and a fresh one (to fill, only when `live`).
   */
  begin(traceId: string | undefined, live: boolean): [SpanMemoMap<T> | undefined, SpanMemoMap<T> | undefined] {
    if (!traceId) {
      return [undefined, undefined];
    }
    const prev = this._traces.get(traceId);
    this._traces.delete(traceId);
    if (!live) {
      return [prev, undefined];
    }
    const next: SpanMemoMap<T> = new Map();
    this._traces.set(traceId, next);
    if (this._traces.size > MAX_TRACES) {
      // Maps iterate in insertion order: the first key is the least recently parsed trace.
      this._traces.delete(this._traces.keys().next().value as string);
    }
    return [prev, next];
  }

  clear(): void {
    this._traces.clear();
  }
}

/**
 * The parse of `raw` (a span's JSON) from `prev` if the JSON is unchanged,
 * else `parse(raw)`; recorded in `next` under `key`.
 */
export function memoParse<T>(
  raw: Obj,
  key: unknown,
  prev: SpanMemoMap<T> | undefined,
  next: SpanMemoMap<T> | undefined,
  parse: (o: Obj) => T
): T {
  const usable = key !== undefined && key !== null && typeof key !== 'object';
  const old = usable ? prev?.get(key) : undefined;
  // The same object again may have been mutated in place: only a different object proves
  // equality, or the object being one that live-docs.ts passes on unchanged.
  const parsed = old && (old[0] !== raw ? sameJson(old[0], raw) : unchanged.has(raw)) ? old[1] : parse(raw);
  if (usable && next) {
    next.set(key, [raw, parsed]);
  }
  return parsed;
}

const unchanged = new WeakSet<object>();

/**
 * `span` is a span dict of a live delta stream (model/formats/live-docs.ts): nothing
 * changes it after it arrived, so the same object again is the same span.
 */
export function markUnchanged(span: unknown): void {
  if (typeof span === 'object' && span !== null) {
    unchanged.add(span);
  }
}

/** The key a span is remembered under: its raw span id (v3 and V4 at the top, v2 in `context`). */
export function mlflowSpanKey(o: Obj): unknown {
  return o.span_id ?? (isObject(o.context) ? o.context.span_id : undefined);
}
