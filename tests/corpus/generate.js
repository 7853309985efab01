/**
 * The hostile-input corpus: loads tests/corpus/manifest.json and its payload
 * files, and builds the big payloads at run time from the small
 * `{"$generate": {...}}` spec files, so no megabytes are committed.
 *
 * Plain CommonJS without dependencies: jest (tests/model/corpus.test.ts), the
 * galata spec (ui-tests/tests/hostile.spec.ts) and
 * scripts/make-corpus-notebook.js all load it.
 *
 * `scale: 'full'` builds the sizes the manifest names (100k-deep chains,
 * 200k spans, 10 MB strings); `scale: 'browser'` the `browser*` sizes of each
 * spec, small enough that a page holding every output stays usable.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const DIR = __dirname;
const BASE_NS = 1700000000000000000n;
const TRACE_HEX = '5b8efff798038103d269b633813fc60c';

const nsAt = ms => (BASE_NS + BigInt(Math.round(ms * 1e6))).toString();
const hex16 = i => i.toString(16).padStart(16, '0');

/** A span list in one format; `spans` are {id, parent, name, start, end, attrs}. */
function inFormat(format, spans) {
  if (format === 'otlp') {
    return {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'corpus-generator' } }] },
          scopeSpans: [
            {
              scope: { name: 'corpus' },
              spans: spans.map(s => ({
                traceId: TRACE_HEX,
                spanId: s.id,
                parentSpanId: s.parent ?? '',
                name: s.name,
                kind: 1,
                startTimeUnixNano: nsAt(s.start),
                endTimeUnixNano: nsAt(s.end),
                attributes: s.otlpAttrs ?? Object.entries(s.attrs ?? {}).map(([key, v]) => ({ key, value: { stringValue: v } })),
                status: { code: 1 }
              }))
            }
          ]
        }
      ]
    };
  }
  if (format === 'jaeger') {
    return {
      traceID: TRACE_HEX,
      processes: { p1: { serviceName: 'corpus-generator' } },
      spans: spans.map(s => ({
        traceID: TRACE_HEX,
        spanID: s.id,
        operationName: s.name,
        references: s.parent ? [{ refType: 'CHILD_OF', traceID: TRACE_HEX, spanID: s.parent }] : [],
        startTime: 1700000000000000 + Math.round(s.start * 1000),
        duration: Math.round((s.end - s.start) * 1000),
        processID: 'p1',
        tags: Object.entries(s.attrs ?? {}).map(([key, value]) => ({ key, type: 'string', value }))
      }))
    };
  }
  // MLflow v3 (attribute values JSON-encoded, as MLflow writes them).
  return {
    info: { trace_id: `tr-${TRACE_HEX}`, state: 'OK', trace_metadata: {}, tags: {} },
    data: {
      spans: spans.map(s => {
        const attributes = {};
        for (const [k, v] of Object.entries(s.attrs ?? {})) {
          attributes[k] = s.rawAttrs ? v : JSON.stringify(v);
        }
        return {
          trace_id: 'W47/95gDgQPSabYzgT/GDA==',
          span_id: s.id,
          parent_span_id: s.parent ?? null,
          name: s.name,
          start_time_unix_nano: nsAt(s.start),
          end_time_unix_nano: nsAt(s.end),
          attributes,
          status: { code: 'STATUS_CODE_OK', message: '' },
          events: []
        };
      })
    }
  };
}

/** `{"a": {"a": ... "leaf"}}` nested `depth` levels, built as text (no recursion anywhere). */
function nestedJsonText(depth) {
  return '{"a":'.repeat(depth) + '"leaf"' + '}'.repeat(depth);
}

/** An OTLP kvlistValue nested `depth` levels (built bottom-up, no recursion). */
function nestedKvlist(depth) {
  let v = { stringValue: 'leaf' };
  for (let i = 0; i < depth; i++) {
    v = { kvlistValue: { values: [{ key: 'a', value: v }] } };
  }
  return v;
}

