/**
 * Search (query parsing, matching, highlighting), trace facts (errors below, self
 * time, next error) and their use in the TraceView: hand-computed cases.
 */
import { Span, Trace } from '../../src/model/types';
import { nextError, selfTime, spansWithErrorBelow } from '../../src/rows/trace-facts';
import { highlightRanges, parseQuery, prebuildIndex, searchSpans, withAncestors } from '../../src/rows/search';
import { TraceView } from '../../src/tree/trace-view';
import { parseSpecs, spanHex, SpanSpec } from '../helpers/synthetic';

afterEach(() => document.body.replaceChildren());

/**
 * root 0–100
 * ├─ plan 0–10            (kind CHAIN)
 * ├─ agent 10–90
 * │  ├─ llm.chat 12–40    (kind LLM, model gpt-4o, prompt mentions "Paris")
 * │  ├─ tool.weather 40–60 (error: "city not found", attribute city=Paris)
 * │  └─ llm.chat 60–88    (kind LLM)
 * └─ answer 90–100
 */
const SPECS: SpanSpec[] = [
  { id: 'root', start: 0, end: 100 },
  { id: 'plan', parent: 'root', start: 0, end: 10, kind: 'CHAIN' },
  { id: 'agent', parent: 'root', start: 10, end: 90 },
  {
    id: 'llm1',
    parent: 'agent',
    name: 'llm.chat',
    start: 12,
    end: 40,
    kind: 'LLM',
    attributes: { 'llm.model_name': 'gpt-4o', 'input.value': 'What is the weather in Paris?' }
  },
  { id: 'tool', parent: 'agent', name: 'tool.weather', start: 40, end: 60, error: 'city not found', attributes: { 'tool.city': 'Paris' } },
  { id: 'llm2', parent: 'agent', name: 'llm.chat', start: 60, end: 88, kind: 'LLM' },
  { id: 'answer', parent: 'root', start: 90, end: 100 }
];

const trace = (): Trace => parseSpecs(SPECS);
const names = (spans: { name: string }[]) => spans.map(s => s.name);
const search = (t: Trace, q: string) => names(searchSpans(t, parseQuery(q)));

describe('parseQuery', () => {
  it('splits terms, keeps quoted phrases, reads key=value, lowercases', () => {
    expect(parseQuery('  LLM  "new york" city=Paris status= ')).toEqual([
      { text: 'llm' },
      { text: 'new york' },
      { key: 'city', value: 'paris' },
      { key: 'status', value: '' }
    ]);
    expect(parseQuery('input.value="the weather"')).toEqual([{ key: 'input.value', value: 'the weather' }]);
    expect(parseQuery('=x')).toEqual([{ text: '=x' }]);
    expect(parseQuery('')).toEqual([]);
  });
});

describe('searchSpans', () => {
  it('matches names, kinds, attribute values and status messages, in tree order', () => {
    const t = trace();
    expect(search(t, 'llm.chat')).toEqual(['llm.chat', 'llm.chat']);
    expect(search(t, 'paris')).toEqual(['llm.chat', 'tool.weather']);
    expect(search(t, 'CHAIN')).toEqual(['plan']);
    // Two terms, both required: "not" and "found" occur together only in the tool's status message.
    expect(search(t, 'not found')).toEqual(['tool.weather']);
    expect(search(t, 'found paris gpt')).toEqual([]);
    expect(search(t, '"city not found"')).toEqual(['tool.weather']);
    expect(search(t, 'gpt-4o llm')).toEqual(['llm.chat']);
    expect(search(t, '')).toEqual([]);
  });

  it('key=value narrows to one attribute (by key or key suffix) or own field', () => {
    const t = trace();
    expect(search(t, 'city=paris')).toEqual(['tool.weather']);
    expect(search(t, 'tool.city=par')).toEqual(['tool.weather']);
    expect(search(t, 'city=london')).toEqual([]);
    expect(search(t, 'model_name=')).toEqual(['llm.chat']);
    expect(search(t, 'status=error')).toEqual(['tool.weather']);
    expect(search(t, 'kind=llm')).toEqual(['llm.chat', 'llm.chat']);
    expect(search(t, 'name=answer')).toEqual(['answer']);
    expect(search(t, `id=${spanHex('plan')}`)).toEqual(['plan']);
  });

  it('withAncestors keeps the path to each match', () => {
    const t = trace();
    const keep = withAncestors(t, searchSpans(t, parseQuery('city=paris')));
    expect(names([...keep]).sort()).toEqual(['agent', 'root', 'tool.weather']);
  });
});

