/**
 * The tools of one trace view, above its tree: search (the search bar and
 * its state), filters and the expansion shortcuts beside them, the critical
 * path, the overview with its zoom, and the search index built ahead in idle
 * time. It owns what the tools decide (the query, the filter, the path, the
 * zoom window) and acts on the tree only through its host, the view.
 */
import { Span, Trace } from '../model/types';
import { ExpansionState } from '../rows/expansion';
import { collapseShorterThan, keptSpans, kindsOf, maxDepth, NO_FILTER, SpanFilter } from '../rows/filters';
import { prebuildIndex } from '../rows/search';
import { idleJob, NOTHING } from '../common/idle-job';
import { RowSearch, SearchState } from '../rows/search-state';
import { TimeWindow } from '../rows/timeline';
import { criticalPath, nextError } from '../rows/trace-facts';
import { revealSpan } from '../rows/visible-rows';
import { FilterBar } from './filter-bar';
import { Minimap } from './minimap';
import { SearchBar } from './search-bar';

/** What the tools need of the view they sit in. */
export interface ToolsHost {
  readonly trace: Trace;
  /** "Now" in trace-relative ms (the trace end, or the live clock while running). */
  readonly now: number;
  readonly expansion: ExpansionState;
  readonly selectedId: string | null;
  select(id: string | null): void;
  /** Rows changed (expansion, what is kept): rebuild them. */
  refreshRows(): void;
  /** Row marks changed (matches, critical path): re-render the rows in the DOM. */
  invalidateRows(): void;
  /** The zoom window changed: move the axis and the bars. */
  rescale(): void;
}

/** What the tools mark on rows. */
export interface ToolMarks {
  search?: RowSearch;
  critical?: ReadonlySet<Span>;
}

/** Smaller traces index on the first search in a few ms: not worth an idle job. */
const INDEX_AHEAD_MIN_SPANS = 5000;

export class TraceTools {
  constructor(host: ToolsHost) {
    this._host = host;
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
    this.searchNode = this._searchBar.node;
    this.overviewNode = this._minimap.node;
  }

  /** The search bar (with the filters panel in it), and the overview: the view places them. */
  readonly searchNode: HTMLElement;
  readonly overviewNode: HTMLElement;

  /** The search state (query, matches, current match). */
  get searchState(): SearchState {
    return this._search;
  }

  /**
   * Search the spans (parseQuery gives the syntax): matches are marked, the
   * rest dimmed, and the first match at or after the selection is revealed
   * (ancestors expanded), scrolled into view and selected.
   */
  search(query: string): void {
    this._search.setQuery(query, this._host.trace, this._host.selectedId);
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
        revealSpan(this._host.trace, this._host.expansion, m, opened);
      }
    }
    this._host.refreshRows();
    this._host.invalidateRows();
  }

  /** Select the next (1) or previous (-1) span with an error, revealing it. */
  selectNextError(direction: 1 | -1 = 1): void {
    const span = nextError(this._host.trace, this._host.selectedId, direction);
    if (span) {
      this._host.select(span.id);
    }
  }

  /** Give the search box keyboard focus. */
  focusSearch(): void {
    this._searchBar.focus();
  }

  get filter(): SpanFilter {
    return this._filter;
  }

  /** Show only spans passing `filter` (with their ancestors, so each stays in place). */
  setFilter(filter: SpanFilter): void {
    this._filter = filter;
    this._host.refreshRows();
    this._host.invalidateRows();
  }

  /** Open the tree one level deeper (1) or shallower (-1) everywhere. */
  changeDepth(delta: 1 | -1): void {
    const { trace, expansion } = this._host;
    const deepest = maxDepth(trace);
    const depth = Math.max(0, Math.min(deepest + 1, expansion.openDepth(deepest) + delta));
    expansion.expandToDepth(depth);
    this._host.refreshRows();
  }

  /** Collapse every span shorter than `ms` (their children hidden); the count collapsed. */
  collapseShorterThan(ms: number): number {
    const n = collapseShorterThan(this._host.trace, this._host.expansion, ms, this._host.now);
    this._host.refreshRows();
    return n;
  }

  /** Highlight the critical path (the spans that determined the end of the trace). */
  setCriticalPath(on: boolean): void {
    this._critical = on ? criticalPath(this._host.trace, this._host.now) : null;
    this._host.invalidateRows();
  }

  /** The zoomed time window of the timeline (null: the whole trace). */
  get zoomWindow(): TimeWindow | null {
    return this._zoom;
  }

  /** Zoom the timeline into [from, to] ms (null: the whole trace again). Only bars and axis change. */
  zoom(window: TimeWindow | null): void {
    this._zoom = window && window[1] > window[0] ? [window[0], window[1]] : null;
    this._minimap.render(this._host.trace, this._host.now, this._zoom);
    this._host.rescale();
  }

  // ------------------------------------------------ for the view

  /** The spans the tree keeps: those passing the filter (and, with "matches only", the matches). */
  keep(): Set<Span> | undefined {
    const q = this._search;
    const onlyMatches = q.active && q.matchesOnly;
    return keptSpans(this._host.trace, this._filter, this._host.now, onlyMatches ? s => q.isMatch(s) : undefined);
  }

  /** What the rows mark: search matches and the critical path. */
  marks(): ToolMarks {
    return { search: this._search.rowSearch(), critical: this._critical ?? undefined };
  }

  /** A newer payload arrived (before the view renders it): search it again, recompute the path. */
  update(trace: Trace): void {
    this._search.refresh(trace);
    if (this._critical) {
      this._critical = criticalPath(trace, this._host.now);
    }
  }

  /** The view renders everything again: the overview, the error button, the kinds offered, the count. */
  render(): void {
    const trace = this._host.trace;
    this._scheduleIndex();
    this._minimap.render(trace, this._host.now, this._zoom);
    this._searchBar.setHasErrors(trace.facts ? trace.facts.errors > 0 : trace.spans.some(s => s.status === 'ERROR'));
    this._filterBar.setKinds(() => kindsOf(trace));
    this._renderSearchCount();
  }

  dispose(): void {
    this._cancelIndex();
    this._searchBar.dispose();
    this._minimap.dispose();
  }

  /**
   * Build the search index of a big, finished trace in idle time, so the
   * first search does not pay for it (a running trace changes too often).
   */
  private _scheduleIndex(): void {
    const trace = this._host.trace;
    if (trace.state === 'IN_PROGRESS' || trace.spans.length < INDEX_AHEAD_MIN_SPANS || typeof requestIdleCallback === 'undefined') {
      return;
    }
    this._cancelIndex();
    // Done when the index is built, or when the trace is no longer the one shown.
    this._cancelIndex = idleJob(more => this._host.trace !== trace || prebuildIndex(trace, more), NOTHING);
  }

  private _afterSearchMove(): void {
    const current = this._search.current;
    if (this._search.matchesOnly) {
      this.setMatchesOnly(true);
    }
    if (current) {
      this._host.select(current.id);
    } else {
      this._host.refreshRows();
      this._host.invalidateRows();
    }
    this._renderSearchCount();
  }

  private _renderSearchCount(): void {
    const q = this._search;
    this._searchBar.setCount(q.currentIndex, q.matches.length, q.active);
  }

  private _host: ToolsHost;
  private _searchBar: SearchBar;
  private _filterBar: FilterBar;
  private _minimap: Minimap;
  private _search = new SearchState();
  private _filter: SpanFilter = NO_FILTER;
  private _critical: Set<Span> | null = null;
  private _zoom: TimeWindow | null = null;
  /** Stops the idle build of the search index. */
  private _cancelIndex: () => void = NOTHING;
}
