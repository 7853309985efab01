#!/usr/bin/env node
/**
 * nbtrace browser benchmark: the built extension inside a real JupyterLab
 * (the galata-configured server of ui-tests/), driven in headless system
 * Chromium, side by side with JupyterLab's own JSON renderer on the same
 * payloads. Writes bench/results/latest.{json,md}.
 *
 *   node bench/run.js            # full run (~5-8 min on 2 cores)
 *   node bench/run.js --quick    # 2 runs per case, no 100k trace (smoke test)
 *   node bench/run.js --first-paint  # only nbtrace's first paint beside JSON.parse (printed, not saved)
 *
 * Environment: NBTRACE_BENCH_PORT (default 8897), NBTRACE_CHROMIUM
 * (default /usr/bin/chromium), NBTRACE_BENCH_URL (use a running JupyterLab
 * started with ui-tests/jupyter_server_test_config.py instead of starting one).
 *
 * Nothing here asserts a time: this is a report. A run that takes longer
 * than its timeout is recorded as "> N s (timed out)" and the page is reopened.
 */
'use strict';

const { execSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ROOT, OUT_DIR, BASE_URL, CHROMIUM, LAUNCH_ARGS, chromium, median, p95, startServer, stopServer, Lab } = require('./lib');

const QUICK = process.argv.includes('--quick');
const FIRST_PAINT_ONLY = process.argv.includes('--first-paint');

const NBTRACE = 'application/vnd.nbtrace.trace+json';
const JSON_MIME = 'application/json';

/** The payloads: key, span count, options, runs (first paint / expand-all), timeout per run. */
const PAYLOADS = [
  { key: '1k', label: '1k spans', n: 1000, opts: { seed: 1 }, runs: 7, timeoutS: 30 },
  { key: '10k', label: '10k spans', n: 10000, opts: { seed: 2 }, runs: 5, timeoutS: 45 },
  { key: '100k', label: '100k spans', n: 100000, opts: { seed: 3 }, runs: 3, timeoutS: 60, full: true },
  { key: '10MB', label: '10k spans + a 0.5 KB string attribute each (~1 KB/span)', n: 10000, opts: { seed: 4, bigAttrChars: 500 }, runs: 5, timeoutS: 45 }
].filter(p => !(QUICK && p.full));
const RUN_CAP = QUICK ? 2 : Infinity;

