/**
 * The trace list (application/vnd.nbtrace.traces+json), measured the way
 * bench/list.js calls it: a payload of N traces made by the real nbtrace
 * (bench/python/list_payload.py) handed in once as text, then one run per
 * call: JSON.parse of that text (the floor: the browser parses each output's
 * JSON once when it arrives), first paint of the list (nbtrace, or
 * JupyterLab's JSON renderer on the same data), typing a query key by key,
 * sorting by a column, opening a row.
 *
 * A part of the in-page benchmark: bench/lib.js joins bench/page/*.js (in the order
 * of PAGE_PARTS) into one function scope, so the parts share their declarations.
 */
  const LIST = 'application/vnd.nbtrace.traces+json';

  api.listPrepare = text => {
    state.list = { text, payload: JSON.parse(text) };
    return { bytes: text.length };
  };

  /** One JSON.parse of the payload's text. */
  api.listParse = () => {
    fullGc();
    const t0 = performance.now();
    const v = JSON.parse(state.list.text);
    const ms = performance.now() - t0;
    return { paint: ms, traces: (v.traces || []).length + (v.summaries || []).length };
  };

  async function listMounted(mime) {
    const m = mount(mime);
    await m.r.renderModel(model(mime, structuredClone(state.list.payload)));
    await twoFrames();
    return m;
  }

  /** One first paint as `mime`: renderModel, layout, two frames. */
  api.listFirstPaint = async mime =>
    firstPaintOf(mime, structuredClone(state.list.payload), r => ({
      rows: r.node.querySelectorAll('.nbtrace-grid-body [role="row"]').length,
      nodes: r.node.getElementsByTagName('*').length
    }));

  /**
   * Type `query` key by key into the filter box (its debounce taken out: each
   * key applies at once), each to two frames; per-key times and the rows left.
   */
  api.listType = async query => {
    const m = await listMounted(LIST);
    const view = m.r.view;
    const keys = [];
    for (let i = 1; i <= query.length; i++) {
      view.query.input.value = query.slice(0, i);
      fullGc();
      const t0 = performance.now();
      view.query.apply();
      await twoFrames();
      keys.push(performance.now() - t0);
    }
    const out = { keys, max: Math.max(...keys), mean: keys.reduce((a, b) => a + b, 0) / keys.length, shown: view.shown.length, of: view.rows.length, error: view.query.error ? view.query.error.message : null };
    unmount(m);
    return out;
  };

  /** Click the Latency header (slowest first), to two frames. */
  api.listSort = async () => {
    const m = await listMounted(LIST);
    const header = Array.from(m.r.node.querySelectorAll('[role="columnheader"]')).find(h => h.textContent.startsWith('Latency'));
    fullGc();
    const t0 = performance.now();
    header.click();
    await twoFrames();
    const out = { paint: performance.now() - t0, first: m.r.view.shown[0].facts.duration_ms };
    unmount(m);
    return out;
  };

  /** Open the first row's trace (a whole one), to two frames. */
  api.listOpen = async () => {
    const m = await listMounted(LIST);
    const view = m.r.view;
    fullGc();
    const t0 = performance.now();
    view.open(view.rows[0].key);
    await twoFrames();
    const out = { paint: performance.now() - t0, tree: !!m.r.node.querySelector('.nbtrace-list-open [role="tree"]') };
    unmount(m);
    return out;
  };
