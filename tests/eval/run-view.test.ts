/**
 * The results view in jsdom, through the real renderer: an ARIA grid with
 * sortable headers and keyboard navigation, filters, opening a row shows its
 * record, scores and trace (a real TraceView), a live update keeps the sort,
 * the filters and the open row, a comparison view with regressions only, and
 * hostile text that stays text.
 */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { EVAL_MIME_TYPE, EvalRenderer } from '../../src/eval-renderer';
import { EvalCompareView } from '../../src/eval/compare-view';
import { EvalRunView } from '../../src/eval/run-view';
import { minTrackWidth } from '../../src/eval/grid';
import { run, runPayload, RowSpec } from '../helpers/eval';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function mount(payload: unknown): EvalRenderer {
  const r = new EvalRenderer({ mimeType: EVAL_MIME_TYPE } as unknown as IRenderMime.IRendererOptions);
  document.body.appendChild(r.node);
  void r.renderModel(model(payload));
  return r;
}

function model(data: unknown): IRenderMime.IMimeModel {
  return { data: { [EVAL_MIME_TYPE]: data }, metadata: {}, trusted: false, setData: () => undefined } as unknown as IRenderMime.IMimeModel;
}

function rows(r: EvalRenderer): HTMLElement[] {
  return Array.from(r.node.querySelectorAll<HTMLElement>('.nbtrace-grid-body [role="row"]'));
}

function cells(row: HTMLElement): string[] {
  return Array.from(row.querySelectorAll('[role="gridcell"]')).map(c => c.textContent ?? '');
}

