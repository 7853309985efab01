/**
 * Lumino glue for a comparison output (`application/vnd.nbtrace.compare+json`,
 * what `nbtrace.compare(a, b)` displays): reads the payload with the model,
 * aligns the two traces and shows one CompareView. A comparison is a
 * snapshot: a newer payload simply replaces the view.
 */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import { compareTraces } from './model/compare';
import { parseComparePayload } from './model/compare-payload';
import { expansionOf, getSettings, rowHeightFor } from './settings';
import { CompareView } from './compare/compare-view';
import { markdownRenderer, MarkdownRenderer } from './common/markdown';
import { errorBox } from './common/error-box';

/** What `nbtrace.compare(a, b)` displays. */
export const COMPARE_MIME_TYPE = 'application/vnd.nbtrace.compare+json';

export class CompareRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this._mimeType = options.mimeType;
    this._markdown = markdownRenderer(options);
    this.addClass('nbtrace-root');
    this.addClass('nbtrace-compare-root');
  }

  get view(): CompareView | null {
    return this._view;
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[this._mimeType];
    try {
      this._render(data);
    } catch (error) {
      // A bug must show as a message, never as a blank cell.
      this._showError(`nbtrace failed to render this comparison: ${String(error)}`, data);
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

  private _render(data: unknown): void {
    const result = parseComparePayload(data);
    if (!result.ok) {
      this._showError(result.error, data);
      return;
    }
    const settings = getSettings();
    const view = new CompareView(compareTraces(result.a, result.b), {
      names: result.names,
      warnings: result.warnings,
      maxVisibleRows: settings.maxVisibleRows,
      rowHeight: rowHeightFor(settings.rowDensity),
      expansion: expansionOf(settings),
      markdown: this._markdown
    });
    this._view?.dispose();
    this._view = view;
    this.node.replaceChildren(view.node);
  }

  private _showError(message: string, data: unknown): void {
    this._view?.dispose();
    this._view = null;
    this.node.replaceChildren(errorBox(message, data));
  }

  private _mimeType: string;
  private _markdown: MarkdownRenderer | undefined;
  private _view: CompareView | null = null;
}
