/**
 * Lumino glue for a comparison output (`application/vnd.nbtrace.compare+json`,
 * what `nbtrace.compare(a, b)` displays): reads the payload with the model,
 * aligns the two traces and shows one CompareView. A comparison is a
 * snapshot: a newer payload simply replaces the view.
 */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { compareTraces } from './model/compare';
import { parseComparePayload } from './model/compare-payload';
import { expansionOf, getSettings, rowHeightFor } from './settings';
import { CompareView } from './compare/compare-view';
import { ViewRenderer } from './view-renderer';

/** What `nbtrace.compare(a, b)` displays. */
export const COMPARE_MIME_TYPE = 'application/vnd.nbtrace.compare+json';

export class CompareRenderer extends ViewRenderer<CompareView> {
  constructor(options: IRenderMime.IRendererOptions) {
    super(options, 'nbtrace-compare-root', 'this comparison');
  }

  protected render(data: unknown): void {
    const result = parseComparePayload(data);
    if (!result.ok) {
      this.showError(result.error, data);
      return;
    }
    const settings = getSettings();
    this.showView(
      new CompareView(compareTraces(result.a, result.b), {
        names: result.names,
        warnings: result.warnings,
        maxVisibleRows: settings.maxVisibleRows,
        rowHeight: rowHeightFor(settings.rowDensity),
        expansion: expansionOf(settings),
        markdown: this.markdown
      })
    );
  }
}
