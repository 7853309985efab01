#!/usr/bin/env node
/**
 * nbtrace "notebook full of traces" benchmark (issue 16, part 3): a notebook
 * with N saved trace outputs (default 100 × 20 spans, deterministic OTLP from
 * bench/page/payloads.js) against the same notebook with the same payloads
 * as `application/json` outputs, opened one after the other in the same page
 * of a real JupyterLab (the galata-configured server of ui-tests/) in
 * headless system Chromium; then a theme switch (JupyterLab Light → Dark and
 * back) with each open. Writes bench/results/notebook.{json,md}.
 *
 *   node bench/notebook.js            # ~2 min on 2 cores
 *   node bench/notebook.js --quick    # 2 runs per case (smoke test)
 *   node bench/notebook.js --cells N  # another notebook size (default 100)
 *
 * Environment: as bench/run.js (NBTRACE_BENCH_PORT, NBTRACE_CHROMIUM, NBTRACE_BENCH_URL).
 * Nothing here asserts a time: this is a report. Targets (issue 16): opening
 * ≤ 1.2× the JSON notebook (interactive, and first trace drawn); a theme
 * switch with 100 traces ≤ 100 ms.
 */
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { fmt, OUT_DIR, CHROMIUM, LAUNCH_ARGS, chromium, median, p95, startServer, stopServer, Lab } = require('./lib');

const QUICK = process.argv.includes('--quick');
const AT = process.argv.indexOf('--cells');
const CELLS = (AT > 0 && Number(process.argv[AT + 1])) || 100;
const SPANS = 20;
const RUNS = QUICK ? 2 : 7;
const THEME_RUNS = QUICK ? 2 : 5;
const LIGHT = 'JupyterLab Light';
const DARK = 'JupyterLab Dark';

/** The in-page part: payloads.js (the generators) and page/notebook.js, in their own scope. */
const PAGE_JS = [
  '(() => {',
  "  'use strict';",
  fs.readFileSync(path.join(__dirname, 'page', 'payloads.js'), 'utf-8'),
  fs.readFileSync(path.join(__dirname, 'page', 'notebook.js'), 'utf-8'),
  '  window.nbNotebook = nbApi;',
  '})();'
].join('\n');

