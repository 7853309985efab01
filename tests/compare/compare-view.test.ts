/**
 * The comparison view in jsdom: an ARIA tree of aligned spans, a selected
 * side and its highlighted counterpart, both spans' details side by side,
 * the main tree's keyboard, deltas told by sign and words, payload text as
 * text only, and a virtualized DOM.
 */
import { compareTraces } from '../../src/model/compare';
import { CompareRenderer } from '../../src/compare-renderer';
import { CompareView } from '../../src/compare/compare-view';
import { deltaWords, formatDeltaMs, formatPct, formatTokenDelta, trendOf } from '../../src/rows/compare-labels';
import { otlpDoc, parseSpecs, SpanSpec } from '../helpers/synthetic';

function agent(n: number, ms: number, extra: SpanSpec[] = []): SpanSpec[] {
  const specs: SpanSpec[] = [{ id: 'root', name: 'agent', start: 0, end: 0, kind: 'AGENT' }];
  let t = 1;
  for (let i = 0; i < n; i++) {
    specs.push({ id: `s${i}`, parent: 'root', name: 'tool:search', start: t, end: t + ms, kind: 'TOOL' });
    t += ms + 1;
  }
  specs.push({
    id: 'llm',
    parent: 'root',
    name: 'chat',
    start: t,
    end: t + 50,
    kind: 'LLM',
    attributes: { 'llm.token_count.prompt': 100 + n * 10, 'llm.token_count.completion': 20 }
  });
  specs[0].end = t + 51;
  return [...specs, ...extra];
}

function mount(a: SpanSpec[], b: SpanSpec[], options = {}): CompareView {
  const view = new CompareView(compareTraces(parseSpecs(a, 'ta'), parseSpecs(b, 'tb')), { names: ['A', 'B'], ...options });
  document.body.appendChild(view.node);
  return view;
}

const tree = (view: CompareView): HTMLElement => view.node.querySelector<HTMLElement>('[role="tree"]')!;
const items = (view: CompareView): HTMLElement[] => Array.from(view.node.querySelectorAll<HTMLElement>('[role="treeitem"]'));
const rowNamed = (view: CompareView, name: string, k = 0): HTMLElement => {
  const found = items(view).filter(r => r.querySelector('.nbtrace-name')!.textContent === name);
  if (!found[k]) {
    throw new Error(`no row ${name}[${k}]`);
  }
  return found[k];
};
const key = (view: CompareView, k: string): void => {
  tree(view).dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
};
const click = (el: Element): void => {
  el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
};
const selectedRow = (view: CompareView): HTMLElement | undefined => items(view).find(r => r.getAttribute('aria-selected') === 'true');
const panel = (view: CompareView, side: 'A' | 'B'): HTMLElement =>
  view.node.querySelector<HTMLElement>(`[role="region"][aria-label="Span details: ${side}"]`)!;

afterEach(() => {
  document.body.replaceChildren();
});

