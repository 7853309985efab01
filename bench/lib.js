/**
 * Shared by bench/run.js and bench/profile.js: start the galata-configured
 * JupyterLab of ui-tests/ (own process group, stopped at the end), launch the
 * system Chromium, open a page with JupyterLab + an empty notebook + the in-page benchmark (bench/page/).
 */
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const UI = path.join(ROOT, 'ui-tests');
const { chromium } = require(path.join(UI, 'node_modules', 'playwright-core'));

const PORT = process.env.NBTRACE_BENCH_PORT || '8897';
const EXTERNAL_URL = process.env.NBTRACE_BENCH_URL || '';
const BASE_URL = (EXTERNAL_URL || `http://localhost:${PORT}`).replace(/\/$/, '');
const CHROMIUM = process.env.NBTRACE_CHROMIUM || '/usr/bin/chromium';
const OUT_DIR = path.join(__dirname, 'results');
/**
 * The in-page half of the benchmark, evaluated as-is in the JupyterLab page:
 * it defines `window.nbBench` (deterministic payload generators and one
 * function per measurement). Every measurement does ONE run and returns plain
 * numbers, so the Node side can put a timeout around each run. Renderers come
 * from the open notebook's rendermime registry, exactly as the output area gets
 * them. Plain ES2020, no imports: the parts in bench/page/ are joined, in this
 * order, into one function scope.
 */
const PAGE_PARTS = ['payloads.js', 'harness.js', 'measures.js', 'scenarios.js', 'live.js', 'eval.js', 'list.js'];
const PAGE_JS = [
  '(() => {',
  "  'use strict';",
  ...PAGE_PARTS.map(f => fs.readFileSync(path.join(__dirname, 'page', f), 'utf-8')),
  '  window.nbBench = api;',
  '})();'
].join('\n');

// ------------------------------------------------------------------ stats
function quantile(xs, q) {
  const v = xs.filter(x => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) {
    return NaN;
  }
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}
const median = xs => quantile(xs, 0.5);
const p95 = xs => quantile(xs, 0.95);

// ----------------------------------------------------------------- server
function get(url) {
  return new Promise(resolve => {
    const req = http.get(url, res => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(3000, () => {
      req.destroy();
      resolve(0);
    });
  });
}

async function startServer() {
  if (EXTERNAL_URL) {
    if ((await get(`${BASE_URL}/lab`)) !== 200) {
      throw new Error(`NBTRACE_BENCH_URL=${EXTERNAL_URL} does not answer on /lab`);
    }
    return null;
  }
  if ((await get(`${BASE_URL}/lab`)) !== 0) {
    throw new Error(
      `port ${PORT} is already in use: stop what runs there, set NBTRACE_BENCH_PORT, ` +
        'or point NBTRACE_BENCH_URL at a JupyterLab started with ui-tests/jupyter_server_test_config.py'
    );
  }
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nbtrace-bench-'));
  const logPath = path.join(OUT_DIR, 'server.log');
  const log = fs.openSync(logPath, 'w');
  const env = {
    ...process.env,
    PATH: `${path.join(ROOT, '.venv', 'bin')}${path.delimiter}${process.env.PATH}`,
    NBTRACE_UI_PORT: PORT,
    JUPYTERLAB_GALATA_ROOT_DIR: rootDir
  };
  const child = spawn('jupyter', ['lab', '--config', 'jupyter_server_test_config.py'], {
    cwd: UI,
    env,
    stdio: ['ignore', log, log],
    detached: true // own process group: stopped (with its kernels) as one at the end
  });
  const deadline = Date.now() + 120000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`jupyter lab exited (${child.exitCode}); see ${logPath}`);
    }
    if ((await get(`${BASE_URL}/lab`)) === 200) {
      return { child, rootDir, logPath };
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`jupyter lab did not answer on ${BASE_URL}/lab within 120 s; see ${logPath}`);
}

