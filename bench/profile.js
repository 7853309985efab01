#!/usr/bin/env node
/**
 * CPU profile of one nbtrace scenario in the real JupyterLab page (CDP
 * Profiler, 100 µs sampling): prints where the time goes — self and total
 * time per function, with the bundle position and the start of its source,
 * so minified names can be matched to src/. Writes the raw .cpuprofile
 * (loadable in Chrome DevTools > Performance) to bench/results/.
 *
 *   node bench/profile.js live          # 30 live updates of a running 1k-span trace
 *   node bench/profile.js liveWarm      # the same after one unprofiled pass (warm JIT)
 *   node bench/profile.js liveBurst     # 3 × 30 live updates back to back (pure JS cost)
 *   node bench/profile.js liveOutputArea # the same through a real notebook output area (outputs.set)
 *   node bench/profile.js tick          # 200 live ticks
 *   node bench/profile.js firstPaint    # 3 first paints of the 10k-span trace (or: firstPaint 100k)
 *   node bench/profile.js expandAll     # Expand all on the 100k-span trace, 3 times
 *   node bench/profile.js scroll        # 60 scroll frames in the expanded 1k tree
 *   node bench/profile.js liveSections  # one live update split into sections (performance.now timers)
 *   add --timeline for the browser's own time (style, layout, paint) from a trace
 *
 * Same server/port/env as bench/run.js (NBTRACE_BENCH_URL to reuse a server).
 */
'use strict';

const fs = require('fs');
const path = require('path');
const http = require('http');
const { OUT_DIR, BASE_URL, CHROMIUM, LAUNCH_ARGS, chromium, startServer, stopServer, Lab } = require('./lib');

const scenario = process.argv[2] || 'live';
// Optional payload for firstPaint / expandAll / scroll: 1k, 10k, 100k or 10MB (as in bench/run.js).
const PRESETS = {
  '1k': ['1k', 1000, { seed: 1 }],
  '10k': ['10k', 10000, { seed: 2 }],
  '100k': ['100k', 100000, { seed: 3 }],
  '10MB': ['10MB', 10000, { seed: 4, bigAttrChars: 500 }]
};
const preset = process.argv[3] && !process.argv[3].startsWith('--') ? PRESETS[process.argv[3]] : undefined;
if (process.argv[3] && !process.argv[3].startsWith('--') && !preset) {
  console.error(`unknown payload ${process.argv[3]}: use one of ${Object.keys(PRESETS).join(', ')}`);
  process.exit(2);
}
const scenarioArgs = preset ? [scenario, ...preset] : [scenario];
const TOP = Number(process.env.NBTRACE_PROFILE_TOP || 25);
const TRACE = process.argv.includes('--timeline');

function fetchText(url) {
  return new Promise(resolve => {
    http
      .get(url, res => {
        let body = '';
        res.setEncoding('utf-8');
        res.on('data', c => (body += c));
        res.on('end', () => resolve(res.statusCode === 200 ? body : ''));
      })
      .on('error', () => resolve(''));
  });
}

async function snippet(cache, url, line, col) {
  if (!url.startsWith('http')) {
    return '';
  }
  if (!cache.has(url)) {
    cache.set(url, (await fetchText(url)).split('\n'));
  }
  const lines = cache.get(url);
  const text = (lines[line] || '').slice(col, col + 90);
  return text.replace(/\s+/g, ' ');
}

/** Self and total ms per function from a CDP profile. */
function aggregate(profile) {
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) {
    for (const c of n.children || []) {
      parent.set(c, n.id);
    }
  }
  const keyOf = n => {
    const f = n.callFrame;
    return `${f.functionName || '(anonymous)'}|${f.url}|${f.lineNumber}|${f.columnNumber}`;
  };
  const self = new Map();
  const total = new Map();
  let all = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000; // this sample lasts until the next one
    all += dt;
    let id = profile.samples[i];
    const leaf = byId.get(id);
    self.set(keyOf(leaf), (self.get(keyOf(leaf)) || 0) + dt);
    const seen = new Set();
    while (id !== undefined) {
      const k = keyOf(byId.get(id));
      if (!seen.has(k)) {
        seen.add(k);
        total.set(k, (total.get(k) || 0) + dt);
      }
      id = parent.get(id);
    }
  }
  return { self, total, all };
}

async function table(title, map, all, cache) {
  console.log(`\n${title}`);
  console.log('    ms      %   function  (file:line:col)  source starts with');
  const rows = [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP);
  for (const [k, ms] of rows) {
    const [name, url, line, col] = k.split('|');
    const file = url ? url.split('/').pop() : '';
    const where = file ? `${file}:${line}:${col}` : '';
    const src = await snippet(cache, url, Number(line), Number(col));
    console.log(`${ms.toFixed(1).padStart(8)} ${((100 * ms) / all).toFixed(1).padStart(5)}%  ${name.padEnd(22)} ${where.padEnd(34)} ${src}`);
  }
}

