/**
 * One trace on screen, with its tools: the core view (view-core.ts: header,
 * tree, detail, live updates) plus search, filters, critical path, the
 * overview with zoom, and copying. The renderer owns one TraceView per trace
 * id and feeds it newer payloads of the same trace through update(), which
 * keeps expansion, selection, scroll, search and filters.
 */
import { Span, Trace } from '../model/types';
import { traceToOtlp } from '../model/to-otlp';
import { payloadText } from '../common/copy';
import { FilterBar } from '../tools/filter-bar';
import { collapseShorterThan, keptSpans, kindsOf, maxDepth, NO_FILTER, SpanFilter } from '../rows/filters';
import { criticalPath, nextError } from '../rows/trace-facts';
import { Minimap } from '../tools/minimap';
import { RowContext } from './row';
import { prebuildIndex } from '../rows/search';
import { parentOf, revealSpan } from '../rows/visible-rows';
import { SearchBar } from '../tools/search-bar';
import { SearchState } from '../rows/search-state';
import { TimeWindow } from '../rows/timeline';
import { TraceViewCore, TraceViewOptions } from './trace-view-core';

export { DisplayOptions, ROW_HEIGHT, TraceViewOptions } from './trace-view-core';

export class TraceView extends TraceViewCore {
  constructor(trace: Trace, options: Partial<TraceViewOptions> = {}) {
    super(trace, options, { traceJson: () => this.traceJson() });
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
    this._minimap = new Minimap(window => this.zoom(window));
    this.toolsNode.append(this._searchBar.node, this.warningsNode, this._minimap.node);
    this.renderAll();
  }

  /**
   * The payload this trace came from (what "Copy JSON" copies); without it,
   * the normalized trace is copied.
   */
  setSource(data: unknown): void {
    this._source = data;
  }

  /**
   * The trace as JSON text nbtrace reads back: the source payload, else (an
   * output with several traces) the trace as OTLP/JSON.
   */
  traceJson(): string {
    return payloadText(this._source !== undefined ? this._source : traceToOtlp(this._trace));
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
    this._search.setQuery(query, this._trace, this.selectedId);
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
      // Every match must be reachable: open the path to each (shared paths walked once).
      const opened = new Set<Span>();
      for (const m of this._search.matches) {
        revealSpan(this._trace, this._expansion, m, opened);
      }
    }
    this.refreshRows();
    this.invalidateRows();
  }

  /** Select the next (1) or previous (-1) span with an error, revealing it. */
  selectNextError(direction: 1 | -1 = 1): void {
    const span = nextError(this._trace, this.selectedId, direction);
    if (span) {
      this.select(span.id);
    }
  }

  focusSearch(): void {
    this._searchBar.focus();
  }

  /** Expand the span and all its siblings (the `*` key of the ARIA tree pattern). */
  expandSiblings(span: Span): void {
    const parent = parentOf(this._trace, span);
    for (const s of parent ? parent.children : this._trace.roots) {
      if (s.children.length > 0) {
        this._expansion.setExpanded(s, true);
      }
    }
    this.refreshRows();
  }

  get filter(): SpanFilter {
    return this._filter;
  }

  /** Show only spans passing `filter` (with their ancestors, so each stays in place). */
  setFilter(filter: SpanFilter): void {
    this._filter = filter;
    this.refreshRows();
    this.invalidateRows();
  }

  /** Open the tree one level deeper (1) or shallower (-1) everywhere. */
  changeDepth(delta: 1 | -1): void {
    const deepest = maxDepth(this._trace);
    const depth = Math.max(0, Math.min(deepest + 1, this._expansion.openDepth(deepest) + delta));
    this._expansion.expandToDepth(depth);
    this.refreshRows();
  }

  /** Collapse every span shorter than `ms` (their children hidden); the count collapsed. */
  collapseShorterThan(ms: number): number {
    const n = collapseShorterThan(this._trace, this._expansion, ms, this.now);
    this.refreshRows();
    return n;
  }

  /** Highlight the critical path (the spans that determined the end of the trace). */
  setCriticalPath(on: boolean): void {
    this._critical = on ? criticalPath(this._trace, this.now) : null;
    this.invalidateRows();
  }

  /** The zoomed time window of the timeline (null: the whole trace). */
  get zoomWindow(): TimeWindow | null {
    return this._zoom;
  }

  /** Zoom the timeline into [from, to] ms (null: the whole trace again). Only bars and axis change. */
  zoom(window: TimeWindow | null): void {
    this._zoom = window && window[1] > window[0] ? [window[0], window[1]] : null;
    this._minimap.render(this._trace, this.now, this._zoom);
    this.rescale();
  }

  dispose(): void {
    if (this._indexJob) {
      cancelIdleCallback(this._indexJob);
    }
    this._searchBar.dispose();
    this._minimap.dispose();
    super.dispose();
  }

  protected keep(): Set<Span> | undefined {
    const q = this._search;
    const onlyMatches = q.active && q.matchesOnly;
    return keptSpans(this._trace, this._filter, this.now, onlyMatches ? s => q.isMatch(s) : undefined);
  }

  protected rowExtras(): Partial<RowContext> {
    return { search: this._search.rowSearch(), critical: this._critical ?? undefined };
  }

  protected onUpdate(trace: Trace): void {
    this._search.refresh(trace);
    if (this._critical) {
      this._critical = criticalPath(trace, this.now);
    }
  }

  protected onRender(): void {
    this._scheduleIndex();
    this._minimap.render(this._trace, this.now, this._zoom);
    this._searchBar.setHasErrors(this._trace.spans.some(s => s.status === 'ERROR'));
    const trace = this._trace;
    this._filterBar.setKinds(() => kindsOf(trace));
    this._renderSearchCount();
  }

  /**
   * Build the search index of a big, finished trace in idle time, so the
   * first search does not pay for it (a running trace changes too often).
   */
  private _scheduleIndex(): void {
    const trace = this._trace;
    if (trace.state === 'IN_PROGRESS' || trace.spans.length < INDEX_AHEAD_MIN_SPANS || typeof requestIdleCallback === 'undefined') {
      return;
    }
    const step = (deadline: IdleDeadline): void => {
      this._indexJob = 0;
      if (this._trace === trace && !prebuildIndex(trace, () => deadline.timeRemaining() > 2)) {
        this._indexJob = requestIdleCallback(step);
      }
    };
    if (this._indexJob) {
      cancelIdleCallback(this._indexJob);
    }
    this._indexJob = requestIdleCallback(step);
  }

  private _afterSearchMove(): void {
    const current = this._search.current;
    if (this._search.matchesOnly) {
      this.setMatchesOnly(true);
    }
    if (current) {
      this.select(current.id);
    } else {
      this.refreshRows();
      this.invalidateRows();
    }
    this._renderSearchCount();
  }

  private _renderSearchCount(): void {
    const q = this._search;
    this._searchBar.setCount(q.currentIndex, q.matches.length, q.active);
  }

  // Field initializers run after super(): the core calls no hook before renderAll() below.
  private _searchBar: SearchBar;
  private _filterBar: FilterBar;
  private _minimap: Minimap;
  private _search = new SearchState();
  private _filter: SpanFilter = NO_FILTER;
  private _critical: Set<Span> | null = null;
  private _zoom: TimeWindow | null = null;
  private _source: unknown = undefined;
  private _indexJob = 0;
}

/** Smaller traces index on the first search in a few ms: not worth an idle job. */
const INDEX_AHEAD_MIN_SPANS = 5000;
