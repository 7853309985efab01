/**
 * nbtrace outside a notebook output: a trace in its own main-area tab
 * ("Open Trace in New Tab"), and trace files opened from the file browser
 * (`*.trace.json` by default; any `.json` / `.jsonl` via Open With → Trace
 * Viewer). Both are the same TraceRenderer the outputs use.
 */
import { ABCWidgetFactory, DocumentRegistry, DocumentWidget, IDocumentWidget } from '@jupyterlab/docregistry';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { PanelLayout, Widget } from '@lumino/widgets';
import { MIME_TYPE, TraceRenderer } from './renderer';
import { OWN_VIEW_VISIBLE_ROWS } from './settings';

export const VIEWER_FACTORY = 'Trace Viewer';
export const TRACE_FILE_TYPE = 'nbtrace-trace';

/** The sanitizer and markdown parser of the application (set by the plugin from the rendermime registry). */
let renderOptions: Partial<IRenderMime.IRendererOptions> = {};

export function setRenderOptions(options: Partial<IRenderMime.IRendererOptions>): void {
  renderOptions = options;
}

/** A renderer for a main-area widget: more rows, a snapshot (running traces do not tick on), built at once. */
export function createTraceWidget(): TraceRenderer {
  const options = { ...renderOptions, mimeType: MIME_TYPE, maxVisibleRows: OWN_VIEW_VISIBLE_ROWS, snapshot: true, lazy: false };
  const r = new TraceRenderer(options as IRenderMime.IRendererOptions & typeof options);
  r.addClass('nbtrace-tab');
  return r;
}

/** Show `data` (a payload object or JSON / JSON Lines text) in `renderer`. */
export function showPayload(renderer: TraceRenderer, data: unknown): void {
  const model = {
    trusted: false,
    data: { [MIME_TYPE]: data as IRenderMime.IMimeModel['data'][string] },
    metadata: {},
    setData: () => undefined
  } as IRenderMime.IMimeModel;
  void renderer.renderModel(model);
}

/** A trace file's content: re-rendered when the file changes on disk (revert/reload). */
class TraceFileView extends Widget {
  constructor(context: DocumentRegistry.Context) {
    super();
    this.addClass('nbtrace-file-view');
    this._context = context;
    const layout = (this.layout = new PanelLayout());
    this._renderer = createTraceWidget();
    layout.addWidget(this._renderer);
    void context.ready.then(() => {
      if (this.isDisposed) {
        return; // closed before the file arrived
      }
      this._render();
      context.model.contentChanged.connect(this._render, this);
    });
  }

  private _render(): void {
    showPayload(this._renderer, this._context.model.toString());
  }

  private _context: DocumentRegistry.Context;
  private _renderer: TraceRenderer;
}

export class TraceViewerFactory extends ABCWidgetFactory<IDocumentWidget<TraceFileView>> {
  protected createNewWidget(context: DocumentRegistry.Context): IDocumentWidget<TraceFileView> {
    return new DocumentWidget({ content: new TraceFileView(context), context });
  }
}
