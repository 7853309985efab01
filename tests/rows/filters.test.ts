/**
 * Filters, depth steps, "collapse shorter than", critical path, and the tree
 * keyboard additions (`*` expands siblings, type-ahead): hand-computed cases.
 */
import { Trace } from '../../src/model/types';
import { filterActive, keptSpans, kindsOf, NO_FILTER, passesFilter } from '../../src/rows/filters';
import { criticalPath } from '../../src/rows/trace-facts';
import { keyZoom, overviewCells } from '../../src/tools/minimap';
import { typeAheadIndex } from '../../src/rows/keyboard';
import { buildRows } from '../../src/rows/visible-rows';
import { ExpansionState } from '../../src/rows/expansion';
import { TraceView } from '../../src/tree/trace-view';
import { parseSpecs, spanHex, SpanSpec } from '../helpers/synthetic';

afterEach(() => document.body.replaceChildren());

/**
 * root 0–100
 * ├─ plan 0–10 (CHAIN)
 * │  └─ think 1–9 (LLM)
 * ├─ agent 10–90 (AGENT)
 * │  ├─ search 10–30 (TOOL)
 * │  ├─ fetch 12–50 (TOOL, parallel with search, error)
 * │  └─ write 50–88 (LLM)
 * └─ answer 90–100
 */
const SPECS: SpanSpec[] = [
  { id: 'root', start: 0, end: 100 },
  { id: 'plan', parent: 'root', start: 0, end: 10, kind: 'CHAIN' },
  { id: 'think', parent: 'plan', start: 1, end: 9, kind: 'LLM' },
  { id: 'agent', parent: 'root', start: 10, end: 90, kind: 'AGENT' },
  { id: 'search', parent: 'agent', start: 10, end: 30, kind: 'TOOL' },
  { id: 'fetch', parent: 'agent', start: 12, end: 50, kind: 'TOOL', error: 'timeout' },
  { id: 'write', parent: 'agent', start: 50, end: 88, kind: 'LLM' },
  { id: 'answer', parent: 'root', start: 90, end: 100 }
];
const trace = (): Trace => parseSpecs(SPECS);
const names = (spans: Iterable<{ name: string }>) => [...spans].map(s => s.name);

describe('filters', () => {
  it('by kind, errors only and slower than X keep the passing spans and their ancestors', () => {
    const t = trace();
    expect(filterActive(NO_FILTER)).toBe(false);
    expect(keptSpans(t, NO_FILTER, 100)).toBeUndefined();
    const llm = keptSpans(t, { ...NO_FILTER, kinds: new Set(['LLM']) }, 100)!;
    expect(names(llm).sort()).toEqual(['agent', 'plan', 'root', 'think', 'write']);
    const errors = keptSpans(t, { ...NO_FILTER, errorsOnly: true }, 100)!;
    expect(names(errors).sort()).toEqual(['agent', 'fetch', 'root']);
    const slow = keptSpans(t, { ...NO_FILTER, minDurationMs: 38 }, 100)!;
    expect(names(slow).sort()).toEqual(['agent', 'fetch', 'root', 'write']);
    // Filters combine (AND), and with an extra predicate (search matches).
    const both = keptSpans(t, { kinds: new Set(['TOOL']), errorsOnly: true, minDurationMs: 0 }, 100, s => s.name !== 'fetch');
    expect(names(both!)).toEqual([]);
    expect(passesFilter({ ...NO_FILTER, minDurationMs: 20 }, t.byId.get(spanHex('search'))!, 100)).toBe(true);
  });

  it('lists the kinds present, most frequent first', () => {
    // 2 LLM, 2 TOOL, 2 UNKNOWN (root, answer): ties by name; then the singles.
    expect(kindsOf(trace())).toEqual(['LLM', 'TOOL', 'UNKNOWN', 'AGENT', 'CHAIN']);
  });

  it('the view shows filtered rows, and the filter survives a live update', () => {
    const view = new TraceView(trace());
    document.body.appendChild(view.node);
    view.tools.setFilter({ ...NO_FILTER, errorsOnly: true });
    expect(names(view.rows.map(r => r.span))).toEqual(['root', 'agent', 'fetch']);
    view.update(parseSpecs([...SPECS, { id: 'late', parent: 'root', start: 95, end: 99, error: 'x' }]));
    expect(names(view.rows.map(r => r.span))).toEqual(['root', 'agent', 'fetch', 'late']);
    view.tools.setFilter(NO_FILTER);
    expect(view.rows).toHaveLength(9);
    view.dispose();
  });

  it('the filter panel drives the view (kind select, errors only, slower than)', () => {
    const view = new TraceView(trace());
    document.body.appendChild(view.node);
    const panel = view.node.querySelector<HTMLDetailsElement>('.nbtrace-filters')!;
    // The controls are built when the panel first opens.
    expect(panel.querySelector('select')).toBeNull();
    panel.open = true;
    panel.dispatchEvent(new Event('toggle'));
    const select = panel.querySelector('select')!;
    expect(Array.from(select.options).map(o => o.value)).toEqual(['', 'LLM', 'TOOL', 'UNKNOWN', 'AGENT', 'CHAIN']);
    select.value = 'TOOL';
    select.dispatchEvent(new Event('change'));
    expect(names(view.rows.map(r => r.span))).toEqual(['root', 'agent', 'search', 'fetch']);
    const slower = panel.querySelector<HTMLInputElement>('input[aria-label^="Show spans lasting"]')!;
    slower.value = '25';
    slower.dispatchEvent(new Event('input'));
    expect(names(view.rows.map(r => r.span))).toEqual(['root', 'agent', 'fetch']);
    view.dispose();
  });
});

