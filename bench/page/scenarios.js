/**
 * Profiling scenarios for bench/profile.js: a setup (not profiled) that returns the run
 * (profiled with the CDP Profiler).
 *
 * A part of the in-page benchmark: bench/lib.js joins bench/page/*.js (in the order
 * of PAGE_PARTS) into one function scope, so the parts share their declarations.
 */
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
