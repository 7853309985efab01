/**
 * The comparison's header: which traces (names, trace names), how the spans
 * aligned (matched / added / removed), the expand/collapse toolbar, and a
 * small table of totals — duration, spans, errors, tokens, cost — for A, B
 * and the change, each change with a sign and a word besides its colour.
 */
import { Comparison, TokenDelta } from '../model/compare';
import { TokenUsage } from '../model/types';
import { deltaWords, formatDeltaMs, formatPct, MINUS, tokenTrend, trendOf, Trend } from '../rows/compare-labels';
import { button, el } from '../common/dom';
import { costTitle, ESTIMATE_MARK, formatCount, formatDuration, money, tokenText } from '../rows/labels';

export interface CompareHeaderActions {
  expandAll(): void;
  collapseAll(): void;
}

function signedCount(n: number): string {
  return n === 0 ? '±0' : `${n < 0 ? MINUS : '+'}${formatCount(Math.abs(n))}`;
}

function signedMoney(v: number): string {
  return v === 0 ? '±$0' : `${v < 0 ? MINUS : '+'}${money(Math.abs(v))}`;
}

function tokenTotal(t: TokenUsage | undefined): number | undefined {
  return t ? t.total ?? (t.input !== undefined || t.output !== undefined ? (t.input ?? 0) + (t.output ?? 0) : undefined) : undefined;
}

function tokensDeltaTotal(d: TokenDelta | undefined): number | undefined {
  return d ? d.total ?? (d.input !== undefined || d.output !== undefined ? (d.input ?? 0) + (d.output ?? 0) : undefined) : undefined;
}

/** A "more is worse" trend for counts (errors, spans, cost). */
function countTrend(n: number | undefined): Trend | null {
  return n === undefined ? null : n === 0 ? 'same' : n > 0 ? 'slower' : 'faster';
}

export function renderCompareHeader(c: Comparison, names: readonly [string, string], actions: CompareHeaderActions): HTMLElement {
  const [na, nb] = names;
  const header = el('div', 'nbtrace-compare-header');
  const top = el('div', 'nbtrace-header');
  top.appendChild(el('span', 'nbtrace-title', 'Compare'));
  const who = el('span', 'nbtrace-compare-names');
  who.appendChild(el('span', 'nbtrace-compare-side-tag', na));
  who.appendChild(el('span', 'nbtrace-compare-trace-name', c.a.name));
  who.appendChild(el('span', 'nbtrace-compare-vs', 'vs'));
  who.appendChild(el('span', 'nbtrace-compare-side-tag', nb));
  who.appendChild(el('span', 'nbtrace-compare-trace-name', c.b.name));
  top.appendChild(who);
  const { matched, added, removed } = c.counts;
  const counts = el('span', 'nbtrace-summary nbtrace-compare-counts', `${formatCount(matched)} matched · ${added ? '+' : ''}${formatCount(added)} added · ${removed ? MINUS : ''}${formatCount(removed)} removed`);
  counts.title = `${formatCount(matched)} spans in both; ${formatCount(added)} only in ${nb}; ${formatCount(removed)} only in ${na}`;
  top.appendChild(counts);
  const toolbar = el('div', 'nbtrace-toolbar');
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', 'Comparison tree');
  toolbar.appendChild(button('Expand all', 'nbtrace-button nbtrace-expand-all', () => actions.expandAll()));
  toolbar.appendChild(button('Collapse all', 'nbtrace-button nbtrace-collapse-all', () => actions.collapseAll()));
  top.appendChild(toolbar);
  header.appendChild(top);
  header.appendChild(totalsTable(c, names));
  return header;
}

function totalsTable(c: Comparison, names: readonly [string, string]): HTMLElement {
  const { a, b, delta } = c.totals;
  const table = el('table', 'nbtrace-compare-totals');
  table.appendChild(el('caption', 'nbtrace-visually-hidden', `Totals of ${names[0]} and ${names[1]}, and the change from ${names[0]} to ${names[1]}`));
  const head = el('thead', '');
  const hr = el('tr', '');
  for (const [text, cls] of [['', ''], [names[0], 'nbtrace-compare-col-a'], [names[1], 'nbtrace-compare-col-b'], [`change`, 'nbtrace-compare-col-delta']]) {
    const th = el('th', cls, text);
    th.setAttribute('scope', 'col');
    hr.appendChild(th);
  }
  head.appendChild(hr);
  table.appendChild(head);
  const body = el('tbody', '');
  const row = (label: string, va: string, vb: string, change: string, trend: Trend | null, title = ''): void => {
    const tr = el('tr', '');
    const th = el('th', '', label);
    th.setAttribute('scope', 'row');
    tr.appendChild(th);
    tr.appendChild(el('td', '', va));
    tr.appendChild(el('td', '', vb));
    const td = el('td', 'nbtrace-compare-delta', change);
    td.dataset.trend = trend ?? '';
    if (title) {
      td.title = title;
    }
    tr.appendChild(td);
    body.appendChild(tr);
  };
  const dur = (t: typeof a): string => (t.running ? `${formatDuration(t.duration)} (running)` : formatDuration(t.duration));
  const pct = formatPct(delta.durationPct);
  const durTrend = trendOf(delta.duration, delta.durationPct);
  row('Duration', dur(a), dur(b), `${formatDeltaMs(delta.duration)}${pct ? ` (${pct})` : ''}`, durTrend, deltaWords(delta.duration, delta.durationPct));
  row('Spans', formatCount(a.spans), formatCount(b.spans), signedCount(delta.spans), null);
  row('Errors', formatCount(a.errors), formatCount(b.errors), signedCount(delta.errors), countTrend(delta.errors));
  if (a.tokens || b.tokens) {
    const ta = tokenTotal(a.tokens);
    const tb = tokenTotal(b.tokens);
    const d = tokensDeltaTotal(delta.tokens);
    row(
      'Tokens',
      ta === undefined ? '–' : formatCount(ta),
      tb === undefined ? '–' : formatCount(tb),
      d === undefined ? '' : signedCount(d),
      tokenTrend(delta.tokens),
      `${names[0]}: ${a.tokens ? tokenText(a.tokens) : 'none'}; ${names[1]}: ${b.tokens ? tokenText(b.tokens) : 'none'}`
    );
  }
  if (a.cost !== undefined || b.cost !== undefined) {
    // An estimate (no reported cost: tokens × list prices) reads "≈$…"; the change's tooltip says on what.
    const side = (t: typeof a): string => (t.cost === undefined ? '–' : `${t.costEstimate ? ESTIMATE_MARK : ''}${money(t.cost)}`);
    const why = [a.costEstimate && `${names[0]}: ${costTitle(a.costEstimate)}`, b.costEstimate && `${names[1]}: ${costTitle(b.costEstimate)}`].filter(Boolean).join('; ');
    row(
      'Cost',
      side(a),
      side(b),
      delta.cost === undefined ? '' : `${a.costEstimate || b.costEstimate ? ESTIMATE_MARK : ''}${signedMoney(delta.cost)}`,
      countTrend(delta.cost),
      why
    );
  }
  table.appendChild(body);
  return table;
}
