/**
 * The trace list's text: each cell, the aggregate strip's figures, the
 * charts' text alternatives and the group headers. Pure.
 */
import { ESTIMATE_MARK, formatCount, formatDuration, money } from '../labels';

/** Why a list's cost carries ≈. */
export const ESTIMATED_WHY = 'traces that reported no cost are priced from their tokens at list prices (nbtrace price table; nbtrace.configure(prices=…) overrides)';
import { Aggregates, Bin, KindTotals, ModelTotals } from './aggregate';
import { SessionGroup } from './sessions';
import { ListColumnId, ListRow, userTags } from './trace-rows';

const STATUS_TEXT: Record<string, string> = { OK: 'ok', ERROR: 'error', IN_PROGRESS: 'running', UNSET: '–' };

/** "2026-12-02 14:03:07" in the viewer's time zone (sortable, short). */
export function startText(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) {
    return '–';
  }
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function percentText(rate: number): string {
  const pct = rate * 100;
  return `${pct === 0 || pct >= 10 ? Math.round(pct) : pct.toFixed(1)} %`;
}

function tokensCell(r: ListRow): string {
  const t = r.facts.tokens;
  if (t === undefined) {
    return '';
  }
  return formatCount(t);
}

export function tokensTitle(r: ListRow): string {
  const parts = [r.inputTokens !== undefined ? `${formatCount(r.inputTokens)} in` : '', r.outputTokens !== undefined ? `${formatCount(r.outputTokens)} out` : ''].filter(Boolean);
  return r.facts.tokens === undefined ? '' : `${formatCount(r.facts.tokens)} tokens${parts.length ? ` (${parts.join(' · ')})` : ''}`;
}

function scoresCell(r: ListRow): string {
  return r.scores
    .filter(a => a.kind === 'feedback')
    .map(a => `${a.name} ${a.error !== undefined ? 'error' : typeof a.value === 'number' ? String(Math.round(a.value * 100) / 100) : String(a.value)}`)
    .join(', ');
}

/** A cell's text. */
export function cellText(r: ListRow, column: ListColumnId): string {
  const f = r.facts;
  switch (column) {
    case 'name':
      return f.name;
    case 'status':
      return STATUS_TEXT[f.status] ?? f.status.toLowerCase();
    case 'start':
      return startText(f.start_ms);
    case 'latency':
      return f.status === 'IN_PROGRESS' ? 'running' : formatDuration(f.duration_ms);
    case 'spans':
      return formatCount(f.span_count);
    case 'tokens':
      return tokensCell(r);
    case 'cost':
      return f.cost === undefined ? '' : `${r.costEstimated ? ESTIMATE_MARK : ''}${money(f.cost)}`;
    case 'models':
      return f.models.join(', ');
    case 'session':
      return [f.session, f.user !== undefined ? `user ${f.user}` : ''].filter(Boolean).join(' · ');
    case 'tags':
      return userTags(r)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
    case 'scores':
      return scoresCell(r);
  }
}

/** One figure of the strip: a label and a value ("p50", "1.2 s"). */
export interface Figure {
  label: string;
  value: string;
  title?: string;
}

export function figures(a: Aggregates): Figure[] {
  const out: Figure[] = [
    { label: 'traces', value: formatCount(a.count) },
    { label: 'errors', value: a.count ? `${formatCount(a.errors)} (${percentText(a.errorRate)})` : '0', title: 'Traces whose status is ERROR' }
  ];
  if (a.running > 0) {
    out.push({ label: 'running', value: formatCount(a.running) });
  }
  if (a.latency) {
    const l = a.latency;
    out.push(
      { label: 'p50', value: formatDuration(l.p50), title: 'Median latency of the finished traces' },
      { label: 'p90', value: formatDuration(l.p90), title: '90th percentile latency' },
      { label: 'p99', value: formatDuration(l.p99), title: `99th percentile latency (slowest ${formatDuration(l.max)})` }
    );
  }
  if (a.tokens.total !== undefined) {
    const parts = [a.tokens.input !== undefined ? `${formatCount(a.tokens.input)} in` : '', a.tokens.output !== undefined ? `${formatCount(a.tokens.output)} out` : ''].filter(Boolean);
    out.push({ label: 'tokens', value: formatCount(a.tokens.total), title: parts.join(' · ') || undefined });
  }
  if (a.cost !== undefined) {
    out.push({
      label: 'cost',
      value: `${a.costEstimated ? ESTIMATE_MARK : ''}${money(a.cost)}`,
      title: a.costEstimated ? `Partly estimated: ${ESTIMATED_WHY}` : undefined
    });
  }
  return out;
}