describe('CompareView', () => {
  it('is an ARIA tree with one row per aligned span; added rows are marked in sign and words', () => {
    const view = mount(agent(3, 30), agent(5, 40));
    const t = tree(view);
    expect(t.getAttribute('tabindex')).toBe('0');
    const rows = items(view);
    expect(rows.map(r => r.querySelector('.nbtrace-name')!.textContent)).toEqual([
      'agent',
      'tool:search',
      'tool:search',
      'tool:search',
      'tool:search',
      'tool:search',
      'chat'
    ]);
    expect(rows[0].getAttribute('aria-level')).toBe('1');
    expect(rows[0].getAttribute('aria-expanded')).toBe('true');
    expect(rows[1].getAttribute('aria-level')).toBe('2');
    const added = rows.filter(r => r.classList.contains('nbtrace-compare-added'));
    expect(added).toHaveLength(2);
    expect(added[0].querySelector('.nbtrace-compare-mark')!.textContent).toBe('+');
    expect(added[0].getAttribute('aria-label')).toBe('tool:search, added in B, 40 ms');
    expect(added[0].querySelector('.nbtrace-compare-cell-a')!.classList.contains('nbtrace-compare-cell-missing')).toBe(true);
    // The counts and totals in the header.
    expect(view.node.querySelector('.nbtrace-compare-counts')!.textContent).toBe('5 matched · +2 added · 0 removed');
    const totals = Array.from(view.node.querySelectorAll('.nbtrace-compare-totals tbody tr')).map(tr =>
      Array.from(tr.children).map(c => c.textContent)
    );
    // A: 1 + 3·31 + 51 = 145 ms; B: 1 + 5·41 + 51 = 257 ms.
    expect(totals[0]).toEqual(['Duration', '145 ms', '257 ms', '+112 ms (+77 %)']);
    expect(totals[1]).toEqual(['Spans', '5', '7', '+2']);
    expect(totals[2]).toEqual(['Errors', '0', '0', '±0']);
    expect(totals[3]).toEqual(['Tokens', '150', '170', '+20']);
  });

  it('tells a delta by sign, colour class and words: slower, faster, about the same', () => {
    const a = agent(2, 30);
    const b = agent(2, 30).map(s => (s.id === 's0' ? { ...s, end: s.start + 45 } : s.id === 's1' ? { ...s, end: s.start + 10 } : s));
    const view = mount(a, b);
    const slower = rowNamed(view, 'tool:search', 0);
    expect(slower.querySelector('.nbtrace-compare-delta')!.textContent).toBe('+15 ms+50 %');
    expect(slower.querySelector<HTMLElement>('.nbtrace-compare-delta')!.dataset.trend).toBe('slower');
    expect(slower.getAttribute('aria-label')).toBe('tool:search, A 30 ms, B 45 ms, 15 ms slower (+50 %)');
    const faster = rowNamed(view, 'tool:search', 1);
    expect(faster.querySelector('.nbtrace-compare-delta-ms')!.textContent).toBe('\u221220 ms');
    expect(faster.querySelector<HTMLElement>('.nbtrace-compare-delta')!.dataset.trend).toBe('faster');
    expect(faster.getAttribute('aria-label')).toContain('20 ms faster (\u221267 %)');
    const chat = rowNamed(view, 'chat');
    expect(chat.querySelector<HTMLElement>('.nbtrace-compare-delta')!.dataset.trend).toBe('same');
    expect(chat.querySelector('.nbtrace-compare-tokens')!.textContent).toBe('±0 tok');
  });

  it('selecting a row selects its A span, highlights the B counterpart and shows both details', () => {
    const view = mount(agent(3, 30), agent(5, 40));
    const row = rowNamed(view, 'tool:search', 1);
    click(row.querySelector('.nbtrace-name')!);
    const selected = selectedRow(view)!;
    expect(selected).toBe(row);
    expect(row.querySelector('.nbtrace-compare-cell-a')!.classList.contains('nbtrace-compare-cell-selected')).toBe(true);
    const counterpart = row.querySelector<HTMLElement>('.nbtrace-compare-cell-b')!;
    expect(counterpart.classList.contains('nbtrace-compare-counterpart')).toBe(true);
    expect(counterpart.title).toBe('B: tool:search, matched with A: tool:search');
    expect(view.node.querySelectorAll('.nbtrace-compare-counterpart')).toHaveLength(1);
    // The row is described: which side, and what it is matched with.
    const description = document.getElementById(row.getAttribute('aria-describedby')!)!;
    expect(description.textContent).toBe('Selected in A: tool:search; matched with B: tool:search. B: 10 ms slower (+33 %).');
    expect(description.hidden).toBe(false);
    expect(tree(view).getAttribute('aria-activedescendant')).toBe(row.id);
    // Both details, side by side, each the span of its own trace.
    const pa = panel(view, 'A');
    const pb = panel(view, 'B');
    expect(pa.querySelector('.nbtrace-detail-name')!.textContent).toBe('tool:search');
    expect(pb.querySelector('.nbtrace-detail-name')!.textContent).toBe('tool:search');
    const duration = (p: HTMLElement): string => {
      const dts = Array.from(p.querySelectorAll('.nbtrace-facts dt'));
      return dts.find(d => d.textContent === 'Duration')!.nextElementSibling!.textContent!;
    };
    expect([duration(pa), duration(pb)]).toEqual(['30 ms', '40 ms']);
    expect(pa.classList.contains('nbtrace-compare-detail-selected')).toBe(true);
    expect(pb.classList.contains('nbtrace-compare-detail-counterpart')).toBe(true);
    expect(pb.querySelector('.nbtrace-compare-detail-role')!.textContent).toBe('matched with A: tool:search');
  });

  it("clicking B's duration picks B; its counterpart is then A", () => {
    const view = mount(agent(3, 30), agent(5, 40));
    const row = rowNamed(view, 'chat');
    click(row.querySelector('.nbtrace-compare-cell-b')!);
    expect(view.side).toBe('b');
    expect(row.querySelector('.nbtrace-compare-cell-b')!.classList.contains('nbtrace-compare-cell-selected')).toBe(true);
    expect(row.querySelector('.nbtrace-compare-cell-a')!.classList.contains('nbtrace-compare-counterpart')).toBe(true);
    expect(document.getElementById(row.getAttribute('aria-describedby')!)!.textContent).toMatch(
      /^Selected in B: chat; matched with A: chat\./
    );
    expect(panel(view, 'B').classList.contains('nbtrace-compare-detail-selected')).toBe(true);
    // The side sticks for the keyboard, and a row without it shows the side it has.
    key(view, 'ArrowUp');
    const added = selectedRow(view)!;
    expect(added.classList.contains('nbtrace-compare-added')).toBe(true);
    expect(panel(view, 'A').querySelector('.nbtrace-compare-missing')!.textContent).toBe('Not in A: “tool:search” is new in B.');
    expect(view.node.querySelectorAll('.nbtrace-compare-counterpart')).toHaveLength(0);
    expect(document.getElementById(added.getAttribute('aria-describedby')!)!.textContent).toMatch(/no counterpart in A/);
  });

  it('keyboard: focus selects the first row; arrows, Home/End, collapse, type-ahead, Escape', () => {
    const view = mount(agent(3, 30), agent(5, 40));
    tree(view).dispatchEvent(new FocusEvent('focus'));
    expect(selectedRow(view)!.querySelector('.nbtrace-name')!.textContent).toBe('agent');
    key(view, 'ArrowDown');
    key(view, 'ArrowDown');
    expect(items(view).indexOf(selectedRow(view)!)).toBe(2);
    key(view, 'End');
    expect(selectedRow(view)!.querySelector('.nbtrace-name')!.textContent).toBe('chat');
    key(view, 'Home');
    key(view, 'ArrowLeft'); // collapse the root
    expect(items(view)).toHaveLength(1);
    expect(items(view)[0].getAttribute('aria-expanded')).toBe('false');
    key(view, 'ArrowRight');
    expect(items(view)).toHaveLength(7);
    key(view, 'c'); // type-ahead
    expect(selectedRow(view)!.querySelector('.nbtrace-name')!.textContent).toBe('chat');
    key(view, 'ArrowLeft'); // a leaf: to its parent
    expect(selectedRow(view)!.querySelector('.nbtrace-name')!.textContent).toBe('agent');
    key(view, 'Escape');
    expect(selectedRow(view)).toBeUndefined();
    expect(panel(view, 'A').querySelector('.nbtrace-detail-hint')!.textContent).toMatch(/^Select a span/);
  });

  it('puts payload text in as text, never as HTML', () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const a = [{ id: 'r', name: evil, start: 0, end: 10 }, { id: 'c', parent: 'r', name: `${evil}b`, start: 1, end: 2 }];
    const b = [{ id: 'r', name: evil, start: 0, end: 12 }, { id: 'd', parent: 'r', name: `${evil}c`, start: 1, end: 2 }];
    const view = mount(a, b, { names: [evil, '<b>B</b>'] });
    click(rowNamed(view, `${evil}b`).querySelector('.nbtrace-name')!);
    expect(view.node.querySelectorAll('img, b')).toHaveLength(0);
    expect(view.node.textContent).toContain(evil);
    expect(view.node.textContent).toContain('<b>B</b>');
    expect((window as any).__pwned).toBeUndefined();
  });

  it('keeps the DOM small for big traces (virtualized)', () => {
    const flat = (n: number): SpanSpec[] => [
      { id: 'root', name: 'agent', start: 0, end: n + 1 },
      ...Array.from({ length: n }, (_, i) => ({ id: `s${i}`, parent: 'root', name: `step ${i % 50}`, start: i, end: i + 1 }))
    ];
    const view = mount(flat(5000), flat(5200), { maxVisibleRows: 16, expansion: { maxAutoExpandChildren: Infinity } });
    expect(view.rows).toHaveLength(5201);
    expect(items(view).length).toBeLessThanOrEqual(16 + 2 * 8 + 1);
    expect(view.node.querySelectorAll('*').length).toBeLessThan(1000);
    key(view, 'End');
    expect(selectedRow(view)!.classList.contains('nbtrace-compare-added')).toBe(true);
  });
});

