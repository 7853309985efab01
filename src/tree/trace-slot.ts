/**
 * One trace of an output, built lazily: a TracePlaceholder until the output
 * comes within about a screen of the viewport (near-view), then the full
 * TraceView (tree, tools, minimap, detail, their observers and listeners),
 * which stays. Until then updates only replace the pending trace, settings
 * changes only resize the placeholder, and nothing observes a resize or
 * reads a theme colour. Without IntersectionObserver it builds at once.
 *
 * The renderer holds slots where it held views: same update / setSource /
 * applyDisplay / dispose, and `node` is whichever element is on the page.
 */
import { traceToOtlp } from '../model/to-otlp';
import { Trace } from '../model/types';
import { payloadText } from '../common/copy';
import { canDefer, whenNearView } from '../common/near-view';
import { ExpansionOptions } from '../rows/expansion';
import { DisplayOptions, TraceView, TraceViewOptions } from './trace-view';
import { TracePlaceholder } from './trace-placeholder';
import { DEFAULT_EXPANSION, DEFAULT_ROW_HEIGHT, DEFAULT_SETTINGS } from '../settings';

export interface TraceSlotOptions {
  /** false: build now (a trace in its own tab). Default: when near the viewport, if the browser can tell. */
  lazy?: boolean;
  /**
   * Called instead of build() when the view is needed (the placeholder came
   * near the viewport, a button of it was used, a command asked for it): the
   * renderer first applies a newer payload it held back, then builds.
   */
  onNear?: (slot: TraceSlot) => void;
}

export class TraceSlot {
  constructor(trace: Trace, options: Partial<TraceViewOptions>, slotOptions: TraceSlotOptions = {}) {
    this._trace = trace;
    this._options = { ...options };
    this._onNear = slotOptions.onNear;
    if (slotOptions.lazy === false || !canDefer()) {
      this._view = new TraceView(trace, this._options);
      return;
    }
    this._placeholder = new TracePlaceholder({
      expandAll: () => this._act(v => v.expandAll()),
      collapseAll: () => this._act(v => v.collapseAll()),
      traceJson: () => (this.show() ?? this).traceJson(),
      addToDataset: options.datasetSink ? () => this._act(v => v.node.querySelector<HTMLElement>('.nbtrace-add-dataset')?.click()) : undefined
    });
    this._renderPlaceholder();
  }

  /** The element on the page: the placeholder, then the view. */
  get node(): HTMLElement {
    return this._view ? this._view.node : this._placeholder!.node;
  }

  /** The view, once built. */
  get view(): TraceView | null {
    return this._view;
  }

  get built(): boolean {
    return this._view !== null;
  }

  /** The trace shown, or waiting to be shown. */
  get trace(): Trace {
    return this._view ? this._view.trace : this._trace;
  }

  /** A newer payload of the same trace: the view updates; a placeholder only takes the new header and height. */
  update(trace: Trace): void {
    if (this._view) {
      this._view.update(trace);
    } else {
      this._trace = trace;
      this._renderPlaceholder();
    }
  }

  setSource(data: unknown): void {
    this._source = data;
    this._view?.setSource(data);
  }

  /** What "Copy JSON" copies (TraceView.traceJson), built or not (the placeholder's button). */
  traceJson(): string {
    return this._view ? this._view.traceJson() : payloadText(this._source !== undefined ? this._source : traceToOtlp(this._trace));
  }

  /** Changed settings: a built view applies them; a placeholder keeps them for its build and resizes. */
  applyDisplay(display: Partial<DisplayOptions>, expansion?: Partial<ExpansionOptions>): void {
    if (this._view) {
      this._view.applyDisplay(display, expansion);
      return;
    }
    this._options = { ...this._options, ...display, ...(expansion ? { expansion: { ...this._options.expansion, ...expansion } } : {}) };
    this._renderPlaceholder();
  }

  /** Build when near the viewport (the renderer calls it on attach); nothing if built or watching. */
  watch(): void {
    if (!this._view && !this._unwatch && !this._disposed) {
      this._unwatch = whenNearView(this._placeholder!.node, () => {
        this._unwatch = null;
        this.show();
      });
    }
  }

  /**
   * The view, built now if need be, through the renderer's `onNear` (which
   * applies a payload it held back first: then this slot may be gone, and
   * the answer null).
   */
  show(): TraceView | null {
    if (!this._view && !this._disposed) {
      if (this._onNear) {
        this._onNear(this);
      } else {
        this.build();
      }
    }
    return this._view;
  }

  /** Stop watching (detached from the page, or disposed). */
  unwatch(): void {
    this._unwatch?.();
    this._unwatch = null;
  }

  /** The view, built now if it was not (it takes the placeholder's place, and its focus). */
  build(): TraceView {
    if (this._view) {
      return this._view;
    }
    this.unwatch();
    const placeholder = this._placeholder!.node;
    const view = new TraceView(this._trace, this._options);
    view.setSource(this._source);
    this._view = view;
    this._placeholder = null;
    const hadFocus = typeof document !== 'undefined' && placeholder.contains(document.activeElement);
    if (placeholder.parentNode) {
      placeholder.replaceWith(view.node);
    }
    if (hadFocus) {
      view.focus();
    }
    return view;
  }

  dispose(): void {
    this._disposed = true;
    this.unwatch();
    this._view?.dispose();
  }

  /** A button of the placeholder: build, then do what the view's button does. */
  private _act(action: (view: TraceView) => void): void {
    const view = this.show();
    if (view) {
      action(view);
    }
  }

  private _renderPlaceholder(): void {
    const o = this._options;
    this._placeholder?.render(
      this._trace,
      {
        rowHeight: o.rowHeight ?? DEFAULT_ROW_HEIGHT,
        maxVisibleRows: o.maxVisibleRows ?? DEFAULT_SETTINGS.maxVisibleRows,
        timelineVisible: o.timelineVisible !== false
      },
      { ...DEFAULT_EXPANSION, ...o.expansion }
    );
  }

  private _trace: Trace;
  private _options: Partial<TraceViewOptions>;
  private _onNear: ((slot: TraceSlot) => void) | undefined;
  private _view: TraceView | null = null;
  private _placeholder: TracePlaceholder | null = null;
  private _source: unknown = undefined;
  private _unwatch: (() => void) | null = null;
  private _disposed = false;
}