describe('expansion shortcuts', () => {
  it('± one level opens or closes the tree by depth', () => {
    const view = new TraceView(trace(), { expansion: { defaultDepth: 1 } });
    document.body.appendChild(view.node);
    expect(view.rows).toHaveLength(4); // root + 3 children
    view.tools.changeDepth(1);
    expect(view.rows).toHaveLength(8);
    view.tools.changeDepth(1); // already fully open: stays
    expect(view.rows).toHaveLength(8);
    view.tools.changeDepth(-1);
    view.tools.changeDepth(-1);
    expect(view.rows).toHaveLength(4); // open to depth 1: the root's children show
    view.tools.changeDepth(-1);
    expect(view.rows).toHaveLength(1);
    view.tools.changeDepth(-1);
    expect(view.rows).toHaveLength(1);
    view.dispose();
  });

  it('collapse shorter than X ms closes the quick parents only', () => {
    const view = new TraceView(trace(), { expansion: { defaultDepth: 5 } });
    document.body.appendChild(view.node);
    expect(view.tools.collapseShorterThan(20)).toBe(1); // plan (10 ms) has children; think is a leaf
    expect(names(view.rows.map(r => r.span))).toEqual(['root', 'plan', 'agent', 'search', 'fetch', 'write', 'answer']);
    view.dispose();
  });
});

describe('critical path', () => {
  it('walks back from the end through the steps that finished last', () => {
    const t = trace();
    // root ends at 100: answer (90–100) then agent (10–90) then plan (0–10).
    // In agent: write (50–88), then fetch (12–50; search ends at 30 but starts before 50 and
    // fetch ended later, so fetch is on the path), then nothing starts before 12 but search (10–30)
    // — it starts before the cursor (12): it is on the path too.
    expect(names(criticalPath(t, 100)).sort()).toEqual(['agent', 'answer', 'fetch', 'plan', 'root', 'search', 'think', 'write']);
    const parallel = parseSpecs([
      { id: 'p', start: 0, end: 10 },
      { id: 'a', parent: 'p', start: 0, end: 9 },
      { id: 'b', parent: 'p', start: 1, end: 5 }, // inside a: not on the path
      { id: 'c', parent: 'p', start: 9.5, end: 10 }
    ]);
    expect(names(criticalPath(parallel, 10)).sort()).toEqual(['a', 'c', 'p']);
  });

  it('the view marks the critical rows when asked', () => {
    const view = new TraceView(trace(), { expansion: { defaultDepth: 5 } });
    document.body.appendChild(view.node);
    expect(view.node.querySelectorAll('.nbtrace-row-critical')).toHaveLength(0);
    view.tools.setCriticalPath(true);
    expect(view.node.querySelectorAll('.nbtrace-row-critical')).toHaveLength(8);
    view.tools.setCriticalPath(false);
    expect(view.node.querySelectorAll('.nbtrace-row-critical')).toHaveLength(0);
    view.dispose();
  });
});

describe('keyboard additions', () => {
  it('type-ahead finds the next name with the prefix, wrapping; a repeated letter cycles', () => {
    const t = trace();
    const exp = new ExpansionState({ defaultDepth: 5 });
    const rows = buildRows(t, exp); // root plan think agent search fetch write answer
    expect(typeAheadIndex(rows, 0, 'a')).toBe(3); // agent
    expect(typeAheadIndex(rows, 3, 'a')).toBe(7); // answer
    expect(typeAheadIndex(rows, 7, 'a')).toBe(3); // wraps
    expect(typeAheadIndex(rows, 3, 'an')).toBe(7);
    expect(typeAheadIndex(rows, 3, 'ag')).toBe(3); // the current row still matches a longer prefix
    expect(typeAheadIndex(rows, 3, 'aa')).toBe(7); // "aa" cycles like "a"
    expect(typeAheadIndex(rows, -1, 'r')).toBe(0);
    expect(typeAheadIndex(rows, 0, 'zz')).toBe(-1);
  });

  it('"*" expands the selected span and its siblings; typing selects by name', () => {
    const view = new TraceView(trace(), { expansion: { defaultDepth: 1 } });
    document.body.appendChild(view.node);
    const tree = view.node.querySelector<HTMLElement>('[role="tree"]')!;
    const key = (k: string) => tree.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
    view.select(spanHex('plan'));
    key('*');
    expect(view.rows).toHaveLength(8); // plan and agent (its sibling) opened
    key('w');
    expect(view.selectedId).toBe(spanHex('write'));
    view.dispose();
  });
});