// ------------------------------------------------------------- measuring
function log(msg) {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

/** `runs` runs of nbBench[fn] on payload p; stops at the first timeout. */
async function repeat(lab, p, fn, args, runs) {
  const samples = [];
  let timedOut = null;
  for (let i = 0; i < Math.min(runs, RUN_CAP); i++) {
    await lab.ensure(p);
    const r = await lab.call(fn, args, p.timeoutS);
    if (r && r.timedOut) {
      timedOut = r.timeoutS;
      break;
    }
    if (r && r.error) {
      return { samples, timedOut, error: r.error };
    }
    samples.push(r);
  }
  return { samples, timedOut };
}

async function main() {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const started = Date.now();
  log(`${os.cpus().length} cores; starting JupyterLab on ${BASE_URL}`);
  const server = await startServer();
  const cleanup = () => stopServer(server);
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      cleanup();
      process.exit(130);
    });
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  const lab = new Lab(browser);
  const results = {
    meta: {
      date: new Date().toISOString(),
      cores: os.cpus().length,
      cpuModel: os.cpus()[0] ? os.cpus()[0].model : '',
      totalMemGB: +(os.totalmem() / 2 ** 30).toFixed(1),
      platform: `${os.platform()} ${os.release()}`,
      loadAvgStart: os.loadavg().map(x => +x.toFixed(2)),
      node: process.version,
      chromium: browser.version(),
      quick: QUICK,
      git: gitInfo(),
      nbtrace: pipVersion('nbtrace'),
      jupyterlabPy: pipVersion('jupyterlab'),
      launchArgs: LAUNCH_ARGS
    },
    payloads: {},
    firstPaint: {},
    expandAll: {},
    search: {},
    scroll: {},
    live: {}
  };
  try {
    await lab.open();
    results.meta.page = await lab.page.evaluate(() => window.nbBench.info());
    log(`Chromium ${results.meta.chromium}; JupyterLab ${results.meta.page.jupyterlab}`);
    results.idleFrames = await lab.page.evaluate(() => window.nbBench.idleFrames(60));

    // Warm-up (not reported): loads the JSON renderer's lazy chunk and warms the JIT for both.
    await lab.ensure(PAYLOADS[0]);
    for (const mime of [NBTRACE, JSON_MIME]) {
      for (let i = 0; i < 2; i++) {
        await lab.call('firstPaint', [PAYLOADS[0].key, mime, { heap: false }], 60);
      }
    }

    for (const p of PAYLOADS) {
      const info = await lab.page.evaluate(([k, n, o]) => window.nbBench.prepare(k, n, o), [p.key, p.n, p.opts]);
      lab.prepared.add(p.key);
      results.payloads[p.key] = { ...info, label: p.label };
      log(`${p.label}: ${(info.bytes / 1e6).toFixed(1)} MB of OTLP/JSON (generated in ${info.generateMs.toFixed(0)} ms)`);

      const fp = {};
      for (const [name, mime, opts, runs] of [
        ['nbtrace', NBTRACE, {}, p.runs],
        ['json', JSON_MIME, {}, p.runs],
        // A secondary baseline, ~1 s per run: 3 runs are enough.
        ['jsonExpanded', JSON_MIME, { expanded: true }, Math.min(3, p.runs)]
      ].slice(0, FIRST_PAINT_ONLY ? 1 : 3)) {
        const { samples, timedOut, error } = await repeat(lab, p, 'firstPaint', [p.key, mime, opts], runs);
        fp[name] = { samples, timedOut, error };
        log(`  first paint ${name}: ${fmtRuns(samples.map(s => s.paint), timedOut, error)}`);
      }
      {
        const { samples, timedOut, error } = await repeat(lab, p, 'jsonParse', [p.key], p.runs);
        fp.parse = { samples, timedOut, error };
        log(`  JSON.parse of its text: ${fmtRuns(samples.map(s => s.paint), timedOut, error)}`);
      }
      results.firstPaint[p.key] = fp;
      if (FIRST_PAINT_ONLY) {
        const paint = median(fp.nbtrace.samples.map(x => x.paint));
        const parse = median(fp.parse.samples.map(x => x.paint));
        const longest = median(fp.nbtrace.samples.map(x => x.longestTask));
        log(`  => ${fmt(paint)} / ${fmt(parse)} = ${(paint / parse).toFixed(2)}× JSON.parse; longest task ${fmt(longest)} ms`);
        await lab.page.evaluate(k => window.nbBench.drop(k), p.key).catch(() => {});
        lab.prepared.delete(p.key);
        continue;
      }

      {
        const { samples, timedOut, error } = await repeat(lab, p, 'expandAll', [p.key], p.runs);
        results.expandAll[p.key] = { samples, timedOut, error };
        log(`  expand all: ${fmtRuns(samples.map(s => s.paint), timedOut, error)}`);
      }
      {
        const { samples, timedOut, error } = await repeat(lab, p, 'search', [p.key], Math.min(3, p.runs));
        results.search[p.key] = { samples, timedOut, error };
        const first = samples.map(s => s.first.ms);
        const again = samples.map(s => s.again.ms);
        log(`  search: first query ${fmtRuns(first, timedOut, error)}; next query ${fmtRuns(again, false, undefined)}`);
      }

      const sc = {};
      for (const [name, mime] of [
        ['nbtrace', NBTRACE],
        ['json', JSON_MIME]
      ]) {
        await lab.ensure(p);
        const r = await lab.call('scroll', [p.key, mime, { frames: 60 }], p.timeoutS * 2);
        sc[name] = r;
        if (r.timedOut) {
          log(`  scroll ${name}: > ${r.timeoutS} s (timed out)`);
        } else if (r.error) {
          log(`  scroll ${name}: error ${r.error}`);
        } else if (r.deltas.length === 0) {
          log(`  scroll ${name}: ${r.note} (${r.contentPx} px content)`);
        } else {
          log(`  scroll ${name}: p50 ${fmt(median(r.deltas))} ms, p95 ${fmt(p95(r.deltas))} ms per frame`);
        }
      }
      results.scroll[p.key] = sc;
      await lab.page.evaluate(k => window.nbBench.drop(k), p.key).catch(() => {});
      lab.prepared.delete(p.key);
    }

    if (FIRST_PAINT_ONLY) {
      return;
    }
    // Live updates of a running 1k-span MLflow v3 trace.
    const liveInfo = await lab.page.evaluate(() => window.nbBench.prepareLive(1000, 30));
    results.live.payload = liveInfo;
    log(`live: ${liveInfo.spans0} spans, ${liveInfo.running0} running, 30 updates`);
    for (const [name, mime] of [
      ['nbtrace', NBTRACE],
      ['json', JSON_MIME]
    ]) {
      // The first pass runs the renderer's parse path cold (not yet optimized by the JIT): kept apart
      // and reported as such, since a live cell sends ~10 updates a second for as long as it runs.
      results.live[`${name}Cold`] = [await lab.call('liveUpdates', [mime], 120)];
      const runs = [];
      for (let i = 0; i < Math.min(3, RUN_CAP); i++) {
        const r = await lab.call('liveUpdates', [mime], 120);
        runs.push(r);
        if (r.timedOut || r.error) {
          break;
        }
      }
      results.live[name] = runs;
      const ok = runs.filter(r => !r.timedOut && !r.error);
      const sync = ok.flatMap(r => r.sync);
      const frame = ok.flatMap(r => r.frame);
      log(
        `  live ${name}: renderModel back to back ${fmt(median(ok.map(r => r.burstMean)))} ms per update; ` +
          `one per frame: sync p50 ${fmt(median(sync))} / p95 ${fmt(p95(sync))} ms, to next frame p50 ${fmt(median(frame))} / p95 ${fmt(p95(frame))} ms`
      );
      if (ok[0] && ok[0].tickSync) {
        log(`  live ${name}: tick() p50 ${fmt(median(ok.flatMap(r => r.tickSync)), 3)} ms`);
      }
    }
    // The same updates through a real notebook output area (outputs.set, as update_display_data does).
    for (const [name, mime] of [
      ['nbtrace', NBTRACE],
      ['json', JSON_MIME]
    ]) {
      const runs = [];
      for (let i = 0; i < Math.min(2, RUN_CAP); i++) {
        const r = await lab.call('liveOutputArea', [mime], 120);
        runs.push(r);
        if (r.timedOut || r.error) {
          break;
        }
      }
      results.live[`${name}OutputArea`] = runs;
      const ok = runs.filter(r => !r.timedOut && !r.error);
      log(
        `  live via output area ${name}: outputs.set p50 ${fmt(median(ok.flatMap(r => r.set)))} ms ` +
          `(renderModel ${fmt(median(ok.flatMap(r => r.render)))} ms), to next frame ${fmt(median(ok.flatMap(r => r.frame)))} ms`
      );
    }

    // Where one live update's time goes (performance.now sections), and whether it keeps the scroll position.
    await lab.call('liveSections', [], 120); // warm-up
    results.live.sections = await lab.call('liveSections', [], 120);
    results.live.scrollCheck = await lab.call('liveScrollCheck', [], 60);
    log(`  live: tree scrollTop ${JSON.stringify(results.live.scrollCheck)}`);
  } finally {
    await lab.close();
    await browser.close();
    stopServer(server);
  }
  results.meta.durationS = Math.round((Date.now() - started) / 1000);
  results.meta.loadAvgEnd = os.loadavg().map(x => +x.toFixed(2));
  fs.writeFileSync(path.join(OUT_DIR, 'latest.json'), JSON.stringify(results, null, 1) + '\n');
  const md = markdown(results);
  fs.writeFileSync(path.join(OUT_DIR, 'latest.md'), md);
  log(`wrote bench/results/latest.json and latest.md in ${results.meta.durationS} s`);
}

