/**
 * The measurements bench/run.js calls (`nbBench.<name>`): one run each, plain numbers back.
 *
 * A part of the in-page benchmark: bench/lib.js joins bench/page/*.js (in the order
 * of PAGE_PARTS) into one function scope, so the parts share their declarations.
 */
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

    /**
     * The floor of a first paint: the browser's own JSON.parse of the payload's
     * text (what it did once already when the output arrived); the text is made
     * untimed, once per payload.
     */
    jsonParse(key) {
      state.texts = state.texts || {};
      const text = (state.texts[key] = state.texts[key] || JSON.stringify(state.payloads[key]));
      fullGc();
      const t0 = performance.now();
      const v = JSON.parse(text);
      const paint = performance.now() - t0;
      return { paint, bytes: text.length, ok: v !== null };
    },

    /**
     * For a look (screenshots, not timing): render payload `key` into a new
     * renderer and leave it shown `waitMs` after renderModel began (a big one
     * may still be reading); `hide()` takes it away.
     */
    async keepShown(key, waitMs) {
      api.hide();
      state.shown = mount(NBTRACE);
      const done = state.shown.r.renderModel(model(NBTRACE, structuredClone(state.payloads[key])));
      await Promise.race([done, new Promise(resolve => setTimeout(resolve, waitMs))]);
      return host().getBoundingClientRect().toJSON();
    },

    hide() {
      if (state.shown) {
        unmount(state.shown);
        state.shown = null;
      }
    },

    drop(key) {
      delete state.payloads[key];
      if (state.texts) {
        delete state.texts[key];
      }
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
      // Main-thread tasks over 50 ms during the first paint (the long-task API, where the browser has it).
      const longTasks = [];
      const observer =
        typeof PerformanceObserver !== 'undefined' && (PerformanceObserver.supportedEntryTypes || []).includes('longtask')
          ? new PerformanceObserver(list => list.getEntries().forEach(e => longTasks.push(e)))
          : null;
      if (observer) {
        observer.observe({ type: 'longtask' });
        // A task of its own: the copy and GC above must not count as the first paint's task.
        await new Promise(resolve => setTimeout(resolve, 0));
      }
      const t0 = performance.now();
      await m.r.renderModel(mdl);
      const t1 = performance.now();
      void m.r.node.offsetHeight; // style + layout now, so it is timed apart from the frame wait
      const t2 = performance.now();
      await twoFrames();
      const t3 = performance.now();
      if (observer) {
        observer.takeRecords().forEach(e => longTasks.push(e));
        observer.disconnect();
      }
      const tasks = longTasks.filter(e => e.startTime >= t0 - 1);
      const during = tasks.map(e => e.duration);
      let heapDelta = NaN;
      if (heap) {
        heapDelta = (await settledHeap()) - before;
      }
      const out = {
        renderModel: t1 - t0,
        layout: t2 - t0,
        paint: t3 - t0,
        heapDelta,
        longestTask: observer ? Math.max(0, ...during) : NaN,
        // Each long task: [start after t0, duration] (ms), to tell the parse's slices from the view's build.
        longTasks: tasks.map(e => [Math.round(e.startTime - t0), Math.round(e.duration)]),
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
     * Search: the first query of a trace builds its text index (once per
     * payload), later queries reuse it. Synchronous time of view.tools.search(),
     * matches found, and the next frame.
     */
    async search(key) {
      const payload = structuredClone(state.payloads[key]);
      const m = mount(NBTRACE);
      await m.r.renderModel(model(NBTRACE, payload));
      await twoFrames();
      const tools = m.r.views[0] && m.r.views[0].tools;
      if (!tools || typeof tools.search !== 'function') {
        unmount(m);
        throw new Error('no TraceView tools.search (is the view built?)');
      }
      const out = {};
      for (const [name, query] of [
        ['first', 'invoice'],
        ['again', 'refund'],
        ['twoTerms', 'weather paris']
      ]) {
        const t0 = performance.now();
        tools.search(query);
        const t1 = performance.now();
        await twoFrames();
        out[name] = { ms: t1 - t0, paint: performance.now() - t0, matches: tools.searchState.matches.length };
      }
      unmount(m);
      return out;
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
