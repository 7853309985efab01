/**
 * The Lumino glue that an output renderer of one view shares: it keeps the
 * view, shows a bug or bad data as a clear inline message (never a blank cell,
 * never an uncaught exception), and disposes the view with itself. Subclasses
 * read their payload in `render` and hand the view over with `showView`.
 */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import { errorBox } from './common/error-box';
import { markdownRenderer, MarkdownRenderer } from './common/markdown';

export interface ShownView {
  readonly node: HTMLElement;
  dispose(): void;
}

export abstract class ViewRenderer<V extends ShownView> extends Widget implements IRenderMime.IRenderer {
  /** `what`: what a failure message calls the output ("this comparison"). */
  constructor(options: IRenderMime.IRendererOptions, rootClass: string, what: string) {
    super();
    this._mimeType = options.mimeType;
    this._what = what;
    this.markdown = markdownRenderer(options);
    this.addClass('nbtrace-root');
    this.addClass(rootClass);
  }

  get view(): V | null {
    return this._view;
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[this._mimeType];
    try {
      this.render(data);
    } catch (error) {
      this.showError(`nbtrace failed to render ${this._what}: ${String(error)}`, data);
    }
    return Promise.resolve();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._view?.dispose();
    this._view = null;
    super.dispose();
  }

  /** Read `data` and `showView` a view of it (or `showError`). */
  protected abstract render(data: unknown): void;

  /** Replace the view shown. */
  protected showView(view: V): void {
    if (view !== this._view) {
      this._view?.dispose();
    }
    this._view = view;
    this.node.replaceChildren(view.node);
  }

  protected showError(message: string, data: unknown): void {
    this._view?.dispose();
    this._view = null;
    this.node.replaceChildren(errorBox(message, data));
  }

  protected readonly markdown: MarkdownRenderer | undefined;
  private _mimeType: string;
  private _what: string;
  private _view: V | null = null;
}
