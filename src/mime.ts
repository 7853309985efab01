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
  rank: 10,
  dataType: 'json',
  fileTypes: [],
  documentWidgetFactoryOptions: []
};

export default extension;
