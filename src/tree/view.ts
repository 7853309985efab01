/**
 * One trace on screen: header, time axis, the virtualized ARIA tree and the
 * span detail panel. Plain DOM (no Lumino) so it is testable in jsdom; the
 * renderer owns one TraceView per trace id and feeds it newer payloads of the
 * same trace through update(), which keeps expansion, selection and scroll.
 */
import { Trace } from '../model/types';
import { ColumnHeader } from './columns';
import { detailSignature, renderDetail } from './detail';
import { TraceHeader } from './header';
import { errorBelow, nextError } from './insight';
import { applyKeyAction, keyAction } from './keyboard';
import { LiveClock } from './live';
import { createRowElement, renderRowElement, RowContext, rowElementId, updateRowBar } from './row';
import { buildRows, parentOf, revealSpan, Row, rowIndexOf } from './rows';
import { SearchBar } from './search-bar';
import { SearchState } from './search-state';
import { ExpansionOptions, ExpansionState } from './state';
import { createTimeScale, TimeScale } from './timeline';
import { VirtualList } from './virtual-list';

export const ROW_HEIGHT = 24;

export interface TraceViewOptions {
  expansion: Partial<ExpansionOptions>;
  /** The tree grows up to this many rows, then scrolls. */
  maxVisibleRows: number;
}

let nextViewId = 0;

export class TraceView {
  constructor(trace: Trace, options: Partial<TraceViewOptions> = {}) {
    this._idPrefix = `nbtrace-${++nextViewId}`;
    this._expansion = new ExpansionState(options.expansion);
    this._trace = trace;
    const arrivedAt = performance.now();
    this._clock.reset(trace, arrivedAt);
    this._now = this._clock.now(arrivedAt);
    this._scale = createTimeScale(this._now);

    this.node = document.createElement('div');
    this.node.className = 'nbtrace-trace';

    this._header = new TraceHeader(this);
    this.node.appendChild(this._header.node);
    this._searchBar = new SearchBar({
      query: text => this.search(text),
      step: direction => this.stepMatch(direction),
      matchesOnly: on => this.setMatchesOnly(on),
      nextError: direction => this.selectNextError(direction)
    });
    this.node.appendChild(this._searchBar.node);
    this.node.appendChild(this._header.warnings);

    this._columns = new ColumnHeader();
    this.node.appendChild(this._columns.node);

    this._list = new VirtualList({
      rowHeight: ROW_HEIGHT,
      overscan: 8,
      maxVisibleRows: options.maxVisibleRows ?? 16,
      createRow: createRowElement,
      renderRow: (el, index) => this._renderRow(el, index)
    });
    const tree = this._list.node;
    tree.setAttribute('role', 'tree');
    tree.setAttribute('tabindex', '0');
    tree.setAttribute('aria-label', `Spans of trace ${trace.name}`);
    // Arrow keys etc. belong to the tree while it has focus, not to notebook shortcuts.
    tree.setAttribute('data-lm-suppress-shortcuts', 'true');
    tree.addEventListener('click', this._onClick);
    tree.addEventListener('dblclick', this._onDblClick);
    tree.addEventListener('keydown', this._onKeyDown);
    tree.addEventListener('mousedown', this._onMouseDown);
    tree.addEventListener('focus', this._onFocus);
    this.node.appendChild(tree);

    this._detail = document.createElement('div');
    this._detail.className = 'nbtrace-detail';
    this._detail.setAttribute('role', 'region');
    this._detail.setAttribute('aria-label', 'Span details');
    this.node.appendChild(this._detail);

    // The live ticker runs only while the trace is on screen.
    if (typeof IntersectionObserver !== 'undefined') {
      this._intersectionObserver = new IntersectionObserver(entries => {
        this._clock.setVisible(entries[entries.length - 1].isIntersecting);
      });
      this._intersectionObserver.observe(this.node);
    }

    this._renderAll();
  }

  readonly node: HTMLElement;

  get trace(): Trace {
    return this._trace;
  }

  get rows(): readonly Row[] {
    return this._rows;
  }

  get selectedId(): string | null {
    return this._selectedId;
  }

  get expansion(): ExpansionState {
    return this._expansion;
  }

  /**
   * A newer payload of the same trace: keep expansion, selection and scroll
   * positions. The tree and detail elements stay, so their scroll offsets stay
   * without being read or written (either would force a layout per update).
   */
  update(trace: Trace): void {
    this._trace = trace;
    const arrivedAt = performance.now();
    this._clock.reset(trace, arrivedAt);
    this._now = this._clock.now(arrivedAt);
    this._scale = createTimeScale(this._now);
    if (this._selectedId !== null && !trace.byId.has(this._selectedId)) {
      this._selectedId = null;
    }
    this._search.refresh(trace);
    this._renderAll();
  }

