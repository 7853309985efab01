import { Trace } from '../../src/model';
import { TraceView } from '../../src/tree/trace-view';
import { flatSpecs, parseSpecs, SpanSpec, spanHex } from '../helpers/synthetic';

const trace = parseSpecs;

const AGENT: SpanSpec[] = [
  { id: 'root', name: 'agent', start: 0, end: 200, kind: 'AGENT', attributes: { 'input.value': '{"question": "hi"}' } },
  { id: 'llm', parent: 'root', name: 'chat', start: 10, end: 110, kind: 'LLM' },
  { id: 'tool', parent: 'root', name: 'search', start: 120, end: 170, kind: 'TOOL', error: 'ValueError: boom' },
  { id: 'sub', parent: 'llm', name: 'http', start: 20, end: 100 }
];

function mount(t: Trace, options = {}): TraceView {
  const view = new TraceView(t, options);
  document.body.appendChild(view.node);
  return view;
}

function rowEls(view: TraceView): HTMLElement[] {
  // Every treeitem in the DOM must be a visible row: pooled spares are detached.
  return Array.from(view.node.querySelectorAll<HTMLElement>('[role="treeitem"]'));
}

function rowFor(view: TraceView, id: string): HTMLElement {
  const el = view.node.querySelector<HTMLElement>(`[role="treeitem"][data-span-id="${spanHex(id)}"]`);
  if (!el) {
    throw new Error(`no visible row for ${id}`);
  }
  return el;
}

