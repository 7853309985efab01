/**
 * Attribute decoding: MLflow JSON-encoded strings, OTLP typed AnyValues,
 * key/value lists and Jaeger tags → plain JS values.
 */
import { isObject, Obj } from './util';

/** Could `s` be a JSON document? Cheap pre-check so plain text never pays for a thrown exception. */
function mayBeJson(s: string, structuredOnly: boolean): boolean {
  let i = 0;
  while (i < s.length && (s[i] === ' ' || s[i] === '\n' || s[i] === '\t' || s[i] === '\r')) {
    i++;
  }
  const c = s[i];
  if (c === '{' || c === '[' || c === '"') {
    return true;
  }
  if (structuredOnly) {
    return false;
  }
  return c === '-' || (c >= '0' && c <= '9') || c === 't' || c === 'f' || c === 'n';
}

/**
 * MLflow attribute values are JSON-encoded (`"\"LLM\""`, `"1"`, `"{\"x\": 2}"`):
 * decode them, falling back to the raw string (other SDKs write raw strings).
 * Non-strings (payloads holding raw objects) are kept as they are.
 */
export function decodeJson(v: unknown): unknown {
  if (typeof v !== 'string' || !mayBeJson(v, false)) {
    return v;
  }
  // Short values repeat across spans (kinds, request ids) and across live
  // updates of a trace: memoize them. Decoded values are read-only everywhere.
  const memo = v.length <= DECODE_MEMO_MAX_CHARS;
  if (memo) {
    const hit = decodeMemo.get(v);
    if (hit !== undefined || decodeMemo.has(v)) {
      return hit;
    }
  }
  let out: unknown;
  try {
    out = JSON.parse(v);
  } catch {
    out = v;
  }
  if (memo) {
    if (decodeMemo.size >= DECODE_MEMO_MAX_ENTRIES) {
      decodeMemo.clear();
    }
    decodeMemo.set(v, out);
  }
  return out;
}

const DECODE_MEMO_MAX_CHARS = 256;
const DECODE_MEMO_MAX_ENTRIES = 50_000;
const decodeMemo = new Map<string, unknown>();

/**
 * Decode only JSON objects, arrays and quoted strings; leave "2" or "true" as
 * text. Used for trace metadata, whose values are plain strings except for
 * a few JSON documents (`mlflow.traceInputs`, `mlflow.trace.tokenUsage`).
 */
export function decodeStructuredJson(v: unknown): unknown {
  if (typeof v !== 'string' || !mayBeJson(v, true)) {
    return v;
  }
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** JSON-decode a string only when the result is an object or array. */
export function decodeIfContainer(v: unknown): unknown {
  const d = decodeStructuredJson(v);
  return typeof d === 'object' && d !== null ? d : v;
}

/**
 * `out[key] = value`, except that a `__proto__` key from the payload becomes
 * an own property like any other key: assigned, it would replace the object's
 * prototype — the attribute lost, and its value's keys (e.g. a forged
 * `mlflow.spanInputs`) inherited by every lookup.
 */
export function setKey(out: Obj, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}

const ANY_KEYS: Record<string, string> = {
  stringValue: 'string',
  string_value: 'string',
  boolValue: 'bool',
  bool_value: 'bool',
  intValue: 'int',
  int_value: 'int',
  doubleValue: 'double',
  double_value: 'double',
  bytesValue: 'bytes',
  bytes_value: 'bytes',
  arrayValue: 'array',
  array_value: 'array',
  kvlistValue: 'kvlist',
  kvlist_value: 'kvlist'
};

/** The key of the AnyValue variant held by `v` (e.g. "stringValue"), or undefined when `v` is not an AnyValue. */
function anyKey(v: unknown): string | undefined {
  if (!isObject(v)) {
    return undefined;
  }
  for (const k in v) {
    // Own keys of the table only: `constructor` or `__proto__` in a payload are not AnyValue variants.
    if (Object.prototype.hasOwnProperty.call(ANY_KEYS, k)) {
      return k;
    }
  }
  return undefined;
}

export function intValue(v: unknown): unknown {
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (Number.isSafeInteger(n)) {
      return n;
    }
    // Beyond 2^53 a number would silently change: keep the exact text.
    return v.trim();
  }
  return v;
}

