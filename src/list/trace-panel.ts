/**
 * The trace a list row opened, in the full trace view (tree, timeline,
 * details, search: every feature), under the list; a close button and Escape
 * close it. A live list that brings a newer version of the open trace
 * updates its view in place. A summary row (a trace kept without its spans)
 * says where its spans are.
 */
import { button, el } from '../common/dom';
import { ListRow } from '../rows/list/trace-rows';
import { displayName } from '../rows/labels';
import { DisplayOptions, TraceView, TraceViewOptions } from '../tree/trace-view';

export class TracePanel {
  constructor(options: Partial<TraceViewOptions>, onClose: () => void) {
    this._options = options;
    this._onClose = onClose;
    this.node = el('div', 'nbtrace-list-open');
    this.node.setAttribute('role', 'region');
    this.node.hidden = true;
    this.node.addEventListener('keydown', e => {
      if (e.key === 'Escape' && !e.defaultPrevented) {
        e.preventDefault();
        e.stopPropagation();
        this._onClose();
      }
    });
  }

  readonly node: HTMLElement;

  /** The row shown (null: none). */
  get key(): string | null {
    return this._row?.key ?? null;
  }

  get view(): TraceView | null {
    return this._view;
  }

  /** Show `row` (null: close). The same trace again updates its view. */
  show(row: ListRow | null): void {
    if (row && this._row?.key === row.key && this._view && row.entry.hasSpans) {
      if (row.entry.trace !== this._row.entry.trace) {
        this._view.update(row.entry.trace);
      }
      this._row = row;
      return;
    }
    this._dispose();
    this._row = row;
    this.node.hidden = row === null;
    if (!row) {
      this.node.replaceChildren();
      return;
    }
    const name = displayName(row.facts.name);
    this.node.setAttribute('aria-label', `Trace ${name}`);
    const head = el('div', 'nbtrace-list-open-head');
    head.append(
      el('span', 'nbtrace-list-open-title', `Trace ${name}`),
      el('span', 'nbtrace-list-open-id', row.entry.trace.id),
      button('Close', 'nbtrace-button nbtrace-list-close', () => this._onClose(), { title: 'Close this trace (Esc)' })
    );
    this.node.replaceChildren(head);
    if (!row.entry.hasSpans) {
      this.node.appendChild(
        el(
          'p',
          'nbtrace-detail-hint',
          `This trace is kept here as a summary, without its spans (the output keeps whole traces only up to its size bound). ` +
            `In the kernel, nbtrace.get_trace('${row.entry.trace.id}') returns it whole (from memory, or from the store when one is configured).`
        )
      );
      return;
    }
    this._view = new TraceView(row.entry.trace, this._options);
    if (row.entry.source !== undefined) {
      this._view.setSource(row.entry.source);
    }
    this.node.appendChild(this._view.node);
  }

  /** New display settings: the open trace takes them, later ones start with them. */
  applySettings(display: Partial<DisplayOptions>): void {
    this._options = { ...this._options, ...display };
    this._view?.applyDisplay(display);
  }

  focus(): void {
    this._view?.focus();
  }

  dispose(): void {
    this._dispose();
  }

  private _dispose(): void {
    this._view?.dispose();
    this._view = null;
  }

  private _options: Partial<TraceViewOptions>;
  private _onClose: () => void;
  private _row: ListRow | null = null;
  private _view: TraceView | null = null;
}
