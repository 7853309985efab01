/**
 * One trace on screen: header, time axis, the virtualized ARIA tree and the
 * span detail panel. Plain DOM (no Lumino) so it is testable in jsdom; the
 * renderer owns one TraceView per trace id and feeds it newer payloads of the
 * same trace through update(), which keeps expansion, selection and scroll.
 */
import { Span, Trace } from '../model/types';
import { ColumnHeader } from './columns';
import { payloadText, spanRecord } from './copy';
import { detailSignature, renderDetail } from './detail';
import { TraceHeader } from './header';
import { criticalPath, errorBelow, nextError } from './insight';
import { LiveClock } from './live';
import { createRowElement, renderRowElement, RowContext, rowElementId, updateRowBar } from './row';
import { FilterBar } from './filter-bar';
import { collapseShorterThan, keptSpans, kindsOf, maxDepth, NO_FILTER, SpanFilter } from './filters';
import { buildRows, parentOf, revealSpan, Row, rowIndexOf } from './rows';
import { SearchBar } from './search-bar';
import { SearchState } from './search-state';
import { ExpansionOptions, ExpansionState } from './state';
import { createTimeScale, TimeScale } from './timeline';
import { TreeInput } from './tree-input';
import { VirtualList } from './virtual-list';

export const ROW_HEIGHT = 24;

export interface TraceViewOptions extends DisplayOptions {
  expansion: Partial<ExpansionOptions>;
}

/** How the tree looks; settings changes apply them to open views (applyDisplay). */
export interface DisplayOptions {
  /** The tree grows up to this many rows, then scrolls. */
  maxVisibleRows: number;
  rowHeight: number;
  timelineVisible: boolean;
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
    this._filterBar = new FilterBar({
      filter: f => this.setFilter(f),
      changeDepth: delta => this.changeDepth(delta),
      collapseShorterThan: ms => this.collapseShorterThan(ms),
      criticalPath: on => this.setCriticalPath(on)
    });
    this._searchBar.node.appendChild(this._filterBar.node);
    this.node.appendChild(this._searchBar.node);
    this.node.appendChild(this._header.warnings);

    this._columns = new ColumnHeader();
    this.node.appendChild(this._columns.node);

    this._list = new VirtualList({
      rowHeight: options.rowHeight ?? ROW_HEIGHT,
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
    this._input = new TreeInput(tree, this);
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

    this.node.classList.toggle('nbtrace-no-timeline', options.timelineVisible === false);
    this._renderAll();
  }

  readonly node: HTMLElement;

  /** Apply changed display settings to this (already shown) trace. */
  applyDisplay(options: Partial<DisplayOptions>, expansion?: Partial<ExpansionOptions>): void {
    if (options.timelineVisible !== undefined) {
      this.node.classList.toggle('nbtrace-no-timeline', !options.timelineVisible);
    }
    this._list.configure({ rowHeight: options.rowHeight, maxVisibleRows: options.maxVisibleRows });
    if (expansion) {
      // New defaults for spans the user has not opened or closed by hand.
      this._expansion.options = { ...this._expansion.options, ...expansion };
      this._refreshRows();
    }
  }

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
    if (this._critical) {
      this._critical = criticalPath(trace, this._now);
    }
    this._renderAll();
  }

  /**
   * The payload this trace came from (what "Copy JSON" copies); without it,
   * the normalized trace is copied.
   */
  setSource(data: unknown): void {
    this._source = data;
  }

  /** The trace as JSON text: the source payload, else the normalized spans. */
  traceJson(): string {
    if (this._source !== undefined) {
      return payloadText(this._source);
    }
    const t = this._trace;
    const spans = t.spans.map(spanRecord);
    return payloadText({ id: t.id, name: t.name, state: t.state, format: t.format, metadata: t.metadata, spans });
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

  focusSearch(): void {
    this._searchBar.focus();
  }

  pageSize(): number {
    return Math.max(1, Math.floor(this._list.viewportHeight / this._list.rowHeight) - 1);
  }

  /** Expand the span and all its siblings (the `*` key of the ARIA tree pattern). */
  expandSiblings(span: Span): void {
    const parent = parentOf(this._trace, span);
    for (const s of parent ? parent.children : this._trace.roots) {
      if (s.children.length > 0) {
        this._expansion.setExpanded(s, true);
      }
    }
    this._refreshRows();
  }

  get filter(): SpanFilter {
    return this._filter;
  }

  /** Show only spans passing `filter` (with their ancestors, so each stays in place). */
  setFilter(filter: SpanFilter): void {
    this._filter = filter;
    this._refreshRows();
    this._list.invalidate();
  }

  /** Open the tree one level deeper (1) or shallower (-1) everywhere. */
  changeDepth(delta: 1 | -1): void {
    const deepest = maxDepth(this._trace);
    const depth = Math.max(0, Math.min(deepest + 1, this._expansion.openDepth(deepest) + delta));
    this._expansion.expandToDepth(depth);
    this._refreshRows();
  }

  /** Collapse every span shorter than `ms` (their children hidden); the count collapsed. */
  collapseShorterThan(ms: number): number {
    const n = collapseShorterThan(this._trace, this._expansion, ms, this._now);
    this._refreshRows();
    return n;
  }

  /** Highlight the critical path (the spans that determined the end of the trace). */
  setCriticalPath(on: boolean): void {
    this._critical = on ? criticalPath(this._trace, this._now) : null;
    this._list.invalidate();
  }

  dispose(): void {
    this._input.dispose();
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
      hasErrorBelow: span => errorBelow(this._trace, span),
      critical: this._critical ?? undefined
    };
  }

  private _renderAll(): void {
    this._header.render(this._trace, this._clock.running, this._now);
    this._searchBar.setHasErrors(this._trace.spans.some(s => s.status === 'ERROR'));
    this._filterBar.setKinds(kindsOf(this._trace));
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
    const q = this._search;
    const onlyMatches = q.active && q.matchesOnly;
    const keep = keptSpans(this._trace, this._filter, this._now, onlyMatches ? s => q.isMatch(s) : undefined);
    this._rows = buildRows(this._trace, this._expansion, keep);
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

  private _idPrefix: string;
  private _expansion: ExpansionState;
  private _trace: Trace;
  private _scale: TimeScale;
  private _rows: Row[] = [];
  private _selectedId: string | null = null;
  private _header: TraceHeader;
  private _searchBar: SearchBar;
  private _filterBar: FilterBar;
  private _search = new SearchState();
  private _columns: ColumnHeader;
  private _list: VirtualList;
  private _detail: HTMLElement;
  private _intersectionObserver: IntersectionObserver | null = null;
  private _clock = new LiveClock(() => this.tick());
  private _now = 0;
  private _input: TreeInput;
  private _source: unknown = undefined;
  private _filter: SpanFilter = NO_FILTER;
  private _critical: Set<Span> | null = null;
  // undefined: nothing rendered yet (null is the signature of "no selection").
  private _detailSignature: string | null | undefined = undefined;
}
