/**
 * The evaluation results view (application/vnd.nbtrace.eval+json), measured the
 * way bench/eval.js calls it: payloads made by the real nbtrace.evaluate
 * (bench/python/eval_payload.py) are handed in once, then one run per call:
 * first paint (nbtrace, or JupyterLab's JSON renderer on the same data), a
 * live update in place (the next published document into the same renderer),
 * sorting by a column, the "failed only" filter, a text filter, opening a row
 * (its record, scores and trace view).
 *
 * A part of the in-page benchmark: bench/lib.js joins bench/page/*.js (in the order
 * of PAGE_PARTS) into one function scope, so the parts share their declarations.
 */
  const EVAL = 'application/vnd.nbtrace.eval+json';
  const EVAL_FILTER_DEBOUNCE_MS = 120; // src/eval/filter-controls.ts DEBOUNCE_MS

  api.evalPrepare = payloads => {
    state.eval = payloads;
    return { rows: payloads.rows, bytes: payloads.bytes };
  };

  /** A mounted renderer of payload `key` ('run', 'comparison', 'live0', 'live1') as `mime`, painted. */
  async function evalMounted(key, mime) {
    const m = mount(mime);
    await m.r.renderModel(model(mime, evalPayload(key)));
    await twoFrames();
    return m;
  }

  function evalPayload(key) {
    const p = key.startsWith('live') ? state.eval.live[Number(key.slice(4))] : state.eval[key];
    return structuredClone(p);
  }

  async function timedToPaint(action) {
    fullGc();
    const t0 = performance.now();
    await action();
    const t1 = performance.now();
    await twoFrames();
    return { sync: t1 - t0, paint: performance.now() - t0 };
  }

  /** One first paint of payload `key` as `mime`: renderModel, layout, two frames. */
  api.evalFirstPaint = async (key, mime) =>
    firstPaintOf(mime, evalPayload(key), r => ({
      gridRows: r.node.querySelectorAll('.nbtrace-grid-body [role="row"]').length,
      nodes: r.node.getElementsByTagName('*').length
    }));

  /** One live update: the document at N/2 rows done painted, then the one at N/2 + 1 into the same renderer. */
  api.evalLiveUpdate = async mime => {
    const m = await evalMounted('live0', mime);
    const next = model(mime, evalPayload('live1'));
    const out = await timedToPaint(() => m.r.renderModel(next));
    out.progress = (m.r.node.querySelector('.nbtrace-eval-progress') || {}).textContent || null;
    unmount(m);
    return out;
  };

  /** Sort the final run by a column header click (Latency, then again: descending). */
  api.evalSort = async () => {
    const m = await evalMounted('run', EVAL);
    const header = m.r.node.querySelector('.nbtrace-grid-header[data-col="latency"]');
    if (!header) {
      unmount(m);
      throw new Error('no Latency column header');
    }
    const asc = await timedToPaint(() => header.click());
    const desc = await timedToPaint(() => header.click());
    const sorted = header.getAttribute('aria-sort');
    unmount(m);
    return { asc, desc, sorted };
  };

  /** "failed only" on, then a text filter (its debounce taken out), on the final run. */
  api.evalFilter = async () => {
    const m = await evalMounted('run', EVAL);
    const box = m.r.node.querySelector('.nbtrace-eval-failed input');
    const text = m.r.node.querySelector('.nbtrace-eval-text');
    const count = m.r.node.querySelector('.nbtrace-eval-count');
    const failed = await timedToPaint(() => {
      box.checked = true;
      box.dispatchEvent(new Event('change', { bubbles: true }));
    });
    failed.count = count.textContent;
    box.checked = false;
    box.dispatchEvent(new Event('change', { bubbles: true }));
    await twoFrames();
    const before = count.textContent;
    fullGc();
    text.value = 'Hanoi';
    const t0 = performance.now();
    text.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise(resolve => {
      const check = () => (count.textContent !== before ? resolve() : setTimeout(check, 1));
      setTimeout(check, EVAL_FILTER_DEBOUNCE_MS - 5);
    });
    await twoFrames();
    const textMs = performance.now() - t0 - EVAL_FILTER_DEBOUNCE_MS;
    const out = { failed, text: { paint: textMs, count: count.textContent } };
    unmount(m);
    return out;
  };

  /** Open row 501 of the final run (by keyboard): its record, scores and trace view, to the second frame. */
  api.evalOpenRow = async () => {
    const m = await evalMounted('run', EVAL);
    const grid = m.r.node.querySelector('[role="grid"]');
    grid.focus();
    const press = key => grid.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
    for (let i = 0; i < 500; i++) {
      press('ArrowDown'); // (PageDown would do; this walks the virtual list's recycling too)
    }
    await twoFrames();
    const out = await timedToPaint(() => press('Enter'));
    out.title = (m.r.node.querySelector('.nbtrace-eval-detail-title') || {}).textContent || null;
    out.treeitems = m.r.node.querySelectorAll('.nbtrace-eval-detail [role="treeitem"]').length;
    unmount(m);
    return out;
  };