function log(msg) {
  console.log(`[bench notebook ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

async function call(lab, fn, args = [], timeoutS = 120) {
  const r = await Promise.race([
    lab.page.evaluate(([f, a]) => window.nbNotebook[f](...a), [fn, args]).catch(e => ({ error: String(e.message || e).split('\n')[0] })),
    new Promise(resolve => setTimeout(() => resolve({ error: `timed out after ${timeoutS} s` }), timeoutS * 1000))
  ]);
  if (r && r.error) {
    log(`  ${fn} failed: ${r.error}`);
  }
  return r;
}

async function main() {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const started = Date.now();
  const server = await startServer();
  process.on('exit', () => stopServer(server));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  const lab = new Lab(browser);
  const r = { meta: { date: new Date().toISOString(), cells: CELLS, spans: SPANS, runs: RUNS, cores: os.cpus().length, loadAvgStart: os.loadavg() }, open: {}, theme: {} };
  try {
    await lab.open();
    await lab.page.evaluate(PAGE_JS);
    r.meta.chromium = browser.version();
    r.meta.noKernel = await call(lab, 'noKernel');
    r.meta.files = await call(lab, 'prepare', [CELLS, SPANS]);
    log(`${CELLS} outputs × ${SPANS} spans: ${(r.meta.files.traces.bytes / 1e6).toFixed(2)} MB notebook (${r.meta.files.payloadBytes} B per payload)`);
    // Warm-up: each notebook once (loads the JSON renderer's chunk, compiles the code paths).
    for (const kind of ['traces', 'json']) {
      await call(lab, 'open', [kind]);
    }
    for (let i = 0; i < RUNS; i++) {
      for (const kind of ['traces', 'json']) {
        const s = await call(lab, 'open', [kind]);
        if (s && !s.error) {
          (r.open[kind] ??= []).push(s);
        }
      }
    }
    for (const kind of ['traces', 'json']) {
      const xs = r.open[kind] || [];
      log(`  open ${kind}: interactive ${fmt(median(xs.map(s => s.interactive)))} ms, first drawn ${fmt(median(xs.map(s => s.firstDrawn)))} ms, last cell in DOM ${fmt(median(xs.map(s => s.lastInDom)))} ms`);
    }
    // Theme switch with each notebook open (first switch of each pair not counted: the theme's CSS is fetched once).
    const themeCase = async (label, kind, prepare) => {
      await call(lab, 'open', [kind]);
      r.theme[label] = { setup: prepare ? await call(lab, prepare, [], 300) : null, dark: [], light: [] };
      await call(lab, 'theme', [DARK]);
      await call(lab, 'theme', [LIGHT]);
      for (let i = 0; i < THEME_RUNS; i++) {
        const d = await call(lab, 'theme', [DARK]);
        const l = await call(lab, 'theme', [LIGHT]);
        if (d && !d.error) {
          r.theme[label].dark.push(d);
        }
        if (l && !l.error) {
          r.theme[label].light.push(l);
        }
      }
      log(`  theme ${label}: light → dark ${fmt(median(r.theme[label].dark.map(s => s.painted)))} ms, dark → light ${fmt(median(r.theme[label].light.map(s => s.painted)))} ms`);
    };
    await themeCase('traces', 'traces');
    await themeCase('json', 'json');
    await themeCase('tracesAllBuilt', 'traces', 'scrollThrough');
    await themeCase('empty', 'empty');
    r.costs = await call(lab, 'costs', [30]);
    log(`  per output: ${JSON.stringify(r.costs)}`);
    // Hook: later notebook-level suites (another notebook shape, say) add their cases here, reusing
    // `lab`, `call` and the saved files; the trace-list benchmark has its own runner, bench/list.js.
  } finally {
    await lab.close();
    await browser.close();
    stopServer(server);
  }
  r.meta.seconds = Math.round((Date.now() - started) / 1000);
  r.meta.loadAvgEnd = os.loadavg();
  fs.writeFileSync(path.join(OUT_DIR, 'notebook.json'), JSON.stringify(r, null, 1));
  fs.writeFileSync(path.join(OUT_DIR, 'notebook.md'), report(r));
  log(`wrote bench/results/notebook.md (${r.meta.seconds} s)`);
}

// ---------------------------------------------------------------- report
const fmt2 = x => (Number.isFinite(x) ? x.toFixed(2) : '–');

function report(r) {
  const L = [];
  const m = r.meta;
  const med = (xs, f) => median((xs || []).map(f));
  const q95 = (xs, f) => p95((xs || []).map(f));
  L.push('# nbtrace notebook benchmark: a notebook full of traces');
  L.push('');
  L.push(
    `Generated by \`bench/notebook.js\` on ${m.date.slice(0, 19).replace('T', ' ')} — ${m.cores} cores (load average ${m.loadAvgStart.map(x => x.toFixed(1)).join(' / ')}), ` +
      `headless Chromium ${m.chromium}, ${m.runs} runs per case (median, p95), the two notebooks opened alternately in the same page. ` +
      `Each notebook: ${m.cells} code cells, each with one saved output of a ${m.spans}-span OTLP trace (${m.files.payloadBytes.toLocaleString('en-US')} B; ` +
      `${(m.files.traces.bytes / 1e6).toFixed(2)} MB of notebook) — as \`${'application/vnd.nbtrace.trace+json'}\` (nbtrace) or as \`application/json\` ` +
      `(JupyterLab's JSON renderer), the same payloads. JupyterLab's default windowing mode (\`${(r.open.traces || [{ states: {} }])[0].states.windowingMode}\`); ` +
      `${m.noKernel ? 'no kernel is started (the benchmark turns the Notebook factory\'s kernel preference off), so nothing competes for the CPU' : 'a kernel starts with each notebook'}. ` +
      'Times in ms from `docmanager:open`, each stamped after the frame that follows the first check that holds.'
  );
  L.push('');
  L.push('| milestone | nbtrace p50 | p95 | JSON p50 | p95 | **nbtrace / JSON** |');
  L.push('|---|---:|---:|---:|---:|---:|');
  const rows = [
    ['revealed (model loaded, panel shown)', 'revealed'],
    ['**interactive** (revealed, first cell\'s editor and output in the DOM)', 'interactive'],
    ['**first visible trace drawn** (its tree / the JSON tree)', 'firstDrawn'],
    ['last cell\'s output in the DOM (JupyterLab attaches cells when idle)', 'lastInDom'],
    ['longest main-thread task until then', 'longestTask'],
    ['main-thread tasks > 50 ms, total', 'longTaskTotal']
  ];
  for (const [label, key] of rows) {
    const a = med(r.open.traces, s => s[key]);
    const b = med(r.open.json, s => s[key]);
    L.push(`| ${label} | ${fmt(a)} | ${fmt(q95(r.open.traces, s => s[key]))} | ${fmt(b)} | ${fmt(q95(r.open.json, s => s[key]))} | ${b > 0 ? `**${fmt2(a / b)}×**` : '–'} |`);
  }
  const st = (r.open.traces || [])[0];
  if (st) {
    L.push('');
    L.push(
      `When the last cell was in the DOM: ${st.states.trees} of ${st.states.cells} trace outputs built (tree, tools, minimap, listeners), ` +
        `${st.states.placeholders} placeholders (the trace's header over an empty block of its height; built when scrolled within a screen of view).`
    );
  }
  L.push('');
  L.push(`Theme switch (\`apputils:change-theme\`; until \`data-jp-theme-name\` changes, then 2 frames; ${THEME_RUNS} runs each way, after one unmeasured round trip):`);
  L.push('');
  L.push('| notebook open | light → dark p50 | p95 | dark → light p50 | p95 |');
  L.push('|---|---:|---:|---:|---:|');
  for (const [key, label] of [
    ['traces', `${m.cells} trace outputs (as opened: only those in view built)`],
    ['tracesAllBuilt', `${m.cells} trace outputs, all built (scrolled through first)`],
    ['json', `${m.cells} JSON outputs`],
    ['empty', `the same ${m.cells} cells without outputs (JupyterLab's own cost)`]
  ]) {
    const t = r.theme[key];
    if (!t) {
      continue;
    }
    const built = t.setup && !t.setup.error ? ` — ${t.setup.trees} built, ${t.setup.placeholders} placeholders` : '';
    L.push(`| ${label}${built} | **${fmt(med(t.dark, s => s.painted))}** | ${fmt(q95(t.dark, s => s.painted))} | ${fmt(med(t.light, s => s.painted))} | ${fmt(q95(t.light, s => s.painted))} |`);
  }
  if (r.costs && !r.costs.error) {
    const c = r.costs;
    L.push('');
    L.push(
      `Where one output's time goes (median over 30 payloads of ${m.spans} spans, synchronous ms): JSON.parse of its text ${fmt2(c.jsonParse)}; ` +
        `nbtrace renderModel off-screen (parse + placeholder) **${fmt2(c.placeholder)}**; building its view later (tree, tools, minimap, detail) **${fmt2(c.build)}**; ` +
        `JupyterLab's JSON renderer renderModel ${fmt2(c.json)}. ` +
        `${c.build > c.placeholder ? 'Building the view dominates' : 'Parsing dominates'}: the parse stays eager (it gives the placeholder its header and height, ` +
        'and the trace ids that updates are matched by); the view is built only near the viewport.'
    );
  }
  L.push('');
  L.push('Raw samples: `bench/results/notebook.json`. Reproduce: `make bench` (or `node bench/notebook.js`).');
  L.push('');
  return L.join('\n');
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
