/**
 * Words and signs for the comparison view: deltas with a sign and a word
 * (never colour alone), the trend that picks the colour, status changes and
 * each row's spoken label. Pure functions.
 */
import { CompareNode, TokenDelta } from '../model/compare';
import { SpanStatus, TokenUsage } from '../model/types';
import { formatCompact, formatCount, formatDuration } from './labels';

/** U+2212: a real minus sign lines up with "+" in tabular figures. */
export const MINUS = '\u2212';

/**
 * Changes smaller than this (ms), or than this share of A's time (%), are
 * "about the same": timing noise must not light up every row.
 */
export const SAME_MS = 0.5;
export const SAME_PCT = 5;

export type Trend = 'slower' | 'faster' | 'same';

function signed(text: string, negative: boolean, zero: boolean): string {
  return zero ? `±${text}` : `${negative ? MINUS : '+'}${text}`;
}

/** "+120 ms", "−80 ms", "±0 ms"; '' when unknown. */
export function formatDeltaMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) {
    return '';
  }
  return signed(formatDuration(Math.abs(ms)), ms < 0, ms === 0);
}

/** "+25 %", "−8.5 %"; '' when unknown. */
export function formatPct(pct: number | undefined): string {
  if (pct === undefined || !Number.isFinite(pct)) {
    return '';
  }
  const a = Math.abs(pct);
  const text = a >= 10 ? formatCount(a) : String(Number(a.toFixed(1)));
  return signed(`${text} %`, pct < 0, text === '0');
}

/** Slower, faster or about the same (see SAME_MS / SAME_PCT); null when there is no delta. */
export function trendOf(deltaMs: number | undefined, deltaPct: number | undefined): Trend | null {
  if (deltaMs === undefined || !Number.isFinite(deltaMs)) {
    return null;
  }
  if (Math.abs(deltaMs) < SAME_MS || (deltaPct !== undefined && Math.abs(deltaPct) < SAME_PCT)) {
    return 'same';
  }
  return deltaMs > 0 ? 'slower' : 'faster';
}

/** "120 ms slower (+25 %)", "80 ms faster", "about the same time"; '' when unknown. */
export function deltaWords(deltaMs: number | undefined, deltaPct: number | undefined): string {
  const trend = trendOf(deltaMs, deltaPct);
  if (trend === null) {
    return '';
  }
  if (trend === 'same') {
    return `about the same time (${formatDeltaMs(deltaMs)})`;
  }
  const pct = formatPct(deltaPct);
  return `${formatDuration(Math.abs(deltaMs!))} ${trend}${pct ? ` (${pct})` : ''}`;
}

/** The total token change: the total field, else input + output. */
export function tokenTotalDelta(d: TokenDelta | undefined): number | undefined {
  if (!d) {
    return undefined;
  }
  if (d.total !== undefined) {
    return d.total;
  }
  return d.input === undefined && d.output === undefined ? undefined : (d.input ?? 0) + (d.output ?? 0);
}

/** "+1.2k tok", "−30 tok", "±0 tok"; '' when neither side reports tokens. */
export function formatTokenDelta(d: TokenDelta | undefined): string {
  const total = tokenTotalDelta(d);
  if (total === undefined) {
    return '';
  }
  return signed(`${formatCompact(Math.abs(total))} tok`, total < 0, total === 0);
}

/** "+120 in · −10 out · +110 total" for tooltips. */
export function tokenDeltaText(d: TokenDelta | undefined): string {
  if (!d) {
    return '';
  }
  const part = (v: number | undefined, label: string): string =>
    v === undefined ? '' : `${signed(formatCount(Math.abs(v)), v < 0, v === 0)} ${label}`;
  return [part(d.input, 'in'), part(d.output, 'out'), part(d.total, 'total')].filter(Boolean).join(' · ');
}

/** "30 more tokens", "12 fewer tokens", "same tokens"; '' when none reported. */
export function tokenWords(d: TokenDelta | undefined): string {
  const total = tokenTotalDelta(d);
  if (total === undefined) {
    return '';
  }
  return total === 0 ? 'same tokens' : `${formatCount(Math.abs(total))} ${total > 0 ? 'more' : 'fewer'} tokens`;
}

