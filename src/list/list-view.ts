/**
 * Many traces on screen: a header (title, counts, what the output left out),
 * the filter box (the trace query language), the aggregate strip over the
 * traces that pass it, the list itself (a virtualized ARIA grid, one row per
 * trace, sortable by any column, optionally grouped by session with each
 * group's totals) and, under it, the trace a row opened in the full trace
 * view. A newer payload (a live cell adding traces) keeps the filter, the
 * sort, the grouping, the open trace and the scroll. Plain DOM.
 */
import { assessmentChips } from '../common/chips';
import { el } from '../common/dom';
import { warningsList } from '../common/warnings';
import { TraceList } from '../model/trace-list';
import { aggregate } from '../rows/list/aggregate';
import { cellText, groupCellText, groupText, tokensTitle } from '../rows/list/list-labels';
import { itemKey, ListItem, listItems } from '../rows/list/sessions';
import { filterRows, ListColumn, ListColumnId, listColumns, ListRow, listRows, SortDirection, sortRows } from '../rows/list/trace-rows';
import { costTitle, formatCount } from '../rows/labels';
import { Query } from '../rows/query/parser';
import { TraceViewOptions } from '../tree/trace-view';
import { Grid, GridColumn } from '../eval/grid';
import { AggregateStrip } from './aggregate-strip';
import { QueryBox } from './query-box';
import { TracePanel } from './trace-panel';

const WIDTHS: Record<ListColumnId, string> = {
  name: 'minmax(160px, 2.4fr)',
  status: '70px',
  start: '164px',
  latency: '86px',
  spans: '58px',
  tokens: '74px',
  cost: '96px',
  models: 'minmax(100px, 1.2fr)',
  session: 'minmax(90px, 1fr)',
  tags: 'minmax(90px, 1fr)',
  scores: 'minmax(90px, 1fr)'
};
const NUMERIC = new Set<ListColumnId>(['latency', 'spans', 'tokens', 'cost']);

function gridColumn(c: ListColumn): GridColumn {
  return { id: c.id, label: c.label, width: WIDTHS[c.id], sortable: true };
}

export class TraceListView {
  constructor(list: TraceList, options: Partial<TraceViewOptions> = {}) {
    this.node = el('div', 'nbtrace-list');
    this._head = el('div', 'nbtrace-list-header');
    this._title = el('span', 'nbtrace-title');
    this._note = el('span', 'nbtrace-list-note');
    const groupLabel = el('label', 'nbtrace-list-group');
    this._group = el('input', '');
    this._group.type = 'checkbox';
    this._group.addEventListener('change', () => this._refresh());
    groupLabel.append(this._group, document.createTextNode(' group by session'));
    this._head.append(this._title, this._note, groupLabel);
    this.query = new QueryBox(() => this._refresh());
    this.strip = new AggregateStrip();
    this._warnings = el('div', 'nbtrace-warnings');
    this._warnings.hidden = true;
    this.grid = new Grid<ListItem>({
      label: 'Traces',
      columns: [],
      maxVisibleRows: 12,
      keyOf: itemKey,
      renderCell: (cell, item, column) => this._renderCell(cell, item, column.id as ListColumnId),
      onOpen: item => this._open(item),
      onSort: column => this._toggleSort(column.id as ListColumnId)
    });
    this.panel = new TracePanel({ snapshot: false, ...options }, () => this._open(null));
    this.node.append(this._head, this._warnings, this.query.node, this.strip.node, this.grid.node, this.panel.node);
    this.update(list);
    if (list.query) {
      this.query.set(list.query);
    }
  }

  readonly node: HTMLElement;
  readonly query: QueryBox;
  readonly strip: AggregateStrip;
  readonly grid: Grid<ListItem>;
  readonly panel: TracePanel;

  /** Every row (before the filter). */
  get rows(): readonly ListRow[] {
    return this._rows;
  }

  /** The rows that pass the filter, in the order shown. */
  get shown(): readonly ListRow[] {
    return this._shown;
  }

  /** A newer payload of the same list (or the first). */
  update(list: TraceList): void {
    this._rows = listRows(list.entries);
    const summaries = this._rows.filter(r => !r.entry.hasSpans).length;
    this._title.textContent = list.title ?? `${formatCount(this._rows.length)} trace${this._rows.length === 1 ? '' : 's'}`;
    const notes: string[] = [];
    if (summaries > 0) {
      notes.push(`${formatCount(summaries)} kept as summaries without spans (span conditions match their span names, types, statuses and models, not span content)`);
    }
    if (list.omitted > 0) {
      notes.push(`${formatCount(list.omitted)} more left out of this output (nbtrace.search_traces() or last_traces() has them)`);
    }
    this._notes = notes;
    this._writeNote();
    this._warnings.hidden = list.warnings.length === 0;
    this._warnings.replaceChildren(...(list.warnings.length ? [warningsList(list.warnings, 'reading this list')] : []));
    const columns = listColumns(this._rows);
    const key = columns.map(c => c.id).join(',');
    if (key !== this._columnKey) {
      this._columnKey = key;
      this.grid.setColumns(columns.map(gridColumn));
    }
    this._refresh();
  }