/** A big string of `n` characters with some HTML and non-BMP text in it. */
function bigString(n, label) {
  const unit = `${label} <script>window.__nbtracePwned="big"</script> 🔥 lorem ipsum dolor sit amet\n`;
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

/** Build the payload a `$generate` spec describes, at the given scale. */
function generate(spec, scale = 'full') {
  const browser = scale === 'browser';
  const n = browser && spec.browserN !== undefined ? spec.browserN : spec.n;
  const spans = [];
  switch (spec.shape) {
    case 'chain':
      for (let i = 0; i < n; i++) {
        spans.push({ id: hex16(i + 1), parent: i > 0 ? hex16(i) : undefined, name: `level ${i}`, start: i * 0.001, end: n * 0.001 + 1 });
      }
      break;
    case 'wide':
      spans.push({ id: hex16(1), name: 'root', start: 0, end: n * 0.01 + 1 });
      for (let i = 1; i < n; i++) {
        spans.push({ id: hex16(i + 1), parent: hex16(1), name: `child ${i}`, start: i * 0.01, end: i * 0.01 + 0.5 });
      }
      break;
    case 'ring':
      // Every span's parent is the next one; the last one's is the first.
      for (let i = 0; i < n; i++) {
        spans.push({ id: hex16(i + 1), parent: hex16(((i + 1) % n) + 1), name: `ring ${i}`, start: i * 0.001, end: i * 0.001 + 1 });
      }
      break;
    case 'duplicates':
      for (let i = 0; i < n; i++) {
        spans.push({ id: hex16(7), parent: i === 0 ? undefined : hex16(7), name: `duplicate ${i}`, start: i * 0.01, end: i * 0.01 + 1 });
      }
      break;
    case 'orphans':
      for (let i = 0; i < n; i++) {
        spans.push({ id: hex16(i + 1), parent: hex16(10_000_000 + i), name: `orphan ${i}`, start: i * 0.01, end: i * 0.01 + 1 });
      }
      break;
    case 'big-strings': {
      const chars = browser && spec.browserChars !== undefined ? spec.browserChars : spec.chars;
      const big = bigString(chars, 'big');
      const nameChars = spec.nameChars !== undefined ? spec.nameChars : Math.min(chars, 1_000_000);
      spans.push({ id: hex16(1), name: bigString(nameChars, 'name'), start: 0, end: 10, attrs: { 'mlflow.spanType': 'CHAIN', 'mlflow.spanInputs': { text: big }, big } });
      spans.push({
        id: hex16(2),
        parent: hex16(1),
        name: 'chat with a 10 MB message',
        start: 1,
        end: 5,
        attrs: { 'mlflow.spanType': 'CHAT_MODEL', 'mlflow.spanInputs': { messages: [{ role: 'user', content: big }] }, 'mlflow.spanOutputs': { choices: [{ message: { role: 'assistant', content: big } }] } }
      });
      spans.push({ id: hex16(3), parent: hex16(1), name: 'retriever', start: 6, end: 8, attrs: { 'mlflow.spanType': 'RETRIEVER', 'mlflow.spanOutputs': [{ page_content: big, metadata: { big } }] } });
      break;
    }
    case 'nested': {
      const depth = browser && spec.browserDepth !== undefined ? spec.browserDepth : spec.depth;
      const text = nestedJsonText(depth);
      if (spec.format === 'otlp') {
        spans.push({ id: hex16(1), name: 'deep kvlist', start: 0, end: 5, otlpAttrs: [{ key: 'deep', value: nestedKvlist(depth) }, { key: 'input.value', value: { stringValue: text } }] });
        spans.push({ id: hex16(2), parent: hex16(1), name: 'deep json text', start: 1, end: 2, otlpAttrs: [{ key: 'deep.text', value: { stringValue: text } }] });
      } else {
        // MLflow attribute values are JSON text: the nesting arrives as text and is decoded by the parser.
        spans.push({ id: hex16(1), name: 'deep attributes', start: 0, end: 5, rawAttrs: true, attrs: { deep: text, 'mlflow.spanInputs': text, 'mlflow.spanOutputs': text } });
        spans.push({ id: hex16(2), parent: hex16(1), name: 'deep chat', start: 1, end: 2, rawAttrs: true, attrs: { 'mlflow.spanType': '"CHAT_MODEL"', 'mlflow.spanInputs': `{"messages":[{"role":"user","content":${text}}]}` } });
      }
      break;
    }
    default:
      throw new Error(`unknown corpus shape ${spec.shape}`);
  }
  return inFormat(spec.format, spans);
}

/** The manifest: file → {expect, warning?, spans?, why, xss?, generated?}. */
function manifest() {
  return JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8'));
}

/**
 * One corpus item's payload as the MIME bundle would hold it: parsed JSON for
 * .json files (generated when it is a spec), the text itself for .txt files.
 */
function payload(file, scale = 'full') {
  const text = fs.readFileSync(path.join(DIR, file), 'utf8');
  if (file.endsWith('.txt')) {
    return text;
  }
  const value = JSON.parse(text);
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && value.$generate) {
    return generate(value.$generate, scale);
  }
  return value;
}

/** Every item: [{file, entry, load()}], in manifest order; load() builds the payload. */
function corpus(scale = 'full') {
  const m = manifest();
  return Object.keys(m).map(file => ({ file, entry: m[file], load: () => payload(file, scale) }));
}

module.exports = { corpus, manifest, payload, generate, DIR };
