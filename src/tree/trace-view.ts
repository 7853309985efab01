/**
 * One trace on screen: the header, the tools (TraceTools: search, filters,
 * overview), the time axis, the virtualized ARIA tree (TreePane) and the
 * span detail panel, with live updates and the live ticker. Plain DOM (no
 * Lumino), so it runs in jsdom.
 *
 * The renderer owns one TraceView per trace id and feeds it newer payloads of
 * the same trace through update(), which keeps expansion, selection, scroll,
 * search and filters.
 */
import { payloadText } from '../common/copy';
import { MarkdownRenderer } from '../common/markdown';
import { DetailContext, detailSignature, renderDetail, sameDetail } from '../detail/panel';
import { traceToOtlp } from '../model/to-otlp';
import { Span, Trace } from '../model/types';
import { ExpansionOptions, ExpansionState } from '../rows/expansion';
import { displayName } from '../rows/labels';
import { LiveClock } from '../rows/live-clock';
import { createTimeScale, TimeScale } from '../rows/timeline';
import { errorBelow } from '../rows/trace-facts';
import { groupAssessments, TraceAssessments } from '../rows/verdicts';
import { Row } from '../rows/visible-rows';
import { DatasetForm, DatasetSink } from '../tools/dataset-form';
import { ToolsHost, TraceTools } from '../tools/trace-tools';
import { ColumnHeader } from './columns';
import { TraceHeader } from './header';
import { createRowElement, renderRowElement, RowContext, rowElementId, updateRowBar } from './row';
import { TreePane } from './tree-pane';

export interface TraceViewOptions extends DisplayOptions {
  expansion: Partial<ExpansionOptions>;
  /**
   * A copy frozen in time (a tab, a file): a running trace does not tick on,
   * since no newer payload will come.
   */
  snapshot: boolean;
  /** Renders message text as sanitized markdown (from the rendermime options); plain text without it. */
  markdown: MarkdownRenderer;
  /** Reaches the notebook's kernel for "Add to dataset" (no button without it). */
  datasetSink: DatasetSink;
}

/** How the tree looks; settings changes apply them to open views (applyDisplay). */
export interface DisplayOptions {
  /** The tree grows up to this many rows, then scrolls. */
  maxVisibleRows: number;
  rowHeight: number;
  timelineVisible: boolean;
}

let nextViewId = 0;

