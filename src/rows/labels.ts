/**
 * Human-readable numbers for durations and offsets. Pure functions.
 */

/** Duration in ms → "850 µs", "12.3 ms", "1.23 s", "2m 05s", "1h 02m". */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) {
    return '–';
  }
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (abs === 0) {
    return '0 ms';
  }
  if (abs < 1) {
    return `${sign}${trim(abs * 1000, abs * 1000 < 10 ? 2 : 0)} µs`;
  }
  if (abs < 1000) {
    return `${sign}${trim(abs, abs < 10 ? 2 : abs < 100 ? 1 : 0)} ms`;
  }
  const s = abs / 1000;
  if (s < 60) {
    return `${sign}${trim(s, s < 10 ? 2 : 1)} s`;
  }
  const totalSeconds = Math.round(s);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const sec = totalSeconds % 60;
  if (h > 0) {
    return `${sign}${h}h ${pad2(m)}m`;
  }
  return `${sign}${m}m ${pad2(sec)}s`;
}

/** Thousands separators for counts: 12345 → "12,345". */
/** A compact count for badges: 950, 1.2k, 15k, 3.4M. */
export function formatCompact(n: number): string {
  const a = Math.abs(n);
  if (a < 1000) {
    return String(Math.round(n));
  }
  const [d, unit] = a < 1e6 ? [1e3, 'k'] : a < 1e9 ? [1e6, 'M'] : [1e9, 'G'];
  const v = n / d;
  return `${Math.abs(v) < 10 ? (Math.round(v * 10) / 10).toString() : Math.round(v).toString()}${unit}`;
}

export function formatCount(n: number): string {
  return COUNT_FORMAT.format(Math.round(n));
}

// One formatter: toLocaleString builds a new one per call (measurable in the live ticker).
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

function trim(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Names longer than this are cut in rows, titles and labels (the details show them whole): a 1 MB name would stall layout. */
export const NAME_DISPLAY_CHARS = 300;

export function displayName(name: string): string {
  return name.length > NAME_DISPLAY_CHARS ? `${name.slice(0, NAME_DISPLAY_CHARS)}…` : name;
}
