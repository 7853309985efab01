/**
 * Two evaluation runs compared: a header with how many records regressed,
 * improved or stayed the same — overall and per scorer, latency, tokens and
 * cost — and what makes the runs not like for like (different data or
 * scorers: said, never hidden); a grid with one row per record: A's value → B's
 * and the trend (▲ improved, ▼ regressed, = the same; said in words in the
 * tooltip and the cell's label); "regressions only". Opening a row shows both
 * outputs and both traces in the trace comparison view. Plain DOM.
 */
import { CompareView } from '../compare/compare-view';
import { button, el } from '../common/dom';
import { renderJson } from '../common/json-view';
import { warningsList } from '../common/warnings';
import { compareTraces } from '../model/compare';
import { EvalRun } from '../model/eval';
import { parsePayload } from '../model';
import { ComparedRow, compareRuns, RunComparison, Trend } from '../rows/eval-compare';
import { compactJson, nextSort } from '../rows/eval-table';
import { datasetText } from '../rows/eval-labels';
import { formatCompact, formatDuration, money } from '../rows/labels';
import { FilterControls } from './filter-controls';
import { Grid, GridColumn } from './grid';
import { DetailOptions, traceBox } from './record-detail';
import { TraceView } from '../tree/trace-view';

const MARK: Record<Trend, string> = { improved: '▲', regressed: '▼', unchanged: '=' };
const VERDICT_RANK: Record<string, number> = { regressed: 0, improved: 1, unchanged: 2, added: 3, removed: 4 };
const METRIC_LABEL: Record<string, string> = { status: 'errors', latency_ms: 'latency', tokens: 'tokens', cost: 'cost' };

function metricName(m: string): string {
  return METRIC_LABEL[m] ?? m;
}

function fmt(metric: string, v: number | undefined): string {
  if (v === undefined) {
    return '–';
  }
  if (metric === 'latency_ms') {
    return formatDuration(v);
  }
  if (metric === 'tokens') {
    return formatCompact(v);
  }
  if (metric === 'cost') {
    return money(v);
  }
  return v === 1 ? '✓' : v === 0 ? '✗' : String(Math.round(v * 1000) / 1000);
}

/** "✓ → ✗" for a scorer or metric of a compared row. */
export function pairText(row: ComparedRow, metric: string): string {
  const value = (agg: ComparedRow['aggA']): number | undefined =>
    !agg ? undefined : metric === 'latency_ms' ? agg.latencyMs : metric === 'tokens' ? agg.tokens : metric === 'cost' ? agg.cost : agg.scores.get(metric);
  if (row.kind !== 'matched') {
    return row.kind === 'added' ? `– → ${fmt(metric, value(row.aggB))}` : `${fmt(metric, value(row.aggA))} → –`;
  }
  return `${fmt(metric, value(row.aggA))} → ${fmt(metric, value(row.aggB))}`;
}

export class EvalCompareView {
  constructor(a: EvalRun, b: EvalRun, warnings: readonly string[], options: DetailOptions) {
    this._options = options;
    this.node = el('div', 'nbtrace-eval nbtrace-eval-compare');
    this._header = el('div', 'nbtrace-eval-header');
    this._counts = el('div', 'nbtrace-eval-metrics');
    this._counts.setAttribute('role', 'group');
    this._counts.setAttribute('aria-label', 'What changed');
    this._warnings = el('div', 'nbtrace-warnings');
    this._extraWarnings = warnings;
    this.node.append(this._header, this._counts, this._warnings);
    this._filters = new FilterControls(() => this._refresh(), { failedLabel: 'regressions only' });
    this.node.appendChild(this._filters.node);
    this._grid = new Grid<ComparedRow>({
      label: `Results of ${a.name} and ${b.name}, record by record`,
      columns: [],
      keyOf: r => r.recordId,
      renderCell: (cell, row, column) => this._renderCell(cell, row, column),
      onOpen: row => this._open(row),
      onSort: column => this._toggleSort(column.id)
    });
    this.node.appendChild(this._grid.node);
    this._detail = el('div', 'nbtrace-eval-detail');
    this._detail.setAttribute('role', 'region');
    this._detail.setAttribute('data-lm-suppress-shortcuts', 'true');
    this._detail.hidden = true;
    this.node.appendChild(this._detail);
    this.update(a, b);
  }

  readonly node: HTMLElement;

  get comparison(): RunComparison {
    return this._cmp!;
  }

  get rows(): readonly ComparedRow[] {
    return this._grid.items;
  }

  get filters(): FilterControls {
    return this._filters;
  }

  get grid(): Grid<ComparedRow> {
    return this._grid;
  }

