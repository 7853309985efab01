/**
 * Lumino glue only: a MIME renderer that parses the payload with the model
 * and shows one TraceView per trace (built lazily: a TraceSlot shows a
 * placeholder until the output nears the viewport). When the same output is re-rendered
 * (update_display_data), views of the same trace id are kept and updated, so
 * the user's expansion, selection and scroll survive.
 */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import { parsePayload } from './model';
import { LiveDocs, parseSteps, SLICE_SPANS, spanCountHint } from './model/parse';
import { ParseResult } from './model/types';
import { runInSlices } from './common/slices';
import { ReadProgress } from './tree/read-progress';
import { displayFor, expansionOf, getSettings, NbtraceSettings, onSettingsChanged } from './settings';
import { markdownRenderer, MarkdownRenderer } from './common/markdown';
import { DisplayOptions, TraceView, TraceViewOptions } from './tree/trace-view';
import { TraceSlot } from './tree/trace-slot';
import { errorBox } from './common/error-box';
import { addToDataset } from './kernel-bridge';
import { formatCount } from './rows/labels';
import { Trace } from './model/types';
import { TraceList } from './model/trace-list';
import { TraceListView } from './list/list-view';

export const MIME_TYPE = 'application/vnd.nbtrace.trace+json';

/** The trace the user touched last, for the application commands (built when they ask for it). */
let activeSlot: TraceSlot | null = null;

export function getActiveTraceView(): TraceView | null {
  return activeSlot ? activeSlot.show() : null;
}

export class TraceRenderer extends Widget implements IRenderMime.IRenderer {
  /**
   * `maxVisibleRows` overrides the setting (a trace in its own tab shows more
   * rows); `snapshot` freezes running traces (a copy that gets no updates);
   * `lazy: false` builds every trace view at once (default: an output's traces
   * show placeholders until they come near the viewport, see TraceSlot).
   */
  constructor(options: IRenderMime.IRendererOptions & { maxVisibleRows?: number; snapshot?: boolean; lazy?: boolean }) {
    super();
    this._mimeType = options.mimeType;
    this._lazy = options.lazy !== false;
    this._maxVisibleRows = options.maxVisibleRows;
    this._snapshot = options.snapshot === true;
    // Message text as markdown through JupyterLab's parser and sanitizer (markdownRenderer).
    this._markdown = markdownRenderer(options);
    this._unsubscribe = onSettingsChanged(this._onSettings);
    this.addClass('nbtrace-root');
    this.node.addEventListener('focusin', this._onFocusIn);
    this.node.addEventListener('pointerdown', this._onFocusIn);
  }

  /** The trace views built so far, in payload order (a trace still off-screen has none yet). */
  get views(): readonly TraceView[] {
    return this._order.flatMap(slot => (slot.view ? [slot.view] : []));
  }

