/**
 * The page side: rendermime from the open notebook, mounting a renderer over the notebook
 * area, building mime models.
 *
 * A part of the in-page benchmark: bench/lib.js joins bench/page/*.js (in the order
 * of PAGE_PARTS) into one function scope, so the parts share their declarations.
 */
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

  /**
   * One first paint of `payload` as `mime` in a fresh renderer: renderModel,
   * layout, two frames; `extra(renderer)` adds what the case reports. Unmounts.
   */
  async function firstPaintOf(mime, payload, extra) {
    fullGc();
    const m = mount(mime);
    const t0 = performance.now();
    await m.r.renderModel(model(mime, payload));
    const t1 = performance.now();
    void m.r.node.offsetHeight;
    const t2 = performance.now();
    await twoFrames();
    const t3 = performance.now();
    const out = { renderModel: t1 - t0, layout: t2 - t0, paint: t3 - t0, ...extra(m.r) };
    unmount(m);
    return out;
  }
