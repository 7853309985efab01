import { Trace } from '../../src/model';
import { LiveClock, TICK_MS } from '../../src/rows/live-clock';
import { TraceView } from '../../src/tree/trace-view';
import { parseSpecs, SpanSpec, spanHex } from '../helpers/synthetic';

const trace = parseSpecs;

// root (running) ─┬─ done (0–40 ms)
//                 └─ work (running since 50 ms)
const RUNNING: SpanSpec[] = [
  { id: 'root', start: 0 },
  { id: 'done', parent: 'root', start: 0, end: 40 },
  { id: 'work', parent: 'root', start: 50 }
];

const row = (view: TraceView, id: string) =>
  view.node.querySelector<HTMLElement>(`[role="treeitem"][data-span-id="${spanHex(id)}"]`)!;

afterEach(() => {
  document.body.replaceChildren();
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('a running trace', () => {
  it('marks running spans with a pattern, aria-busy and text, and shows elapsed time', () => {
    const t = trace(RUNNING);
    expect(t.state).toBe('IN_PROGRESS');
    const view = new TraceView(t);
    document.body.appendChild(view.node);
    const work = row(view, 'work');
    expect(work.getAttribute('aria-busy')).toBe('true');
    expect(work.querySelector('.nbtrace-bar')!.classList.contains('nbtrace-bar-running')).toBe(true);
    expect(work.querySelector('.nbtrace-row-duration')!.textContent).toBe('running');
    expect(row(view, 'done').hasAttribute('aria-busy')).toBe(false);
    expect(view.node.querySelector('.nbtrace-chip')!.textContent).toBe('running');
    expect(view.node.querySelector('.nbtrace-elapsed')!.textContent).toMatch(/elapsed · 2 running spans$/);
    view.dispose();
  });

  it('advances now on tick: bars and axis move, rows are not re-rendered', () => {
    jest.spyOn(performance, 'now').mockReturnValue(1000); // the payload arrives at t=1000
    const view = new TraceView(trace(RUNNING));
    document.body.appendChild(view.node);
    const work = row(view, 'work');
    const name = work.querySelector('.nbtrace-name')!;
    const bar = () => work.querySelector<HTMLElement>('.nbtrace-bar')!;
    const doneBar = () => row(view, 'done').querySelector<HTMLElement>('.nbtrace-bar')!;
    expect(bar().style.width).toBe('0%'); // now = 50 ms, the latest known time

    view.tick(1150); // 150 ms later: now = 50 + 150 = 200 ms
    expect(parseFloat(bar().style.left)).toBeCloseTo(25, 0);
    expect(parseFloat(bar().style.width)).toBeCloseTo(75, 0);
    expect(parseFloat(doneBar().style.width)).toBeCloseTo(20, 0);
    expect(row(view, 'work')).toBe(work);
    expect(work.querySelector('.nbtrace-name')).toBe(name);
    const ticks = Array.from(view.node.querySelectorAll('.nbtrace-tick')).map(t => t.textContent);
    expect(ticks).toContain('200 ms');
    view.dispose();
  });

  it('keeps what the user expanded while new spans arrive, and stops ticking when done', () => {
    const first: SpanSpec[] = [...RUNNING, { id: 'w1', parent: 'work', start: 60, end: 70 }];
    const view = new TraceView(trace(first), { expansion: { defaultDepth: 1 } });
    document.body.appendChild(view.node);
    expect(view.ticking).toBe(true);
    expect(row(view, 'work').getAttribute('aria-expanded')).toBe('false');
    view.setExpanded(spanHex('work'), true);
    view.select(spanHex('work'));
    // A newer payload: work got a second child, the collapsed 'done' got one.
    const grown: SpanSpec[] = [
      ...first,
      { id: 'w2', parent: 'work', start: 80 },
      { id: 'd1', parent: 'done', start: 10, end: 20 }
    ];
    view.update(trace(grown));
    expect(row(view, 'work').getAttribute('aria-expanded')).toBe('true');
    expect(row(view, 'w2')).not.toBeNull();
    expect(view.selectedId).toBe(spanHex('work'));
    // 'done' is at depth 1: it starts collapsed and shows its hidden child count.
    expect(row(view, 'done').getAttribute('aria-expanded')).toBe('false');
    expect(row(view, 'done').querySelector('.nbtrace-count')!.textContent).toBe('1');

    const finished = grown.map(s => (s.end === undefined ? { ...s, end: 300 } : s));
    view.update(trace(finished));
    expect(view.ticking).toBe(false);
    expect(view.node.querySelectorAll('[aria-busy="true"]')).toHaveLength(0);
    expect(view.node.querySelector('.nbtrace-chip')!.textContent).toBe('ok');
    view.dispose();
  });
});

describe('LiveClock', () => {
  it('ticks at most 4 times a second, only while running and visible', () => {
    jest.useFakeTimers();
    const onTick = jest.fn();
    const clock = new LiveClock(onTick);
    clock.reset(trace(RUNNING), 0);
    expect(TICK_MS).toBeGreaterThanOrEqual(250);
    jest.advanceTimersByTime(1000);
    expect(onTick).toHaveBeenCalledTimes(4);
    clock.setVisible(false);
    jest.advanceTimersByTime(1000);
    expect(onTick).toHaveBeenCalledTimes(4);
    clock.setVisible(true);
    jest.advanceTimersByTime(500);
    expect(onTick).toHaveBeenCalledTimes(6);
    clock.dispose();
    jest.advanceTimersByTime(1000);
    expect(onTick).toHaveBeenCalledTimes(6);
  });

  it('anchors now on the payload, plus the time since it arrived', () => {
    const clock = new LiveClock(() => undefined);
    clock.reset(trace(RUNNING), 1000);
    expect(clock.now(1000)).toBe(50);
    expect(clock.now(1250)).toBe(300);
    clock.reset(trace(RUNNING.map(s => ({ ...s, end: s.end ?? 90 }))), 2000);
    expect(clock.running).toBe(false);
    expect(clock.now(9999)).toBe(90);
    clock.dispose();
  });
});

describe('the detail panel during live updates', () => {
  it('keeps what the user opened while the selected span does not change', async () => {
    const specs: SpanSpec[] = [
      { id: 'root', start: 0 },
      { id: 'big', parent: 'root', start: 1, end: 5, attributes: { 'output.value': JSON.stringify({ a: { b: { c: { d: 1 } } } }) } }
    ];
    const view = new TraceView(trace(specs));
    document.body.appendChild(view.node);
    view.select(spanHex('big'));
    const panel = view.node.querySelector<HTMLElement>('[aria-label="Span details"]')!;
    const deep = Array.from(panel.querySelectorAll('details')).find(d => !d.open)!;
    deep.open = true;
    await new Promise(resolve => setTimeout(resolve, 0)); // jsdom fires 'toggle' on a later task
    expect(deep.querySelector('.nbtrace-json-entry')).not.toBeNull(); // children built on open
    const marker = panel.firstElementChild;
    view.update(trace([...specs, { id: 'late', parent: 'root', start: 6 }]));
    expect(panel.firstElementChild).toBe(marker);
    expect(deep.isConnected && deep.open).toBe(true);
    // When the selected span itself changes (here: its status), the panel follows.
    view.update(trace(specs.map(s => (s.id === 'big' ? { ...s, error: 'boom' } : s))));
    expect(panel.textContent).toContain('boom');
    // So it does when only an attribute value changes (same keys, same counts).
    const changed = specs.map(s =>
      s.id === 'big' ? { ...s, error: 'boom', attributes: { 'output.value': JSON.stringify({ a: 'new value' }) } } : s
    );
    view.update(trace(changed));
    expect(panel.textContent).toContain('new value');
    view.dispose();
  });
});

describe('cost of a live update', () => {
  it('touches only the bars of rows whose span did not change', async () => {
    const view = new TraceView(trace(RUNNING));
    document.body.appendChild(view.node);
    const done = row(view, 'done');
    const records: MutationRecord[] = [];
    const observer = new MutationObserver(list => records.push(...list));
    observer.observe(done, { subtree: true, childList: true, attributes: true, characterData: true });
    view.update(trace([...RUNNING, { id: 'new', parent: 'work', start: 60 }])); // 'done' keeps its siblings
    await Promise.resolve();
    observer.disconnect();
    expect(row(view, 'new')).not.toBeNull();
    expect(records.length).toBeGreaterThan(0); // its bar moved: the axis grew
    for (const r of records) {
      expect(r.type).toBe('attributes');
      expect(r.attributeName).toBe('style');
      expect((r.target as HTMLElement).classList.contains('nbtrace-bar')).toBe(true);
    }
    view.dispose();
  });
});

describe('a snapshot of a running trace', () => {
  it('does not tick (a copy in a tab gets no newer payloads)', () => {
    const running: SpanSpec[] = [{ id: 'root', start: 0 }];
    const live = new TraceView(trace(running));
    const frozen = new TraceView(trace(running), { snapshot: true });
    document.body.append(live.node, frozen.node);
    expect(live.ticking).toBe(true);
    expect(frozen.ticking).toBe(false);
    frozen.update(trace(running));
    expect(frozen.ticking).toBe(false);
    live.dispose();
    frozen.dispose();
  });
});
