/**
 * Lazy trace outputs: an output's trace shows a placeholder of the right
 * height until it comes near the viewport (a fake IntersectionObserver here),
 * then its full view; settings changes and updates before that touch no view.
 */
import { Widget } from '@lumino/widgets';
import { NearViewEntry, NearViewObserverFactory, setNearViewObserverFactory, waitingCount } from '../../src/common/near-view';
import { getActiveTraceView, TraceRenderer } from '../../src/renderer';
import { bodyHeight, estimateBodyHeight, initialRowCount, VIEW_PARTS_PX } from '../../src/rows/placeholder-size';
import { applySettings, DEFAULT_EXPANSION } from '../../src/settings';
import { TraceView } from '../../src/tree/trace-view';
import { mimeModel, mountRenderer as mountTraceRenderer } from '../helpers/renderer';
import { chainSpecs, flatSpecs, otlpDoc, parseSpecs } from '../helpers/synthetic';

/** An IntersectionObserver stand-in: records what is observed; `enter` reports targets as intersecting. */
class FakeObserver {
  static last: FakeObserver | null = null;
  constructor(
    private callback: (entries: readonly NearViewEntry[]) => void,
    readonly init: IntersectionObserverInit
  ) {
    FakeObserver.last = this;
  }
  targets = new Set<Element>();
  observe(t: Element): void {
    this.targets.add(t);
  }
  unobserve(t: Element): void {
    this.targets.delete(t);
  }
  disconnect(): void {
    this.targets.clear();
  }
  enter(targets: Element[] = [...this.targets]): void {
    this.callback(targets.map(target => ({ target, isIntersecting: true })));
  }
}

const fakeFactory: NearViewObserverFactory = (callback, init) => new FakeObserver(callback, init);
const frame = (): Promise<void> => new Promise(resolve => requestAnimationFrame(() => resolve()));
const observer = (): FakeObserver => FakeObserver.last!;
/** Watching starts in the next animation frame: then report `targets` (default: all observed) as near. */
const enter = async (targets?: Element[]): Promise<void> => {
  await frame();
  observer().enter(targets);
};
/** Renderers of this file, disposed after each test (they listen to the settings). */
const mounted: TraceRenderer[] = [];
const mountRenderer = (): TraceRenderer => {
  const r = mountTraceRenderer();
  mounted.push(r);
  return r;
};

beforeEach(() => setNearViewObserverFactory(fakeFactory));
afterEach(() => {
  mounted.splice(0).forEach(r => r.dispose());
  setNearViewObserverFactory(undefined);
  FakeObserver.last = null;
  applySettings({});
  document.body.replaceChildren();
  jest.restoreAllMocks();
});

describe('placeholder height estimate', () => {
  const g = { rowHeight: 24, maxVisibleRows: 16, timelineVisible: true };
  const P = VIEW_PARTS_PX;

  it('counts the rows the tree starts with, up to the cap', () => {
    expect(initialRowCount(parseSpecs(flatSpecs(20)), DEFAULT_EXPANSION, 100)).toBe(20);
    expect(initialRowCount(parseSpecs(flatSpecs(20)), DEFAULT_EXPANSION, 16)).toBe(16);
    // A chain of 10: depths 0..2 start expanded (default depth 3), so rows for depths 0..3.
    expect(initialRowCount(parseSpecs(chainSpecs(10)), DEFAULT_EXPANSION, 100)).toBe(4);
    expect(initialRowCount(parseSpecs(chainSpecs(10)), { defaultDepth: 0 }, 100)).toBe(1);
    // Too many children: the parent starts collapsed.
    expect(initialRowCount(parseSpecs(flatSpecs(20)), { maxAutoExpandChildren: 5 }, 100)).toBe(1);
  });

  it('is rows × row height (capped) plus the fixed parts of a view', () => {
    expect(bodyHeight(3, g, false)).toBe(P.tools + P.columns + 3 * 24 + P.detail);
    expect(bodyHeight(300, g, false)).toBe(P.tools + P.columns + 16 * 24 + P.detail);
    expect(bodyHeight(3, { ...g, timelineVisible: false, rowHeight: 20 }, true)).toBe(P.toolsNoTimeline + P.warnings + P.columns + 60 + P.detail);
    const flat = parseSpecs(flatSpecs(20));
    expect(estimateBodyHeight(flat, g, DEFAULT_EXPANSION)).toBe(bodyHeight(16, g, false));
  });
});

