#!/usr/bin/env node
/**
 * A notebook whose SAVED outputs are the whole hostile-input corpus
 * (tests/corpus/): one code cell per payload, its output carrying the payload
 * under nbtrace's MIME type (plus text/plain). No signature, so JupyterLab
 * opens it untrusted — exactly how a notebook from someone else arrives.
 *
 * The generated payloads are built at the 'browser' scale (5k-deep chains,
 * 1 MB strings, ...) so the page stays usable with every output on it.
 * Payloads Python's json cannot carry — lone surrogates (the server's
 * notebook signing encodes every string as UTF-8) or nesting deeper than its
 * recursion limit — go in as their JSON text (a string payload), which nbtrace
 * reads the same way.
 *
 * Used by ui-tests/tests/hostile.spec.ts; by hand:
 *   node scripts/make-corpus-notebook.js corpus.ipynb
 */
'use strict';
const path = require('path');
const fs = require('fs');
const { corpus } = require(path.join(__dirname, '..', 'tests', 'corpus', 'generate.js'));

const MIME_TYPE = 'application/vnd.nbtrace.trace+json';
/** Python's json and nbformat's signing recurse per level: stay far below their ~1000. */
const MAX_JSON_DEPTH = 200;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether `value` holds a string (key or value) with a lone surrogate, or nests deeper than MAX_JSON_DEPTH. */
function needsText(value) {
  const stack = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop();
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) {
        return true;
      }
    } else if (v !== null && typeof v === 'object') {
      if (depth > MAX_JSON_DEPTH) {
        return true;
      }
      for (const k of Object.keys(v)) {
        if (LONE_SURROGATE.test(k)) {
          return true;
        }
        stack.push([v[k], depth + 1]);
      }
    }
  }
  return false;
}

/** The notebook (nbformat 4 JSON) and, per code cell, its corpus item. */
function makeCorpusNotebook(options = {}) {
  const scale = options.scale || 'browser';
  const items = corpus(scale);
  const cells = [];
  const order = [];
  for (const item of items) {
    let payload = item.load();
    const asText = typeof payload !== 'string' && needsText(payload);
    if (asText) {
      payload = JSON.stringify(payload);
    }
    const note = asText ? ' (stored as JSON text: Python cannot hold it as JSON)' : '';
    cells.push({
      cell_type: 'code',
      execution_count: null,
      id: `corpus-${cells.length}`,
      metadata: {},
      source: [`# ${item.file}: ${item.entry.why}${note}`],
      outputs: [
        {
          output_type: 'display_data',
          data: { [MIME_TYPE]: payload, 'text/plain': [`nbtrace corpus item ${item.file}`] },
          metadata: {}
        }
      ]
    });
    order.push({ file: item.file, entry: item.entry, asText });
  }
  const notebook = {
    cells,
    metadata: {
      kernelspec: { display_name: 'Python 3 (ipykernel)', language: 'python', name: 'python3' },
      language_info: { name: 'python' }
    },
    nbformat: 4,
    nbformat_minor: 5
  };
  return { notebook, items: order };
}

module.exports = { makeCorpusNotebook, MIME_TYPE };

if (require.main === module) {
  const out = process.argv[2] || 'corpus.ipynb';
  const { notebook, items } = makeCorpusNotebook({ scale: process.argv[3] || 'browser' });
  fs.writeFileSync(out, JSON.stringify(notebook));
  console.log(`${out}: ${items.length} outputs, ${(fs.statSync(out).size / 1e6).toFixed(1)} MB`);
}