describe('CompareRenderer', () => {
  it('renders the compare payload, and says what is wrong with a bad one', async () => {
    const renderer = new CompareRenderer({ mimeType: 'application/vnd.nbtrace.compare+json' } as any);
    const data = { version: 1, names: ['before', 'after'], traces: [otlpDoc(agent(1, 10), 'x'), otlpDoc(agent(2, 10), 'y')] };
    await renderer.renderModel({ data: { 'application/vnd.nbtrace.compare+json': data } } as any);
    expect(renderer.view!.names).toEqual(['before', 'after']);
    expect(renderer.node.querySelectorAll('[role="treeitem"]')).toHaveLength(4);
    await renderer.renderModel({ data: { 'application/vnd.nbtrace.compare+json': { version: 1, traces: [] } } } as any);
    expect(renderer.view).toBeNull();
    expect(renderer.node.querySelector('[role="alert"]')!.textContent).toMatch(/exactly two traces; this one holds 0/);
    renderer.dispose();
  });
});

describe('compare labels', () => {
  it('signs, percentages and trends', () => {
    expect(formatDeltaMs(120)).toBe('+120 ms');
    expect(formatDeltaMs(-1500)).toBe('\u22121.5 s');
    expect(formatDeltaMs(0)).toBe('±0 ms');
    expect(formatDeltaMs(undefined)).toBe('');
    expect(formatPct(33.333)).toBe('+33 %');
    expect(formatPct(-4.44)).toBe('\u22124.4 %');
    expect(trendOf(0.2, undefined)).toBe('same');
    expect(trendOf(10, 3)).toBe('same');
    expect(trendOf(10, undefined)).toBe('slower');
    expect(trendOf(-10, -50)).toBe('faster');
    expect(deltaWords(-80, -40)).toBe('80 ms faster (\u221240 %)');
    expect(formatTokenDelta({ input: 1000, output: 250 })).toBe('+1.3k tok');
    expect(formatTokenDelta({ total: -30 })).toBe('\u221230 tok');
    expect(formatTokenDelta(undefined)).toBe('');
  });
});