describe('highlightRanges', () => {
  it('finds every occurrence, case-insensitive, merged', () => {
    expect(highlightRanges('llm.chat LLM', ['llm'])).toEqual([
      [0, 3],
      [9, 12]
    ]);
    expect(highlightRanges('abcdef', ['bcd', 'cde'])).toEqual([[1, 5]]);
    expect(highlightRanges('abc', [])).toEqual([]);
    // Lowercasing "İ" changes the length: no offsets rather than wrong ones.
    expect(highlightRanges('İstanbul', ['stan'])).toEqual([]);
  });
});

describe('trace facts', () => {
  it('self time subtracts the union of the children, clipped to the span', () => {
    const t = trace();
    const by = (id: string) => t.byId.get(spanHex(id))!;
    expect(selfTime(by('agent'), 100)).toBe(80 - (88 - 12)); // children cover 12–88
    expect(selfTime(by('root'), 100)).toBe(0); // 0–10, 10–90, 90–100
    expect(selfTime(by('plan'), 100)).toBe(10);
    const overlap = parseSpecs([
      { id: 'p', start: 0, end: 100 },
      { id: 'a', parent: 'p', start: 10, end: 50 },
      { id: 'b', parent: 'p', start: 30, end: 70 },
      { id: 'c', parent: 'p', start: 90, end: 130 } // ends after its parent: clipped at 100
    ]);
    expect(selfTime(overlap.byId.get(spanHex('p'))!, 200)).toBe(100 - 60 - 10);
  });

  it('self time of a running span counts to now', () => {
    const t = parseSpecs([
      { id: 'p', start: 0 },
      { id: 'a', parent: 'p', start: 10, end: 20 }
    ]);
    expect(selfTime(t.byId.get(spanHex('p'))!, 50)).toBe(40);
  });

  it('marks the ancestors of an error, not the error itself', () => {
    const t = trace();
    expect(names([...spansWithErrorBelow(t)]).sort()).toEqual(['agent', 'root']);
  });

  it('marks exactly the spans with an error somewhere below, in random trees (orphans and cycles too)', () => {
    let seed = 7;
    const rand = (k: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % k);
    for (let round = 0; round < 30; round++) {
      const n = 1 + rand(60);
      const specs = Array.from({ length: n }, (_, i) => ({
        id: `s${i}`,
        // a parent anywhere (a cycle, itself, or missing now and then), or none
        parent: rand(5) === 0 ? undefined : rand(9) === 0 ? `gone${i}` : `s${rand(n)}`,
        start: rand(100),
        end: 200,
        ...(rand(6) === 0 ? { error: 'boom' } : {})
      }));
      const t = parseSpecs(specs);
      const naive = (s: Span): boolean => s.children.some(c => c.status === 'ERROR' || naive(c));
      const got = spansWithErrorBelow(t);
      expect(t.spans.filter(s => got.has(s)).map(s => s.id)).toEqual(t.spans.filter(naive).map(s => s.id));
    }
  });

  it('next error wraps around, in both directions', () => {
    const t = parseSpecs([
      { id: 'r', start: 0, end: 10 },
      { id: 'e1', parent: 'r', start: 1, end: 2, error: 'x' },
      { id: 'ok', parent: 'r', start: 3, end: 4 },
      { id: 'e2', parent: 'r', start: 5, end: 6, error: 'y' }
    ]);
    expect(nextError(t, null)!.name).toBe('e1');
    expect(nextError(t, spanHex('e1'))!.name).toBe('e2');
    expect(nextError(t, spanHex('e2'))!.name).toBe('e1');
    expect(nextError(t, spanHex('ok'), -1)!.name).toBe('e1');
    expect(nextError(parseSpecs([{ id: 'r', start: 0, end: 1 }]), null)).toBeNull();
  });
});

