/** Small type guards, coercions and comparisons shared by the model's readers. */

export type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string, or undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The first present (not undefined/null) value among the given keys. */
export function pick(o: Obj, ...keys: string[]): unknown {
  for (const k of keys) {
    const v = o[k];
    if (v !== undefined && v !== null) {
      return v;
    }
  }
  return undefined;
}

/** A finite number from a number or a numeric string, else undefined. */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') {
    return Number.isFinite(v) ? v : undefined;
  }
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  if (typeof v === 'bigint') {
    return Number(v);
  }
  return undefined;
}

/** "a, b, c" of an object's keys, cut after `max`. */
export function describeKeys(o: Obj, max = 8): string {
  const keys = Object.keys(o);
  if (keys.length === 0) {
    return 'an empty object';
  }
  const shown = keys.slice(0, max).join(', ');
  return `an object with keys: ${shown}${keys.length > max ? `, … (${keys.length} keys)` : ''}`;
}

/** A short human description of any value, for error messages. */
export function describeValue(v: unknown): string {
  if (v === null) {
    return 'null';
  }
  if (v === undefined) {
    return 'nothing (undefined)';
  }
  if (Array.isArray(v)) {
    return v.length === 0 ? 'an empty list' : `a list of ${v.length} ${describeElementType(v[0])}`;
  }
  if (isObject(v)) {
    return describeKeys(v);
  }
  if (typeof v === 'string') {
    const s = v.length > 40 ? `${v.slice(0, 40)}…` : v;
    return `the text ${JSON.stringify(s)}`;
  }
  return `the ${typeof v} ${String(v)}`;
}

function describeElementType(v: unknown): string {
  if (v === null) {
    return 'items starting with null';
  }
  if (Array.isArray(v)) {
    return 'lists';
  }
  return isObject(v) ? 'objects' : `${typeof v}s`;
}

/** Deeper JSON than this is not compared by sameJson (treated as different): bounds the recursion. */
const MAX_JSON_DEPTH = 32;

/** Deep equality of two JSON values (plain objects, arrays, primitives). */
export function sameJson(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) {
    return true;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || depth > MAX_JSON_DEPTH) {
    return false;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) {
      return false;
    }
    for (let i = 0; i < a.length; i++) {
      if (!sameJson(a[i], b[i], depth + 1)) {
        return false;
      }
    }
    return true;
  }
  if (Array.isArray(b)) {
    return false;
  }
  const ao = a as Obj;
  const bo = b as Obj;
  let n = 0;
  for (const k in ao) {
    n++;
    if (!(k in bo) || !sameJson(ao[k], bo[k], depth + 1)) {
      return false;
    }
  }
  for (const _ in bo) {
    n--;
  }
  return n === 0;
}