// ---------------------------------------------------------------- report
function fmt(x, digits) {
  if (!Number.isFinite(x)) {
    return '–';
  }
  const d = digits !== undefined ? digits : x >= 100 ? 0 : x >= 10 ? 1 : 2;
  return x.toFixed(d);
}

function fmtRuns(xs, timedOut, error) {
  if (error) {
    return `error: ${error} (after ${xs.length} runs)`;
  }
  if (timedOut && xs.length === 0) {
    return `> ${timedOut} s (timed out)`;
  }
  return `median ${fmt(median(xs))} ms, p95 ${fmt(p95(xs))} ms (n=${xs.length})${timedOut ? `, then > ${timedOut} s (timed out)` : ''}`;
}

function cell(samples, field, timedOut, opts = {}) {
  if (samples.length === 0) {
    return timedOut ? `> ${timedOut} s (timed out)` : opts.error ? `error: ${opts.error}` : '–';
  }
  const xs = samples.map(s => (opts.scale ? s[field] * opts.scale : s[field]));
  const m = median(xs);
  const text = opts.noP95 ? fmt(m, opts.digits) : `${fmt(m, opts.digits)} (p95 ${fmt(p95(xs), opts.digits)})`;
  return timedOut ? `${text}; a later run > ${timedOut} s (timed out)` : text;
}

