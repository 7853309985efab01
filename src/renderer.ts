import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import { parsePayload } from './model';

export const MIME_TYPE = 'application/vnd.nbtrace.trace+json';

export class TraceRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this._mimeType = options.mimeType;
    this.addClass('nbtrace-root');
  }
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const result = parsePayload(model.data[this._mimeType]);
    this.node.textContent = result.ok ? `${result.traces.length} traces` : result.error;
  }
  private _mimeType: string;
}
