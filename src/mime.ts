import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { TraceRenderer, MIME_TYPE } from './renderer';

/** The MIME renderer extension: registered safe, ranked ahead of application/json. */
const extension: IRenderMime.IExtension = {
  id: 'nbtrace:mime',
  description: 'Renders AI-agent / LLM traces (MLflow, OTLP) as a span tree with timing bars.',
  rendererFactory: {
    safe: true,
    mimeTypes: [MIME_TYPE],
    createRenderer: options => new TraceRenderer(options)
  },
  // Lower wins: JupyterLab's JSON renderer has rank 0, so a bundle carrying both shows the tree.
  rank: -1,
  dataType: 'json',
  fileTypes: [],
  documentWidgetFactoryOptions: []
};

export default extension;