function key(r: EvalRenderer, k: string, extra: KeyboardEventInit = {}): void {
  r.node.querySelector('[role="grid"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, ...extra }));
}

const SPECS: RowSpec[] = [
  { q: 'paris', scores: { contains: true, judge: { value: 'yes', rationale: 'good' } }, latency: 200, tokens: 40 },
  { q: 'rome', scores: { contains: false, judge: { value: 'no', rationale: HOSTILE } }, latency: 50 },
  { q: HOSTILE, out: HOSTILE, scores: { contains: true, judge: { error: 'RateLimitError: 429' } }, latency: 120 }
];

afterEach(() => {
  document.body.replaceChildren();
});

describe('the evaluation run view', () => {
  it('is an ARIA grid with a header, a row per record and score chips', () => {
    const r = mount(runPayload('v1', SPECS, { metrics: { 'contains/pass_rate': 2 / 3, 'latency_ms/p50': 120 } }));
    const grid = r.node.querySelector<HTMLElement>('[role="grid"]')!;
    expect(grid.getAttribute('aria-rowcount')).toBe('4');
    expect(grid.getAttribute('aria-colcount')).toBe('9');
    const headers = Array.from(grid.querySelectorAll('[role="columnheader"]')).map(h => h.textContent);
    expect(headers).toEqual(['#', 'Inputs', 'Output', 'Expected', 'contains', 'judge', 'Latency', 'Tokens', 'Status']); // no cost anywhere: no Cost column
    expect(rows(r).map(row => cells(row)[4])).toEqual(['✓', '✗', '✓']);
    expect(rows(r).map(row => cells(row)[5])).toEqual(['✓', '✗', 'error']);
    expect(rows(r)[1].querySelectorAll('[role="gridcell"]')[5].getAttribute('title')).toBe(`judge: ${HOSTILE}`);
    const metrics = Array.from(r.node.querySelectorAll('.nbtrace-eval-metric')).map(m => m.textContent);
    expect(metrics).toEqual(['contains67%', 'latencyp50 120 ms']);
    expect(r.node.querySelector('.nbtrace-eval-metric')!.getAttribute('aria-label')).toBe('contains 67%');
    expect(r.node.querySelector('.nbtrace-eval-dataset')!.textContent).toBe('golden · 3 records · digest abc123abc123');
    expect(r.node.querySelector('img')).toBeNull();
    // One set of tracks for header and rows; its minimum is the grid's scroll width.
    expect(grid.style.getPropertyValue('--nbtrace-grid-columns')).toContain('minmax(140px, 2fr)');
    expect(grid.style.getPropertyValue('--nbtrace-grid-min-width')).toBe(`${56 + 140 + 140 + 100 + 72 + 72 + 76 + 64 + 72}px`);
  });

  it('reads the smallest width of a track', () => {
    expect([minTrackWidth('48px'), minTrackWidth('minmax(160px, 2fr)'), minTrackWidth('minmax( 9.5px,1fr)'), minTrackWidth('1fr'), minTrackWidth('auto')]).toEqual([48, 160, 9.5, 0, 0]);
  });

  it('sorts by a header click (asc, desc, run order) with aria-sort', () => {
    const r = mount(runPayload('v1', SPECS));
    const header = () => r.node.querySelectorAll<HTMLElement>('[role="columnheader"]')[6];
    header().click();
    expect(header().getAttribute('aria-sort')).toBe('ascending');
    expect(rows(r).map(row => cells(row)[6])).toEqual(['50 ms', '120 ms', '200 ms']);
    header().click();
    expect(rows(r).map(row => cells(row)[6])).toEqual(['200 ms', '120 ms', '50 ms']);
    header().click();
    expect(header().getAttribute('aria-sort')).toBe('none');
    expect(rows(r).map(row => cells(row)[0])).toEqual(['1', '2', '3']);
  });

  it('moves by keyboard and opens a row with Enter: record, scores, the trace', () => {
    const r = mount(runPayload('v1', SPECS));
    const grid = r.node.querySelector<HTMLElement>('[role="grid"]')!;
    key(r, 'ArrowDown');
    key(r, 'ArrowRight');
    expect(grid.getAttribute('aria-activedescendant')).toBe(rows(r)[1].querySelectorAll('[role="gridcell"]')[1].id);
    key(r, 'Enter');
    expect(rows(r)[1].getAttribute('aria-expanded')).toBe('true');
    const detail = r.node.querySelector<HTMLElement>('.nbtrace-eval-detail')!;
    expect(detail.hidden).toBe(false);
    expect(detail.querySelector('.nbtrace-eval-detail-title')!.textContent).toBe('Record 2');
    expect(Array.from(detail.querySelectorAll('.nbtrace-eval-score .nbtrace-score')).map(c => c.textContent)).toEqual(['contains✗', 'judge✗']);
    expect(detail.querySelector('.nbtrace-assessment-rationale')!.textContent).toBe(HOSTILE);
    expect(detail.querySelector('.nbtrace-trace [role="tree"]')).not.toBeNull(); // the full trace view
    expect(detail.querySelector('.nbtrace-trace .nbtrace-title')!.textContent).toBe('agent rome');
    key(r, 'Escape');
    expect(detail.hidden).toBe(true);
    key(r, 'End', { ctrlKey: true });
    expect(grid.getAttribute('aria-activedescendant')).toBe(rows(r)[2].querySelectorAll('[role="gridcell"]')[8].id);
    expect(document.querySelector('img')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('filters: failed only, a scorer, text', () => {
    const r = mount(runPayload('v1', SPECS));
    const view = r.view as EvalRunView;
    view.filters.set({ failedOnly: true });
    expect(view.lines.map(l => l.recordId)).toEqual(['r-rome', `r-${HOSTILE}`]);
    view.filters.set({ scorer: 'contains' });
    expect(view.lines.map(l => l.recordId)).toEqual(['r-rome']);
    view.filters.set({ failedOnly: false, scorer: null, text: 'PARIS' });
    expect(view.lines.map(l => l.recordId)).toEqual(['r-paris']);
    expect(r.node.querySelector('.nbtrace-eval-count')!.textContent).toBe('1 of 3 records');
  });

  it('a live update keeps the sort, the filter and the open row; a deferred trace arrives', () => {
    const live: RowSpec[] = [
      { q: 'a', scores: { ok: true }, latency: 300 },
      { q: 'b', status: 'running', scores: {}, trace: false },
      { q: 'c', status: 'pending', scores: {}, trace: false }
    ];
    const first = runPayload('v1', live, { state: 'RUNNING', progress: { total: 3, done: 1, running: 1, pending: 1, errors: 0, eta_ms: 2000 } });
    const r = mount(first);
    const view = r.view as EvalRunView;
    expect(r.node.querySelector('.nbtrace-eval-progress')!.textContent).toBe('1 of 3 done · 1 running · about 2 s left');
    view.sortBy('latency', 'descending');
    view.open('r-b');
    expect(r.node.querySelector('.nbtrace-eval-detail')!.textContent).toContain('The trace shows when this row finishes.');
    const grid = r.node.querySelector('[role="grid"]');
    const done = runPayload('v1', [live[0], { q: 'b', scores: { ok: false }, latency: 500 }, { q: 'c', scores: { ok: true }, latency: 10 }]);
    void r.renderModel(model(done));
    expect(r.view).toBe(view);
    expect(r.node.querySelector('[role="grid"]')).toBe(grid); // the same element: scroll and focus stay
    expect(view.lines.map(l => l.recordId)).toEqual(['r-b', 'r-a', 'r-c']);
    expect(r.node.querySelector('.nbtrace-eval-detail .nbtrace-trace .nbtrace-title')!.textContent).toBe('agent b');
    expect(r.node.querySelector('.nbtrace-eval-progress')!.textContent).toBe('3 of 3 done');
  });

  it('bad payloads show a clear message, never a blank output', () => {
    const r = mount({ version: 1, kind: 'run', run: { rows: 'nope' } });
    expect(r.node.querySelector('.nbtrace-error')!.textContent).toContain('The run has no "rows" list.');
  });
});

describe('the comparison view', () => {
  const a = run('v1', [
    { q: 'same', scores: { ok: true } },
    { q: 'fixed', scores: { ok: false } },
    { q: 'broke', scores: { ok: true } }
  ]);
  const b = run('v2', [
    { q: 'same', scores: { ok: true } },
    { q: 'fixed', scores: { ok: true } },
    { q: 'broke', scores: { ok: false } },
    { q: 'new', scores: { ok: true } }
  ], { dataset: { name: 'golden', digest: 'ffff00001111', size: 4 } });

  it('counts what changed, warns about different data, filters regressions, opens both traces', () => {
    const r = mount({ version: 1, kind: 'comparison', a, b });
    const view = r.view as EvalCompareView;
    const chips = Array.from(r.node.querySelectorAll('.nbtrace-eval-verdict')).map(c => c.textContent);
    expect(chips).toEqual(['▼ 1 regressed', '▲ 1 improved', '= 1 unchanged', '+ 1 only in v2', 'ok: ▼1 ▲1']);
    expect(r.node.querySelector('.nbtrace-warnings')!.textContent).toContain('The runs used different data');
    expect(rows(r).map(row => cells(row).slice(2, 4))).toEqual([
      ['= unchanged', '✓ → ✓ ='],
      ['▲ improved', '✗ → ✓ ▲'],
      ['▼ regressed', '✓ → ✗ ▼'],
      ['+ only in v2', '– → ✓']
    ]);
    view.filters.set({ failedOnly: true });
    expect(view.rows.map(x => x.recordId)).toEqual(['r-broke']);
    view.open('r-broke');
    const detail = r.node.querySelector('.nbtrace-eval-detail')!;
    expect(detail.querySelector('.nbtrace-compare [role="tree"]')).not.toBeNull(); // both traces, aligned
    expect(detail.querySelector('.nbtrace-eval-detail-title')!.textContent).toBe('Record 3: regressed');
  });
});