function gitInfo() {
  try {
    const head = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
    const dirty = execSync('git status --porcelain -- src style schema', { cwd: ROOT }).toString().trim() !== '';
    return `${head}${dirty ? ' (+ uncommitted changes in src/style/schema)' : ''}`;
  } catch {
    return 'unknown';
  }
}

function pipVersion(name) {
  try {
    const py = path.join(ROOT, '.venv', 'bin', 'python');
    return execSync(`${py} -c "import importlib.metadata as m; print(m.version('${name}'))"`, {
      stdio: ['ignore', 'pipe', 'ignore']
    })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

function markdown(r) {
  const L = [];
  const m = r.meta;
  const fpPaint = (k, name) => {
    const e = r.firstPaint[k] && r.firstPaint[k][name];
    return e && e.samples.length ? median(e.samples.map(s => s.paint)) : NaN;
  };
  L.push('# nbtrace browser benchmark');
  L.push('');
  L.push(
    `${m.date} · **${m.cores} cores** (${m.cpuModel}) · ${m.totalMemGB} GB · load average ${m.loadAvgStart.join(' / ')} at the start, ` +
      `${(m.loadAvgEnd || []).join(' / ')} at the end · **Chromium ${m.chromium}** (headless, system) · ` +
      `JupyterLab ${m.page ? m.page.jupyterlab : m.jupyterlabPy} · nbtrace ${m.nbtrace} (git ${m.git}) · ` +
      `${m.quick ? '**quick run** (2 runs per case, no 100k) · ' : ''}took ${m.durationS} s`
  );
  L.push('');
  L.push(
    'All times in ms: **median (p95)** over the runs (n per row); a report, not a test — nothing here has a pass/fail limit. ' +
      "Baseline in the same page: JupyterLab's own `application/json` renderer on the same payload — by default it shows the " +
      'root only; "expanded" passes `metadata: {expanded: true}` (arrays over 50 items stay folded into ranges). ' +
      'Renderers come from the open notebook\'s rendermime registry and are attached with `Widget.attach` to a host laid over the ' +
      'notebook area. Chromium runs without vsync (`--disable-frame-rate-limit`), so a frame interval is the frame\'s real cost; ' +
      `an idle frame here takes ${fmt(median(r.idleFrames || []))} ms (p95 ${fmt(p95(r.idleFrames || []))}).`
  );
  L.push('');
  const load = Math.max(m.loadAvgStart[0], (m.loadAvgEnd || [0])[0]);
  if (load > m.cores * 0.75) {
    L.push(
      `> **Busy machine**: the 1-minute load average reached ${load.toFixed(1)} on ${m.cores} cores during this run, so other ` +
        'processes competed for the CPU: absolute times are inflated and p95s noisy. Ratios within the run (nbtrace vs JSON) ' +
        'and the minimums are the more robust numbers; rerun on an idle machine for absolute ones.'
    );
    L.push('');
  }
  L.push('| payload | spans | OTLP/JSON size |');
  L.push('|---|---:|---:|');
  for (const [k, p] of Object.entries(r.payloads)) {
    L.push(`| **${k}** — ${p.label} | ${p.spans.toLocaleString('en-US')} | ${(p.bytes / 1e6).toFixed(1)} MB |`);
  }
  L.push('');

  // Summary: the headline numbers in one table.
  L.push('## Summary');
  L.push('');
  L.push('| payload | first paint nbtrace | first paint JSON | ratio | expand all | scroll frame p50 / p95 | JS heap kept |');
  L.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const k of Object.keys(r.payloads)) {
    const nb = fpPaint(k, 'nbtrace');
    const js = fpPaint(k, 'json');
    const ea = r.expandAll[k];
    const sc = r.scroll[k] && r.scroll[k].nbtrace;
    const fpe = r.firstPaint[k] && r.firstPaint[k].nbtrace;
    L.push(
      `| ${k} | ${fmt(nb)} | ${fmt(js)} | ${Number.isFinite(nb / js) ? `${fmt(nb / js)}×` : '–'} | ` +
        `${ea && ea.samples.length ? fmt(median(ea.samples.map(s => s.paint))) : ea && ea.timedOut ? `> ${ea.timedOut} s` : '–'} | ` +
        `${sc && sc.deltas && sc.deltas.length ? `${fmt(median(sc.deltas))} / ${fmt(p95(sc.deltas))}` : '–'} | ` +
        `${fpe && fpe.samples.length ? fmtMB(median(fpe.samples.map(s => s.heapDelta))) : '–'} |`
    );
  }
  const liveNb = (r.live.nbtrace || []).filter(x => !x.timedOut && !x.error);
  if (liveNb.length) {
    const sync = liveNb.flatMap(x => x.sync);
    const frame = liveNb.flatMap(x => x.frame);
    const ts = liveNb.flatMap(x => x.tickSync || []);
    L.push('');
    L.push(
      `**Live update** (running 1k-span trace, target ≤ 8 ms): the renderer's cost is **${fmt(median(liveNb.map(x => x.burstMean)))} ms** ` +
        'per update (30 updates back to back, mean; median over runs). One update per frame, with the raster threads ' +
        `competing for the 2 cores: renderModel ${fmt(median(sync))} ms median ` +
        `(p95 ${fmt(p95(sync))}, min ${fmt(Math.min(...sync))}) synchronous, **${fmt(median(frame))} ms** (p95 ${fmt(p95(frame))}, ` +
        `min ${fmt(Math.min(...frame))}) until the next frame is rendered` +
        `${ts.length ? `; live ticker \`tick()\` **${fmt(median(ts), 3)} ms** median` : ''}.`
    );
    const oa = (r.live.nbtraceOutputArea || []).filter(x => !x.timedOut && !x.error);
    const oj = (r.live.jsonOutputArea || []).filter(x => !x.timedOut && !x.error);
    if (oa.length) {
      L.push(
        `Through a real notebook output area (\`outputs.set\`, as \`update_display_data\` does): **${fmt(median(oa.flatMap(x => x.set)))} ms** ` +
          `synchronous (of which nbtrace's renderModel ${fmt(median(oa.flatMap(x => x.render)))} ms), ` +
          `${fmt(median(oa.flatMap(x => x.frame)))} ms to the next frame` +
          `${oj.length ? `; the JSON renderer: ${fmt(median(oj.flatMap(x => x.set)))} ms / ${fmt(median(oj.flatMap(x => x.frame)))} ms` : ''}.`
      );
    }
    const chk = r.live.scrollCheck;
    if (chk && !chk.error && !chk.timedOut && !chk.treeScrollTopAfterEachUpdate.every(x => x === chk.treeScrollTopBefore)) {
      L.push('');
      L.push(
        `**Scroll position is lost on live updates**: tree scrolled to ${chk.treeScrollTopBefore} px reads ` +
          `${chk.treeScrollTopAfterEachUpdate.join(', ')} px after each update` +
          `${chk.rowsInViewAfterEachUpdate ? `, with ${chk.rowsInViewAfterEachUpdate.join(', ')} rows in view (${chk.rowsInViewBefore} before)` : ''} (see section 4).`
      );
    }
  }
  L.push('');

  L.push('## 1. First paint (renderModel → 2 rAF) and JS heap');
  L.push('');
  L.push(
    '`renderModel` = the promise resolved; `+ layout` = then a forced layout; **first paint** = then two requestAnimationFrames. ' +
      'Heap: `usedJSHeapSize` after `gc()` with the renderer alive, minus before it was created (payload already in memory). ' +
      'Each run renders a fresh `structuredClone` of the payload into a new renderer.'
  );
  L.push('');
  L.push('| payload | renderer | renderModel | + layout | **first paint** | ratio vs JSON | JS heap kept | DOM nodes | n |');
  L.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [k, fp] of Object.entries(r.firstPaint)) {
    const base = fpPaint(k, 'json');
    for (const [name, label] of [
      ['nbtrace', 'nbtrace'],
      ['json', 'JSON (default)'],
      ['jsonExpanded', 'JSON (expanded)']
    ]) {
      const e = fp[name];
      if (!e) {
        continue;
      }
      const s = e.samples;
      const o = { error: e.error };
      const ratio = name === 'json' ? '1' : s.length && Number.isFinite(base) ? `${fmt(median(s.map(x => x.paint)) / base)}×` : '–';
      L.push(
        `| ${k} | ${label} | ${cell(s, 'renderModel', e.timedOut, o)} | ${cell(s, 'layout', e.timedOut, { ...o, noP95: true })} | ` +
          `**${cell(s, 'paint', e.timedOut, o)}** | ${ratio} | ${s.length ? fmtMB(median(s.map(x => x.heapDelta))) : '–'} | ` +
          `${s.length ? median(s.map(x => x.nodes)).toLocaleString('en-US') : '–'} | ${s.length}${e.timedOut ? '+timeout' : ''} |`
      );
    }
  }
  L.push('');

  L.push('## 2. Expand all (click `.nbtrace-expand-all` → 2 rAF)');
  L.push('');
  L.push('| payload | click handler | **to 2nd frame** | visible rows before → after | n |');
  L.push('|---|---:|---:|---:|---:|');
  for (const [k, e] of Object.entries(r.expandAll)) {
    const s = e.samples;
    const o = { error: e.error };
    const rows = s.length ? `${s[0].rowsBefore.toLocaleString('en-US')} → ${s[0].rowsAfter.toLocaleString('en-US')}` : '–';
    L.push(`| ${k} | ${cell(s, 'click', e.timedOut, o)} | **${cell(s, 'paint', e.timedOut, o)}** | ${rows} | ${s.length} |`);
  }
  L.push('');

  if (r.search && Object.keys(r.search).length) {
    L.push('## 2b. Search (`view.search(query)`, synchronous)');
    L.push('');
    L.push(
      'The first query of a payload builds its text index (names, kinds, attributes, inputs, outputs, events; once per ' +
        'payload), later queries only scan it. Then the matches are marked and the current one revealed.'
    );
    L.push('');
    L.push('| payload | first query ("invoice") | next query ("refund") | two terms ("weather paris") | matches (first) | n |');
    L.push('|---|---:|---:|---:|---:|---:|');
    for (const [k, e] of Object.entries(r.search)) {
      const s = e.samples;
      const col = name => (s.length ? `${fmt(median(s.map(x => x[name].ms)))} ms` : e.timedOut ? 'timed out' : '–');
      L.push(`| ${k} | ${col('first')} | ${col('again')} | ${col('twoTerms')} | ${s.length ? s[0].first.matches.toLocaleString('en-US') : '–'} | ${s.length} |`);
    }
    L.push('');
  }

  L.push('## 3. Scroll frame time (one viewport per frame, 60 frames)');
  L.push('');
  L.push(
    'nbtrace: the tree viewport (`[role="tree"]`) after "Expand all", wrapping to the top at the end. JSON: the output\'s scroll ' +
      'container with the JSON tree expanded. rAF-to-rAF interval per frame (without vsync: the frame\'s real cost).'
  );
  L.push('');
  L.push('| payload | renderer | frame p50 | frame p95 | frame max | viewport / content px |');
  L.push('|---|---|---:|---:|---:|---:|');
  for (const [k, sc] of Object.entries(r.scroll)) {
    for (const [name, label] of [
      ['nbtrace', 'nbtrace'],
      ['json', 'JSON (expanded)']
    ]) {
      const e = sc[name];
      if (!e) {
        continue;
      }
      if (e.timedOut) {
        L.push(`| ${k} | ${label} | > ${e.timeoutS} s (timed out) | | | |`);
      } else if (e.error) {
        L.push(`| ${k} | ${label} | error: ${e.error} | | | |`);
      } else if (e.deltas.length === 0) {
        L.push(`| ${k} | ${label} | ${e.note} | | | ${e.viewportPx} / ${e.contentPx.toLocaleString('en-US')} |`);
      } else {
        L.push(
          `| ${k} | ${label} | ${fmt(median(e.deltas))} | ${fmt(p95(e.deltas))} | ${fmt(Math.max(...e.deltas))} | ` +
            `${e.viewportPx} / ${e.contentPx.toLocaleString('en-US')} |`
        );
      }
    }
  }
  L.push('');

  L.push('## 4. Live update of a running trace (MLflow v3 dict, IN_PROGRESS)');
  L.push('');
  const lp = r.live.payload;
  if (lp) {
    L.push(
      `${lp.spans0.toLocaleString('en-US')} spans (${lp.running0} with \`end_time_unix_nano: null\`), ${(lp.bytes / 1e3).toFixed(0)} KB; ` +
        `then ${lp.updates} newer payloads of the same trace (one more span each, 1–2 more ended; ${lp.runningLast} running at the end), ` +
        'each a separate object passed to `renderModel` of the same renderer (what `update_display_data` does). ' +
        '"to next frame" = until the frame after the call is rendered. Runs × updates pooled. ' +
        'The "first pass" rows are the first 30 updates after the page loaded (the JIT has not optimized the parse yet); ' +
        'the others are the runs after it, the steady state of a cell that keeps updating.'
    );
    L.push('');
    L.push('| renderer | **back to back**, mean per update | renderModel (sync) p50 | p95 | min | **to next frame** p50 | **p95** | min | updates |');
    L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const [name, label] of [
      ['nbtraceCold', 'nbtrace, first pass'],
      ['nbtrace', 'nbtrace'],
      ['jsonCold', 'JSON (default), first pass'],
      ['json', 'JSON (default)']
    ]) {
      const all = r.live[name] || [];
      if (!all.length) {
        continue;
      }
      const runs = all.filter(x => !x.timedOut && !x.error);
      const bad = all.find(x => x.timedOut || x.error);
      const sync = runs.flatMap(x => x.sync);
      const frame = runs.flatMap(x => x.frame);
      const note = bad ? (bad.timedOut ? ` (+ > ${bad.timeoutS} s timed out)` : ` (+ error: ${bad.error})`) : '';
      L.push(
        `| ${label} | **${fmt(median(runs.map(x => x.burstMean)))}** | ${fmt(median(sync))} | ${fmt(p95(sync))} | ${fmt(Math.min(...sync))} | **${fmt(median(frame))}** | ` +
          `**${fmt(p95(frame))}** | ${fmt(Math.min(...frame))} | ${sync.length}${note} |`
      );
    }
    if (r.live.nbtraceOutputArea) {
      L.push('');
      L.push(
        'The same 30 updates through a **real notebook output area**: the first cell\'s output model gets the payload, then ' +
          '`outputs.set(0, newer)` — the call JupyterLab makes for an `update_display_data` message (minus the websocket). ' +
          '"outputs.set" includes JupyterLab\'s own output-model / shared-model work; "renderModel" is the renderer inside it.'
      );
      L.push('');
      L.push('| renderer | outputs.set (sync) p50 | p95 | renderModel inside p50 | **to next frame** p50 | **p95** | renderer reused | updates |');
      L.push('|---|---:|---:|---:|---:|---:|---|---:|');
      for (const [name, label] of [
        ['nbtraceOutputArea', 'nbtrace'],
        ['jsonOutputArea', 'JSON (default)']
      ]) {
        const all = r.live[name] || [];
        const runs = all.filter(x => !x.timedOut && !x.error);
        const bad = all.find(x => x.timedOut || x.error);
        const set = runs.flatMap(x => x.set);
        const ren = runs.flatMap(x => x.render);
        const frame = runs.flatMap(x => x.frame);
        const note = bad ? (bad.timedOut ? ` (+ > ${bad.timeoutS} s timed out)` : ` (+ error: ${bad.error})`) : '';
        L.push(
          `| ${label} | ${fmt(median(set))} | ${fmt(p95(set))} | ${fmt(median(ren))} | **${fmt(median(frame))}** | **${fmt(p95(frame))}** | ` +
            `${runs.length ? (runs.every(x => x.rendererReused) ? 'yes' : 'no') : '–'} | ${set.length}${note} |`
        );
      }
    }
    const nb = liveNb.filter(x => x.tickSync);
    if (nb.length) {
      const ts = nb.flatMap(x => x.tickSync);
      const tf = nb.flatMap(x => x.tickFrame);
      L.push('');
      L.push(
        `Live ticker \`views[0].tick()\` (${ts.length} calls, ${nb[0].renderedRows} rows in the tree): ` +
          `**${fmt(median(ts), 3)} ms** median (p95 ${fmt(p95(ts), 3)}) synchronous; ` +
          `${fmt(median(tf))} ms (p95 ${fmt(p95(tf))}) including the frame it causes; ` +
          `${fmt(median(nb.map(x => x.tickBurstMean)), 3)} ms each in a burst of 50.`
      );
    }
    const sec = r.live.sections;
    if (Array.isArray(sec)) {
      L.push('');
      L.push(
        'Where one nbtrace live update goes (median ms per update; the renderer\'s and view\'s methods wrapped with ' +
          '`performance.now()` timers, nested rows inclusive; timer resolution 0.1 ms):'
      );
      L.push('');
      L.push('| section | ms |');
      L.push('|---|---:|');
      for (const [label, ms] of sec) {
        L.push(`| ${label.replace(/^ +/, x => '&nbsp;'.repeat(x.length * 2))} | ${fmt(ms)} |`);
      }
    }
    const chk = r.live.scrollCheck;
    if (chk && !chk.error && !chk.timedOut) {
      const kept = chk.treeScrollTopAfterEachUpdate.every(x => x === chk.treeScrollTopBefore);
      L.push('');
      L.push(
        `Scroll position across live updates: tree scrolled to ${chk.treeScrollTopBefore} px ` +
          `(${chk.rowsInViewBefore} rows in view), after each of 3 updates: ${chk.treeScrollTopAfterEachUpdate.join(', ')} px ` +
          `(${(chk.rowsInViewAfterEachUpdate || []).join(', ')} rows in view) — **${kept ? 'kept' : 'NOT kept'}**.`
      );
    }
  }
  L.push('');
  L.push('## First paint against the floor (issue 17)');
  L.push('');
  L.push(
    "The browser already ran `JSON.parse` on an output's text once when the message arrived: that parse of the same " +
      'payload text, in the same page, is the floor a first paint is held to (target ≤ 1.0×; 100k spans ≤ 500 ms), and no ' +
      'main-thread task of the first paint should pass 50 ms (long-task observer).'
  );
  L.push('');
  L.push('| payload | nbtrace first paint | JSON.parse of its text | ratio | longest task in the first paint |');
  L.push('|---|---:|---:|---:|---:|');
  for (const k of Object.keys(r.firstPaint)) {
    const paint = fpPaint(k, 'nbtrace');
    const parse = fpPaint(k, 'parse');
    const e = r.firstPaint[k].nbtrace;
    const longest = e && e.samples.length ? median(e.samples.map(s => s.longestTask)) : NaN;
    const label = (r.payloads[k] && r.payloads[k].label) || k;
    L.push(`| ${label} | ${fmt(paint)} | ${fmt(parse)} | ${Number.isFinite(paint / parse) ? (paint / parse).toFixed(1) : '–'}× | ${fmt(longest)} |`);
  }
  L.push('');
  L.push('Raw samples: `bench/results/latest.json`. Reproduce: `make bench` (or `node bench/run.js`); profile: `node bench/profile.js <scenario>`.');
  L.push('');
  return L.join('\n');
}

function fmtMB(bytes) {
  if (!Number.isFinite(bytes)) {
    return '–';
  }
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 1)} MB`;
}

main().catch(e => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