function stopServer(server) {
  if (!server || server.child.exitCode !== null) {
    return;
  }
  try {
    process.kill(-server.child.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}

// ---------------------------------------------------------------- browser
// The UI tests' Chromium flags (headless, no sandbox, no background networking), plus bench-only ones.
const LAUNCH_ARGS = [
  ...require('../ui-tests/playwright.config.js').use.launchOptions.args,
  // gc() in the page, and unrounded performance.memory numbers.
  '--js-flags=--expose-gc',
  '--enable-precise-memory-info',
  // Frames are not held to 60 Hz vsync: a frame interval is the real work of that frame.
  '--disable-frame-rate-limit',
  '--disable-gpu-vsync',
  // Timers and rAF keep full speed even if the page is considered hidden.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows'
];

class Lab {
  constructor(browser) {
    this.browser = browser;
    this.page = null;
    this.context = null;
  }

  /** A fresh page with JupyterLab started, an empty notebook open and the in-page benchmark loaded. */
  async open() {
    await this.close();
    this.context = await this.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    this.page = await this.context.newPage();
    this.page.on('pageerror', e => console.warn(`  [page error] ${e.message}`));
    await this.page.goto(`${BASE_URL}/lab?reset`, { timeout: 120000 });
    await this.page.waitForFunction(() => typeof window.jupyterapp === 'object', null, { timeout: 120000 });
    await this.page.evaluate(async () => {
      await window.jupyterapp.started;
      await window.jupyterapp.restored;
    });
    await this.page.evaluate(() => window.jupyterapp.commands.execute('notebook:create-new', { kernelName: 'python3' }));
    await this.page.waitForSelector('.jp-NotebookPanel .jp-Cell', { timeout: 60000 });
    // No kernel is needed to render outputs: shut it down so it neither competes for the
    // CPU nor piles up when the page is reopened (the notebook stays open, "No Kernel").
    await this.page.evaluate(async () => {
      const ctx = window.jupyterapp.shell.currentWidget.sessionContext;
      await ctx.ready;
      await ctx.shutdown();
    });
    // Let the notebook settle (kernel start, first layout) before measuring.
    await this.page.waitForTimeout(1500);
    await this.page.evaluate(PAGE_JS);
    this.prepared = new Set();
  }

  async close() {
    if (this.context) {
      await this.context.close().catch(() => {});
    }
    this.context = null;
    this.page = null;
  }

  /** page.evaluate of nbBench[fn](...args), or {timedOut} after `timeoutS` (then the page is reopened). */
  async call(fn, args, timeoutS) {
    let timer;
    const run = this.page
      .evaluate(([f, a]) => window.nbBench[f](...a), [fn, args])
      .catch(e => ({ error: String(e && e.message ? e.message : e).split('\n')[0] }));
    const timeout = new Promise(resolve => {
      timer = setTimeout(() => resolve({ timedOut: true }), timeoutS * 1000);
    });
    const result = await Promise.race([run, timeout]).finally(() => clearTimeout(timer));
    if (result && result.error) {
      console.warn(`  ${fn}(${JSON.stringify(args).slice(0, 80)}) failed: ${result.error}; reopening the page`);
      await this.open();
      return result;
    }
    if (result && result.timedOut) {
      run.catch(() => {});
      console.warn(`  ${fn}(${JSON.stringify(args).slice(0, 80)}) timed out after ${timeoutS} s: reopening the page`);
      await this.open();
      return { timedOut: true, timeoutS };
    }
    return result;
  }

  /** Make sure payload `p` exists in the (possibly reopened) page. */
  async ensure(p) {
    if (!this.prepared.has(p.key)) {
      const info = await this.page.evaluate(([k, n, o]) => window.nbBench.prepare(k, n, o), [p.key, p.n, p.opts]);
      this.prepared.add(p.key);
      return info;
    }
    return null;
  }
}


/** `n` runs of the in-page `fn(...args)`, each after `ensure()`; stops at the first timeout or error. */
async function runs(lab, ensure, fn, args, n, timeoutS = 60) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    await ensure();
    const r = await lab.call(fn, args, timeoutS);
    if (r && (r.timedOut || r.error)) {
      return { samples, failed: r.timedOut ? `> ${timeoutS} s (timed out)` : `error: ${r.error}` };
    }
    samples.push(r);
  }
  return { samples };
}

/** A number for a report table: 3 significant-ish digits, '–' for none. */
const fmt = x => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '–');

/** Median and p95 of `pick(sample)` over a case's samples (`pick` may give a list per sample). */
function stat(c, pick) {
  if (!c || !c.samples.length) {
    return { p50: NaN, p95: NaN, note: c && c.failed ? c.failed : 'no samples' };
  }
  const xs = c.samples.flatMap(s => [].concat(pick(s)));
  return { p50: median(xs), p95: p95(xs), n: xs.length, note: c.failed || '' };
}

module.exports = {
  runs,
  fmt,
  stat,
  ROOT,
  OUT_DIR,
  BASE_URL,
  CHROMIUM,
  LAUNCH_ARGS,
  chromium,
  quantile,
  median,
  p95,
  get,
  startServer,
  stopServer,
  Lab
};
