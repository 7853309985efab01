/**
 * In-page half of the nbtrace browser benchmark (injected by bench/run.js into
 * a real JupyterLab page). Defines `window.nbBench`: deterministic payload
 * generators (OTLP/JSON and MLflow v3 dicts) and one function per measurement.
 * Every measurement function does ONE run and returns plain numbers, so the
 * Node side can put a timeout around each run and never hang on a slow one.
 *
 * Renderers come from the open notebook's rendermime registry, exactly as the
 * output area gets them; they are attached with Lumino's Widget.attach to a
 * host node laid over the notebook area (a scroll container like the notebook).
 *
 * Plain ES2020, no imports: this file is evaluated as-is in the page.
 */
(() => {
  'use strict';

  const NBTRACE = 'application/vnd.nbtrace.trace+json';
  const JSON_MIME = 'application/json';
  const BASE_MS = Date.UTC(2025, 0, 1, 9, 0, 0);
  const BASE_NS = BigInt(BASE_MS) * 1000000n;

  // ---------------------------------------------------------------- helpers
  function mulberry32(seed) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function hexId(rng, bytes) {
    let s = '';
    for (let i = 0; i < bytes; i++) {
      s += Math.floor(rng() * 256)
        .toString(16)
        .padStart(2, '0');
    }
    return s;
  }

  function hexToB64(hex) {
    let bin = '';
    for (let i = 0; i < hex.length; i += 2) {
      bin += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
    }
    return btoa(bin);
  }

  const WORDS = (
    'the agent reads the user question then plans a few steps calls tools retrieves documents ' +
    'from the vector store asks the model to draft an answer checks citations and returns a summary ' +
    'weather paris invoice customer order refund shipping status latency token budget retry cache'
  ).split(' ');

  function text(rng, chars) {
    const out = [];
    let n = 0;
    while (n < chars) {
      const w = WORDS[Math.floor(rng() * WORDS.length)];
      out.push(w);
      n += w.length + 1;
    }
    return out.join(' ').slice(0, chars);
  }

  /**
   * A live update as the page receives it: JupyterLab JSON.parses each
   * update_display_data message, so every update is a fresh JSON.parse object
   * graph (structuredClone makes objects V8 lays out differently).
   */
  const fromWire = p => JSON.parse(JSON.stringify(p));
  const nextFrame = () =>
    new Promise(resolve =>
      requestAnimationFrame(() => {
        // A task posted from rAF runs after that frame's style, layout and paint.
        const ch = new MessageChannel();
        ch.port1.onmessage = () => resolve();
        ch.port2.postMessage(0);
      })
    );
  const twoFrames = () => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));

  function fullGc() {
    if (typeof gc === 'function') {
      gc();
      gc();
    }
  }

  function heapUsed() {
    return performance.memory ? performance.memory.usedJSHeapSize : NaN;
  }

  /**
   * GC until the heap stops shrinking: a renderer disposed just before (React's
   * unmount in particular) may let go of its data a task or a frame later.
   */
  async function settledHeap() {
    let last = Infinity;
    for (let i = 0; i < 4; i++) {
      await nextFrame();
      await new Promise(r => setTimeout(r, 10));
      if (typeof gc === 'function') {
        gc();
      }
      const h = heapUsed();
      if (Math.abs(last - h) < 256 * 1024) {
        return h;
      }
      last = h;
    }
    return last;
  }

  // ------------------------------------------------------ abstract span tree
  /**
   * A realistic, bushy agent-ish tree of exactly `n` spans, depth-first:
   * every container has 3..10 children and the span budget is split unevenly
   * among them, so the tree is ~log8(n) deep with wide and narrow branches.
   * Children run one after another inside their parent's time range.
   */
  function genTree(n, seed) {
    const rng = mulberry32(seed);
    const spans = [];
    const TOOLS = ['search', 'weather', 'calculator', 'sql', 'browser', 'python'];
    const LEAVES = [
      ['llm', 0.4],
      ['tool', 0.25],
      ['retriever', 0.15],
      ['http', 0.1],
      ['embedding', 0.1]
    ];
    function leafRole() {
      let x = rng();
      for (const [role, p] of LEAVES) {
        if ((x -= p) < 0) {
          return role;
        }
      }
      return 'llm';
    }
    // Explicit stack: [budget, depth, parent index, start ms, duration ms, ordinal among siblings]
    const stack = [[n, 0, -1, 0, Math.max(1000, n * 2), 0]];
    while (stack.length) {
      const [budget, depth, parent, start, dur, ord] = stack.pop();
      const idx = spans.length;
      let role;
      if (depth === 0) {
        role = 'agent';
      } else if (budget === 1) {
        role = leafRole();
      } else {
        const x = rng();
        role = x < 0.45 ? 'step' : x < 0.7 ? 'chain' : x < 0.9 ? 'tool' : 'subagent';
      }
      const tool = TOOLS[Math.floor(rng() * TOOLS.length)];
      const names = {
        agent: 'agent',
        step: `step ${ord + 1}`,
        chain: 'plan_and_answer',
        subagent: 'research_agent',
        tool: `tool.${tool}`,
        llm: 'llm.chat',
        retriever: 'retrieve',
        http: 'http GET',
        embedding: 'embed'
      };
      const error = budget === 1 && rng() < 0.01;
      spans.push({ idx, parent, depth, role, tool, name: names[role], start, end: start + dur, error, rnd: rng() });
      if (budget > 1) {
        const rest = budget - 1;
        const c = Math.min(rest, 3 + Math.floor(rng() * 8));
        const w = [];
        let wsum = 0;
        for (let i = 0; i < c; i++) {
          const x = rng();
          w.push(x * x * x + 0.02);
          wsum += w[i];
        }
        const sizes = w.map(x => 1 + Math.floor(((rest - c) * x) / wsum));
        let left = rest - sizes.reduce((a, b) => a + b, 0);
        for (let i = 0; left > 0; i = (i + 1) % c, left--) {
          sizes[i]++;
        }
        // Children share the parent's time proportionally to their size, with small gaps.
        const total = sizes.reduce((a, b) => a + b, 0);
        let t = start + dur * 0.01;
        const usable = dur * 0.97;
        const slots = [];
        for (let i = 0; i < c; i++) {
          const d = (usable * sizes[i]) / total;
          slots.push([sizes[i], depth + 1, idx, t, d * 0.95, i]);
          t += d;
        }
        for (let i = c - 1; i >= 0; i--) {
          stack.push(slots[i]);
        }
      }
    }
    return spans;
  }

  // ------------------------------------------------------------------ OTLP
  function otlpAttributes(s, rng, bigAttrChars) {
    const str = (key, v) => ({ key, value: { stringValue: v } });
    const int = (key, v) => ({ key, value: { intValue: String(v) } });
    const a = [];
    switch (s.role) {
      case 'llm':
        a.push(str('gen_ai.system', 'openai'), str('gen_ai.operation.name', 'chat'));
        a.push(str('gen_ai.request.model', 'gpt-4o-mini'));
        a.push(int('gen_ai.usage.input_tokens', 200 + Math.floor(s.rnd * 1800)));
        a.push(int('gen_ai.usage.output_tokens', 20 + Math.floor(s.rnd * 400)));
        break;
      case 'embedding':
        a.push(str('gen_ai.operation.name', 'embeddings'), str('gen_ai.request.model', 'text-embedding-3-small'));
        a.push(int('gen_ai.usage.input_tokens', 10 + Math.floor(s.rnd * 200)));
        break;
      case 'tool':
        a.push(str('gen_ai.operation.name', 'execute_tool'), str('gen_ai.tool.name', s.tool));
        a.push(str('input.value', `{"query": "${text(rng, 40)}"}`));
        break;
      case 'retriever':
        a.push(str('openinference.span.kind', 'RETRIEVER'), str('input.value', text(rng, 48)));
        a.push(int('retrieval.documents.count', 1 + Math.floor(s.rnd * 8)));
        break;
      case 'http':
        a.push(str('http.request.method', 'GET'), str('url.full', `https://api.example.com/v1/items/${s.idx}`));
        a.push(int('http.response.status_code', s.error ? 503 : 200));
        break;
      default:
        a.push(str('openinference.span.kind', s.role === 'tool' ? 'TOOL' : s.depth === 0 ? 'AGENT' : 'CHAIN'));
        a.push(str('input.value', text(rng, 48)));
        a.push(str('session.id', 'sess-42'));
    }
    if (bigAttrChars) {
      a.push(str('output.value', text(rng, bigAttrChars)));
    }
    return a;
  }

  /** OTLP/JSON document of `n` spans (one trace); `bigAttrChars` adds one string attribute of that size per span. */
  function otlp(n, { seed = 1, bigAttrChars = 0 } = {}) {
    const tree = genTree(n, seed);
    const rng = mulberry32(seed + 1000);
    const traceId = hexId(rng, 16);
    const ids = tree.map(() => hexId(rng, 8));
    const ns = ms => (BASE_NS + BigInt(Math.round(ms * 1e6))).toString();
    const spans = tree.map(s => ({
      traceId,
      spanId: ids[s.idx],
      parentSpanId: s.parent < 0 ? '' : ids[s.parent],
      name: s.name,
      kind: s.role === 'llm' || s.role === 'http' || s.role === 'embedding' ? 3 : 1,
      startTimeUnixNano: ns(s.start),
      endTimeUnixNano: ns(s.end),
      attributes: otlpAttributes(s, rng, bigAttrChars),
      status: s.error ? { code: 2, message: 'upstream timeout' } : { code: 1 }
    }));
    return {
      resourceSpans: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'bench-agent' } },
              { key: 'telemetry.sdk.language', value: { stringValue: 'python' } }
            ]
          },
          scopeSpans: [{ scope: { name: 'nbtrace-bench', version: '0.1' }, spans }]
        }
      ]
    };
  }

  // ------------------------------------------------------- MLflow v3 (live)
  /**
   * A running MLflow v3 trace, as nbtrace's Python side emits it while a cell
   * runs (see python/nbtrace/_export.py): snapshot 0 has `n` spans of which
   * ~20 are running (root, current step, a parallel group and 17 parallel tool
   * calls); snapshot j (1..updates) has one more span and 1-2 more ended.
   * Returns `updates + 1` independent payload objects (as JSON.parse makes them).
   */
  function mlflowLive(n = 1000, updates = 30, seed = 7) {
    const done = genTree(n - 19, seed); // completed part, rooted at "agent"
    const rng = mulberry32(seed + 99);
    const D = done[0].end;
    const spans = done.map(s => ({ ...s }));
    spans[0].end = null; // the root is still running
    const add = s => {
      s.idx = spans.length;
      spans.push(s);
      return s;
    };
    const step = add({ parent: 0, depth: 1, role: 'step', name: 'step (current)', start: D + 10, end: null, rnd: 0.5 });
    const group = add({ parent: step.idx, depth: 2, role: 'chain', name: 'parallel_tools', start: D + 15, end: null, rnd: 0.5 });
    const running = [];
    for (let i = 0; i < 17; i++) {
      running.push(add({ parent: group.idx, depth: 3, role: 'tool', tool: 'search', name: `tool.search #${i + 1}`, start: D + 20 + i * 5, end: null, rnd: rng() }));
    }
    // The update schedule: at update j a new llm.chat starts under a running tool, and
    // the oldest running span(s) end (2 on every third update).
    const events = [];
    const queue = running.slice();
    for (let j = 1; j <= updates; j++) {
      const now = D + 500 + j * 100;
      const host = queue.length ? queue[j % queue.length] : group;
      const child = { parent: host.idx, depth: host.depth + 1, role: 'llm', name: 'llm.chat', start: now - 40, end: null, rnd: rng() };
      const ends = [];
      for (let k = 0; k < (j % 3 === 0 ? 2 : 1) && queue.length > 1; k++) {
        ends.push(queue.shift());
      }
      queue.push(child);
      events.push({ now, child, ends });
    }
    const rngIds = mulberry32(seed + 5);
    const traceHex = hexId(rngIds, 16);
    const traceB64 = hexToB64(traceHex);
    const requestId = `tr-${traceHex}`;
    const allSpans = spans.concat(events.map(e => e.child));
    const idOf = new Map(allSpans.map(s => [s, hexToB64(hexId(rngIds, 8))]));
    const byIdx = new Map(spans.map(s => [s.idx, s]));
    events.forEach((e, i) => {
      e.child.idx = spans.length + i;
      byIdx.set(e.child.idx, e.child);
    });
    const enc = v => JSON.stringify(v);
    const SPAN_TYPE = { agent: 'AGENT', step: 'CHAIN', chain: 'CHAIN', subagent: 'AGENT', tool: 'TOOL', llm: 'CHAT_MODEL', retriever: 'RETRIEVER', http: 'UNKNOWN', embedding: 'EMBEDDING' };
    const toDict = (s, endOverride) => {
      const end = endOverride !== undefined ? endOverride : s.end;
      const attributes = {
        'mlflow.traceRequestId': enc(requestId),
        'mlflow.spanType': enc(SPAN_TYPE[s.role] || 'UNKNOWN'),
        'mlflow.spanInputs': enc({ query: `question ${s.idx}`, k: 3 })
      };
      if (end !== null) {
        attributes['mlflow.spanOutputs'] = enc({ answer: `result ${s.idx}` });
      }
      if (s.role === 'llm' && end !== null) {
        attributes['mlflow.chat.tokenUsage'] = enc({ input_tokens: 120, output_tokens: 30, total_tokens: 150 });
      }
      return {
        trace_id: traceB64,
        span_id: idOf.get(s),
        trace_state: '',
        parent_span_id: s.parent < 0 ? null : idOf.get(byIdx.get(s.parent)),
        name: s.name,
        start_time_unix_nano: (BASE_MS + s.start) * 1e6,
        end_time_unix_nano: end === null ? null : (BASE_MS + end) * 1e6,
        attributes,
        status: { code: s.error ? 'STATUS_CODE_ERROR' : end === null ? 'STATUS_CODE_UNSET' : 'STATUS_CODE_OK', message: '' },
        events: []
      };
    };
    const payloads = [];
    for (let j = 0; j <= updates; j++) {
      const now = j === 0 ? D + 500 : events[j - 1].now;
      const endAt = new Map();
      const present = spans.slice();
      for (let k = 0; k < j; k++) {
        const e = events[k];
        present.push(e.child);
        for (const s of e.ends) {
          endAt.set(s, e.now - 5);
        }
      }
      const dicts = present.map(s => toDict(s, endAt.has(s) ? endAt.get(s) : undefined));
      const payload = {
        info: {
          trace_id: requestId,
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } },
          request_time: new Date(BASE_MS).toISOString(),
          execution_duration_ms: Math.round(now),
          state: 'IN_PROGRESS',
          trace_metadata: {
            'mlflow.trace_schema.version': '3',
            'mlflow.traceInputs': enc({ question: 'bench' }),
            'mlflow.traceOutputs': 'null',
            'nbtrace.version': 'bench'
          },
          tags: { 'mlflow.traceName': 'agent' }
        },
        data: { spans: dicts }
      };
      // An independent object graph, as each update_display_data message gives.
      payloads.push(JSON.parse(JSON.stringify(payload)));
    }
    const running0 = payloads[0].data.spans.filter(s => s.end_time_unix_nano === null).length;
    const runningLast = payloads[updates].data.spans.filter(s => s.end_time_unix_nano === null).length;
    return { payloads, running0, runningLast, spans0: payloads[0].data.spans.length };
  }

  // -------------------------------------------------------------- the page
  const state = { payloads: {}, live: null };

  function rendermime() {
    const app = window.jupyterapp;
    const w = app && app.shell.currentWidget;
    if (!w || !w.content || !w.content.rendermime) {
      throw new Error('no notebook panel with a rendermime registry is current');
    }
    return w.content.rendermime;
  }

  /** Lumino's Widget class, found on the renderer's prototype chain (the app's own instance). */
  function widgetClass(r) {
    let ctor = null;
    for (let p = Object.getPrototypeOf(r); p && p.constructor !== Object; p = Object.getPrototypeOf(p)) {
      if (typeof p.constructor.attach === 'function' && typeof p.constructor.detach === 'function') {
        ctor = p.constructor; // keep walking: the last one is Widget itself
      }
    }
    if (!ctor) {
      throw new Error('renderer is not a Lumino widget');
    }
    return ctor;
  }

  /** A scroll container laid over the notebook area, styled like an output. */
  function host() {
    let h = document.getElementById('nbbench-host');
    if (!h) {
      const panel = window.jupyterapp.shell.currentWidget.node.getBoundingClientRect();
      h = document.createElement('div');
      h.id = 'nbbench-host';
      h.className = 'jp-OutputArea-output';
      Object.assign(h.style, {
        position: 'fixed',
        left: `${Math.round(panel.left + 80)}px`,
        top: `${Math.round(panel.top + 40)}px`,
        width: `${Math.round(Math.max(600, panel.width - 120))}px`,
        maxHeight: `${Math.round(Math.max(400, panel.height - 80))}px`,
        overflow: 'auto',
        zIndex: '1000',
        background: 'var(--jp-layout-color0, white)',
        contain: 'strict'
      });
      h.style.height = h.style.maxHeight;
      document.body.appendChild(h);
    }
    return h;
  }

  function model(mime, payload, expanded) {
    return {
      trusted: true,
      data: { [mime]: payload },
      metadata: expanded ? { [mime]: { expanded: true } } : {},
      setData() {}
    };
  }

  function mount(mime) {
    const r = rendermime().createRenderer(mime);
    const Widget = widgetClass(r);
    Widget.attach(r, host());
    return { r, Widget };
  }

  function unmount(m) {
    if (m.r.isAttached) {
      m.Widget.detach(m.r);
    }
    m.r.dispose();
  }

  const api = {
    version: 1,

    info() {
      return {
        userAgent: navigator.userAgent,
        hardwareConcurrency: navigator.hardwareConcurrency,
        devicePixelRatio: window.devicePixelRatio,
        viewport: [window.innerWidth, window.innerHeight],
        gc: typeof gc === 'function',
        preciseMemory: !!performance.memory,
        mimeTypes: rendermime().mimeTypes.slice(0, 6),
        jupyterlab: window.jupyterapp.version
      };
    },

    /** Generate payload `key` in the page; returns its size as JSON text. */
    prepare(key, n, opts) {
      const t0 = performance.now();
      state.payloads[key] = otlp(n, opts);
      const ms = performance.now() - t0;
      const bytes = JSON.stringify(state.payloads[key]).length;
      return { key, spans: n, bytes, generateMs: ms };
    },

    drop(key) {
      delete state.payloads[key];
      fullGc();
    },

    /** Idle frame interval (nothing to do): the floor of every frame-time number. */
    async idleFrames(count = 30) {
      const ts = [];
      await new Promise(resolve => {
        const f = () => {
          ts.push(performance.now());
          if (ts.length > count) {
            resolve();
          } else {
            requestAnimationFrame(f);
          }
        };
        requestAnimationFrame(f);
      });
      return ts.slice(1).map((t, i) => t - ts[i]);
    },

    /**
     * One first-paint run: a fresh copy of the payload, a new renderer attached
     * to the host; times renderModel, a forced layout, and 2 rAFs (first paint);
     * then the JS heap it keeps (after GC) over the heap before it was created.
     */
    async firstPaint(key, mime, { expanded = false, heap = true } = {}) {
      const payload = structuredClone(state.payloads[key]);
      // Let the previous run's renderer go (pending frames, observers, React) before the baseline.
      const before = heap ? await settledHeap() : NaN;
      fullGc();
      const m = mount(mime);
      const mdl = model(mime, payload, expanded);
      const t0 = performance.now();
      await m.r.renderModel(mdl);
      const t1 = performance.now();
      void m.r.node.offsetHeight; // style + layout now, so it is timed apart from the frame wait
      const t2 = performance.now();
      await twoFrames();
      const t3 = performance.now();
      let heapDelta = NaN;
      if (heap) {
        heapDelta = (await settledHeap()) - before;
      }
      const out = {
        renderModel: t1 - t0,
        layout: t2 - t0,
        paint: t3 - t0,
        heapDelta,
        rows: m.r.node.querySelectorAll('[role="treeitem"]').length,
        nodes: m.r.node.getElementsByTagName('*').length,
        height: m.r.node.scrollHeight
      };
      unmount(m);
      return out;
    },

    /** One expand-all run: render (untimed), then click "Expand all" and time to the 2nd frame. */
    async expandAll(key) {
      const payload = structuredClone(state.payloads[key]);
      const m = mount(NBTRACE);
      await m.r.renderModel(model(NBTRACE, payload));
      await twoFrames();
      const button = m.r.node.querySelector('.nbtrace-expand-all');
      if (!button) {
        unmount(m);
        throw new Error('no .nbtrace-expand-all button');
      }
      const rowsBefore = m.r.views[0] ? m.r.views[0].rows.length : NaN;
      fullGc();
      const t0 = performance.now();
      button.click();
      const t1 = performance.now();
      await twoFrames();
      const t2 = performance.now();
      const rowsAfter = m.r.views[0] ? m.r.views[0].rows.length : NaN;
      unmount(m);
      return { click: t1 - t0, paint: t2 - t0, rowsBefore, rowsAfter };
    },

    /**
     * Scroll frame times: scrollTop moves by one viewport height per frame for
     * `frames` frames (wrapping to the top at the end); rAF-to-rAF intervals.
     * nbtrace: the tree viewport after "Expand all"; JSON: the host (the
     * output's scroll container) with the JSON tree rendered expanded.
     */
    async scroll(key, mime, { frames = 60, warmup = 5 } = {}) {
      const payload = structuredClone(state.payloads[key]);
      const m = mount(mime);
      await m.r.renderModel(model(mime, payload, mime === JSON_MIME));
      await twoFrames();
      let el;
      if (mime === NBTRACE) {
        m.r.node.querySelector('.nbtrace-expand-all').click();
        await twoFrames();
        el = m.r.node.querySelector('[role="tree"]');
      } else {
        el = m.r.node.scrollHeight > m.r.node.clientHeight + 1 ? m.r.node : host();
      }
      const view = el.clientHeight;
      const range = el.scrollHeight - view;
      const info = { viewportPx: view, contentPx: el.scrollHeight };
      if (range < 1) {
        unmount(m);
        return { ...info, deltas: [], note: 'nothing to scroll' };
      }
      el.scrollTop = 0;
      await twoFrames();
      fullGc();
      const ts = [];
      let pos = 0;
      await new Promise(resolve => {
        const f = () => {
          ts.push(performance.now());
          if (ts.length > frames + warmup) {
            resolve();
            return;
          }
          pos += view;
          if (pos > range) {
            pos = 0;
          }
          el.scrollTop = pos;
          requestAnimationFrame(f);
        };
        requestAnimationFrame(f);
      });
      const deltas = ts.slice(1).map((t, i) => t - ts[i]).slice(warmup);
      const rendered = el.querySelectorAll('[role="treeitem"]').length;
      unmount(m);
      return { ...info, deltas, renderedRows: rendered };
    },

    /** Build the live-update payloads (1k-span running MLflow v3 trace + 30 newer snapshots). */
    prepareLive(n = 1000, updates = 30) {
      const t0 = performance.now();
      state.live = mlflowLive(n, updates);
      return {
        spans0: state.live.spans0,
        running0: state.live.running0,
        runningLast: state.live.runningLast,
        updates,
        bytes: JSON.stringify(state.live.payloads[0]).length,
        generateMs: performance.now() - t0
      };
    },

    /**
     * Live updates: render snapshot 0 once, then renderModel with each newer
     * snapshot on the same renderer (what update_display_data does); per call
     * the synchronous time and the time until the next frame is rendered.
     */
    async liveUpdates(mime) {
      if (!state.live) {
        api.prepareLive(); // the page was reopened after a timeout
      }
      const payloads = state.live.payloads.map(fromWire);
      const m = mount(mime);
      await m.r.renderModel(model(mime, payloads[0]));
      await twoFrames();
      await nextFrame();
      fullGc();
      const sync = [];
      const frame = [];
      for (let j = 1; j < payloads.length; j++) {
        const t0 = performance.now();
        const p = m.r.renderModel(model(mime, payloads[j]));
        const t1 = performance.now();
        await p;
        await nextFrame();
        const t2 = performance.now();
        sync.push(t1 - t0);
        frame.push(t2 - t0);
      }
      // The same 30 updates back to back in one task (fresh copies, snapshot 0 first): the
      // renderer's own JS cost, without the frames' raster threads competing for the 2 cores.
      const again = state.live.payloads.map(fromWire);
      const mb = mount(mime);
      await mb.r.renderModel(model(mime, again[0]));
      await twoFrames();
      const tb = performance.now();
      for (let j = 1; j < again.length; j++) {
        mb.r.renderModel(model(mime, again[j]));
      }
      const burstMean = (performance.now() - tb) / (again.length - 1);
      unmount(mb);
      const view = m.r.views ? m.r.views[0] : null;
      const out = {
        sync,
        frame,
        burstMean,
        finalRows: view ? view.rows.length : NaN,
        finalSpans: view ? view.trace.spans.length : NaN,
        ticking: view ? view.ticking : null
      };
      if (view) {
        // The live ticker: tick() alone (synchronous), and tick() + the frame it causes.
        const tickSync = [];
        const tickFrame = [];
        for (let i = 0; i < 50; i++) {
          const t0 = performance.now();
          view.tick();
          const t1 = performance.now();
          await nextFrame();
          const t2 = performance.now();
          tickSync.push(t1 - t0);
          tickFrame.push(t2 - t0);
        }
        // 50 back-to-back ticks in one task, for the pure JS cost.
        const t0 = performance.now();
        for (let i = 0; i < 50; i++) {
          view.tick();
        }
        const burst = (performance.now() - t0) / 50;
        Object.assign(out, { tickSync, tickFrame, tickBurstMean: burst, renderedRows: view.rows.length });
      }
      unmount(m);
      return out;
    },
  };

  // ------------------------------------------------- profiling scenarios
  // bench/profile.js: setup (not profiled), then run (profiled with the CDP Profiler).
  const scenarios = {
    /** 30 live updates of the running 1k-span trace. */
    async live() {
      if (!state.live) {
        api.prepareLive();
      }
      const payloads = state.live.payloads.map(fromWire);
      const m = mount(NBTRACE);
      await m.r.renderModel(model(NBTRACE, payloads[0]));
      await twoFrames();
      return async () => {
        for (let j = 1; j < payloads.length; j++) {
          await m.r.renderModel(model(NBTRACE, payloads[j]));
          await nextFrame();
        }
        unmount(m);
      };
    },
    /** 30 live updates back to back in one task (no frames between), 3 times over fresh copies. */
    async liveBurst() {
      if (!state.live) {
        api.prepareLive();
      }
      const sets = [0, 1, 2].map(() => state.live.payloads.map(fromWire));
      const m = mount(NBTRACE);
      await m.r.renderModel(model(NBTRACE, sets[0][0]));
      await twoFrames();
      return async () => {
        for (const payloads of sets) {
          for (let j = 1; j < payloads.length; j++) {
            m.r.renderModel(model(NBTRACE, payloads[j]));
          }
        }
        unmount(m);
      };
    },
    /** The same 30 live updates, after one unprofiled pass over them (warm JIT: steady state of a long-running cell). */
    async liveWarm() {
      const warm = await scenarios.live();
      await warm();
      return scenarios.live();
    },
    /** 30 live updates through the first cell's real output area (outputs.set). */
    async liveOutputArea() {
      if (!state.live) {
        api.prepareLive();
      }
      const cell = window.jupyterapp.shell.currentWidget.content.widgets[0];
      const outputs = cell.model.outputs;
      outputs.clear();
      const payloads = state.live.payloads.map(fromWire);
      const out = d => ({ output_type: 'display_data', data: { [NBTRACE]: d }, metadata: {} });
      outputs.add(out(payloads[0]));
      await twoFrames();
      return async () => {
        for (let j = 1; j < payloads.length; j++) {
          outputs.set(0, out(payloads[j]));
          await nextFrame();
        }
        outputs.clear();
      };
    },
    /** 200 live ticks (each followed by its frame). */
    async tick() {
      if (!state.live) {
        api.prepareLive();
      }
      const m = mount(NBTRACE);
      await m.r.renderModel(model(NBTRACE, fromWire(state.live.payloads[0])));
      await twoFrames();
      return async () => {
        for (let i = 0; i < 200; i++) {
          m.r.views[0].tick();
          await nextFrame();
        }
        unmount(m);
      };
    },
    /** 3 first paints of payload `key` (copies made in setup). */
    async firstPaint(key = '10k', n = 10000, opts = { seed: 2 }) {
      if (!state.payloads[key]) {
        api.prepare(key, n, opts);
      }
      const copies = [0, 1, 2].map(() => structuredClone(state.payloads[key]));
      return async () => {
        for (const payload of copies) {
          const m = mount(NBTRACE);
          await m.r.renderModel(model(NBTRACE, payload));
          await twoFrames();
          unmount(m);
        }
      };
    },
    /** Expand all on payload `key`, 3 times. */
    async expandAll(key = '100k', n = 100000, opts = { seed: 3 }) {
      if (!state.payloads[key]) {
        api.prepare(key, n, opts);
      }
      const ms = [];
      for (let i = 0; i < 3; i++) {
        const m = mount(NBTRACE);
        await m.r.renderModel(model(NBTRACE, structuredClone(state.payloads[key])));
        ms.push(m);
      }
      await twoFrames();
      return async () => {
        for (const m of ms) {
          m.r.node.querySelector('.nbtrace-expand-all').click();
          await twoFrames();
        }
        ms.forEach(unmount);
      };
    },
    /** 60 scroll frames in the expanded tree of payload `key`. */
    async scroll(key = '1k', n = 1000, opts = { seed: 1 }) {
      if (!state.payloads[key]) {
        api.prepare(key, n, opts);
      }
      const m = mount(NBTRACE);
      await m.r.renderModel(model(NBTRACE, structuredClone(state.payloads[key])));
      await twoFrames();
      m.r.node.querySelector('.nbtrace-expand-all').click();
      await twoFrames();
      const el = m.r.node.querySelector('[role="tree"]');
      return async () => {
        const view = el.clientHeight;
        const range = el.scrollHeight - view;
        let pos = 0;
        for (let i = 0; i < 60; i++) {
          pos = pos + view > range ? 0 : pos + view;
          el.scrollTop = pos;
          await new Promise(r => requestAnimationFrame(r));
        }
        unmount(m);
      };
    }
  };
  let pendingRun = null;
  api.setupScenario = async (name, ...args) => {
    fullGc();
    pendingRun = await scenarios[name](...args);
    await nextFrame();
    fullGc();
    return Object.keys(scenarios);
  };
  api.runScenario = async () => {
    const run = pendingRun;
    pendingRun = null;
    const t0 = performance.now();
    await run();
    return performance.now() - t0;
  };

  /**
   * Where one live update's synchronous time goes: the renderer's and the
   * view's methods are wrapped (on the instances) with performance.now()
   * timers; nested sections are inclusive. "parse + rest" is renderModel
   * minus the view's update() and the re-append of the view's node.
   * Only methods that exist are wrapped (names may change in src/).
   */
  api.liveSections = async () => {
    if (!state.live) {
      api.prepareLive();
    }
    const payloads = state.live.payloads.map(fromWire);
    const m = mount(NBTRACE);
    const r = m.r;
    await r.renderModel(model(NBTRACE, payloads[0]));
    await twoFrames();
    const view = r.views[0];
    let bucket = null;
    const add = (label, ms) => {
      if (bucket) {
        bucket[label] = (bucket[label] || 0) + ms;
      }
    };
    const wrapMethod = (obj, name, label) => {
      const orig = obj[name];
      if (typeof orig !== 'function') {
        return false;
      }
      obj[name] = function (...args) {
        const t0 = performance.now();
        try {
          return orig.apply(this, args);
        } finally {
          add(label, performance.now() - t0);
        }
      };
      return true;
    };
    const wrapAccessor = (obj, name, label) => {
      let proto = obj;
      let desc;
      while (proto && !(desc = Object.getOwnPropertyDescriptor(proto, name))) {
        proto = Object.getPrototypeOf(proto);
      }
      if (!desc || !desc.set) {
        return false;
      }
      Object.defineProperty(obj, name, {
        configurable: true,
        get() {
          const t0 = performance.now();
          try {
            return desc.get.call(this);
          } finally {
            add(`${label} (get)`, performance.now() - t0);
          }
        },
        set(v) {
          const t0 = performance.now();
          try {
            desc.set.call(this, v);
          } finally {
            add(`${label} (set)`, performance.now() - t0);
          }
        }
      });
      return true;
    };
    wrapMethod(r, 'renderModel', 'renderModel (total)');
    wrapMethod(view, 'update', 'TraceView.update');
    for (const n of ['_renderHeader', '_renderWarnings', '_renderAxis', '_refreshRows', '_rebuildRows', '_syncActiveDescendant', '_renderElapsed']) {
      wrapMethod(view, n, `  ${n}`);
    }
    if (view._list) {
      wrapMethod(view._list, 'setCount', '    VirtualList.setCount');
      wrapMethod(view._list, 'update', '    VirtualList.update');
      wrapAccessor(view._list, 'scrollTop', '  VirtualList.scrollTop');
    }
    if (view._detail) {
      wrapAccessor(view._detail, 'scrollTop', '  detail.scrollTop');
    }
    if (view._axis) {
      wrapAccessor(view._axis, 'clientWidth', '    axis.clientWidth');
      Object.defineProperty(view._axis, 'clientWidth', {
        configurable: true,
        get() {
          const t0 = performance.now();
          const w = Object.getOwnPropertyDescriptor(Element.prototype, 'clientWidth').get.call(this);
          add('    axis.clientWidth (forced layout)', performance.now() - t0);
          return w;
        }
      });
    }
    const origAppend = r.node.appendChild;
    r.node.appendChild = function (c) {
      const t0 = performance.now();
      try {
        return origAppend.call(this, c);
      } finally {
        add('renderer: re-append view node', performance.now() - t0);
      }
    };
    const buckets = [];
    const frames = [];
    for (let j = 1; j < payloads.length; j++) {
      bucket = {};
      await r.renderModel(model(NBTRACE, payloads[j]));
      bucket['parse + rest (renderModel − update − re-append)'] =
        bucket['renderModel (total)'] - (bucket['TraceView.update'] || 0) - (bucket['renderer: re-append view node'] || 0);
      buckets.push(bucket);
      bucket = null;
      const t0 = performance.now();
      await nextFrame();
      frames.push(performance.now() - t0);
    }
    unmount(m);
    const labels = [...new Set(buckets.flatMap(b => Object.keys(b)))];
    const med = xs => {
      const v = xs.slice().sort((a, b) => a - b);
      return v[Math.floor(v.length / 2)];
    };
    const out = labels.map(l => [l, med(buckets.map(b => b[l] || 0))]);
    out.push(['next frame (style, layout, paint)', med(frames)]);
    return out;
  };

  /**
   * Live updates through a real notebook output area: the first cell's output
   * model gets the payload (outputs.add), then outputs.set(0, newer) 30 times —
   * the very call JupyterLab makes for an update_display_data message (minus
   * the websocket). Times the whole set() (JupyterLab's output/shared model
   * work + the renderer), the renderer's renderModel inside it, and to the
   * next rendered frame. The renderer is checked to be reused, not replaced.
   */
  api.liveOutputArea = async mime => {
    if (!state.live) {
      api.prepareLive();
    }
    const panel = window.jupyterapp.shell.currentWidget;
    const cell = panel.content.widgets[0];
    const outputs = cell.model.outputs;
    outputs.clear();
    const payloads = state.live.payloads.map(fromWire);
    const out = d => ({ output_type: 'display_data', data: { [mime]: d }, metadata: {} });
    outputs.add(out(payloads[0]));
    await twoFrames();
    await nextFrame();
    const first = cell.outputArea.layout.widgets[0];
    const renderer = first.widgets ? first.widgets.filter(w => 'renderModel' in w).pop() : first;
    let inRender = 0;
    const orig = renderer.renderModel;
    renderer.renderModel = function (m) {
      const t = performance.now();
      try {
        return orig.call(this, m);
      } finally {
        inRender += performance.now() - t;
      }
    };
    fullGc();
    const set = [];
    const render = [];
    const frame = [];
    for (let j = 1; j < payloads.length; j++) {
      inRender = 0;
      const t0 = performance.now();
      outputs.set(0, out(payloads[j]));
      const t1 = performance.now();
      await nextFrame();
      set.push(t1 - t0);
      render.push(inRender);
      frame.push(performance.now() - t0);
    }
    const again = cell.outputArea.layout.widgets[0];
    const reused = (again.widgets ? again.widgets.filter(w => 'renderModel' in w).pop() : again) === renderer;
    outputs.clear();
    await nextFrame();
    return { set, render, frame, rendererReused: reused };
  };

  /**
   * Does a live update keep the user's place? Expand all, scroll the tree to
   * row ~100 and the detail panel down, then 3 live updates; report scrollTop
   * of both before and after (the renderer promises to keep them).
   */
  api.liveScrollCheck = async () => {
    if (!state.live) {
      api.prepareLive();
    }
    const payloads = state.live.payloads.slice(0, 4).map(fromWire);
    const m = mount(NBTRACE);
    await m.r.renderModel(model(NBTRACE, payloads[0]));
    await twoFrames();
    m.r.node.querySelector('.nbtrace-expand-all').click();
    await twoFrames();
    const tree = m.r.node.querySelector('[role="tree"]');
    tree.scrollTop = 100 * 24;
    await twoFrames();
    // Rows whose box intersects the viewport (a virtual list can hold rows that are not in view).
    const inView = () => {
      const top = tree.scrollTop;
      const h = tree.clientHeight;
      return [...tree.querySelectorAll('[role="treeitem"]')].filter(r => {
        const y = r.offsetTop;
        return y + r.offsetHeight > top && y < top + h;
      }).length;
    };
    const before = tree.scrollTop;
    const rowsInViewBefore = inView();
    const after = [];
    const rowsInView = [];
    for (let j = 1; j < payloads.length; j++) {
      await m.r.renderModel(model(NBTRACE, payloads[j]));
      await twoFrames();
      after.push(tree.isConnected ? tree.scrollTop : 'tree replaced');
      rowsInView.push(tree.isConnected ? inView() : NaN);
    }
    unmount(m);
    return { treeScrollTopBefore: before, treeScrollTopAfterEachUpdate: after, rowsInViewBefore, rowsInViewAfterEachUpdate: rowsInView };
  };

  // For ad-hoc experiments from the console / scripts.
  api.state = state;
  api.mount = mount;
  api.unmount = unmount;
  api.model = model;
  api.nextFrame = nextFrame;

  window.nbBench = api;
})();