  update(a: EvalRun, b: EvalRun): void {
    this._a = a;
    this._b = b;
    this._cmp = compareRuns(a, b);
    const v = this._cmp.verdicts;
    this._header.replaceChildren(
      el('span', 'nbtrace-title', `Comparison ${a.name} → ${b.name}`),
      el('span', 'nbtrace-eval-dataset', `${a.name}: ${datasetText(a)}`),
      el('span', 'nbtrace-eval-dataset', `${b.name}: ${datasetText(b)}`)
    );
    const chip = (text: string, trend: string, label: string): HTMLElement => {
      const c = el('span', 'nbtrace-eval-verdict', text);
      c.dataset.trend = trend;
      c.title = label;
      return c;
    };
    const counts: HTMLElement[] = [
      chip(`▼ ${v.regressed} regressed`, 'regressed', `${v.regressed} records got worse`),
      chip(`▲ ${v.improved} improved`, 'improved', `${v.improved} records got better`),
      chip(`= ${v.unchanged} unchanged`, 'unchanged', `${v.unchanged} records stayed the same`)
    ];
    if (v.added) {
      counts.push(chip(`+ ${v.added} only in ${b.name}`, 'added', `${v.added} records are only in ${b.name}`));
    }
    if (v.removed) {
      counts.push(chip(`− ${v.removed} only in ${a.name}`, 'removed', `${v.removed} records are only in ${a.name}`));
    }
    for (const m of this._cmp.metrics) {
      const c = this._cmp.counts.get(m)!;
      if (c.improved || c.regressed) {
        counts.push(
          chip(
            `${metricName(m)}: ${c.regressed ? `▼${c.regressed}` : ''}${c.regressed && c.improved ? ' ' : ''}${c.improved ? `▲${c.improved}` : ''}`,
            c.regressed ? 'regressed' : 'improved',
            `${metricName(m)}: ${c.regressed} regressed, ${c.improved} improved, ${c.unchanged} unchanged`
          )
        );
      }
    }
    this._counts.replaceChildren(...counts);
    const warnings = [...this._extraWarnings, ...this._cmp.warnings];
    this._warnings.hidden = warnings.length === 0;
    this._warnings.replaceChildren(...(warnings.length ? [warningsList(warnings, 'comparing these runs')] : []));
    if (warnings.length) {
      (this._warnings.querySelector('details') as HTMLDetailsElement).open = this._cmp.warnings.length > 0;
    }
    this._filters.setScorers(this._cmp.metrics.filter(m => !(m in METRIC_LABEL)));
    const columns: GridColumn[] = [
      { id: 'index', label: '#', width: '48px', sortable: true },
      { id: 'inputs', label: 'Inputs', width: 'minmax(160px, 2fr)', sortable: true },
      { id: 'verdict', label: 'Change', width: '96px', sortable: true },
      ...this._cmp.metrics.map(m => ({ id: `m:${m}`, label: metricName(m), width: m in METRIC_LABEL ? '124px' : 'minmax(96px, 1fr)', sortable: true }))
    ];
    const key = columns.map(c => c.id).join('\u0000');
    if (key !== this._columnKey) {
      this._columnKey = key;
      this._grid.setColumns(columns);
    }
    this._refresh();
  }

  open(recordId: string | null): void {
    this._open(recordId === null ? null : this._cmp!.rows.find(r => r.recordId === recordId) ?? null);
  }

  sortBy(columnId: string | null, direction: 'ascending' | 'descending' = 'ascending'): void {
    this._sort = columnId;
    this._direction = direction;
    this._grid.setSort(columnId, direction);
    this._refresh();
  }

  dispose(): void {
    this._grid.dispose();
    this._disposeViews();
  }

  private _toggleSort(id: string): void {
    this.sortBy(...nextSort(this._sort, this._direction, id));
  }

  private _refresh(): void {
    const f = this._filters.value;
    const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
    let rows = this._cmp!.rows.filter(r => {
      if (f.failedOnly && !(f.scorer ? r.trends.get(f.scorer) === 'regressed' : r.verdict === 'regressed')) {
        return false;
      }
      if (words.length === 0) {
        return true;
      }
      const hay = JSON.stringify([r.b?.inputs ?? r.a?.inputs, r.a?.outputs, r.b?.outputs]).toLowerCase();
      return words.every(w => hay.includes(w));
    });
    if (this._sort) {
      const sign = this._direction === 'ascending' ? 1 : -1;
      const key = (r: ComparedRow): number | string => {
        if (this._sort === 'index') {
          return (r.b ?? r.a)!.index;
        }
        if (this._sort === 'inputs') {
          return compactJson((r.b ?? r.a)!.inputs).toLowerCase();
        }
        if (this._sort === 'verdict') {
          return VERDICT_RANK[r.verdict];
        }
        const t = r.trends.get(this._sort!.slice(2));
        return t ? VERDICT_RANK[t] : 9;
      };
      rows = rows
        .map((r, i) => ({ r, i, k: key(r) }))
        .sort((x, y) => (typeof x.k === 'number' && typeof y.k === 'number' ? x.k - y.k : String(x.k).localeCompare(String(y.k))) * sign || x.i - y.i)
        .map(x => x.r);
    }
    this._grid.setItems(rows);
    this._filters.setCount(rows.length, this._cmp!.rows.length);
  }