function key(view: TraceView, k: string): void {
  view.node.querySelector('[role="tree"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
}

afterEach(() => {
  document.body.replaceChildren();
});

describe('TraceView DOM contract', () => {
  it('is an ARIA tree of treeitems with levels, expansion and selection state', () => {
    const view = mount(trace(AGENT));
    const tree = view.node.querySelector('[role="tree"]')!;
    expect(tree.getAttribute('tabindex')).toBe('0');
    const rows = rowEls(view);
    expect(rows.map(r => r.textContent!.includes('agent') || r.dataset.spanId)).toBeTruthy();
    expect(rows).toHaveLength(4);
    const root = rowFor(view, 'root');
    expect(root.getAttribute('aria-level')).toBe('1');
    expect(root.getAttribute('aria-expanded')).toBe('true');
    expect(root.getAttribute('aria-selected')).toBe('false');
    const leaf = rowFor(view, 'tool');
    expect(leaf.getAttribute('aria-level')).toBe('2');
    expect(leaf.hasAttribute('aria-expanded')).toBe(false);
    expect(rowFor(view, 'sub').getAttribute('aria-level')).toBe('3');
    expect(view.node.querySelector('[role="region"][aria-label="Span details"]')).not.toBeNull();
  });

  it('starts with a hint in the detail panel', () => {
    const view = mount(trace(AGENT));
    expect(view.node.querySelector('[aria-label="Span details"] .nbtrace-detail-hint')).not.toBeNull();
  });

  it('places each bar by percent of the trace duration', () => {
    const view = mount(trace(AGENT));
    const bar = rowFor(view, 'llm').querySelector<HTMLElement>('.nbtrace-bar')!;
    expect(bar.style.left).toBe('5%');
    expect(bar.style.width).toBe('50%');
    const rootBar = rowFor(view, 'root').querySelector<HTMLElement>('.nbtrace-bar')!;
    expect([rootBar.style.left, rootBar.style.width]).toEqual(['0%', '100%']);
  });

  it('marks an error span with a red bar and an error icon, not colour alone', () => {
    const view = mount(trace(AGENT));
    const row = rowFor(view, 'tool');
    expect(row.classList.contains('nbtrace-row-error')).toBe(true);
    expect(row.querySelector('.nbtrace-bar')!.classList.contains('nbtrace-bar-error')).toBe(true);
    const icon = row.querySelector('.nbtrace-status-icon')!;
    expect(icon.getAttribute('aria-label')).toBe('error');
    expect(icon.textContent).toBe('!');
    expect(view.node.querySelector('.nbtrace-summary')!.textContent).toContain('1 error');
  });

  it('shows duration text and an axis with ticks', () => {
    const view = mount(trace(AGENT));
    expect(rowFor(view, 'llm').querySelector('.nbtrace-row-duration')!.textContent).toBe('100 ms');
    const ticks = Array.from(view.node.querySelectorAll('.nbtrace-tick')).map(t => t.textContent);
    expect(ticks[0]).toBe('0 ms');
    expect(ticks).toContain('100 ms');
  });
});

describe('mouse', () => {
  it('collapses and expands with the disclosure triangle', () => {
    const view = mount(trace(AGENT));
    (rowFor(view, 'root').querySelector('.nbtrace-twisty') as HTMLElement).click();
    expect(rowEls(view)).toHaveLength(1);
    expect(rowFor(view, 'root').getAttribute('aria-expanded')).toBe('false');
    expect(rowFor(view, 'root').querySelector('.nbtrace-count')!.textContent).toBe('2');
    (rowFor(view, 'root').querySelector('.nbtrace-twisty') as HTMLElement).click();
    expect(rowEls(view)).toHaveLength(4);
  });

  it('selects a row on click and shows its details', () => {
    const view = mount(trace(AGENT));
    (rowFor(view, 'root').querySelector('.nbtrace-name') as HTMLElement).click();
    expect(rowFor(view, 'root').getAttribute('aria-selected')).toBe('true');
    const detail = view.node.querySelector('[aria-label="Span details"]')!;
    expect(detail.textContent).toContain('agent');
    expect(detail.textContent).toContain('Inputs');
    expect(detail.textContent).toContain('question');
    expect(detail.textContent).toContain('hi');
    (rowFor(view, 'tool').querySelector('.nbtrace-name') as HTMLElement).click();
    expect(rowFor(view, 'root').getAttribute('aria-selected')).toBe('false');
    expect(detail.textContent).toContain('ValueError: boom');
  });
});

describe('keyboard', () => {
  it('moves, collapses and expands with the arrow keys', () => {
    const view = mount(trace(AGENT));
    const tree = view.node.querySelector<HTMLElement>('[role="tree"]')!;
    tree.focus();
    expect(view.selectedId).toBe(spanHex('root'));
    expect(tree.getAttribute('aria-activedescendant')).toBe(rowFor(view, 'root').id);
    key(view, 'ArrowDown');
    expect(view.selectedId).toBe(spanHex('llm'));
    key(view, 'ArrowLeft'); // collapse llm
    expect(rowFor(view, 'llm').getAttribute('aria-expanded')).toBe('false');
    expect(rowEls(view)).toHaveLength(3);
    key(view, 'ArrowRight'); // expand llm
    expect(rowEls(view)).toHaveLength(4);
    key(view, 'ArrowRight'); // into its first child
    expect(view.selectedId).toBe(spanHex('sub'));
    key(view, 'ArrowLeft'); // leaf → parent
    expect(view.selectedId).toBe(spanHex('llm'));
    key(view, 'End');
    expect(view.selectedId).toBe(spanHex('tool'));
    key(view, 'Home');
    expect(view.selectedId).toBe(spanHex('root'));
    key(view, 'Enter');
    expect(rowEls(view)).toHaveLength(1);
  });
});

describe('virtualization', () => {
  it('keeps the DOM small for 10,000 spans', () => {
    const view = mount(trace(flatSpecs(10000)), { expansion: { maxAutoExpandChildren: 100000 } });
    expect(view.rows).toHaveLength(10000);
    const all = view.node.querySelectorAll('[role="treeitem"]');
    expect(all.length).toBeLessThan(200);
    const tree = view.node.querySelector<HTMLElement>('[role="tree"]')!;
    expect(tree.querySelector<HTMLElement>('.nbtrace-sizer')!.style.height).toBe(`${10000 * 24}px`);
  });

  it('renders the rows at the scroll position', () => {
    const view = mount(trace(flatSpecs(10000)), { expansion: { maxAutoExpandChildren: 100000 } });
    const tree = view.node.querySelector<HTMLElement>('[role="tree"]')!;
    tree.scrollTop = 5000 * 24;
    tree.dispatchEvent(new Event('scroll'));
    return new Promise<void>(resolve =>
      requestAnimationFrame(() => {
        const names = rowEls(view).map(r => r.querySelector('.nbtrace-name')!.textContent);
        expect(names).toContain('s4999');
        expect(names).not.toContain('s10');
        expect(view.node.querySelectorAll('[role="treeitem"]').length).toBeLessThan(200);
        resolve();
      })
    );
  });

  it('scrolls a keyboard-selected row into view', () => {
    const view = mount(trace(flatSpecs(1000)), { expansion: { maxAutoExpandChildren: 100000 } });
    view.node.querySelector<HTMLElement>('[role="tree"]')!.focus();
    key(view, 'End');
    expect(view.selectedId).toBe(spanHex('s998'));
    expect(rowFor(view, 's998').getAttribute('aria-selected')).toBe('true');
  });
});

describe('updates of the same trace', () => {
  it('keep expansion, selection and scroll', async () => {
    const specs = flatSpecs(300).map(s => (s.id === 'root' ? s : { ...s, parent: 'root' }));
    const view = mount(trace(specs), { expansion: { maxAutoExpandChildren: 100000 } });
    view.select(spanHex('s42'));
    const tree = view.node.querySelector<HTMLElement>('[role="tree"]')!;
    tree.scrollTop = 40 * 24;
    tree.dispatchEvent(new Event('scroll'));
    await new Promise(resolve => requestAnimationFrame(resolve));
    view.update(trace([...specs, { id: 'late', parent: 'root', start: 400, end: 401 }]));
    expect(view.selectedId).toBe(spanHex('s42'));
    expect(tree.scrollTop).toBe(40 * 24);
    expect(view.rows).toHaveLength(301);
    expect(rowFor(view, 's42').getAttribute('aria-selected')).toBe('true');
  });
});

describe('untrusted text', () => {
  it('renders names and values as text, never as HTML', () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const view = mount(
      trace([{ id: 'root', name: evil, start: 0, end: 1, attributes: { 'output.value': evil, [evil]: evil } }])
    );
    view.select(spanHex('root'));
    expect(view.node.querySelector('img')).toBeNull();
    expect(view.node.textContent).toContain(evil);
  });

  it('shows a bounded preview of huge strings with show-all', () => {
    const big = 'x'.repeat(50000);
    const view = mount(trace([{ id: 'root', start: 0, end: 1, attributes: { 'output.value': big } }]));
    view.select(spanHex('root'));
    const texts = Array.from(view.node.querySelectorAll('.nbtrace-json-text')).map(t => t.textContent!.length);
    expect(Math.max(...texts)).toBeLessThan(5000);
    const showAll = Array.from(view.node.querySelectorAll('button')).find(b => b.textContent!.includes('show all'))!;
    showAll.click();
    const after = Array.from(view.node.querySelectorAll('.nbtrace-json-text')).map(t => t.textContent!.length);
    expect(Math.max(...after)).toBe(50000);
  });
});

describe('focus', () => {
  it('selects the first span when the tree is reached by keyboard, not by a click on a triangle', () => {
    const view = mount(trace(AGENT));
    const tree = view.node.querySelector<HTMLElement>('[role="tree"]')!;
    const twisty = rowFor(view, 'llm').querySelector<HTMLElement>('.nbtrace-twisty')!;
    twisty.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    tree.focus();
    twisty.click();
    expect(view.selectedId).toBeNull();
    tree.blur();
    tree.focus();
    expect(view.selectedId).toBe(spanHex('root'));
  });
});
