/**
 * Span/trace id normalization. Output is lowercase hex whenever the source id
 * is hex, 0x-hex or base64; any other id (e.g. "document-qa-chain") is kept as given.
 */

const HEX_RE = /^[0-9a-fA-F]+$/;
const LOWER_HEX_RE = /^[0-9a-f]+$/;
const B64_RE = /^[A-Za-z0-9+/]+={0,2}$/;
const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
// Lookup tables: char code → 6-bit value, byte → two hex digits (ids are decoded per span, per update).
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64_ALPHABET.length; i++) {
  B64_VALUE[B64_ALPHABET.charCodeAt(i)] = i;
}
const HEX_BYTE: string[] = [];
for (let i = 0; i < 256; i++) {
  HEX_BYTE.push(i.toString(16).padStart(2, '0'));
}

export function isHex(s: string): boolean {
  return HEX_RE.test(s);
}

/** Standard (not URL-safe) padded base64 → lowercase hex, or undefined if `s` is not valid base64. */
export function base64ToHex(s: string): string | undefined {
  if (s.length === 0 || s.length % 4 !== 0 || !B64_RE.test(s)) {
    return undefined;
  }
  let bits = 0;
  let acc = 0;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code === 61 /* '=' */) {
      break;
    }
    acc = (acc << 6) | B64_VALUE[code];
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += HEX_BYTE[(acc >> bits) & 0xff];
    }
    acc &= 0xff; // keep only the bits not yet emitted (at most 6 + 6 - 8 = 4 of them matter)
  }
  return out === '' ? undefined : out;
}

function idText(v: unknown): string | null {
  if (typeof v === 'string') {
    const s = v.trim();
    return s === '' ? null : s;
  }
  if (typeof v === 'number' || typeof v === 'bigint') {
    return String(v);
  }
  return null;
}

/**
 * The MLflow UI rule: strip `0x`; decode base64 only when the id is shorter
 * than 16 chars (hex span ids are exactly 16, trace ids 32); lowercase hex.
 * Returns null for a missing/empty id.
 */
export function normalizeMlflowId(v: unknown): string | null {
  if (typeof v === 'string') {
    // Pure on its input, and a live trace re-sends the same ids every update: memoize.
    let id = mlflowIdCache.get(v);
    if (id === undefined) {
      if (mlflowIdCache.size >= ID_CACHE_MAX) {
        mlflowIdCache.clear();
      }
      id = normalizeMlflowIdText(idText(v));
      mlflowIdCache.set(v, id);
    }
    return id;
  }
  return normalizeMlflowIdText(idText(v));
}

const ID_CACHE_MAX = 200_000;
const mlflowIdCache = new Map<string, string | null>();

function normalizeMlflowIdText(s: string | null): string | null {
  if (s === null) {
    return null;
  }
  if (s.length > 2 && (s.startsWith('0x') || s.startsWith('0X'))) {
    // 0x-prefixed ids (MLflow < 2.21.1) are always hex: never base64-decode them.
    const rest = s.slice(2);
    return isHex(rest) ? rest.toLowerCase() : rest;
  }
  if (s.length < 16) {
    const hex = base64ToHex(s);
    if (hex !== undefined) {
      return hex;
    }
  }
  return isHex(s) ? s.toLowerCase() : s;
}

/**
 * OTLP/Jaeger ids are hex (case-insensitive). Some protobuf→JSON converters
 * emit base64 instead; accept that when it decodes to exactly 8 or 16 bytes.
 */
export function normalizeOtelId(v: unknown): string | null {
  if (typeof v === 'string' && LOWER_HEX_RE.test(v)) {
    return v; // the common case, already normal: no trim, no copy
  }
  const s0 = idText(v);
  if (s0 === null) {
    return null;
  }
  const s = s0.length > 2 && (s0.startsWith('0x') || s0.startsWith('0X')) ? s0.slice(2) : s0;
  if (isHex(s)) {
    return s.toLowerCase();
  }
  const hex = base64ToHex(s);
  if (hex !== undefined && (hex.length === 16 || hex.length === 32)) {
    return hex;
  }
  return s;
}
