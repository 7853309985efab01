/**
 * Big shapes render with bounded DOM (behaviour and DOM size, never time).
 */
import { MAX_INDENT_LEVELS } from '../../src/tree/row';
import { TraceView } from '../../src/tree/trace-view';
import { chainSpecs, flatSpecs, parseSpecs, spanHex } from '../helpers/synthetic';

afterEach(() => document.body.replaceChildren());

const treeItems = (view: TraceView) => view.node.querySelectorAll('[role="treeitem"]');

describe('at scale', () => {
  it('a 10,000-level chain: selecting the deepest span reveals it, indentation is capped with a depth badge', () => {
    const view = new TraceView(parseSpecs(chainSpecs(10000)));
    document.body.appendChild(view.node);
    view.select(spanHex('c9999'));
    const row = view.node.querySelector<HTMLElement>(`[data-span-id="${spanHex('c9999')}"]`)!;
    expect(row).not.toBeNull();
    expect(row.getAttribute('aria-level')).toBe('10000');
    expect(row.getAttribute('aria-selected')).toBe('true');
    expect(row.querySelector('.nbtrace-depth')!.textContent).toBe('L10000');
    // Indentation stops at MAX_INDENT_LEVELS steps (each at most a share of the label column).
    const label = row.querySelector<HTMLElement>('.nbtrace-row-label')!;
    expect(label.style.getPropertyValue('--nbtrace-indent')).toBe(String(MAX_INDENT_LEVELS));
    expect(treeItems(view).length).toBeLessThan(200);
    view.dispose();
  });

  it('a span with 50,000 children starts collapsed, and expands with bounded DOM', () => {
    const view = new TraceView(parseSpecs(flatSpecs(50001)));
    document.body.appendChild(view.node);
    expect(view.rows).toHaveLength(1);
    const root = treeItems(view)[0] as HTMLElement;
    expect(root.getAttribute('aria-expanded')).toBe('false');
    expect(root.querySelector('.nbtrace-count')!.textContent).toBe('50,000');
    view.expandAll();
    expect(view.rows).toHaveLength(50001);
    expect(treeItems(view).length).toBeLessThan(200);
    view.dispose();
  });

  it('100,000 spans: expand-all and collapse-all stay O(n) with bounded DOM', () => {
    const view = new TraceView(parseSpecs(flatSpecs(100000)));
    document.body.appendChild(view.node);
    view.expandAll();
    expect(view.rows).toHaveLength(100000);
    expect(treeItems(view).length).toBeLessThan(200);
    view.collapseAll();
    expect(view.rows).toHaveLength(1);
    view.dispose();
  });

  it('a 10 MB attribute shows a bounded preview with show-all and copy', () => {
    const big = 'y'.repeat(10 * 1024 * 1024);
    const view = new TraceView(parseSpecs([{ id: 'root', start: 0, end: 1, attributes: { huge: big } }]));
    document.body.appendChild(view.node);
    view.select(spanHex('root'));
    const longest = () =>
      Math.max(...Array.from(view.node.querySelectorAll('.nbtrace-json-text')).map(t => t.textContent!.length));
    expect(longest()).toBeLessThanOrEqual(2000);
    const buttons = Array.from(view.node.querySelectorAll('button')).map(b => b.textContent);
    expect(buttons).toContain('copy');
    expect(buttons.some(b => b!.startsWith('… show all (10,485,760 characters)'))).toBe(true);
    view.dispose();
  });
});
