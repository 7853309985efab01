/**
 * The core of one trace on screen: header, time axis, the virtualized ARIA
 * tree and the span detail panel, with expansion, selection, live updates and
 * the live ticker. Plain DOM (no Lumino) so it is testable in jsdom.
 * TraceView (view.ts) adds the tools on top (search, filters, zoom, copy)
 * through the protected hooks below; a subclass calls renderAll() once its
 * own fields exist.
 */
import { Span, Trace } from '../model/types';
import { ColumnHeader } from './columns';
import { DetailContext, detailSignature, renderDetail, sameDetail } from '../detail/panel';
import { displayName } from '../rows/labels';
import { MarkdownRenderer } from '../common/markdown';
import { TraceHeader } from './header';
import { errorBelow } from '../rows/trace-facts';
import { LiveClock } from '../rows/live-clock';
import { createRowElement, renderRowElement, RowContext, rowElementId, updateRowBar } from './row';
import { buildRows, revealSpan, Row, rowIndexOf } from '../rows/visible-rows';
import { ExpansionOptions, ExpansionState } from '../rows/expansion';
import { createTimeScale, TimeScale, TimeWindow } from '../rows/timeline';
import { TreeInput, TreeInputTarget } from './tree-input';
import { VirtualList } from './virtual-list';

export const ROW_HEIGHT = 24;

export interface TraceViewOptions extends DisplayOptions {
  expansion: Partial<ExpansionOptions>;
  /**
   * A copy frozen in time (a tab, a file): a running trace does not tick on,
   * since no newer payload will come.
   */
  snapshot: boolean;
  /** Renders message text as sanitized markdown (from the rendermime options); plain text without it. */
  markdown: MarkdownRenderer;
}

/** How the tree looks; settings changes apply them to open views (applyDisplay). */
export interface DisplayOptions {
  /** The tree grows up to this many rows, then scrolls. */
  maxVisibleRows: number;
  rowHeight: number;
  timelineVisible: boolean;
}

let nextViewId = 0;

