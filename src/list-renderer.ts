/**
 * Lumino glue for a list of traces (`application/vnd.nbtrace.traces+json`,
 * what `nbtrace.show(list)`, `nbtrace.search_traces` and a cell's overflow
 * display): reads the payload with the model and shows one TraceListView. A
 * newer payload (a cell that keeps adding traces) updates the view in place,
 * so the filter, sort, grouping, open trace and scroll stay.
 */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { ViewRenderer } from './view-renderer';
import { TraceListView } from './list/list-view';
import { parseTraceList } from './model/trace-list';
import { addToDataset } from './kernel-bridge';
import { displayFor, expansionOf, getSettings, onSettingsChanged } from './settings';

/** What a list of traces is displayed as. */
export const LIST_MIME_TYPE = 'application/vnd.nbtrace.traces+json';

export class TraceListRenderer extends ViewRenderer<TraceListView> {
  constructor(options: IRenderMime.IRendererOptions) {
    super(options, 'nbtrace-list-root', 'this list of traces');
    this._unsubscribe = onSettingsChanged(() => this.view?.panel.applySettings(displayFor(getSettings())));
  }

  dispose(): void {
    this._unsubscribe();
    super.dispose();
  }

  protected render(data: unknown): void {
    const result = parseTraceList(data);
    if (!result.ok) {
      this.showError(result.error, data);
      return;
    }
    if (this.view) {
      this.view.update(result.list);
      return;
    }
    const s = getSettings();
    this.showView(
      new TraceListView(result.list, {
        expansion: expansionOf(s),
        ...displayFor(s),
        datasetSink: (record, name) => addToDataset(this.node, record, name),
        markdown: this.markdown
      })
    );
  }

  private _unsubscribe: () => void;
}
