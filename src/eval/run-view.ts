/**
 * One evaluation run on screen: a header (name, state, progress and time
 * left, the dataset and its digest, each scorer's aggregate, latency, tokens,
 * cost), filters (text, failed only, one scorer), the results grid (one row per
 * record; sortable by any column) and, for the row opened, its record, scores
 * and trace (RecordDetail). A newer payload of the same run (live) keeps the
 * sort, the filters, the open row and the scroll. Plain DOM.
 */
import { el } from '../common/dom';
import { warningsList } from '../common/warnings';
import { EvalRun } from '../model/eval';
import { Column, evalColumns, filterLines, nextSort, RecordLine, recordLines, sortLines, SortDirection } from '../rows/eval-table';
import { datasetText, MetricLabel, metricLabels, progressText, stateText } from '../rows/eval-labels';
import { renderLineCell } from './cells';
import { DetailOptions, RecordDetail } from './record-detail';
import { FilterControls } from './filter-controls';
import { Grid, GridColumn } from './grid';

const WIDTHS: Record<string, string> = {
  index: '56px',
  inputs: 'minmax(140px, 2fr)',
  output: 'minmax(140px, 2fr)',
  expectations: 'minmax(100px, 1.4fr)',
  latency: '76px',
  tokens: '64px',
  cost: '76px',
  status: '72px'
};

function gridColumn(c: Column): GridColumn {
  return { id: c.id, label: c.label, width: WIDTHS[c.id] ?? 'minmax(72px, 0.8fr)', sortable: true, title: c.kind === 'score' ? `Scorer ${c.label}: click to sort` : undefined };
}

/** An aggregate as a chip: a pass rate is toned all-pass / all-fail / mixed. */
export function metricChip(m: MetricLabel): HTMLElement {
  const chip = el('span', 'nbtrace-score nbtrace-eval-metric');
  chip.dataset.verdict = m.rate === undefined ? 'none' : m.rate === 1 ? 'pass' : m.rate === 0 ? 'fail' : 'value';
  const value = m.text.startsWith(`${m.name} `) ? m.text.slice(m.name.length + 1) : m.text;
  if (value !== m.text) {
    chip.appendChild(el('span', 'nbtrace-score-name', m.name));
  }
  chip.appendChild(el('span', 'nbtrace-score-value', value));
  chip.title = m.text;
  chip.setAttribute('aria-label', m.text);
  return chip;
}

export class EvalRunView {
  constructor(run: EvalRun, warnings: readonly string[], options: DetailOptions) {
    this.node = el('div', 'nbtrace-eval');
    this._header = el('div', 'nbtrace-eval-header');
    this._title = el('span', 'nbtrace-title');
    this._state = el('span', 'nbtrace-chip');
    this._progress = el('span', 'nbtrace-eval-progress');
    this._progress.setAttribute('role', 'status');
    this._dataset = el('span', 'nbtrace-eval-dataset');
    this._metrics = el('div', 'nbtrace-eval-metrics');
    this._metrics.setAttribute('role', 'group');
    this._metrics.setAttribute('aria-label', 'Aggregates');
    this._header.append(this._title, this._state, this._progress, this._dataset);
    this.node.append(this._header, this._metrics);
    if (warnings.length > 0) {
      const box = el('div', 'nbtrace-warnings');
      box.appendChild(warningsList(warnings, 'reading this evaluation'));
      this.node.appendChild(box);
    }
    this._filters = new FilterControls(() => this._refresh(), { failedLabel: 'failed only' });
    this.node.appendChild(this._filters.node);
    this._grid = new Grid<RecordLine>({
      label: `Results of ${run.name}`,
      columns: [],
      keyOf: line => line.recordId,
      renderCell: (cell, line, column) => renderLineCell(cell, line, this._columnOf(column.id)),
      onOpen: line => this._open(line),
      onSort: column => this._toggleSort(column.id)
    });
    this.node.appendChild(this._grid.node);
    this._detail = new RecordDetail(options);
    this.node.appendChild(this._detail.node);
    this._detail.node.hidden = true;
    this.update(run);
  }

  readonly node: HTMLElement;

  get run(): EvalRun {
    return this._run!;
  }

  /** The lines shown, in order (filtered and sorted). */
  get lines(): readonly RecordLine[] {
    return this._grid.items;
  }

  get grid(): Grid<RecordLine> {
    return this._grid;
  }

  /** A newer payload of the same run (or a first one). */
  update(run: EvalRun): void {
    this._run = run;
    this._lines = recordLines(run);
    this._columns = evalColumns(run, this._lines);
    this._title.textContent = `Evaluation ${run.name}`;
    this._title.title = `Run ${run.id}`;
    const state = run.state === 'RUNNING' ? 'running' : run.state === 'INTERRUPTED' ? 'error' : 'ok';
    this._state.className = `nbtrace-chip nbtrace-chip-${state}`;
    this._state.textContent = stateText(run);
    this._progress.textContent = progressText(run.progress, run.state);
    this._dataset.textContent = datasetText(run);
    this._dataset.title = 'The data this run used: runs on different data are never compared silently';
    this._metrics.replaceChildren(...metricLabels(run).map(metricChip));
    this._filters.setScorers(run.scorers.map(s => s.name));
    const columnKey = this._columns.map(c => c.id).join('\u0000');
    if (columnKey !== this._columnKey) {
      this._columnKey = columnKey;
      this._grid.setColumns(this._columns.map(gridColumn));
    }
    this._refresh();
  }

  /** Sort by a column (again: the other direction; a third time: run order). */
  sortBy(columnId: string | null, direction: SortDirection = 'ascending'): void {
    this._sort = columnId;
    this._direction = direction;
    this._grid.setSort(columnId, direction);
    this._refresh();
  }

  get filters(): FilterControls {
    return this._filters;
  }

  /** Open a record's details (null closes them). */
  open(recordId: string | null): void {
    this._open(recordId === null ? null : this._lines.find(l => l.recordId === recordId) ?? null);
  }

  focus(): void {
    this._grid.focus();
  }

  dispose(): void {
    this._grid.dispose();
    this._detail.dispose();
  }

  private _columnOf(id: string): Column {
    return this._columns.find(c => c.id === id) ?? { id, label: id, kind: 'json' };
  }

  private _toggleSort(columnId: string): void {
    this.sortBy(...nextSort(this._sort, this._direction, columnId));
  }

  private _refresh(): void {
    let lines = filterLines(this._lines, this._filters.value);
    const column = this._sort ? this._columns.find(c => c.id === this._sort) : undefined;
    if (column) {
      lines = sortLines(lines, column, this._direction);
    }
    this._grid.setItems(lines);
    this._filters.setCount(lines.length, this._lines.length);
    const openId = this._detail.recordId;
    if (openId !== null) {
      this._detail.show(this._lines.find(l => l.recordId === openId) ?? null);
      if (this._detail.recordId === null) {
        this._grid.setOpen(null);
      }
    }
  }

  private _open(line: RecordLine | null): void {
    this._grid.setOpen(line?.recordId ?? null);
    this._detail.show(line, 0);
  }

  private _run: EvalRun | null = null;
  private _lines: RecordLine[] = [];
  private _columns: Column[] = [];
  private _columnKey = '';
  private _sort: string | null = null;
  private _direction: SortDirection = 'ascending';
  private _header: HTMLElement;
  private _title: HTMLElement;
  private _state: HTMLElement;
  private _progress: HTMLElement;
  private _dataset: HTMLElement;
  private _metrics: HTMLElement;
  private _filters: FilterControls;
  private _grid: Grid<RecordLine>;
  private _detail: RecordDetail;
}