  /** A line from the host on why these traces are listed (null: none). */
  setNote(text: string | null): void {
    this._hostNote = text;
    this._writeNote();
  }

  /** Group the rows by session (or not). */
  groupBySession(on: boolean): void {
    this._group.checked = on;
    this._refresh();
  }

  /** Sort by a column (null: the payload's order). */
  sortBy(column: ListColumnId | null, direction: SortDirection = 'ascending'): void {
    this._sort = column;
    this._direction = direction;
    this.grid.setSort(column, direction);
    this._refresh();
  }

  /** Open the trace of `key` (null closes it). */
  open(key: string | null): void {
    this._open(key === null ? null : { kind: 'trace', row: this._rows.find(r => r.key === key)! });
  }

  focus(): void {
    this.grid.focus();
  }

  dispose(): void {
    this.query.dispose();
    this.grid.dispose();
    this.panel.dispose();
  }

  private _writeNote(): void {
    this._note.textContent = [...(this._hostNote ? [this._hostNote] : []), ...this._notes].join(' · ');
  }

  private _refresh(): void {
    const query: Query | null = this.query.query;
    let rows = filterRows(this._rows, query);
    if (this._sort) {
      rows = sortRows(rows, this._sort, this._direction);
    }
    this._shown = rows;
    this.grid.setItems(listItems(rows, this._group.checked, this._collapsed));
    this.strip.render(aggregate(rows));
    this.query.count.textContent = rows.length === this._rows.length ? `${formatCount(rows.length)} traces` : `${formatCount(rows.length)} of ${formatCount(this._rows.length)} traces`;
    const open = this.panel.key;
    if (open !== null) {
      const row = this._rows.find(r => r.key === open) ?? null;
      this.panel.show(row);
      this.grid.setOpen(row ? row.key : null);
    }
  }

  private _toggleSort(column: ListColumnId): void {
    if (this._sort !== column) {
      // Numbers and times start with the largest (the slow, costly, recent ones), text with A.
      this.sortBy(column, NUMERIC.has(column) || column === 'start' ? 'descending' : 'ascending');
    } else if ((this._direction === 'descending') === (NUMERIC.has(column) || column === 'start')) {
      this.sortBy(column, this._direction === 'ascending' ? 'descending' : 'ascending');
    } else {
      this.sortBy(null);
    }
  }

  private _open(item: ListItem | null): void {
    if (item && item.kind === 'group') {
      const k = item.group.key;
      if (this._collapsed.has(k)) {
        this._collapsed.delete(k);
      } else {
        this._collapsed.add(k);
      }
      this._refresh();
      return;
    }
    const row = item?.row ?? null;
    this.grid.setOpen(row?.key ?? null);
    this.panel.show(row);
    if (row === null) {
      this.grid.focus();
    }
  }

  private _renderCell(cell: HTMLElement, item: ListItem, column: ListColumnId): void {
    cell.classList.toggle('nbtrace-grid-number', NUMERIC.has(column));
    if (item.kind === 'group') {
      const g = item.group;
      cell.classList.add('nbtrace-list-groupcell');
      cell.removeAttribute('data-status');
      if (column === 'name') {
        cell.textContent = `${item.collapsed ? '▸' : '▾'} ${groupText(g)}`;
        cell.title = `${groupText(g)}. Enter or click: ${item.collapsed ? 'show' : 'hide'} its traces`;
      } else {
        cell.textContent = groupCellText(g, column);
        cell.title = cell.textContent;
      }
      return;
    }
    const row = item.row;
    cell.classList.remove('nbtrace-list-groupcell');
    const text = cellText(row, column);
    cell.textContent = column === 'name' && item.group ? `  ${text}` : text;
    cell.title = column === 'tokens' ? tokensTitle(row) : column === 'cost' && row.costEstimated ? `${text}: ${costTitle({ ...row.entry.trace.cost, estimated: true })}` : column === 'name' ? `${text} (${row.entry.trace.id})${row.entry.hasSpans ? '' : ' — summary, without spans'}` : text;
    if (column === 'status') {
      cell.dataset.status = row.facts.status;
    } else {
      cell.removeAttribute('data-status');
    }
    if (column === 'scores') {
      // The scores as chips (✓ / ✗ / value, the rationale in each tooltip); the text stays the cell's title.
      const feedback = row.scores.filter(x => x.kind === 'feedback');
      if (feedback.length > 0) {
        cell.replaceChildren(assessmentChips(feedback, 'nbtrace-list-scores', 3));
      }
    }
  }

  private _rows: ListRow[] = [];
  private _notes: string[] = [];
  private _hostNote: string | null = null;
  private _shown: ListRow[] = [];
  private _columnKey = '';
  private _sort: ListColumnId | null = null;
  private _direction: SortDirection = 'ascending';
  private _collapsed = new Set<string>();
  private _head: HTMLElement;
  private _title: HTMLElement;
  private _note: HTMLElement;
  private _group: HTMLInputElement;
  private _warnings: HTMLElement;
}