/** More tokens read as "worse" (cost), fewer as "better". */
export function tokenTrend(d: TokenDelta | undefined): Trend | null {
  const total = tokenTotalDelta(d);
  return total === undefined ? null : total === 0 ? 'same' : total > 0 ? 'slower' : 'faster';
}

function statusWord(status: SpanStatus, running: boolean): string {
  return running ? 'running' : status === 'ERROR' ? 'error' : status === 'OK' ? 'ok' : 'done';
}

/**
 * The status cell: "ok → error" / "error → ok" for a change, "error" when
 * the span failed on its side(s), "running" when a side still runs, else ''.
 * `tone` picks the style.
 */
export function statusCell(node: CompareNode): { text: string; tone: 'error' | 'fixed' | 'running' | '' } {
  const { a, b } = node;
  const running = (a !== undefined && a.end === undefined) || (b !== undefined && b.end === undefined);
  if (a && b && node.statusChange) {
    const text = `${statusWord(a.status, false)} → ${statusWord(b.status, false)}`;
    return { text, tone: node.statusChange === 'new-error' ? 'error' : 'fixed' };
  }
  if ((a?.status ?? b?.status) === 'ERROR' && (!a || !b || a.status === b.status)) {
    return { text: 'error', tone: 'error' };
  }
  return running ? { text: 'running', tone: 'running' } : { text: '', tone: '' };
}

/** A side's duration for the cells: "120 ms", "running", or '' for a missing side. */
export function durationCell(span: { end?: number; start: number } | undefined): string {
  if (!span) {
    return '';
  }
  return span.end === undefined ? 'running' : formatDuration(Math.max(0, span.end - span.start));
}

/**
 * What changed from A to B, in words: "v2: 27 ms faster (−87 %), 80 more
 * tokens, status error → ok"; for a one-sided span, where it is.
 */
export function changeWords(node: CompareNode, names: readonly [string, string]): string {
  const [na, nb] = names;
  if (node.kind === 'added') {
    return `only in ${nb} (added): ${durationCell(node.b)}${tokenPart(node.b?.tokens)}`;
  }
  if (node.kind === 'removed') {
    return `only in ${na} (removed): ${durationCell(node.a)}${tokenPart(node.a?.tokens)}`;
  }
  const status = statusCell(node);
  const parts = [deltaWords(node.deltaMs, node.deltaPct), tokenWords(node.tokenDelta), status.text ? `status ${status.text}` : ''];
  const text = parts.filter(Boolean).join(', ');
  return `${nb}: ${text || 'no change measured'}`;
}

/** The row's accessible name: one sentence a screen reader can read. */
export function rowLabel(node: CompareNode, names: readonly [string, string]): string {
  const [na, nb] = names;
  const name = node.a && node.b && node.a.name !== node.b.name ? `${node.a.name} → ${node.b.name}` : node.name;
  if (node.kind === 'added') {
    return `${name}, added in ${nb}, ${durationCell(node.b)}${tokenPart(node.b?.tokens)}`;
  }
  if (node.kind === 'removed') {
    return `${name}, removed: only in ${na}, ${durationCell(node.a)}${tokenPart(node.a?.tokens)}`;
  }
  const parts = [name, `${na} ${durationCell(node.a)}`, `${nb} ${durationCell(node.b)}`];
  const words = deltaWords(node.deltaMs, node.deltaPct);
  if (words) {
    parts.push(words);
  }
  const tokens = tokenWords(node.tokenDelta);
  if (tokens) {
    parts.push(tokens);
  }
  const status = statusCell(node);
  if (status.text) {
    parts.push(`status ${status.text}`);
  }
  return parts.join(', ');
}

function tokenPart(t: TokenUsage | undefined): string {
  const total = t ? t.total ?? (t.input ?? 0) + (t.output ?? 0) : 0;
  return total > 0 ? `, ${formatCount(total)} tokens` : '';
}