describe('lazy trace output', () => {
  const doc = (n = 3, id = 'trace-1') => otlpDoc(flatSpecs(n), id);

  it('shows a named placeholder (no tree) until near the viewport, then the tree in its place', async () => {
    const r = mountRenderer();
    await r.renderModel(mimeModel(doc(3)));
    const ph = r.node.querySelector<HTMLElement>('.nbtrace-placeholder')!;
    expect(ph).not.toBeNull();
    expect(r.node.querySelector('[role="tree"]')).toBeNull();
    expect(r.views).toHaveLength(0);
    expect(ph.getAttribute('role')).toBe('group');
    expect(ph.getAttribute('aria-busy')).toBe('true');
    expect(ph.getAttribute('aria-label')).toMatch(/^Trace .+: ok, 3 spans, .+scrolls into view/);
    expect(ph.querySelector('.nbtrace-title')!.textContent).not.toBe('');
    expect(ph.querySelector('.nbtrace-summary')!.textContent).toContain('3 spans');
    const body = ph.querySelector<HTMLElement>('.nbtrace-placeholder-body')!;
    expect(body.style.height).toBe(`${bodyHeight(3, { rowHeight: 24, maxVisibleRows: 16, timelineVisible: true }, false)}px`);
    await frame();
    expect(observer().targets.has(ph)).toBe(true);
    expect(observer().init.root).toBeNull();

    await enter();
    expect(r.node.querySelector('.nbtrace-placeholder')).toBeNull();
    expect(r.node.querySelectorAll('[role="tree"]')).toHaveLength(1);
    expect(r.node.querySelectorAll('[role="treeitem"]')).toHaveLength(3);
    expect(r.views).toHaveLength(1);
    expect(r.views[0].node.parentNode).toBe(r.node);
    expect(observer().targets.size).toBe(0);
  });

  it("observes within the outermost scroll box (the notebook's), a screen beyond each edge", async () => {
    const outer = document.createElement('div');
    outer.style.overflowY = 'auto';
    const inner = document.createElement('div');
    inner.style.overflowY = 'scroll';
    outer.appendChild(inner);
    document.body.appendChild(outer);
    const r = mountRenderer();
    inner.appendChild(r.node);
    await r.renderModel(mimeModel(doc(3)));
    await frame();
    expect(observer().init.root === outer).toBe(true);
    expect(observer().init.rootMargin).toBe('100% 0px');
  });

  it('builds at once, without waiting for the observer, what is in view in the next frame', async () => {
    const r = mountRenderer();
    await r.renderModel(mimeModel(doc(3)));
    const ph = r.node.querySelector<HTMLElement>('.nbtrace-placeholder')!;
    jest.spyOn(ph, 'getBoundingClientRect').mockReturnValue({ top: 10, bottom: 300, left: 0, right: 800, width: 800, height: 290 } as DOMRect);
    await frame();
    expect(r.views).toHaveLength(1);
    expect(waitingCount()).toBe(0);
  });

  it('leaves what is far below for the observer (jsdom lays nothing out: zero-size boxes)', async () => {
    const r = mountRenderer();
    await r.renderModel(mimeModel(doc(3)));
    await frame();
    expect(r.views).toHaveLength(0);
    expect(waitingCount()).toBe(1);
  });

  it('a settings change resizes the placeholder and builds no view; the view built later has the new settings', async () => {
    const apply = jest.spyOn(TraceView.prototype, 'applyDisplay');
    const r = mountRenderer();
    await r.renderModel(mimeModel(doc(3)));
    const body = (): HTMLElement => r.node.querySelector<HTMLElement>('.nbtrace-placeholder-body')!;
    const before = parseFloat(body().style.height);
    applySettings({ rowDensity: 'compact', timelineVisible: false });
    expect(apply).not.toHaveBeenCalled();
    expect(r.views).toHaveLength(0);
    expect(parseFloat(body().style.height)).toBe(before - 3 * (24 - 20) - (VIEW_PARTS_PX.tools - VIEW_PARTS_PX.toolsNoTimeline));
    await enter();
    const view = r.views[0];
    expect(view.node.classList.contains('nbtrace-no-timeline')).toBe(true);
    expect(view.node.querySelector<HTMLElement>('[role="treeitem"]')!.style.height).toBe('20px');
    applySettings({});
    expect(apply).toHaveBeenCalledTimes(1);
  });

  it('holds an update back until the trace is needed, then shows the newest payload', async () => {
    const r = mountRenderer();
    await r.renderModel(mimeModel(doc(3)));
    await r.renderModel(mimeModel(doc(5)));
    await r.renderModel(mimeModel(doc(7)));
    // Not parsed yet: the placeholder still says 4 spans.
    expect(r.node.querySelector('.nbtrace-summary')!.textContent).toContain('3 spans');
    await enter();
    expect(r.views).toHaveLength(1);
    expect(r.node.querySelectorAll('[role="treeitem"]')).toHaveLength(7);
    // Built: updates go straight to the view.
    await r.renderModel(mimeModel(doc(2)));
    expect(r.node.querySelectorAll('[role="treeitem"]')).toHaveLength(2);
  });

  it('a held-back update reaches the placeholder when the browser is idle', async () => {
    jest.useFakeTimers();
    try {
      const r = mountRenderer();
      await r.renderModel(mimeModel(doc(3)));
      await r.renderModel(mimeModel(doc(9)));
      jest.advanceTimersByTime(300);
      expect(r.node.querySelector('.nbtrace-summary')!.textContent).toContain('9 spans');
      expect(r.views).toHaveLength(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('several traces: each waits for itself', async () => {
    const r = mountRenderer();
    await r.renderModel(mimeModel([doc(2, 't1'), doc(3, 't2')]));
    const [a, b] = Array.from(r.node.querySelectorAll('.nbtrace-placeholder'));
    await enter([b]);
    expect(r.views).toHaveLength(1);
    expect(r.node.children[0]).toBe(a);
    expect(r.node.children[1]).toBe(r.views[0].node);
    expect(r.views[0].trace.spans).toHaveLength(3);
  });

  it('watches only while attached (a windowed notebook detaches cells), and stops when disposed', async () => {
    const r = mountRenderer();
    r.node.remove();
    const host = new Widget();
    Widget.attach(host, document.body);
    await r.renderModel(mimeModel(doc(3)));
    expect(waitingCount()).toBe(0);
    Widget.attach(r, host.node);
    expect(waitingCount()).toBe(1);
    Widget.detach(r);
    expect(waitingCount()).toBe(0);
    Widget.attach(r, host.node);
    expect(waitingCount()).toBe(1);
    await frame();
    expect(observer().targets.size).toBe(1);
    r.dispose();
    expect(waitingCount()).toBe(0);
    expect(observer().targets.size).toBe(0);
  });

  it('commands and the placeholder\'s buttons build the trace they act on', async () => {
    const r = mountRenderer();
    await r.renderModel(mimeModel(otlpDoc(chainSpecs(6))));
    const ph = r.node.querySelector<HTMLElement>('.nbtrace-placeholder')!;
    ph.dispatchEvent(new Event('pointerdown', { bubbles: true }));
    expect(r.views).toHaveLength(0);
    const view = getActiveTraceView();
    expect(view).not.toBeNull();
    expect(r.views[0]).toBe(view);

    const r2 = mountRenderer();
    await r2.renderModel(mimeModel(otlpDoc(chainSpecs(6))));
    r2.node.querySelector<HTMLButtonElement>('.nbtrace-expand-all')!.click();
    expect(r2.views).toHaveLength(1);
    expect(r2.node.querySelectorAll('[role="treeitem"]')).toHaveLength(6);
  });

  it('"Copy JSON" of a placeholder copies the payload the output holds', async () => {
    const data = doc(3);
    const writeText = jest.fn(() => Promise.resolve());
    Object.assign(navigator, { clipboard: { writeText } });
    const r = mountRenderer();
    await r.renderModel(mimeModel(data));
    r.node.querySelector<HTMLButtonElement>('.nbtrace-placeholder .nbtrace-copy-trace')!.click();
    expect(JSON.parse(writeText.mock.calls[0][0])).toEqual(data);
  });

  it('without an IntersectionObserver everything is built at once', async () => {
    setNearViewObserverFactory(null);
    const r = mountRenderer();
    await r.renderModel(mimeModel(doc(3)));
    expect(r.views).toHaveLength(1);
    expect(r.node.querySelector('.nbtrace-placeholder')).toBeNull();
  });
});
