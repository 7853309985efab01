/**
 * The trace list in jsdom, through the real renderer: an ARIA grid with a row
 * per trace and sortable headers, the filter box (a query narrows the rows, a
 * bad one is explained where it breaks and keeps the last good filter), the
 * aggregate strip over the rows shown, a row that opens its full trace view
 * (Esc closes it), group by session, a live update that keeps all of it, and
 * hostile text that stays text.
 */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { LIST_MIME_TYPE, TraceListRenderer } from '../../src/list-renderer';
import { fixture } from '../helpers/fixtures';
import { otlpDoc } from '../helpers/synthetic';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function doc(id: string, ms: number, o: { error?: boolean; tokens?: number; session?: string; name?: string } = {}): Record<string, unknown> {
  return otlpDoc(
    [
      { id: 'root', name: o.name ?? `agent-${id}`, start: 0, end: ms, kind: 'AGENT', error: o.error ? 'boom' : undefined, attributes: o.session ? { 'session.id': o.session } : {} },
      {
        id: 'llm',
        parent: 'root',
        name: 'chat',
        start: 1,
        end: ms - 1,
        kind: 'LLM',
        attributes: o.tokens !== undefined ? { 'llm.model_name': 'gpt-4o', 'llm.token_count.prompt': o.tokens - 10, 'llm.token_count.completion': 10 } : {}
      }
    ],
    id
  );
}

function model(data: unknown): IRenderMime.IMimeModel {
  return { data: { [LIST_MIME_TYPE]: data }, metadata: {}, trusted: false, setData: () => undefined } as unknown as IRenderMime.IMimeModel;
}

function mount(data: unknown): TraceListRenderer {
  const r = new TraceListRenderer({ mimeType: LIST_MIME_TYPE } as unknown as IRenderMime.IRendererOptions);
  document.body.appendChild(r.node);
  void r.renderModel(model(data));
  return r;
}

function names(r: TraceListRenderer): string[] {
  return r.view!.grid.items.map(i => (i.kind === 'trace' ? i.row.facts.name : `[${i.group.session ?? 'none'}]`));
}

function figure(r: TraceListRenderer, label: string): string {
  const dt = Array.from(r.node.querySelectorAll('.nbtrace-list-figures dt')).find(d => d.textContent === label);
  return dt?.nextElementSibling?.textContent ?? '';
}

const DOCS = [doc('a', 100, { tokens: 2000 }), doc('b', 300, { error: true }), doc('c', 200, { tokens: 50 }), doc('d', 400, { tokens: 500 })];

afterEach(() => {
  document.body.replaceChildren();
});