/** "gpt-4o: 12 calls · 3,400 tokens · $0.0210" */
export function modelText(m: ModelTotals): string {
  const parts = [`${formatCount(m.calls)} call${m.calls === 1 ? '' : 's'} in ${formatCount(m.traces)} trace${m.traces === 1 ? '' : 's'}`];
  if (m.total !== undefined) {
    parts.push(`${formatCount(m.total)} tokens`);
  }
  if (m.cost !== undefined) {
    parts.push(m.estimated ? `${ESTIMATE_MARK}${money(m.cost)} (estimated)` : money(m.cost));
  }
  return `${m.model}: ${parts.join(' · ')}`;
}

/** "LLM: 40 spans · 2 errors · 12.3 s in all" */
export function kindText(k: KindTotals): string {
  const parts = [`${formatCount(k.spans)} span${k.spans === 1 ? '' : 's'}`];
  if (k.errors > 0) {
    parts.push(`${formatCount(k.errors)} error${k.errors === 1 ? '' : 's'}`);
  }
  parts.push(`${formatDuration(k.ms)} in all`);
  if (k.tokens !== undefined) {
    parts.push(`${formatCount(k.tokens)} tokens`);
  }
  if (k.cost !== undefined) {
    parts.push(money(k.cost));
  }
  return `${k.kind}: ${parts.join(' · ')}`;
}

/** The histogram as text: "Latency of 30 traces: 0–500 ms: 12; 500 ms–1 s: 10; …". */
export function histogramText(bins: readonly Bin[]): string {
  const n = bins.reduce((s, b) => s + b.count, 0);
  return `Latency of ${formatCount(n)} finished trace${n === 1 ? '' : 's'}: ${bins
    .filter(b => b.count > 0)
    .map(b => `${formatDuration(b.x0)}–${formatDuration(b.x1)}: ${formatCount(b.count)}`)
    .join('; ')}`;
}

/** A session group's header: "session chat-42 · 5 traces · 1 error · 3.2 s · 1,200 tokens · $0.01". */
/** A session's header row, in a column other than the name: its totals there ('' for none). */
export function groupCellText(g: SessionGroup, column: ListColumnId): string {
  const t = g.totals;
  switch (column) {
    case 'tokens':
      return t.tokens.total !== undefined ? formatCount(t.tokens.total) : '';
    case 'latency':
      return t.latency ? `p50 ${formatDuration(t.latency.p50)}` : '';
    case 'spans':
      return formatCount(g.rows.reduce((s, r) => s + r.facts.span_count, 0));
    case 'status':
      return t.errors > 0 ? `${t.errors} err` : '';
    default:
      return '';
  }
}

export function groupText(g: SessionGroup): string {
  const t = g.totals;
  const parts = [g.session !== undefined ? `session ${g.session}` : 'no session', `${formatCount(t.count)} trace${t.count === 1 ? '' : 's'}`];
  if (t.errors > 0) {
    parts.push(`${formatCount(t.errors)} error${t.errors === 1 ? '' : 's'}`);
  }
  if (g.startMs !== undefined && g.endMs !== undefined) {
    parts.push(`${formatDuration(g.endMs - g.startMs)} from first to last`);
  }
  if (t.tokens.total !== undefined) {
    parts.push(`${formatCount(t.tokens.total)} tokens`);
  }
  if (t.cost !== undefined) {
    parts.push(money(t.cost));
  }
  return parts.join(' · ');
}
