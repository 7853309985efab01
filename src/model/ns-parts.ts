/**
 * Epoch nanoseconds without BigInt on the hot path: a time is two exact
 * integers in doubles, the whole milliseconds (floor of ns / 1e6) and the
 * nanoseconds past them (0 ≤ sub < 1e6). Any time within ±2^64 ns has
 * |ms| < 2^45, so both parts are exact, and a difference of two times is
 * exact in ns as long as it is below 2^53 ns (~104 days) — the same bound as
 * `Number(a - b)` of BigInts, with the same result.
 *
 * Every span's start and end are read this way (a decimal string of digits
 * or a safe integer: no allocation); anything else (signs, exponents, floats,
 * spaces, numbers beyond 2^53) goes through `toNs`, as before.
 */
import { toNs } from './time';

/** A time as whole ms and the ns past them; `readNs` writes into one (reused: no allocation per span). */
export interface NsParts {
  ms: number;
  sub: number;
}

const NS_PER_MS = 1e6;
/** 2^64 ns as ms and ns: times from there on are not times (see time.ts). */
const LIMIT_MS = 18446744073709;
const LIMIT_SUB = 551616;

/** Unsigned decimal text of at most 20 digits → parts; false for anything else. */
function readDigits(v: string, out: NsParts): boolean {
  const n = v.length;
  if (n === 0 || n > 20) {
    return false;
  }
  const split = n - 6;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < n; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) {
      return false;
    }
    if (i < split) {
      hi = hi * 10 + d; // at most 14 digits: exact
    } else {
      lo = lo * 10 + d;
    }
  }
  if (hi > LIMIT_MS || (hi === LIMIT_MS && lo >= LIMIT_SUB)) {
    return false; // ≥ 2^64 ns (toNs says the same)
  }
  out.ms = hi;
  out.sub = lo;
  return true;
}

/** A safe integer number of ns → parts (floor division, also for negative times). */
function splitSafe(ns: number, out: NsParts): void {
  let ms = Math.floor(ns / NS_PER_MS);
  let sub = ns - ms * NS_PER_MS; // exact: ms * 1e6 and ns are safe integers
  if (sub < 0) {
    ms -= 1;
    sub += NS_PER_MS;
  } else if (sub >= NS_PER_MS) {
    ms += 1;
    sub -= NS_PER_MS;
  }
  out.ms = ms;
  out.sub = sub;
}

/** A BigInt of ns → parts. */
export function partsOfNs(ns: bigint, out: NsParts): void {
  const ms = ns / 1_000_000n;
  let sub = ns - ms * 1_000_000n;
  let m = Number(ms);
  if (sub < 0n) {
    m -= 1;
    sub += 1_000_000n;
  }
  out.ms = m;
  out.sub = Number(sub);
}

/**
 * Read a time in ns (as `toNs` does: an integer, a decimal string, a float)
 * into `out`; false when `v` is not a time. The common shapes (a decimal
 * string, a safe integer) take no BigInt.
 */
export function readNs(v: unknown, out: NsParts): boolean {
  if (typeof v === 'string') {
    if (readDigits(v, out)) {
      return true;
    }
  } else if (typeof v === 'number' && Number.isSafeInteger(v)) {
    splitSafe(v, out);
    return true;
  }
  const ns = toNs(v);
  if (ns === undefined) {
    return false;
  }
  partsOfNs(ns, out);
  return true;
}

/** Parts → BigInt ns (for the few places that need one: event times, messages). */
export function nsOfParts(ms: number, sub: number): bigint {
  return BigInt(ms) * 1_000_000n + BigInt(sub);
}

/** (a − base) in float ms, from parts: exactly `relMs` of the same BigInts. */
export function relMsOfParts(ms: number, sub: number, baseMs: number, baseSub: number): number {
  return ((ms - baseMs) * NS_PER_MS + (sub - baseSub)) / NS_PER_MS;
}

/** Parts → epoch ms (exactly `nsToEpochMs` of the same BigInt). */
export function epochMsOfParts(ms: number, sub: number): number {
  return ms + sub / NS_PER_MS;
}

/** a < b for two times given as parts. */
export function partsBefore(aMs: number, aSub: number, bMs: number, bSub: number): boolean {
  return aMs < bMs || (aMs === bMs && aSub < bSub);
}
