/**
 * Lumino glue for evaluation results (`application/vnd.nbtrace.eval+json`,
 * what `nbtrace.evaluate` and `nbtrace.compare_runs` display): reads the
 * payload with the model and shows one run view or one comparison view. A
 * newer payload of the same run (a live evaluation's update) updates the view
 * in place, so the sort, filters, open row and scroll stay.
 */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import { errorBox } from './common/error-box';
import { markdownRenderer, MarkdownRenderer } from './common/markdown';
import { EvalCompareView } from './eval/compare-view';
import { EvalRunView } from './eval/run-view';
import { parseEvalPayload } from './model/eval';
import { expansionOf, getSettings } from './settings';

/** What `nbtrace.evaluate` / `compare_runs` display. */
export const EVAL_MIME_TYPE = 'application/vnd.nbtrace.eval+json';

export class EvalRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this._mimeType = options.mimeType;
    this._markdown = markdownRenderer(options);
    this.addClass('nbtrace-root');
    this.addClass('nbtrace-eval-root');
  }

  get view(): EvalRunView | EvalCompareView | null {
    return this._view;
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[this._mimeType];
    try {
      this._render(data);
    } catch (error) {
      // A bug must show as a message, never as a blank cell.
      this._showError(`nbtrace failed to render these results: ${String(error)}`, data);
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
    const result = parseEvalPayload(data);
    if (!result.ok) {
      this._showError(result.error, data);
      return;
    }
    const p = result.payload;
    const key = p.kind === 'run' ? `run:${p.run.id}` : `cmp:${p.a.id}:${p.b.id}`;
    if (this._view && key === this._key) {
      if (p.kind === 'run' && this._view instanceof EvalRunView) {
        this._view.update(p.run);
        return;
      }
      if (p.kind === 'comparison' && this._view instanceof EvalCompareView) {
        this._view.update(p.a, p.b);
        return;
      }
    }
    const s = getSettings();
    const options = { markdown: this._markdown, expansion: expansionOf(s), maxVisibleRows: s.maxVisibleRows };
    const view = p.kind === 'run' ? new EvalRunView(p.run, result.warnings, options) : new EvalCompareView(p.a, p.b, result.warnings, options);
    this._view?.dispose();
    this._view = view;
    this._key = key;
    this.node.replaceChildren(view.node);
  }

  private _showError(message: string, data: unknown): void {
    this._view?.dispose();
    this._view = null;
    this._key = '';
    this.node.replaceChildren(errorBox(message, data));
  }

  private _mimeType: string;
  private _markdown: MarkdownRenderer | undefined;
  private _view: EvalRunView | EvalCompareView | null = null;
  private _key = '';
}
