/** A TraceRenderer mounted in the jsdom document, and a MIME model to feed it, as JupyterLab would. */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { MIME_TYPE, TraceRenderer } from '../../src/renderer';

export function mountRenderer(options: Partial<IRenderMime.IRendererOptions> = {}): TraceRenderer {
  const r = new TraceRenderer({
    mimeType: MIME_TYPE,
    sanitizer: { sanitize: (s: string) => s },
    resolver: null,
    linkHandler: null,
    latexTypesetter: null,
    ...options
  } as unknown as IRenderMime.IRendererOptions);
  document.body.appendChild(r.node);
  return r;
}

export function mimeModel(data: unknown): IRenderMime.IMimeModel {
  return { data: { [MIME_TYPE]: data }, metadata: {}, trusted: false, setData: () => undefined } as unknown as IRenderMime.IMimeModel;
}
