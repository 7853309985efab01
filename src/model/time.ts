/**
 * Time helpers. Epoch nanoseconds (~1.7e18) exceed 2^53, so absolute times are
 * BigInt; only differences from the trace start (small) become float ms.
 */

/**
 * Times beyond ±2^64 ns (year 2554) are not times: OTLP's fixed64 cannot hold
 * them, and their differences would overflow a double (400-digit strings
 * became Infinity ms).
 */
const NS_LIMIT = 1n << 64n;

/** No time needs more characters than this (2^64 has 20 digits); longer text is not parsed. */
const MAX_TIME_CHARS = 100;

function inRange(ns: bigint): bigint | undefined {
  return ns < NS_LIMIT && ns > -NS_LIMIT ? ns : undefined;
}

/**
 * Nanoseconds as BigInt from an int, a decimal string or a float.
 * Numbers above 2^53 have already lost precision in JSON.parse; strings are exact.
 * Returns undefined for null/undefined/unparseable input and for values beyond ±2^64.
 */
export function toNs(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') {
    return inRange(v);
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      return undefined;
    }
    return inRange(BigInt(Number.isInteger(v) ? v : Math.round(v)));
  }
  if (typeof v === 'string') {
    if (v.length > MAX_TIME_CHARS || v.trim() === '') {
      return undefined; // BigInt('') would be 0n; BigInt of megabytes of digits takes seconds
    }
    try {
      return inRange(BigInt(v)); // exact for integer text (the common case); throws on "1.5e18"
    } catch {
      const n = Number(v);
      return Number.isFinite(n) ? inRange(BigInt(Math.round(n))) : undefined;
    }
  }
  return undefined;
}

/** Microseconds (Jaeger) → ns. */
export function usToNs(v: unknown): bigint | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v)) {
    return BigInt(Math.round(v * 1000));
  }
  const us = toNs(v);
  return us === undefined ? undefined : us * 1000n;
}

/** (ns - baseNs) as float ms; exact as long as the difference is < 2^53 ns (~104 days). */
export function relMs(ns: bigint, baseNs: bigint): number {
  return Number(ns - baseNs) / 1e6;
}

/** Absolute epoch ns → epoch ms (whole ms exact; the fraction as precise as a double allows). */
export function nsToEpochMs(ns: bigint): number {
  return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
}

export const NS_EPOCH_MIN = 100_000_000_000_000_000n; // 1e17 ns = 1973: smaller is not an epoch-ns value
const US_EPOCH_MIN = 100_000_000_000_000n; // 1e14 µs = 1973
const MS_EPOCH_MIN = 100_000_000_000n; // 1e11 ms = 1973

/**
 * Event timestamps: MLflow stored µs in fields named `*_nano` until 3.10.1.
 * Rule:
 *  - value ≥ 1e17 → already ns.
 *  - If the span's own start is a real epoch ns (≥ 1e17), the value is scaled
 *    by whichever of µs/ms/s lands closest to the span start.
 *  - If the span times are small (test payloads with fake ns, e.g. start 100),
 *    the event is on the same (fake) ns scale: kept as is.
 *  - With no reference: ≥ 1e14 → µs, ≥ 1e11 → ms, else kept as ns.
 */
export function eventTimeNs(raw: bigint | undefined, spanStartNs: bigint | undefined): bigint | undefined {
  if (raw === undefined || raw >= NS_EPOCH_MIN || raw <= 0n) {
    return raw;
  }
  if (spanStartNs !== undefined) {
    if (spanStartNs < NS_EPOCH_MIN) {
      return raw;
    }
    let best = raw;
    let bestDist = abs(raw - spanStartNs);
    for (const f of [1000n, 1_000_000n, 1_000_000_000n]) {
      const cand = raw * f;
      const d = abs(cand - spanStartNs);
      if (d < bestDist) {
        best = cand;
        bestDist = d;
      }
    }
    return best;
  }
  if (raw >= US_EPOCH_MIN) {
    return raw * 1000n;
  }
  if (raw >= MS_EPOCH_MIN) {
    return raw * 1_000_000n;
  }
  return raw;
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** MLflow v3 REST durations: "32.583s" → 32583 (ms). Also accepts a plain number of ms. */
export function durationMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    return v;
  }
  if (typeof v === 'string') {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*(s|ms)?\s*$/.exec(v);
    if (m) {
      const n = Number(m[1]);
      return m[2] === 's' ? Math.round(n * 1e6) / 1e3 : n;
    }
  }
  return undefined;
}