/** Renderer main-thread time by timeline event (self time: children subtracted). */
function timelineSummary(trace, wall) {
  const events = (trace.traceEvents || trace).filter(e => e.ph === 'X' && e.dur !== undefined);
  // The renderer main thread: the thread that ran the most 'FunctionCall'/'Layout' events.
  const count = new Map();
  for (const e of events) {
    if (e.name === 'Layout' || e.name === 'FunctionCall') {
      const k = `${e.pid}:${e.tid}`;
      count.set(k, (count.get(k) || 0) + 1);
    }
  }
  const main = [...count.entries()].sort((a, b) => b[1] - a[1])[0];
  if (!main) {
    console.log('timeline: no main-thread events found');
    return;
  }
  const mine = events.filter(e => `${e.pid}:${e.tid}` === main[0]).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const stack = [];
  for (const e of mine) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) {
      stack.pop();
    }
    const parent = stack[stack.length - 1];
    if (parent) {
      self.set(parent.name, (self.get(parent.name) || 0) - e.dur);
    }
    self.set(e.name, (self.get(e.name) || 0) + e.dur);
    stack.push(e);
  }
  const ult = mine.filter(e => e.name === 'UpdateLayoutTree');
  const lay = mine.filter(e => e.name === 'Layout');
  const sum = (xs, f) => xs.reduce((a, e) => a + (f(e) || 0), 0);
  const elements = sum(ult, e => e.args && e.args.elementCount);
  const dirty = sum(lay, e => e.args && e.args.beginData && e.args.beginData.dirtyObjects);
  const total = sum(lay, e => e.args && e.args.beginData && e.args.beginData.totalObjects);
  console.log(
    `\nstyle recalcs: ${ult.length} (${elements} elements restyled, ${(elements / Math.max(1, ult.length)).toFixed(0)} per recalc, ` +
      `${((sum(ult, e => e.dur) / Math.max(1, elements))).toFixed(1)} µs per element); layouts: ${lay.length} ` +
      `(${dirty} dirty of ${total} layout objects in total)`
  );
  // The long tasks (> 16 ms) and what they ran: where a first paint blocks the page.
  const tasks = mine.filter(e => e.name === 'RunTask' && e.dur > 16000);
  console.log(`\nlong tasks (> 16 ms): ${tasks.length}`);
  for (const t of tasks) {
    const inner = mine
      .filter(e => e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.dur > 2000 && e.name !== 'RunTask')
      .slice(0, 6)
      .map(e => `${e.name}${e.args && e.args.data && e.args.data.functionName ? ` ${e.args.data.functionName}` : ''} ${(e.dur / 1000).toFixed(1)}`);
    console.log(`${(t.dur / 1000).toFixed(1).padStart(8)} ms at +${((t.ts - mine[0].ts) / 1000).toFixed(0)} ms: ${inner.join(' | ')}`);
  }
  const rows = [...self.entries()].filter(([, us]) => us > 500).sort((a, b) => b[1] - a[1]).slice(0, 15);
  console.log(`\nTIMELINE (renderer main thread, self ms by event; scenario took ${wall.toFixed(1)} ms with tracing on)`);
  for (const [name, us] of rows) {
    console.log(`${(us / 1000).toFixed(1).padStart(8)}  ${name}`);
  }
}

async function main() {
  const server = await startServer();
  process.on('exit', () => stopServer(server));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  const lab = new Lab(browser);
  try {
    await lab.open();
    if (scenario === 'liveSections') {
      for (let i = 0; i < 3; i++) {
        const rows = await lab.page.evaluate(() => window.nbBench.liveSections());
        if (i < 2) {
          continue; // warm-up
        }
        console.log('live update of the running 1k-span trace, median ms per update (30 updates), by section:');
        for (const [label, ms] of rows) {
          console.log(`${ms.toFixed(2).padStart(8)}  ${label}`);
        }
      }
      return;
    }
    const cdp = await lab.context.newCDPSession(lab.page);
    // Warm up once (JIT, lazy chunks), as the benchmark does.
    await lab.page.evaluate(a => window.nbBench.setupScenario(...a), scenarioArgs);
    await lab.page.evaluate(() => window.nbBench.runScenario());
    await lab.page.evaluate(a => window.nbBench.setupScenario(...a), scenarioArgs);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    if (TRACE) {
      // Second pass with the timeline: where the browser's own time goes (style, layout, paint).
      await cdp.send('Profiler.stop');
      await lab.page.evaluate(a => window.nbBench.setupScenario(...a), scenarioArgs);
      await browser.startTracing(lab.page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
      const wallT = await lab.page.evaluate(() => window.nbBench.runScenario());
      const buf = await browser.stopTracing();
      timelineSummary(JSON.parse(buf.toString()), wallT);
      await lab.page.evaluate(a => window.nbBench.setupScenario(...a), scenarioArgs);
      await cdp.send('Profiler.start');
    }
    const wall = await lab.page.evaluate(() => window.nbBench.runScenario());
    const { profile } = await cdp.send('Profiler.stop');
    fs.mkdirSync(OUT_DIR, { recursive: true });
    const file = path.join(OUT_DIR, `profile-${scenario}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    const { self, total, all } = aggregate(profile);
    console.log(`scenario ${scenario}: ${wall.toFixed(1)} ms wall in the page, ${all.toFixed(1)} ms sampled; profile: ${path.relative(process.cwd(), file)}`);
    const cache = new Map();
    await table('SELF time (top functions)', self, all, cache);
    await table('TOTAL time (function and what it calls)', total, all, cache);
  } finally {
    await lab.close();
    await browser.close();
    stopServer(server);
  }
}

main().catch(e => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
