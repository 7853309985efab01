/**
 * A notebook full of traces, measured the way bench/notebook.js calls it: two
 * notebooks saved through the contents API, each with N saved outputs of the
 * same deterministic OTLP payloads (payloads.js), one as nbtrace outputs and
 * one as `application/json` outputs; then one run per call: open a notebook
 * and time its milestones, switch the theme, or time one output's parse and
 * build.
 *
 * Not one of bench/lib.js's PAGE_PARTS: bench/notebook.js joins payloads.js and
 * this file into their own function scope and sets `window.nbNotebook` (a
 * notebook benchmark needs no renderer host). Plain ES2020, no imports.
 */
  const CELLS_DEFAULT = 100;
  const nb = { payloads: [], paths: {} };

  function app() {
    return window.jupyterapp;
  }

  /** The notebook file: one code cell per payload, its output saved as `mime` (plus text/plain, as nbtrace saves); no mime: no outputs. */
  function notebookJson(mime) {
    return {
      cells: nb.payloads.map((p, i) => ({
        cell_type: 'code',
        execution_count: i + 1,
        id: `bench-${i}`,
        metadata: {},
        source: [`agent.run(questions[${i}])`],
        outputs: mime
          ? [
              {
                output_type: 'display_data',
                metadata: {},
                data: { [mime]: p, 'text/plain': [`<nbtrace trace 'agent' · ${nb.spans} spans>`] }
              }
            ]
          : []
      })),
      metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
      nbformat: 4,
      nbformat_minor: 5
    };
  }

  /** Does the rendered output `node` show its content (nbtrace: the tree; JSON: the React tree's first item)? */
  function drawn(node, mime) {
    if (!node) {
      return false;
    }
    if (!mime) {
      return !!node.querySelector('.cm-content');
    }
    return mime === NBTRACE ? !!node.querySelector('.nbtrace-root [role="tree"]') : !!node.querySelector('.jp-RenderedJSON li, .jp-RenderedJSON span');
  }

  /** Is the output of `cell` rendered into the DOM at all (nbtrace: placeholder or tree)? */
  function rendered(cell, mime) {
    if (!cell || !cell.node.isConnected) {
      return false;
    }
    return !mime ? drawn(cell.node, mime) : mime === NBTRACE ? !!cell.node.querySelector('.nbtrace-root > .nbtrace-trace') : drawn(cell.node, mime);
  }

  /** A task after the next frame has been rendered. */
  function afterFrame() {
    return nextFrame();
  }

  const nbApi = {
    /** Make `cells` payloads of `spans` spans and save the two notebooks; returns their sizes. */
    async prepare(cells = CELLS_DEFAULT, spans = 20, dir = '') {
      nb.spans = spans;
      nb.payloads = Array.from({ length: cells }, (_, i) => otlp(spans, { seed: 101 + i }));
      const out = { cells, spans };
      for (const [kind, mime] of [
        ['traces', NBTRACE],
        ['json', JSON_MIME],
        ['empty', null]
      ]) {
        const path = `${dir ? `${dir}/` : ''}nbtrace-bench-${cells}-${kind}.ipynb`;
        const content = notebookJson(mime);
        await app().serviceManager.contents.save(path, { type: 'notebook', format: 'json', content });
        nb.paths[kind] = path;
        out[kind] = { path, bytes: JSON.stringify(content).length };
      }
      out.payloadBytes = JSON.stringify(nb.payloads[0]).length;
      return out;
    },

    /** No kernel for the notebooks opened here: a kernel start would compete for the CPU with what is timed. */
    noKernel() {
      const f = app().docRegistry.getWidgetFactory('Notebook');
      if (f && '_preferKernel' in f) {
        f._preferKernel = false;
        return true;
      }
      return false;
    },

    /** Close every notebook panel (without saving). */
    async closeAll() {
      for (const w of Array.from(app().shell.widgets('main'))) {
        if (w.context && w.content && w.content.widgets) {
          w.context.model.dirty = false;
          await w.close();
        }
      }
      await afterFrame();
      fullGc();
      await new Promise(r => setTimeout(r, 200));
    },

    /**
     * Open notebook `kind` and time (ms from the command) its milestones, each
     * stamped after the frame that follows the first check that holds:
     * revealed (model loaded, panel shown), interactive (revealed, first cell's
     * editor and first output in the DOM), firstDrawn (the first output shows
     * its content: a trace's tree / the JSON tree), lastInDom (the last cell's
     * output rendered: JupyterLab attaches cells in idle time), and the longest
     * main-thread task until then.
     */
    async open(kind, timeoutMs = 60000) {
      await nbApi.closeAll();
      const mime = kind === 'json' ? JSON_MIME : kind === 'empty' ? null : NBTRACE;
      const longTasks = [];
      let po = null;
      if (typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes.includes('longtask')) {
        po = new PerformanceObserver(list => list.getEntries().forEach(e => longTasks.push(e.duration)));
        po.observe({ type: 'longtask' });
      }
      const t0 = performance.now();
      const widgetP = app().commands.execute('docmanager:open', { path: nb.paths[kind], factory: 'Notebook' });
      let widget = null;
      widgetP.then(w => (widget = w));
      let revealedAt = NaN;
      widgetP.then(w => w.revealed).then(() => (revealedAt = performance.now() - t0));
      const checks = {
        revealed: () => Number.isFinite(revealedAt),
        interactive: () => {
          const cells = widget && widget.content.widgets;
          return Number.isFinite(revealedAt) && cells && cells.length > 0 && !!cells[0].node.querySelector('.cm-content') && rendered(cells[0], mime);
        },
        firstDrawn: () => {
          const cells = widget && widget.content.widgets;
          return !!(cells && cells.length && drawn(cells[0].node, mime));
        },
        lastInDom: () => {
          const cells = widget && widget.content.widgets;
          return !!(cells && cells.length === nb.payloads.length && rendered(cells[cells.length - 1], mime));
        }
      };
      const seen = {};
      const out = {};
      while (Object.keys(out).length < Object.keys(checks).length) {
        if (performance.now() - t0 > timeoutMs) {
          throw new Error(`open ${kind}: not all milestones within ${timeoutMs} ms (${JSON.stringify(out)})`);
        }
        await afterFrame();
        const now = performance.now() - t0;
        for (const [name, check] of Object.entries(checks)) {
          if (name in out) {
            continue;
          }
          if (name in seen) {
            out[name] = now; // the frame after the one where it first held: drawn
          } else if (check()) {
            seen[name] = now;
          }
        }
      }
      out.revealedPromise = revealedAt;
      if (po) {
        po.disconnect();
      }
      out.longestTask = longTasks.length ? Math.max(...longTasks) : 0;
      out.longTaskTotal = longTasks.reduce((a, b) => a + b, 0);
      const cells = widget.content.widgets;
      out.states = {
        cells: cells.length,
        trees: widget.node.querySelectorAll('.nbtrace-root [role="tree"]').length,
        placeholders: widget.node.querySelectorAll('.nbtrace-placeholder').length,
        jsonTrees: widget.node.querySelectorAll('.jp-RenderedJSON').length,
        windowingMode: widget.content.notebookConfig ? widget.content.notebookConfig.windowingMode : 'unknown',
        kernel: !!(widget.sessionContext.session && widget.sessionContext.session.kernel)
      };
      return out;
    },

    /** Scroll the open notebook through, one screen per frame, to the end and back: every output gets built. */
    async scrollThrough() {
      const w = app().shell.currentWidget;
      const scroller = w.content.outerNode || w.content.node;
      let last = -1;
      for (let i = 0; i < 2000 && scroller.scrollTop !== last; i++) {
        last = scroller.scrollTop;
        scroller.scrollTop += scroller.clientHeight * 0.8;
        await afterFrame();
        await new Promise(r => setTimeout(r, 20));
      }
      scroller.scrollTop = 0;
      await afterFrame();
      await new Promise(r => setTimeout(r, 300));
      return {
        trees: w.node.querySelectorAll('.nbtrace-root [role="tree"]').length,
        placeholders: w.node.querySelectorAll('.nbtrace-placeholder').length
      };
    },

    /** Switch the theme with the command; ms until the page says it is applied, then 2 frames. */
    async theme(name) {
      const t0 = performance.now();
      const p = app().commands.execute('apputils:change-theme', { theme: name });
      while (document.body.dataset.jpThemeName !== name) {
        if (performance.now() - t0 > 20000) {
          throw new Error(`theme ${name} not applied within 20 s`);
        }
        await new Promise(r => requestAnimationFrame(r));
      }
      const applied = performance.now() - t0;
      await twoFrames();
      const painted = performance.now() - t0;
      await p;
      return { applied, painted };
    },

    /**
     * Per output, where its cost goes (medians over all payloads): JSON.parse of
     * its text; nbtrace renderModel far off-screen (parse + placeholder); then
     * building it (the placeholder's "Expand all": the whole view, synchronously);
     * nbtrace renderModel with lazy building off (a trace in its own tab
     * builds at once: the viewer's path); JupyterLab's JSON renderer.
     */
    async costs(count = 30) {
      const panel = Array.from(app().shell.widgets('main')).find(w => w.content && w.content.rendermime);
      if (!panel) {
        throw new Error('costs: no notebook open (its rendermime registry makes the renderers)');
      }
      const rm = panel.content.rendermime;
      const host = document.createElement('div');
      host.className = 'jp-OutputArea-output';
      Object.assign(host.style, { position: 'fixed', top: '5000px', left: '0', width: '1000px' });
      document.body.appendChild(host);
      const far = document.createElement('div');
      host.appendChild(far);
      const rows = { jsonParse: [], placeholder: [], build: [], json: [] };
      const payloads = nb.payloads.slice(0, count);
      const model = (mime, data) => ({ trusted: true, data: { [mime]: data }, metadata: {}, setData() {} });
      for (const p of payloads) {
        const text = JSON.stringify(p);
        let t = performance.now();
        const data = JSON.parse(text);
        rows.jsonParse.push(performance.now() - t);
        const r = rm.createRenderer(NBTRACE);
        far.appendChild(r.node);
        t = performance.now();
        await r.renderModel(model(NBTRACE, data));
        rows.placeholder.push(performance.now() - t);
        const button = r.node.querySelector('.nbtrace-placeholder .nbtrace-expand-all');
        t = performance.now();
        if (button) {
          button.click();
        }
        rows.build.push(button ? performance.now() - t : NaN);
        const j = rm.createRenderer(JSON_MIME);
        far.appendChild(j.node);
        t = performance.now();
        await j.renderModel(model(JSON_MIME, JSON.parse(text)));
        rows.json.push(performance.now() - t);
        await afterFrame();
        r.dispose();
        j.dispose();
        far.replaceChildren();
      }
      host.remove();
      const med = xs => {
        const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
        return v.length ? v[Math.floor(v.length / 2)] : NaN;
      };
      return Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, med(v)]));
    }
  };