describe('TraceView search', () => {
  const mount = (t: Trace = trace()) => {
    const view = new TraceView(t, { expansion: { defaultDepth: 1 } });
    document.body.appendChild(view.node);
    return view;
  };
  const row = (view: TraceView, id: string) =>
    view.node.querySelector<HTMLElement>(`[role="treeitem"][data-span-id="${spanHex(id)}"]`);
  const count = (view: TraceView) => view.node.querySelector('.nbtrace-search-count')!.textContent;
  const input = (view: TraceView) => view.node.querySelector<HTMLInputElement>('.nbtrace-search-input')!;

  it('reveals and selects the first match under a collapsed parent, and counts', () => {
    const view = mount();
    expect(row(view, 'tool')).toBeNull(); // agent starts collapsed (depth 1)
    view.tools.search('paris');
    expect(view.selectedId).toBe(spanHex('llm1'));
    expect(row(view, 'tool')).not.toBeNull();
    expect(count(view)).toBe('1 / 2');
    expect(row(view, 'llm1')!.classList.contains('nbtrace-row-current-match')).toBe(true);
    expect(row(view, 'tool')!.classList.contains('nbtrace-row-match')).toBe(true);
    expect(row(view, 'plan')!.classList.contains('nbtrace-row-dim')).toBe(true);
    view.tools.stepMatch(1);
    expect(view.selectedId).toBe(spanHex('tool'));
    expect(count(view)).toBe('2 / 2');
    view.tools.stepMatch(1);
    expect(view.selectedId).toBe(spanHex('llm1'));
    view.tools.stepMatch(-1);
    expect(view.selectedId).toBe(spanHex('tool'));
    view.tools.search('');
    expect(count(view)).toBe('');
    expect(view.node.querySelectorAll('.nbtrace-row-dim, .nbtrace-row-match')).toHaveLength(0);
    view.dispose();
  });

  it('marks the matched text in names with <mark>, as text (never HTML)', () => {
    const evil = '<img src=x onerror="window.__pwned=1">chat';
    const view = mount(parseSpecs([{ id: 'r', name: evil, start: 0, end: 1 }]));
    view.tools.search('chat');
    const name = row(view, 'r')!.querySelector('.nbtrace-name')!;
    expect(name.textContent).toBe(evil);
    expect(name.querySelector('img')).toBeNull();
    expect(name.querySelector('mark')!.textContent).toBe('chat');
    view.tools.search('img');
    expect(name.querySelector('mark')!.textContent).toBe('img');
    view.dispose();
  });

  it('"matches only" keeps the matches and their ancestors', () => {
    const view = mount();
    view.tools.search('kind=llm');
    view.tools.setMatchesOnly(true);
    expect(view.rows.map(r => r.span.id)).toEqual([spanHex('root'), spanHex('agent'), spanHex('llm1'), spanHex('llm2')]);
    // Positions count the kept siblings only.
    expect(view.rows[3].posInSet).toBe(2);
    expect(view.rows[3].setSize).toBe(2);
    view.tools.setMatchesOnly(false);
    expect(view.rows.length).toBeGreaterThan(4);
    view.dispose();
  });

  it('the search box: typing is debounced, Enter steps, Shift+Enter steps back, Escape clears', () => {
    jest.useFakeTimers();
    try {
      const view = mount();
      const box = input(view);
      box.value = 'llm.chat';
      box.dispatchEvent(new Event('input'));
      expect(count(view)).toBe(''); // not yet: debounced
      jest.advanceTimersByTime(200);
      expect(count(view)).toBe('1 / 2');
      const key = (k: string, shiftKey = false) =>
        box.dispatchEvent(new KeyboardEvent('keydown', { key: k, shiftKey, bubbles: true, cancelable: true }));
      key('Enter');
      expect(count(view)).toBe('2 / 2');
      key('Enter', true);
      expect(count(view)).toBe('1 / 2');
      key('Escape');
      expect(box.value).toBe('');
      expect(count(view)).toBe('');
      view.dispose();
    } finally {
      jest.useRealTimers();
    }
  });

  it('"/" in the tree jumps to the search box', () => {
    const view = mount();
    const tree = view.node.querySelector<HTMLElement>('[role="tree"]')!;
    tree.focus();
    tree.dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true, cancelable: true }));
    expect(document.activeElement).toBe(input(view));
    view.dispose();
  });

  it('the count is announced (role=status, aria-live) and says when nothing matches', () => {
    const view = mount();
    const status = view.node.querySelector('.nbtrace-search-count')!;
    expect(status.getAttribute('role')).toBe('status');
    expect(status.getAttribute('aria-live')).toBe('polite');
    view.tools.search('nothing-like-this');
    expect(count(view)).toBe('no matches');
    view.dispose();
  });

  it('a collapsed ancestor of an error shows the hollow "contains an error" mark; next error selects it', () => {
    const view = mount();
    const mark = () => row(view, 'agent')!.querySelector('.nbtrace-error-below')!;
    expect(mark().getAttribute('aria-label')).toBe('contains an error');
    expect(mark().getAttribute('role')).toBe('img'); // a named icon, read by screen readers
    expect(row(view, 'agent')!.classList.contains('nbtrace-row-error')).toBe(false);
    view.tools.selectNextError();
    expect(view.selectedId).toBe(spanHex('tool'));
    // Now expanded: the error is in view, the mark goes (and is hidden from screen readers).
    expect(mark().textContent).toBe('');
    expect(mark().getAttribute('aria-hidden')).toBe('true');
    view.dispose();
  });

  it('a live update keeps the search and its current match', () => {
    const view = mount();
    view.tools.search('llm.chat');
    view.tools.stepMatch(1);
    expect(view.selectedId).toBe(spanHex('llm2'));
    view.update(parseSpecs([...SPECS, { id: 'llm3', parent: 'agent', name: 'llm.chat', start: 89, end: 90 }]));
    expect(view.tools.searchState.matches).toHaveLength(3);
    expect(count(view)).toBe('2 / 3');
    expect(view.selectedId).toBe(spanHex('llm2'));
    view.dispose();
  });

  it('the detail panel shows a parent span\'s self time', () => {
    const view = mount();
    view.select(spanHex('agent'));
    const facts = view.node.querySelector('.nbtrace-facts')!.textContent!;
    expect(facts).toContain('Self time');
    expect(facts).toContain('4 ms'); // 80 ms minus children covering 12–88
    view.dispose();
  });
});