  private _renderCell(cell: HTMLElement, row: ComparedRow, column: GridColumn): void {
    cell.className = 'nbtrace-grid-cell';
    delete cell.dataset.trend;
    const line = row.b ?? row.a!;
    if (column.id === 'index') {
      cell.textContent = String(line.index + 1);
      cell.title = `record ${row.recordId}`;
    } else if (column.id === 'inputs') {
      cell.textContent = compactJson(line.inputs);
      cell.title = JSON.stringify(line.inputs, null, 1) ?? '';
    } else if (column.id === 'verdict') {
      cell.textContent = row.kind === 'matched' ? `${MARK[row.verdict as Trend]} ${row.verdict}` : row.kind === 'added' ? `+ only in ${this._b!.name}` : `− only in ${this._a!.name}`;
      cell.dataset.trend = row.verdict;
      cell.title = cell.textContent;
    } else {
      const metric = column.id.slice(2);
      const t = row.trends.get(metric) ?? null;
      cell.textContent = `${pairText(row, metric)}${t ? ` ${MARK[t]}` : ''}`;
      if (t) {
        cell.dataset.trend = t;
      }
      cell.title = `${metricName(metric)}: ${pairText(row, metric)}${t ? ` (${t})` : ''}`;
      cell.setAttribute('aria-label', cell.title);
    }
  }

  private _open(row: ComparedRow | null): void {
    this._grid.setOpen(row?.recordId ?? null);
    this._disposeViews();
    this._detail.hidden = row === null;
    if (!row) {
      this._detail.replaceChildren();
      return;
    }
    const a = row.a?.reps[0];
    const b = row.b?.reps[0];
    const line = row.b ?? row.a!;
    const head = el('div', 'nbtrace-eval-detail-head');
    head.appendChild(el('h3', 'nbtrace-eval-detail-title', `Record ${line.index + 1}: ${row.verdict}`));
    head.appendChild(button('close', 'nbtrace-link-button', () => this._open(null)));
    const sides = el('div', 'nbtrace-eval-sides');
    for (const [name, r] of [[this._a!.name, a], [this._b!.name, b]] as const) {
      const side = el('section', 'nbtrace-eval-section');
      side.appendChild(el('h4', 'nbtrace-eval-section-title', name));
      side.appendChild(r ? (r.error ? el('pre', 'nbtrace-eval-error', r.error) : renderJson(r.outputs, { openDepth: 2 })) : el('p', 'nbtrace-detail-hint', `Not in ${name}.`));
      sides.appendChild(side);
    }
    const inputs = el('section', 'nbtrace-eval-section');
    inputs.append(el('h4', 'nbtrace-eval-section-title', 'Inputs'), renderJson(line.inputs, { openDepth: 2 }));
    this._detail.replaceChildren(head, inputs, sides, this._traces(a?.trace, b?.trace));
  }

  /** Both traces in the comparison view (or the one there is). */
  private _traces(ta: unknown, tb: unknown): HTMLElement {
    const box = el('section', 'nbtrace-eval-section');
    box.appendChild(el('h4', 'nbtrace-eval-section-title', 'Traces'));
    const pa = ta !== undefined ? parsePayload(ta) : undefined;
    const pb = tb !== undefined ? parsePayload(tb) : undefined;
    if (pa?.ok && pb?.ok && pa.traces.length && pb.traces.length) {
      const view = new CompareView(compareTraces(pa.traces[0], pb.traces[0]), {
        names: [this._a!.name, this._b!.name],
        markdown: this._options.markdown,
        expansion: this._options.expansion,
        maxVisibleRows: this._options.maxVisibleRows
      });
      this._compareView = view;
      box.appendChild(view.node);
    } else {
      box.appendChild(traceBox(tb ?? ta, this._options, this._views, 'These rows have no traces.'));
    }
    return box;
  }

  private _disposeViews(): void {
    this._compareView?.dispose();
    this._compareView = null;
    for (const v of this._views) {
      v.dispose();
    }
    this._views = [];
  }

  private _options: DetailOptions;
  private _a: EvalRun | null = null;
  private _b: EvalRun | null = null;
  private _cmp: RunComparison | null = null;
  private _header: HTMLElement;
  private _counts: HTMLElement;
  private _warnings: HTMLElement;
  private _extraWarnings: readonly string[];
  private _filters: FilterControls;
  private _grid: Grid<ComparedRow>;
  private _detail: HTMLElement;
  private _columnKey = '';
  private _sort: string | null = null;
  private _direction: 'ascending' | 'descending' = 'ascending';
  private _compareView: CompareView | null = null;
  private _views: TraceView[] = [];
}
