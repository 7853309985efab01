/**
 * Human-readable text for durations, counts, tokens, cost and names: what
 * rows, headers and the detail panel print. Pure functions.
 */
import { Cost, TokenUsage } from '../model/types';

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

/** Thousands separators for counts: 12345 → "12,345". */
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

/** "120 in · 45 out · 165 total" (and cache/reasoning counts when known). */
export function tokenText(t: TokenUsage): string {
  const parts: string[] = [];
  if (t.input !== undefined) {
    parts.push(`${formatCount(t.input)} in`);
  }
  if (t.output !== undefined) {
    parts.push(`${formatCount(t.output)} out`);
  }
  if (t.total !== undefined) {
    parts.push(`${formatCount(t.total)} total`);
  }
  if (t.cacheRead !== undefined) {
    parts.push(`${formatCount(t.cacheRead)} cache read`);
  }
  if (t.cacheCreation !== undefined) {
    parts.push(`${formatCount(t.cacheCreation)} cache write`);
  }
  if (t.reasoning !== undefined) {
    parts.push(`${formatCount(t.reasoning)} reasoning`);
  }
  return parts.join(' · ');
}

/** "$0.0123 ($0.0100 in · $0.0023 out)"; an estimate reads "≈$0.0123 (…)". */
export function costText(c: Cost): string {
  const parts = [c.input !== undefined ? `${money(c.input)} in` : '', c.output !== undefined ? `${money(c.output)} out` : ''];
  const detail = parts.filter(Boolean).join(' · ');
  return `${costMoney(c)}${detail ? ` (${detail})` : ''}`;
}

/** The marker before an estimated amount. */
export const ESTIMATE_MARK = '≈';

/** The total: "$0.0123", or "≈$0.0123" when estimated. */
export function costMoney(c: Cost): string {
  return `${c.estimated ? ESTIMATE_MARK : ''}${money(c.total ?? 0)}`;
}

/**
 * What an estimated cost rests on, for a tooltip (empty for a reported cost):
 * "estimated from list prices of 2026-12-01 (nbtrace price table); the trace reported no cost".
 */
export function costTitle(c: Pick<Cost, 'estimated' | 'pricesDate' | 'customPrices' | 'partlyReported'>, of: 'trace' | 'span' = 'trace'): string {
  if (!c.estimated) {
    return '';
  }
  const list = `list prices of ${c.pricesDate || 'unknown date'}`;
  const from = c.customPrices ? `your prices (nbtrace.configure(prices=…)) and ${list}` : `${list} (nbtrace price table)`;
  return c.partlyReported
    ? `partly estimated: spans that reported no cost are priced from their tokens at ${from}`
    : `estimated from ${from}; the ${of} reported no cost`;
}

/** Dollars with enough digits for sub-cent LLM calls. */
export function money(v: number): string {
  const digits = v === 0 ? 2 : v < 0.01 ? 6 : v < 1 ? 4 : 2;
  return `$${v.toFixed(digits)}`;
}