describe('zoom', () => {
  it('zooming moves bars and axis only; spans outside the window lose their bar; reset restores', () => {
    const view = new TraceView(trace(), { expansion: { defaultDepth: 5 } });
    document.body.appendChild(view.node);
    const bar = (id: string) =>
      view.node.querySelector<HTMLElement>(`[data-span-id="${spanHex(id)}"] .nbtrace-bar`)!;
    const rowEl = view.node.querySelector(`[data-span-id="${spanHex('write')}"]`);
    view.tools.zoom([40, 60]);
    expect(view.tools.zoomWindow).toEqual([40, 60]);
    expect(bar('plan').style.visibility).toBe('hidden'); // 0–10: outside
    expect(bar('fetch').style.visibility).toBe('');
    expect(bar('fetch').style.left).toBe('0%'); // 12–50 clipped at 40
    expect(bar('fetch').style.width).toBe('50%');
    expect(view.node.querySelector('.nbtrace-tick')!.textContent).toBe('40 ms');
    expect(view.node.querySelector(`[data-span-id="${spanHex('write')}"]`)).toBe(rowEl); // not re-rendered
    view.tools.zoom(null);
    expect(bar('plan').style.visibility).toBe('');
    expect(view.node.querySelector('.nbtrace-tick')!.textContent).toBe('0 ms');
    view.dispose();
  });
});

describe('overview keys', () => {
  it('zoom in, out, pan and reset, within the trace', () => {
    expect(keyZoom('+', null, 100)).toEqual([25, 75]);
    expect(keyZoom('+', [25, 75], 100)).toEqual([37.5, 62.5]);
    expect(keyZoom('-', [37.5, 62.5], 100)).toEqual([25, 75]);
    expect(keyZoom('-', [25, 75], 100)).toBeNull(); // back to the whole trace
    expect(keyZoom('ArrowRight', [25, 75], 100)).toEqual([35, 85]);
    expect(keyZoom('ArrowRight', [45, 95], 100)).toEqual([50, 100]); // stops at the end
    expect(keyZoom('ArrowLeft', [5, 55], 100)).toEqual([0, 50]);
    expect(keyZoom('ArrowLeft', null, 100)).toBeUndefined(); // nothing to pan: the key is not taken
    expect(keyZoom('0', [25, 75], 100)).toBeNull();
    expect(keyZoom('Escape', null, 100)).toBeUndefined(); // nothing to reset: Escape stays with the notebook
    expect(keyZoom('x', [25, 75], 100)).toBeUndefined();
  });

  it('the overview takes the keys and zooms the view', () => {
    const view = new TraceView(trace());
    document.body.appendChild(view.node);
    const map = view.node.querySelector<HTMLElement>('.nbtrace-minimap')!;
    expect(map.tabIndex).toBe(0);
    map.dispatchEvent(new KeyboardEvent('keydown', { key: '+', bubbles: true, cancelable: true }));
    expect(view.tools.zoomWindow).toEqual([25, 75]);
    map.dispatchEvent(new KeyboardEvent('keydown', { key: '0', bubbles: true, cancelable: true }));
    expect(view.tools.zoomWindow).toBeNull();
    view.dispose();
  });
});

describe('overview cells', () => {
  it('squeezes spans into rows, marks at least a pixel each, errors win', () => {
    const t = trace(); // 8 spans over 100 ms
    const { data, rows, rowHeight } = overviewCells(t, 100, 10, 32);
    expect(rows).toBe(8);
    expect(rowHeight).toBe(4);
    const row = (y: number) => Array.from(data.subarray(y * 10, y * 10 + 10)).join('');
    expect(row(0)).toBe('1111111111'); // root 0–100
    expect(row(1)).toBe('1000000000'); // plan 0–10
    expect(row(5)).toBe('0333300000'); // fetch 12–50 (px 1–4), an error
    const many = overviewCells(parseSpecs(Array.from({ length: 1000 }, (_, i) => ({ id: `s${i}`, start: i, end: i + 1 }))), 1000, 100, 32);
    expect(many.rows).toBe(32);
    expect(many.rowHeight).toBe(1);
    expect(many.data.length).toBe(3200); // bounded by the canvas, not by the span count
  });
});