describe('the trace list view', () => {
  it('is an ARIA grid with a row per trace and the columns the traces have', () => {
    const r = mount({ version: 1, traces: DOCS });
    const grid = r.node.querySelector('[role="grid"]')!;
    expect(grid.getAttribute('aria-rowcount')).toBe('5');
    const headers = Array.from(grid.querySelectorAll('[role="columnheader"]')).map(h => h.textContent!.replace(/[▲▼]/g, '').trim());
    expect(headers).toEqual(['Trace', 'Status', 'Started', 'Latency', 'Spans', 'Tokens', 'Cost', 'Models']); // cost: estimated from gpt-4o's tokens
    expect(names(r)).toEqual(['agent-a', 'agent-b', 'agent-c', 'agent-d']);
    expect(r.node.querySelector('.nbtrace-list-header .nbtrace-title')!.textContent).toBe('4 traces');
    const cost = r.node.querySelector<HTMLElement>('.nbtrace-grid-body [role="row"] [data-col="cost"]')!;
    expect(cost.textContent).toMatch(/^≈\$0\.00/); // agent-a: 1,990 in + 10 out at gpt-4o's list prices
    expect(cost.title).toMatch(/estimated from list prices of \d{4}-\d\d-\d\d/);
    expect(figure(r, 'cost')).toMatch(/^≈\$/);
    r.dispose();
  });

  it('filters with the query language, and the strip follows the filter', () => {
    const r = mount({ version: 1, traces: DOCS });
    expect(figure(r, 'traces')).toBe('4');
    expect(figure(r, 'p50')).toBe('250 ms');
    r.view!.query.set("trace.status = 'ERROR' OR tokens > 1000");
    expect(names(r)).toEqual(['agent-a', 'agent-b']);
    expect(figure(r, 'traces')).toBe('2');
    expect(figure(r, 'p50')).toBe('200 ms');
    expect(r.view!.query.count.textContent).toBe('2 of 4 traces');
    r.view!.query.set("trace.status = 'ERROR' OR");
    const error = r.node.querySelector('.nbtrace-list-query-error')!;
    expect(error.hasAttribute('hidden')).toBe(false);
    expect(error.textContent).toMatch(/At character 26/);
    expect(r.view!.query.input.getAttribute('aria-invalid')).toBe('true');
    expect(names(r)).toEqual(['agent-a', 'agent-b']); // the last good filter stays
    r.view!.query.set('');
    expect(names(r)).toHaveLength(4);
    r.dispose();
  });

  it('sorts by a column from its header: largest first for numbers, then ascending, then as given', () => {
    const r = mount({ version: 1, traces: DOCS });
    const header = (label: string) => Array.from(r.node.querySelectorAll<HTMLElement>('[role="columnheader"]')).find(h => h.textContent!.startsWith(label))!;
    header('Latency').click();
    expect(names(r)).toEqual(['agent-d', 'agent-b', 'agent-c', 'agent-a']);
    expect(header('Latency').getAttribute('aria-sort')).toBe('descending');
    header('Latency').click();
    expect(names(r)).toEqual(['agent-a', 'agent-c', 'agent-b', 'agent-d']);
    header('Latency').click();
    expect(names(r)).toEqual(['agent-a', 'agent-b', 'agent-c', 'agent-d']);
    r.dispose();
  });

  it('a row opens its full trace view under the list; Escape closes it', () => {
    const r = mount({ version: 1, traces: DOCS });
    r.view!.open('' + r.view!.rows[1].key);
    const panel = r.view!.panel;
    expect(panel.node.hidden).toBe(false);
    expect(panel.node.querySelector('[role="tree"]')).not.toBeNull();
    expect(panel.node.textContent).toContain('agent-b');
    panel.node.querySelector('[role="tree"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(panel.node.hidden).toBe(true);
    expect(panel.node.querySelector('[role="tree"]')).toBeNull();
    r.dispose();
  });

  it('a live update keeps the filter, the sort and the open trace', () => {
    const r = mount({ version: 1, traces: DOCS.slice(0, 3) });
    r.view!.query.set('tokens > 10');
    r.view!.sortBy('tokens', 'descending');
    r.view!.open(r.view!.rows[2].key);
    const openView = r.view!.panel.view;
    void r.renderModel(model({ version: 1, traces: DOCS }));
    expect(names(r)).toEqual(['agent-a', 'agent-d', 'agent-c']);
    expect(r.view!.panel.view).toBe(openView);
    expect(r.view!.query.input.value).toBe('tokens > 10');
    r.dispose();
  });

  it('groups by session with a header row per session that collapses', () => {
    const r = mount({ version: 1, traces: [doc('a', 100, { session: 's1' }), doc('b', 300, { session: 's2' }), doc('c', 200, { session: 's1' })] });
    r.view!.groupBySession(true);
    expect(names(r)).toEqual(['[s1]', 'agent-a', 'agent-c', '[s2]', 'agent-b']);
    const first = r.view!.grid.items[0];
    r.view!.grid.node.focus();
    for (const key of ['ArrowUp', 'Enter']) { // the active row followed agent-a into its group
      r.view!.grid.node.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
    }
    expect(names(r)).toEqual(['[s1]', '[s2]', 'agent-b']);
    expect(first.kind).toBe('group');
    r.dispose();
  });

  it('shows a trace\'s scores as chips in its row', () => {
    const r = mount({ version: 1, traces: [fixture('mlflow/v3-trace__qa-chain-3spans-assessment-tokenusage__js-test-utils.json'), doc('x', 10)] });
    const headers = Array.from(r.node.querySelectorAll('[role="columnheader"]')).map(h => h.textContent!.replace(/[▲▼]/g, '').trim());
    expect(headers).toContain('Scores');
    const cell = r.node.querySelector<HTMLElement>('.nbtrace-grid-body [role="row"] [data-col="scores"]')!;
    const chips = cell.querySelectorAll('.nbtrace-score');
    expect(chips.length).toBeGreaterThan(0);
    expect(chips[0].getAttribute('aria-label')).toBeTruthy();
    r.dispose();
  });

  it('shows hostile names as text, and a bad payload as a message', () => {
    const r = mount({ version: 1, traces: [doc('x', 10, { name: HOSTILE })] });
    expect(r.node.querySelector('img')).toBeNull();
    expect(r.node.textContent).toContain(HOSTILE);
    r.dispose();
    const bad = mount({ version: 1, traces: [1, 2] });
    expect(bad.node.textContent).toMatch(/None of the 2 traces/);
    bad.dispose();
  });
});
