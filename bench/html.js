#!/usr/bin/env node
/**
 * The standalone page (issue 17): `nbtrace.to_html` of an OTLP trace of 10k
 * and 100k spans, opened from a file in headless Chromium. Its own first
 * parse of the data (`JSON.parse` of the inline JSON) is the floor; "first
 * rows" is from the start of that parse to the second frame after the
 * viewer rendered (rows painted). An init script times both in the page
 * itself; each run is a fresh page. Writes bench/results/html.md. A report:
 * nothing passes or fails.
 *
 *   node bench/html.js
 */
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { CHROMIUM, LAUNCH_ARGS, chromium, median, fmt, ROOT, OUT_DIR } = require('./lib');

const RUNS = 5;
const SIZES = [10000, 100000];
const PY = path.join(ROOT, '.venv', 'bin', 'python');

/** The bench's OTLP generator (bench/page/payloads.js), run here in Node. */
function otlp(n) {
  const src = fs.readFileSync(path.join(__dirname, 'page', 'payloads.js'), 'utf8');
  return new Function(`${src}\nreturn otlp;`)()(n, { seed: 3 });
}

/** Times the page's first big JSON.parse and the frames after the viewer's render, in the page. */
function pageTimer() {
  const t = (window.__nbtraceBench = { parseStart: NaN, parseEnd: NaN, renderEnd: NaN, paint: NaN, rows: 0 });
  const parse = JSON.parse;
  JSON.parse = function (text, reviver) {
    const big = typeof text === 'string' && text.length > 100000 && Number.isNaN(t.parseStart);
    const start = performance.now();
    const v = parse.call(JSON, text, reviver);
    if (big) {
      t.parseStart = start;
      t.parseEnd = performance.now();
    }
    return v;
  };
  let api;
  Object.defineProperty(window, 'nbtraceStandalone', {
    configurable: true,
    get: () => api,
    set: value => {
      const render = value.render;
      api = {
        ...value,
        render(el, payload) {
          const views = render(el, payload);
          t.renderEnd = performance.now();
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              t.paint = performance.now();
              t.rows = el.querySelectorAll('[role="treeitem"]').length;
            })
          );
          return views;
        }
      };
    }
  });
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nbtrace-html-bench-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  const rows = [];
  try {
    for (const n of SIZES) {
      const json = path.join(tmp, `${n}.json`);
      const html = path.join(tmp, `${n}.html`);
      fs.writeFileSync(json, JSON.stringify(otlp(n)));
      execFileSync(PY, ['-c', 'import json, sys, nbtrace; nbtrace.to_html(json.load(open(sys.argv[1])), sys.argv[2])', json, html], {
        env: { ...process.env, PIP_RETRIES: '0' }
      });
      const mb = fs.statSync(html).size / 1e6;
      const samples = [];
      for (let i = 0; i < RUNS; i++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        await page.addInitScript(pageTimer);
        await page.goto(`file://${html}`);
        await page.waitForFunction(() => Number.isFinite(window.__nbtraceBench.paint), null, { timeout: 120000 });
        samples.push(await page.evaluate(() => window.__nbtraceBench));
        await page.close();
      }
      const parse = median(samples.map(s => s.parseEnd - s.parseStart));
      const first = median(samples.map(s => s.paint - s.parseStart));
      const model = median(samples.map(s => s.renderEnd - s.parseEnd));
      rows.push({ n, mb, parse, first, model, rows: samples[0].rows });
      console.log(`${n} spans (${mb.toFixed(1)} MB page): JSON.parse ${fmt(parse)} ms, first rows ${fmt(first)} ms = ${(first / parse).toFixed(2)}×`);
    }
  } finally {
    await browser.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const L = [
    '# nbtrace standalone page (to_html) first rows',
    '',
    `${new Date().toISOString()} · ${os.cpus().length} cores · load ${os.loadavg().map(x => x.toFixed(2)).join(' / ')} · Chromium headless (system) · ${RUNS} fresh pages per size, medians.`,
    '',
    'The page parses its inline data once (`JSON.parse`, the floor: the browser must do it anyway); **first rows** runs from the start of that parse to the second frame after the viewer rendered. Target (issue 17): first rows ≤ 1.5× the parse.',
    '',
    '| trace | page | JSON.parse | model + views | **first rows** | ratio | rows painted |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      r => `| ${r.n.toLocaleString('en-US')} spans | ${r.mb.toFixed(1)} MB | ${fmt(r.parse)} | ${fmt(r.model)} | **${fmt(r.first)}** | ${(r.first / r.parse).toFixed(2)}× | ${r.rows} |`
    ),
    '',
    'Reproduce: `node bench/html.js` (after `make install`).',
    ''
  ];
  fs.writeFileSync(path.join(OUT_DIR, 'html.md'), L.join('\n'));
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
