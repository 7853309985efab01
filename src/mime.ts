import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { CompareRenderer, COMPARE_MIME_TYPE } from './compare-renderer';
import { EVAL_MIME_TYPE, EvalRenderer } from './eval-renderer';
import { LIST_MIME_TYPE, TraceListRenderer } from './list-renderer';
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

/** Two traces compared (`nbtrace.compare(a, b)`): aligned spans, deltas, details side by side. */
const compareExtension: IRenderMime.IExtension = {
  id: 'nbtrace:compare',
  description: 'Compares two AI-agent / LLM traces: aligned spans with time, token and status changes.',
  rendererFactory: {
    safe: true,
    mimeTypes: [COMPARE_MIME_TYPE],
    createRenderer: options => new CompareRenderer(options)
  },
  rank: -1,
  dataType: 'json'
};

/** Evaluation results (`nbtrace.evaluate`, `nbtrace.compare_runs`): a live results table, or two runs compared. */
const evalExtension: IRenderMime.IExtension = {
  id: 'nbtrace:eval',
  description: 'Shows evaluation results of an AI app: scores per record, aggregates, traces, and regressions between two runs.',
  rendererFactory: {
    safe: true,
    mimeTypes: [EVAL_MIME_TYPE],
    createRenderer: options => new EvalRenderer(options)
  },
  rank: -1,
  dataType: 'json'
};

/** Many traces (`nbtrace.show(list)`, `nbtrace.search_traces`, a cell over its cap): a filterable table with aggregates. */
const listExtension: IRenderMime.IExtension = {
  id: 'nbtrace:list',
  description: 'Lists many AI-agent / LLM traces: a sortable, filterable table with latency percentiles, tokens and cost by model.',
  rendererFactory: {
    safe: true,
    mimeTypes: [LIST_MIME_TYPE],
    createRenderer: options => new TraceListRenderer(options)
  },
  rank: -1,
  dataType: 'json'
};

const extensions: IRenderMime.IExtension[] = [extension, compareExtension, evalExtension, listExtension];

export default extensions;