export class TraceView implements ToolsHost {
  constructor(trace: Trace, options: Partial<TraceViewOptions> = {}) {
    this._idPrefix = `nbtrace-${++nextViewId}`;
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
      },
      addToDataset: options.datasetSink ? span => this._datasetForm?.show(this.trace, span) : undefined
    };
    this._datasetForm = options.datasetSink ? new DatasetForm(options.datasetSink) : null;
    if (this._snapshot) {
      this._clock.dispose();
    }

    this.node = document.createElement('div');
    this.node.className = 'nbtrace-trace';

    this._header = new TraceHeader({
      expandAll: () => this.expandAll(),
      collapseAll: () => this.collapseAll(),
      traceJson: () => this.traceJson(),
      addToDataset: this._datasetForm ? () => this._datasetForm!.show(this.trace, null) : undefined
    });
    this.node.appendChild(this._header.node);
    if (this._datasetForm) {
      this.node.appendChild(this._datasetForm.node);
    }
    this._pane = new TreePane(trace, {
      label: `Spans of trace ${displayName(trace.name)}`,
      rowHeight: options.rowHeight,
      maxVisibleRows: options.maxVisibleRows,
      expansion: options.expansion,
      createRow: createRowElement,
      renderRow: (el, row) => renderRowElement(el, row, this._rowContext()),
      rowId: spanId => rowElementId(this._idPrefix, spanId),
      keep: () => this.tools.keep(),
      onSelect: span => {
        this._detailSpan = span;
        this._renderDetailNow(false);
      },
      focusSearch: () => this.tools.focusSearch()
    });
    this.tools = new TraceTools(this);
    const toolsNode = document.createElement('div');
    toolsNode.className = 'nbtrace-tools';
    toolsNode.append(this.tools.searchNode, this._header.warnings, this.tools.overviewNode);
    this.node.appendChild(toolsNode);
    this._columns = new ColumnHeader();
    this.node.appendChild(this._columns.node);
    this.node.appendChild(this._pane.node);

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
    this._renderAll();
  }

  readonly node: HTMLElement;
  /** Search, filters, critical path and zoom of this trace. */
  readonly tools: TraceTools;

  get trace(): Trace {
    return this._pane.trace;
  }

  get rows(): readonly Row[] {
    return this._pane.rows;
  }

  get selectedId(): string | null {
    return this._pane.selectedId;
  }

  get expansion(): ExpansionState {
    return this._pane.expansion;
  }

  /** "Now" in trace-relative ms (the trace end, or the live clock while running). */
  get now(): number {
    return this._now;
  }

  /** Whether the live ticker is running (trace in progress and on screen). */
  get ticking(): boolean {
    return this._clock.ticking;
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
    return payloadText(this._source !== undefined ? this._source : traceToOtlp(this.trace));
  }

  /** Apply changed display settings to this (already shown) trace. */
  applyDisplay(options: Partial<DisplayOptions>, expansion?: Partial<ExpansionOptions>): void {
    if (options.timelineVisible !== undefined) {
      this.node.classList.toggle('nbtrace-no-timeline', !options.timelineVisible);
    }
    this._pane.configure({ rowHeight: options.rowHeight, maxVisibleRows: options.maxVisibleRows });
    if (expansion) {
      // New defaults for spans the user has not opened or closed by hand.
      this.expansion.options = { ...this.expansion.options, ...expansion };
      this.refreshRows();
    }
  }

  /**
   * A newer payload of the same trace: keep expansion, selection and scroll
   * positions. The tree and detail elements stay, so their scroll offsets stay
   * without being read or written (either would force a layout per update).
   */
  update(trace: Trace): void {
    const arrivedAt = performance.now();
    this._clock.reset(trace, arrivedAt);
    this._now = this._clock.now(arrivedAt);
    if (this._snapshot) {
      this._clock.dispose();
    }
    this._scale = createTimeScale(this._now, this.tools.zoomWindow);
    this._pane.setTrace(trace);
    this.tools.update(trace);
    this._renderAll();
  }

  expandAll(): void {
    this._pane.expandAll();
  }

  collapseAll(): void {
    this._pane.collapseAll();
  }

  /** Select a span by id (revealing it under collapsed parents), or clear with null. */
  select(id: string | null): void {
    this._pane.select(id);
  }

  setExpanded(id: string, expanded: boolean): void {
    this._pane.setExpanded(id, expanded);
  }

  /** Expand the span and all its siblings (the `*` key). */
  expandSiblings(span: Span): void {
    this._pane.expandSiblings(span);
  }

  /** Give the tree keyboard focus. */
  focus(): void {
    this._pane.focus();
  }

  /** Rows changed (expansion, filters): rebuild them. */
  refreshRows(): void {
    this._pane.refresh();
  }

  /** Row marks changed (search, critical path): re-render the rows in the DOM. */
  invalidateRows(): void {
    this._pane.invalidate();
  }

  /** The scale changed (zoom): move the axis and the bars, nothing else. */
  rescale(): void {
    this._scale = createTimeScale(this._now, this.tools.zoomWindow);
    this._columns.render(this._scale);
    this._updateBars();
  }

  /**
   * Advance "now" for a running trace: only the axis, the bars of the rows in
   * the DOM and the elapsed time change — no row is re-rendered.
   */
  tick(at?: number): void {
    this._now = this._clock.now(at);
    this._scale = createTimeScale(this._now, this.tools.zoomWindow);
    this._columns.render(this._scale);
    this._updateBars();
    this._header.renderElapsed(this._now);
  }

  dispose(): void {
    this.tools.dispose();
    this._pane.dispose();
    this._columns.dispose();
    this._intersectionObserver?.disconnect();
    this._clock.dispose();
    this._header.dispose();
  }

  private _renderAll(): void {
    const trace = this.trace;
    this._assessments = groupAssessments(trace);
    this._header.render(trace, this._clock.running, this._now, this._assessments.trace);
    this.tools.render();
    this._columns.render(this._scale);
    this.refreshRows();
    const id = this.selectedId;
    const selected = id === null ? null : trace.byId.get(id) ?? null;
    // A live update that did not touch the selected span keeps its panel as is
    // (opened JSON nodes, "show all", scroll); re-rendering would reset them.
    // (A new assessment, say from log_feedback, shows in the Scores tab at once.)
    const scoresChanged = trace.assessments.length !== this._assessmentCount;
    this._assessmentCount = trace.assessments.length;
    if (scoresChanged || !sameDetail(this._detailSpan, this._detailSignature, selected)) {
      this._detailSpan = selected;
      this._renderDetailNow();
    }
    this._detailSpan = selected;
  }

  private _updateBars(): void {
    const ctx = this._rowContext();
    this._pane.forEachRendered((el, row) => updateRowBar(el, row.span, ctx));
  }

  /** (Re-)render the detail panel for `_detailSpan`; the same span keeps its scroll offset. */
  private _renderDetailNow(keepScroll = true): void {
    const scroll = this._detail.scrollTop;
    renderDetail(this._detail, this.trace, this._detailSpan, this._detailContext);
    this._detailSignature = detailSignature(this._detailSpan);
    if (keepScroll) {
      this._detail.scrollTop = scroll;
    }
  }

  private _rowContext(): RowContext {
    const trace = this.trace;
    return {
      scale: this._scale,
      selectedId: this.selectedId,
      now: this._now,
      idPrefix: this._idPrefix,
      hasErrorBelow: span => errorBelow(trace, span),
      assessments: this._assessments.bySpan,
      ...this.tools.marks()
    };
  }

  private _idPrefix: string;
  private _scale: TimeScale;
  private _header: TraceHeader;
  private _columns: ColumnHeader;
  private _pane: TreePane;
  private _detail: HTMLElement;
  private _intersectionObserver: IntersectionObserver | null = null;
  private _clock = new LiveClock(() => this.tick());
  private _snapshot: boolean;
  private _now = 0;
  private _source: unknown = undefined;
  private _datasetForm: DatasetForm | null;
  /** The trace's assessments by what they are about (recomputed when the trace changes). */
  private _assessments: TraceAssessments = { trace: [], bySpan: new Map() };
  private _assessmentCount = 0;
  // undefined: nothing rendered yet (null is the signature of "no selection").
  private _detailSignature: string | null | undefined = undefined;
  private readonly _detailContext: DetailContext;
  /** The span the detail panel shows (its attributes are compared on updates). */
  private _detailSpan: Span | null = null;
}