describe('search index built ahead', () => {
  it('prebuilds in chunks while there is time, and the search gives the same matches', () => {
    const specs: SpanSpec[] = [{ id: 'root', start: 0, end: 2000 }];
    for (let i = 0; i < 1200; i++) {
      specs.push({ id: `s${i}`, parent: 'root', start: i, end: i + 1, attributes: { n: `item ${i}` } });
    }
    const t = parseSpecs(specs);
    let calls = 0;
    // One chunk per "idle slice": not done after the first, done after enough of them.
    expect(prebuildIndex(t, () => calls++ < 1)).toBe(false);
    calls = 0;
    while (!prebuildIndex(t, () => calls++ % 2 === 0)) {
      // next idle slice
    }
    expect(names(searchSpans(t, parseQuery('"item 1199"')))).toEqual(['s1199']);
    expect(searchSpans(t, parseQuery('item')).length).toBe(1200);
  });
});

describe('token badge', () => {
  it('an LLM row shows its tokens compactly, the full counts in the tooltip', () => {
    const t = parseSpecs([
      { id: 'root', start: 0, end: 10 },
      {
        id: 'llm',
        parent: 'root',
        start: 1,
        end: 9,
        kind: 'LLM',
        attributes: { 'llm.token_count.prompt': 1200, 'llm.token_count.completion': 345, 'llm.token_count.total': 1545 }
      }
    ]);
    const view = new TraceView(t);
    document.body.appendChild(view.node);
    const badge = (id: string) =>
      view.node.querySelector(`[data-span-id="${spanHex(id)}"] .nbtrace-tokens`) as HTMLElement;
    expect(badge('llm').textContent).toBe('1.5k tok');
    expect(badge('llm').title).toBe('Tokens: 1,200 in · 345 out · 1,545 total');
    expect(badge('root').textContent).toBe('');
    view.dispose();
  });
});