  /** Resolves when the payload is on screen (a big one is read in slices first, see _renderSafely). */
  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    // A big running trace's updates may be deltas: merged here, in order, before anything is held back.
    const live = this._liveDocs.apply(model.data[this._mimeType]);
    if (live.kind === 'waiting') {
      this._showWaiting(live.spans);
      return Promise.resolve();
    }
    const data = live.data;
    if (this._holdBack(data)) {
      return Promise.resolve();
    }
    return this._renderSafely(data);
  }

  /** On the page (again: a windowed notebook re-attaches cells): unbuilt traces wait to come near the viewport. */
  protected onAfterAttach(): void {
    this._order.forEach(slot => slot.watch());
  }

  protected onBeforeDetach(): void {
    if (activeSlot && this._order.includes(activeSlot)) {
      activeSlot = null;
    }
    this._order.forEach(slot => slot.unwatch());
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.node.removeEventListener('focusin', this._onFocusIn);
    this.node.removeEventListener('pointerdown', this._onFocusIn);
    this._unsubscribe();
    this._cancelPending();
    this._disposeViews(this._order);
    this._order = [];
    this._views.clear();
    this._list?.dispose();
    this._list = null;
    super.dispose();
  }

  /**
   * Parse and show `data`. A payload of SLICE_SPANS spans or more is read in
   * slices of time (common/slices.ts) so the page never stalls: a first
   * render shows a progress line meanwhile, an update keeps the trace shown
   * until the newer one is ready; a newer payload drops an unfinished read.
   */
  private _renderSafely(data: unknown): Promise<void> {
    const ticket = ++this._ticket;
    this._data = data;
    const spans = spanCountHint(data);
    if (spans < SLICE_SPANS) {
      this._showSafely(data, () => parsePayload(data));
      return Promise.resolve();
    }
    const progress = this._order.length === 0 && !this._list ? this._showAlone(new ReadProgress(spans)) : null;
    return runInSlices(parseSteps(data), {
      onProgress: p => progress?.render(p),
      cancelled: () => ticket !== this._ticket || this.isDisposed
    }).then(result => {
      progress?.node.remove();
      if (result && ticket === this._ticket && !this.isDisposed) {
        this._showSafely(data, () => result);
      }
    }, error => {
      progress?.node.remove();
      this._showError(`nbtrace failed to render this trace: ${String(error)}`, data);
    });
  }

  private _showSafely(data: unknown, parse: () => ParseResult): void {
    try {
      this._show(data, parse());
    } catch (error) {
      // Last resort: a bug must show as a message, never as a blank cell.
      this._showError(`nbtrace failed to render this trace: ${String(error)}`, data);
    }
  }

  /** A delta with no trace to apply it to (reloaded mid-run): say so, unless a trace is shown already. */
  private _showWaiting(spans: number): void {
    if (this._order.length > 0 || this._list) {
      return; // the trace shown stays until the next whole update
    }
    this._showAlone(
      new ReadProgress(
        spans,
        `A running trace of ${formatCount(spans)} spans, updated in parts: it shows with its next whole update (if this output was saved while its cell ran, run the cell again).`
      )
    );
  }

  /** A status line (a big read's progress, a delta's wait) as the output's only content, while no trace is shown. */
  private _showAlone(line: ReadProgress): ReadProgress {
    this._errorNode?.remove();
    this._errorNode = null;
    this.node.replaceChildren(line.node);
    return line;
  }

  /**
   * A newer payload (update_display_data) for an output none of whose traces
   * is built yet: keep it and parse it only when one is needed, or when the
   * browser is idle (the placeholders' headers follow) — so a live trace far
   * below costs no parse per update.
   */
  private _holdBack(data: unknown): boolean {
    if (this._data === undefined || this._order.length === 0 || this._order.some(slot => slot.built)) {
      return false;
    }
    this._pending = { data };
    if (!this._pendingTimer) {
      const flush = (): void => {
        this._pendingTimer = 0;
        this._flushPending();
      };
      this._pendingTimer =
        typeof requestIdleCallback !== 'undefined' ? requestIdleCallback(flush, { timeout: 1000 }) : window.setTimeout(flush, 250);
    }
    return true;
  }

  /** Render the payload held back, if any. */
  private _flushPending(): void {
    const pending = this._pending;
    this._cancelPending();
    if (pending) {
      this._renderSafely(pending.data);
    }
  }

  private _cancelPending(): void {
    this._pending = null;
    if (this._pendingTimer) {
      if (typeof cancelIdleCallback !== 'undefined') {
        cancelIdleCallback(this._pendingTimer);
      } else {
        window.clearTimeout(this._pendingTimer);
      }
      this._pendingTimer = 0;
    }
  }

  /** A slot's view is needed: render what was held back first (the slot may be gone then), then build. */
  private _onNear = (slot: TraceSlot): void => {
    this._flushPending();
    if (this._order.includes(slot)) {
      slot.build();
    }
  };

  private _show(data: unknown, result: ParseResult): void {
    if (!result.ok) {
      this._showError(result.error, data);
      return;
    }
    if (result.traces.length === 0) {
      this._showError('This output holds no spans.', data);
      return;
    }
    const settings = getSettings();
    this._expansionKey = expansionKey(settings);
    const cap = settings.maxTracesPerOutput;
    this._shownCap = cap;
    this._traceCount = result.traces.length;
    if (result.traces.length > cap) {
      this._showList(result.traces, settings);
      return;
    }
    this._list?.dispose();
    this._list?.node.remove();
    this._list = null;
    const next: TraceSlot[] = [];
    const nextById = new Map<string, TraceSlot>();
    for (const trace of result.traces) {
      let view = this._views.get(trace.id);
      if (view && !nextById.has(trace.id)) {
        view.update(trace);
      } else {
        view = new TraceSlot(trace, this._viewOptions(settings), { lazy: this._lazy, onNear: this._onNear });
        if (this.isAttached || this.node.isConnected) {
          view.watch();
        }
      }
      // "Copy JSON" copies what the output holds, when it holds this one trace.
      view.setSource(result.traces.length === 1 ? data : undefined);
      next.push(view);
      nextById.set(trace.id, view);
    }
    this._disposeViews(this._order.filter(v => !next.includes(v)));
    this._order = next;
    this._views = nextById;
    this._errorNode?.remove();
    this._errorNode = null;
    // Put nodes in order, touching only those out of place: moving a node that
    // is already there would detach it, which resets its scroll offsets.
    let expected: ChildNode | null = this.node.firstChild;
    for (const view of next) {
      if (view.node !== expected) {
        this.node.insertBefore(view.node, expected);
      }
      expected = view.node.nextSibling;
    }
  }

  /** More traces than the setting shows one by one: all of them in the trace list (a row opens one). */
  private _showList(traces: Trace[], settings: Readonly<NbtraceSettings>): void {
    this._disposeViews(this._order);
    this._order = [];
    this._views.clear();
    const list: TraceList = {
      entries: traces.map(trace => ({ trace, source: undefined, hasSpans: true })),
      omitted: 0,
      warnings: []
    };
    if (this._list) {
      this._list.update(list);
    } else {
      this._list = new TraceListView(list, this._viewOptions(settings));
    }
    this._list.setNote(
      `more than ${formatCount(settings.maxTracesPerOutput)} traces in one output are listed here (setting "Traces shown per output"); a row opens its trace`
    );
    // Only when not already shown alone: moving the node would reset the grid's scroll.
    if (this.node.firstChild !== this._list.node || this.node.childNodes.length !== 1) {
      this.node.replaceChildren(this._list.node);
    }
    this._errorNode = null;
  }

  private _showError(message: string, data: unknown): void {
    this._list?.dispose();
    this._list = null;
    this._disposeViews(this._order);
    this._order = [];
    this._views.clear();
    this._errorNode = errorBox(message, data);
    this.node.replaceChildren(this._errorNode);
  }

  private _disposeViews(views: TraceSlot[]): void {
    for (const view of views) {
      if (activeSlot === view) {
        activeSlot = null;
      }
      view.dispose();
      view.node.remove();
    }
  }

  private _onFocusIn = (event: Event): void => {
    const target = event.target as HTMLElement | null;
    activeSlot = this._order.find(v => target && v.node.contains(target)) ?? activeSlot;
  };

  /** Settings changed: open traces take the new look; a new trace cap re-renders. */
  private _onSettings = (): void => {
    this._flushPending();
    const s = getSettings();
    const cap = s.maxTracesPerOutput;
    if (this._data !== undefined && cap !== this._shownCap && this._traceCount > Math.min(cap, this._shownCap)) {
      void this._renderSafely(this._data);
    }
    // New expansion defaults only when they changed: re-applying them would undo "± level".
    const key = expansionKey(s);
    const expansion = key !== this._expansionKey ? expansionOf(s) : undefined;
    this._expansionKey = key;
    for (const view of this._order) {
      view.applyDisplay(this._display(s), expansion);
    }
    this._list?.panel.applySettings(this._display(s));
  };

  /** How the trees look with settings `s` (this renderer may show more rows than the setting). */
  private _display(s: Readonly<NbtraceSettings>): DisplayOptions {
    return displayFor(s, this._maxVisibleRows);
  }

  /** What a new trace view (one per trace, or the list's opened trace) starts with. */
  private _viewOptions(s: Readonly<NbtraceSettings>): Partial<TraceViewOptions> {
    return {
      expansion: expansionOf(s),
      ...this._display(s),
      snapshot: this._snapshot,
      datasetSink: (record, name) => addToDataset(this.node, record, name),
      markdown: this._markdown
    };
  }

  private _maxVisibleRows: number | undefined;
  private _snapshot: boolean;
  private _markdown: MarkdownRenderer | undefined;
  /** The expansion defaults the views were last given ("depth/children"). */
  private _expansionKey = '';
  private _unsubscribe: () => void;
  private _data: unknown = undefined;
  /** The cap on traces the last render applied, and how many traces the payload had. */
  private _shownCap = 0;
  private _traceCount = 0;
  private _list: TraceListView | null = null;
  private _mimeType: string;
  private _views = new Map<string, TraceSlot>();
  private _order: TraceSlot[] = [];
  private _lazy: boolean;
  /** A newer payload not rendered yet (_holdBack), and the idle callback that will. */
  private _pending: { data: unknown } | null = null;
  private _pendingTimer = 0;
  private _errorNode: HTMLElement | null = null;
  /** Merges a running trace's delta updates into whole payloads. */
  private _liveDocs = new LiveDocs();
  /** Counts renders: a slice-wise read that is no longer the latest is dropped. */
  private _ticket = 0;
}

/** The expansion defaults as one comparable string ("depth/children"). */
function expansionKey(s: Readonly<NbtraceSettings>): string {
  return `${s.defaultExpandDepth}/${s.maxAutoExpandChildren}`;
}