  /** The search state (query, matches, current match). */
  get searchState(): SearchState {
    return this._search;
  }

  /**
   * Search the spans (see search.ts for the query syntax): matches are marked,
   * the rest dimmed, and the first match at or after the selection is
   * revealed (ancestors expanded), scrolled into view and selected.
   */
  search(query: string): void {
    this._search.setQuery(query, this._trace, this._selectedId);
    this._afterSearchMove();
  }

  /** Next (1) or previous (-1) match, wrapping. */
  stepMatch(direction: 1 | -1): void {
    this._search.step(direction);
    this._afterSearchMove();
  }

  /** Show only the matches and their ancestors (while a search is active). */
  setMatchesOnly(on: boolean): void {
    this._search.matchesOnly = on;
    if (on) {
      // Every match must be reachable: open the path to each.
      for (const m of this._search.matches) {
        revealSpan(this._trace, this._expansion, m);
      }
    }
    this._refreshRows();
    this._list.invalidate();
  }

  /** Select the next (1) or previous (-1) span with an error, revealing it. */
  selectNextError(direction: 1 | -1 = 1): void {
    const span = nextError(this._trace, this._selectedId, direction);
    if (span) {
      this.select(span.id);
    }
  }

  private _afterSearchMove(): void {
    const current = this._search.current;
    if (this._search.matchesOnly) {
      this.setMatchesOnly(true);
    }
    if (current) {
      this.select(current.id);
    } else {
      this._refreshRows();
      this._list.invalidate();
    }
    this._renderSearchCount();
  }

  private _renderSearchCount(): void {
    const q = this._search;
    this._searchBar.setCount(q.currentIndex, q.matches.length, q.active);
  }

  expandAll(): void {
    this._expansion.expandAll();
    this._refreshRows();
  }

  collapseAll(): void {
    this._expansion.collapseAll();
    this._refreshRows();
  }

  /** Select a span by id (revealing it under collapsed parents), or clear with null. */
  select(id: string | null): void {
    const span = id === null ? null : this._trace.byId.get(id) ?? null;
    this._selectedId = span ? span.id : null;
    if (span && rowIndexOf(this._rows, span.id) < 0) {
      revealSpan(this._trace, this._expansion, span);
      this._rebuildRows();
    }
    const index = rowIndexOf(this._rows, this._selectedId);
    if (index >= 0) {
      this._list.scrollToIndex(index);
    }
    this._list.invalidate();
    this._syncActiveDescendant();
    renderDetail(this._detail, this._trace, span);
    this._detailSignature = detailSignature(span);
  }

  setExpanded(id: string, expanded: boolean): void {
    const span = this._trace.byId.get(id);
    if (span && span.children.length > 0) {
      this._expansion.setExpanded(span, expanded);
      this._refreshRows();
    }
  }

  /** Give the tree keyboard focus. */
  focus(): void {
    this._list.node.focus();
  }

  dispose(): void {
    const tree = this._list.node;
    tree.removeEventListener('click', this._onClick);
    tree.removeEventListener('dblclick', this._onDblClick);
    tree.removeEventListener('keydown', this._onKeyDown);
    tree.removeEventListener('mousedown', this._onMouseDown);
    tree.removeEventListener('focus', this._onFocus);
    this._list.dispose();
    this._searchBar.dispose();
    this._columns.dispose();
    this._intersectionObserver?.disconnect();
    this._clock.dispose();
  }

  /** Whether the live ticker is running (trace in progress and on screen). */
  get ticking(): boolean {
    return this._clock.ticking;
  }

  /**
   * Advance "now" for a running trace: only the axis, the bars of the rows in
   * the DOM and the elapsed time change — no row is re-rendered.
   */
  tick(at?: number): void {
    this._now = this._clock.now(at);
    this._scale = createTimeScale(this._now);
    this._columns.render(this._scale);
    const ctx = this._rowContext();
    this._list.forEachRendered((el, index) => {
      const row = this._rows[index];
      if (row) {
        updateRowBar(el, row.span, ctx);
      }
    });
    this._header.renderElapsed(this._now);
  }

  private _renderRow(el: HTMLElement, index: number): void {
    const row = this._rows[index];
    if (row) {
      renderRowElement(el, row, this._rowContext());
    }
  }