export abstract class TraceViewCore implements TreeInputTarget {
  constructor(trace: Trace, options: Partial<TraceViewOptions>, actions: { traceJson(): string }) {
    this._idPrefix = `nbtrace-${++nextViewId}`;
    this._expansion = new ExpansionState(options.expansion);
    this._trace = trace;
    const arrivedAt = performance.now();
    this._clock.reset(trace, arrivedAt);
    this._now = this._clock.now(arrivedAt);
    this._scale = createTimeScale(this._now, null);
    this._snapshot = options.snapshot === true;
    this._detailContext = {
      tab: null,
      raw: false,
      markdown: options.markdown,
      select: id => {
        this.select(id);
        this.focus();
      },
      onTab: id => (this._detailContext.tab = id),
      onRaw: raw => {
        this._detailContext.raw = raw;
        this._renderDetailNow();
      }
    };
    if (this._snapshot) {
      this._clock.dispose();
    }

    this.node = document.createElement('div');
    this.node.className = 'nbtrace-trace';

    this._header = new TraceHeader({
      expandAll: () => this.expandAll(),
      collapseAll: () => this.collapseAll(),
      traceJson: () => actions.traceJson()
    });
    this.node.appendChild(this._header.node);
    // The subclass's tools (search, filters, overview) go here.
    this.toolsNode = document.createElement('div');
    this.toolsNode.className = 'nbtrace-tools';
    this.node.appendChild(this.toolsNode);
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
    tree.setAttribute('aria-label', `Spans of trace ${displayName(trace.name)}`);
    // Arrow keys etc. belong to the tree while it has focus, not to notebook shortcuts.
    tree.setAttribute('data-lm-suppress-shortcuts', 'true');
    this._input = new TreeInput(tree, this);
    this.node.appendChild(tree);

    this._detail = document.createElement('div');
    this._detail.className = 'nbtrace-detail';
    this._detail.setAttribute('role', 'region');
    this._detail.setAttribute('aria-label', 'Span details');
    // Its tabs, buttons and links take arrows / Enter / Space; notebook shortcuts must not.
    this._detail.setAttribute('data-lm-suppress-shortcuts', 'true');
    this.node.appendChild(this._detail);

    // The live ticker runs only while the trace is on screen.
    if (typeof IntersectionObserver !== 'undefined') {
      this._intersectionObserver = new IntersectionObserver(entries => {
        this._clock.setVisible(entries[entries.length - 1].isIntersecting);
      });
      this._intersectionObserver.observe(this.node);
    }
    this.node.classList.toggle('nbtrace-no-timeline', options.timelineVisible === false);
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

  /** Whether the live ticker is running (trace in progress and on screen). */
  get ticking(): boolean {
    return this._clock.ticking;
  }

  /** Apply changed display settings to this (already shown) trace. */
  applyDisplay(options: Partial<DisplayOptions>, expansion?: Partial<ExpansionOptions>): void {
    if (options.timelineVisible !== undefined) {
      this.node.classList.toggle('nbtrace-no-timeline', !options.timelineVisible);
    }
    this._list.configure({ rowHeight: options.rowHeight, maxVisibleRows: options.maxVisibleRows });
    if (expansion) {
      // New defaults for spans the user has not opened or closed by hand.
      this._expansion.options = { ...this._expansion.options, ...expansion };
      this.refreshRows();
    }
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
    if (this._snapshot) {
      this._clock.dispose();
    }
    this._scale = createTimeScale(this._now, this.zoomWindow);
    if (this._selectedId !== null && !trace.byId.has(this._selectedId)) {
      this._selectedId = null;
    }
    this.onUpdate(trace);
    this.renderAll();
  }

  expandAll(): void {
    this._expansion.expandAll();
    this.refreshRows();
  }

  collapseAll(): void {
    this._expansion.collapseAll();
    this.refreshRows();
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
    this._detailSpan = span;
    this._renderDetailNow(false);
  }

  setExpanded(id: string, expanded: boolean): void {
    const span = this._trace.byId.get(id);
    if (span && span.children.length > 0) {
      this._expansion.setExpanded(span, expanded);
      this.refreshRows();
    }
  }

  /** Give the tree keyboard focus. */
  focus(): void {
    this._list.node.focus();
  }

  pageSize(): number {
    return Math.max(1, Math.floor(this._list.viewportHeight / this._list.rowHeight) - 1);
  }

  abstract expandSiblings(span: Span): void;
  abstract focusSearch(): void;

  /**
   * Advance "now" for a running trace: only the axis, the bars of the rows in
   * the DOM and the elapsed time change — no row is re-rendered.
   */
  tick(at?: number): void {
    this._now = this._clock.now(at);
    this._scale = createTimeScale(this._now, this.zoomWindow);
    this._columns.render(this._scale);
    this.updateBars();
    this._header.renderElapsed(this._now);
  }

  dispose(): void {
    this._input.dispose();
    this._list.dispose();
    this._columns.dispose();
    this._intersectionObserver?.disconnect();
    this._clock.dispose();
  }

  // ------------------------------------------------ for the tools (view.ts)

  /** "Now" in trace-relative ms (the trace end, or the live clock while running). */
  protected get now(): number {
    return this._now;
  }

  /** The zoomed time window (the subclass keeps it). */
  protected abstract get zoomWindow(): TimeWindow | null;
  /** Spans a filtered tree keeps (undefined: all). */
  protected abstract keep(): Set<Span> | undefined;
  /** Extra row marks (search matches, critical path). */
  protected abstract rowExtras(): Partial<RowContext>;
  /** A newer payload arrived (before rendering). */
  protected abstract onUpdate(trace: Trace): void;
  /** Everything is being rendered again (header-level tools). */
  protected abstract onRender(): void;

  /** The container for the tools, between the header and the column header. */
  protected readonly toolsNode: HTMLElement;

  /** Problems in the trace's data: the subclass places this node. */
  protected get warningsNode(): HTMLElement {
    return this._header.warnings;
  }

  /** The scale changed (zoom): move the axis and the bars, nothing else. */
  protected rescale(): void {
    this._scale = createTimeScale(this._now, this.zoomWindow);
    this._columns.render(this._scale);
    this.updateBars();
  }

  protected updateBars(): void {
    const ctx = this._rowContext();
    this._list.forEachRendered((el, index) => {
      const row = this._rows[index];
      if (row) {
        updateRowBar(el, row.span, ctx);
      }
    });
  }

  /** Rows changed (expansion, filters): rebuild them. */
  protected refreshRows(): void {
    this._rebuildRows();
    this._syncActiveDescendant();
  }

  /** Row marks changed (search, critical path): re-render the rows in the DOM. */
  protected invalidateRows(): void {
    this._list.invalidate();
  }

  protected renderAll(): void {
    this._header.render(this._trace, this._clock.running, this._now);
    this.onRender();
    this._columns.render(this._scale);
    this.refreshRows();
    const selected = this._selectedId === null ? null : this._trace.byId.get(this._selectedId) ?? null;
    // A live update that did not touch the selected span keeps its panel as is
    // (opened JSON nodes, "show all", scroll); re-rendering would reset them.
    if (!sameDetail(this._detailSpan, this._detailSignature, selected)) {
      this._detailSpan = selected;
      this._renderDetailNow();
    }
    this._detailSpan = selected;
  }

  /** (Re-)render the detail panel for `_detailSpan`; the same span keeps its scroll offset. */
  private _renderDetailNow(keepScroll = true): void {
    const scroll = this._detail.scrollTop;
    renderDetail(this._detail, this._trace, this._detailSpan, this._detailContext);
    this._detailSignature = detailSignature(this._detailSpan);
    if (keepScroll) {
      this._detail.scrollTop = scroll;
    }
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
      hasErrorBelow: span => errorBelow(this._trace, span),
      ...this.rowExtras()
    };
  }

  private _rebuildRows(): void {
    this._rows = buildRows(this._trace, this._expansion, this.keep());
    this._list.setCount(this._rows.length);
  }

  private _syncActiveDescendant(): void {
    const tree = this._list.node;
    if (this._selectedId !== null && rowIndexOf(this._rows, this._selectedId) >= 0) {
      tree.setAttribute('aria-activedescendant', rowElementId(this._idPrefix, this._selectedId));
    } else {
      tree.removeAttribute('aria-activedescendant');
    }
  }

  protected _expansion: ExpansionState;
  protected _trace: Trace;
  private _idPrefix: string;
  private _scale: TimeScale;
  private _rows: Row[] = [];
  private _selectedId: string | null = null;
  private _header: TraceHeader;
  private _columns: ColumnHeader;
  private _list: VirtualList;
  private _detail: HTMLElement;
  private _intersectionObserver: IntersectionObserver | null = null;
  private _clock = new LiveClock(() => this.tick());
  private _snapshot: boolean;
  private _now = 0;
  private _input: TreeInput;
  // undefined: nothing rendered yet (null is the signature of "no selection").
  private _detailSignature: string | null | undefined = undefined;
  private readonly _detailContext: DetailContext;
  /** The span the detail panel shows (its attributes are compared on updates). */
  private _detailSpan: Span | null = null;
}
