/**
 * Live-update sections: where one update's time goes, the same updates through a real
 * notebook output area, and whether the tree keeps its scroll position.
 *
 * A part of the in-page benchmark: bench/lib.js joins bench/page/*.js (in the order
 * of PAGE_PARTS) into one function scope, so the parts share their declarations.
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
    for (const n of ['_renderAll', 'refreshRows', '_renderDetailNow']) {
      wrapMethod(view, n, `  ${n}`);
    }
    if (view._header) {
      wrapMethod(view._header, 'render', '    TraceHeader.render');
    }
    if (view.tools) {
      wrapMethod(view.tools, 'render', '    TraceTools.render');
    }
    const pane = view._pane;
    if (pane) {
      wrapMethod(pane, '_rebuildRows', '    TreePane._rebuildRows');
      wrapMethod(pane, '_syncActiveDescendant', '    TreePane._syncActiveDescendant');
    }
    const list = pane && pane._list;
    if (list) {
      wrapMethod(list, 'setCount', '      VirtualList.setCount');
      wrapMethod(list, 'update', '      VirtualList.update');
      wrapAccessor(list, 'scrollTop', '    VirtualList.scrollTop');
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