  private _rowContext(): RowContext {
    return {
      scale: this._scale,
      selectedId: this._selectedId,
      now: this._now,
      idPrefix: this._idPrefix,
      search: this._search.rowSearch(),
      hasErrorBelow: span => errorBelow(this._trace, span)
    };
  }

  private _renderAll(): void {
    this._header.render(this._trace, this._clock.running, this._now);
    this._searchBar.setHasErrors(this._trace.spans.some(s => s.status === 'ERROR'));
    this._renderSearchCount();
    this._columns.render(this._scale);
    this._refreshRows();
    const selected = this._selectedId === null ? null : this._trace.byId.get(this._selectedId) ?? null;
    // A live update that did not touch the selected span keeps its panel as is
    // (opened JSON nodes, "show all", scroll); re-rendering would reset them.
    const signature = detailSignature(selected);
    if (signature !== this._detailSignature) {
      renderDetail(this._detail, this._trace, selected);
      this._detailSignature = signature;
    }
  }

  private _rebuildRows(): void {
    this._rows = buildRows(this._trace, this._expansion, this._search.keep(this._trace));
    this._list.setCount(this._rows.length);
  }

  private _refreshRows(): void {
    this._rebuildRows();
    this._syncActiveDescendant();
  }

  private _syncActiveDescendant(): void {
    const tree = this._list.node;
    if (this._selectedId !== null && rowIndexOf(this._rows, this._selectedId) >= 0) {
      tree.setAttribute('aria-activedescendant', rowElementId(this._idPrefix, this._selectedId));
    } else {
      tree.removeAttribute('aria-activedescendant');
    }
  }

  private _rowIndexFromEvent(event: Event): number {
    const target = event.target as HTMLElement | null;
    const rowEl = target?.closest?.('.nbtrace-row') as HTMLElement | null;
    if (!rowEl || !rowEl.dataset.spanId) {
      return -1;
    }
    return rowIndexOf(this._rows, rowEl.dataset.spanId);
  }

  private _onClick = (event: MouseEvent): void => {
    const index = this._rowIndexFromEvent(event);
    if (index < 0) {
      return;
    }
    const row = this._rows[index];
    const onTwisty = (event.target as HTMLElement).closest('.nbtrace-twisty');
    if (onTwisty && row.hasChildren) {
      this._expansion.toggle(row.span);
      this._refreshRows();
      return;
    }
    this.select(row.span.id);
  };

  private _onDblClick = (event: MouseEvent): void => {
    const index = this._rowIndexFromEvent(event);
    if (index >= 0 && this._rows[index].hasChildren && !(event.target as HTMLElement).closest('.nbtrace-twisty')) {
      this._expansion.toggle(this._rows[index].span);
      this._refreshRows();
    }
  };

  private _onMouseDown = (): void => {
    this._mouseFocus = true;
  };

  private _onFocus = (): void => {
    // Keyboard users landing on the tree start at the first span (a click selects what it hits).
    const byMouse = this._mouseFocus;
    this._mouseFocus = false;
    if (!byMouse && this._selectedId === null && this._rows.length > 0) {
      this.select(this._rows[0].span.id);
    }
  };

  private _onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey) {
      // "/" jumps to the search box, as in many viewers.
      event.preventDefault();
      event.stopPropagation();
      this._searchBar.focus();
      return;
    }
    if (this._rows.length === 0) {
      return;
    }
    const current = rowIndexOf(this._rows, this._selectedId);
    const page = Math.max(1, Math.floor(this._list.viewportHeight / ROW_HEIGHT) - 1);
    const action = keyAction(event.key, this._rows, current, page, i => {
      const parent = parentOf(this._trace, this._rows[i].span);
      return parent ? rowIndexOf(this._rows, parent.id) : -1;
    });
    if (action === null) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    applyKeyAction(action, this._rows, this);
  };

  private _idPrefix: string;
  private _expansion: ExpansionState;
  private _trace: Trace;
  private _scale: TimeScale;
  private _rows: Row[] = [];
  private _selectedId: string | null = null;
  private _header: TraceHeader;
  private _searchBar: SearchBar;
  private _search = new SearchState();
  private _columns: ColumnHeader;
  private _list: VirtualList;
  private _detail: HTMLElement;
  private _intersectionObserver: IntersectionObserver | null = null;
  private _clock = new LiveClock(() => this.tick());
  private _now = 0;
  private _mouseFocus = false;
  // undefined: nothing rendered yet (null is the signature of "no selection").
  private _detailSignature: string | null | undefined = undefined;
}