function boolValue(v: unknown): unknown {
  if (v === 'true') {
    return true;
  }
  if (v === 'false') {
    return false;
  }
  return v;
}

function scalar(type: string, inner: unknown): unknown {
  switch (type) {
    case 'int':
      return intValue(inner);
    case 'double':
      return typeof inner === 'string' ? Number(inner) : inner;
    case 'bool':
      return boolValue(inner);
    default:
      return inner; // string, bytes (base64 text)
  }
}

function listOf(v: unknown): unknown[] {
  if (Array.isArray(v)) {
    return v;
  }
  if (isObject(v) && Array.isArray(v.values)) {
    return v.values;
  }
  return [];
}

/**
 * Unwrap an OTLP AnyValue (camelCase or snake_case) into a plain JS value.
 * Nested arrays/kvlists are walked with an explicit stack (no recursion).
 * A value that is not an AnyValue is returned unchanged.
 */
export function unwrapAnyValue(root: unknown): unknown {
  const topKey = anyKey(root);
  if (topKey === undefined) {
    return root;
  }
  const topType = ANY_KEYS[topKey];
  if (topType !== 'array' && topType !== 'kvlist') {
    return scalar(topType, (root as Obj)[topKey]); // the common case: no stack needed
  }
  let result: unknown;
  const stack: { src: unknown; set: (v: unknown) => void }[] = [
    { src: root, set: v => (result = v) }
  ];
  while (stack.length > 0) {
    const { src, set } = stack.pop()!;
    const key = anyKey(src);
    if (key === undefined) {
      set(src);
      continue;
    }
    const type = ANY_KEYS[key];
    const inner = (src as Obj)[key];
    switch (type) {
      case 'array': {
        const items = listOf(inner);
        const out: unknown[] = new Array(items.length);
        set(out);
        for (let i = 0; i < items.length; i++) {
          stack.push({ src: items[i], set: v => (out[i] = v) });
        }
        break;
      }
      case 'kvlist': {
        const out: Obj = {};
        set(out);
        for (const kv of listOf(inner)) {
          if (isObject(kv) && typeof kv.key === 'string') {
            const key = kv.key;
            stack.push({ src: kv.value, set: v => setKey(out, key, v) });
          }
        }
        break;
      }
      default:
        set(scalar(type, inner));
    }
  }
  return result;
}

/**
 * `[{key, value}]` → object. Values are AnyValues (OTLP, Databricks V4) or
 * plain values (MLflow REST tags); `decode` post-processes each value.
 */
export function kvListToObject(list: unknown[], decode: (v: unknown, key: string) => unknown = v => v): Obj {
  const out: Obj = {};
  for (const kv of list) {
    if (isObject(kv) && (typeof kv.key === 'string' || typeof kv.key === 'number')) {
      const key = String(kv.key);
      setKey(out, key, decode(unwrapAnyValue(kv.value), key));
    }
  }
  return out;
}

/** Attributes given as an object or as a key/value list, each value passed through `decode`. */
export function attributeMap(v: unknown, decode: (v: unknown, key: string) => unknown = x => x): Obj {
  if (Array.isArray(v)) {
    return kvListToObject(v, decode);
  }
  if (isObject(v)) {
    const out: Obj = {};
    for (const k in v) {
      setKey(out, k, decode(v[k], k));
    }
    return out;
  }
  return {};
}

/** Jaeger tags `[{key, type, value}]` → object, values typed by `type`. */
export function jaegerTags(v: unknown): Obj {
  if (!Array.isArray(v)) {
    return isObject(v) ? { ...v } : {};
  }
  const out: Obj = {};
  for (const t of v) {
    if (!isObject(t) || typeof t.key !== 'string') {
      continue;
    }
    const type = typeof t.type === 'string' ? t.type.toLowerCase() : '';
    let value = t.value;
    if (type === 'int64') {
      value = intValue(value);
    } else if (type === 'float64' && typeof value === 'string') {
      value = Number(value);
    } else if (type === 'bool') {
      value = boolValue(value);
    }
    setKey(out, t.key, value);
  }
  return out;
}
