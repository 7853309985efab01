/**
 * Lumino glue for evaluation results (`application/vnd.nbtrace.eval+json`,
 * what `nbtrace.evaluate` and `nbtrace.compare_runs` display): reads the
 * payload with the model and shows one run view or one comparison view. A
 * newer payload of the same run (a live evaluation's update) updates the view
 * in place, so the sort, filters, open row and scroll stay.
 */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { ViewRenderer } from './view-renderer';
import { EvalCompareView } from './eval/compare-view';
import { EvalRunView } from './eval/run-view';
import { parseEvalPayload } from './model/eval';
import { expansionOf, getSettings } from './settings';

/** What `nbtrace.evaluate` / `compare_runs` display. */
export const EVAL_MIME_TYPE = 'application/vnd.nbtrace.eval+json';

export class EvalRenderer extends ViewRenderer<EvalRunView | EvalCompareView> {
  constructor(options: IRenderMime.IRendererOptions) {
    super(options, 'nbtrace-eval-root', 'these results');
  }

  protected render(data: unknown): void {
    const result = parseEvalPayload(data);
    if (!result.ok) {
      this.showError(result.error, data);
      return;
    }
    const p = result.payload;
    const key = p.kind === 'run' ? `run:${p.run.id}` : `cmp:${p.a.id}:${p.b.id}`;
    const shown = this.view;
    if (shown && key === this._key) {
      if (p.kind === 'run' && shown instanceof EvalRunView) {
        shown.update(p.run);
        return;
      }
      if (p.kind === 'comparison' && shown instanceof EvalCompareView) {
        shown.update(p.a, p.b);
        return;
      }
    }
    const s = getSettings();
    const options = { markdown: this.markdown, expansion: expansionOf(s), maxVisibleRows: s.maxVisibleRows };
    this._key = key;
    this.showView(p.kind === 'run' ? new EvalRunView(p.run, result.warnings, options) : new EvalCompareView(p.a, p.b, result.warnings, options));
  }

  private _key = '';
}
