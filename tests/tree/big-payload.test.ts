/**
 * A big payload in the renderer (issue 17): read in slices with a progress
 * line, the header's totals counted after the first paint, a newer payload
 * dropping an unfinished read. In jsdom, as the renderer runs in JupyterLab.
 */
import { SLICE_SPANS } from '../../src/model/parse';
import { flatSpecs, otlpDoc } from '../helpers/synthetic';
import { mimeModel, mountRenderer } from '../helpers/renderer';

afterEach(() => document.body.replaceChildren());

function bigDoc(n: number, name = 'root'): Record<string, unknown> {
  const specs = flatSpecs(n).map((s, i) => ({
    ...s,
    name: i === 0 ? name : s.id,
    kind: i % 2 ? 'LLM' : 'CHAIN',
    attributes: i % 2 ? { 'llm.token_count.prompt': 3, 'llm.token_count.completion': 1 } : {}
  }));
  return otlpDoc(specs);
}

const N = SLICE_SPANS * 3;

it('shows a progress line while a big trace is read, then the tree', async () => {
  const r = mountRenderer();
  const done = r.renderModel(mimeModel(bigDoc(N)));
  const status = r.node.querySelector('.nbtrace-read-progress[role="status"]');
  expect(status).not.toBeNull();
  expect(status!.textContent).toContain(`Reading ${N.toLocaleString('en-US')} spans`);
  expect(r.node.querySelector('[role="tree"]')).toBeNull();
  await done;
  expect(r.node.querySelector('.nbtrace-read-progress')).toBeNull();
  expect(r.node.querySelector('[role="tree"]')).not.toBeNull();
  expect(r.node.querySelector('.nbtrace-summary')!.textContent).toContain(`${N.toLocaleString('en-US')} spans`);
});

it('marks the header totals "counting…" until they are counted, then shows them', async () => {
  const r = mountRenderer();
  await r.renderModel(mimeModel(bigDoc(N)));
  const summary = r.node.querySelector('.nbtrace-summary')!;
  expect(summary.textContent).toContain('counting…');
  expect(summary.classList.contains('nbtrace-counting')).toBe(true);
  // Room for the totals is kept from the start, so their arrival does not move the toolbar.
  const reserved = (summary as HTMLElement).style.minWidth;
  expect(reserved).toMatch(/^min\(100%, \d+ch\)$/);
  expect(Number(reserved.match(/(\d+)ch/)![1])).toBeGreaterThan(summary.textContent!.length);
  for (let i = 0; i < 200 && summary.classList.contains('nbtrace-counting'); i++) {
    await new Promise(resolve => setTimeout(resolve, 5));
  }
  expect(summary.classList.contains('nbtrace-counting')).toBe(false);
  expect((summary as HTMLElement).style.minWidth).toBe(reserved);
  const llmSpans = Math.floor(N / 2);
  expect(summary.textContent).toContain(`${(3 * llmSpans).toLocaleString('en-US')} in · ${llmSpans.toLocaleString('en-US')} out`);
});

it('drops an unfinished read when a newer payload comes', async () => {
  const r = mountRenderer();
  const first = r.renderModel(mimeModel(bigDoc(N, 'first')));
  const second = r.renderModel(mimeModel(bigDoc(N, 'second')));
  await Promise.all([first, second]);
  const titles = [...r.node.querySelectorAll('.nbtrace-title')].map(e => e.textContent);
  expect(titles).toEqual(['second']);
  expect(r.node.querySelectorAll('.nbtrace-read-progress')).toHaveLength(0);
});

it('a big update keeps the trace shown while the newer payload is read', async () => {
  const r = mountRenderer();
  await r.renderModel(mimeModel(bigDoc(N, 'before')));
  const tree = r.node.querySelector('[role="tree"]');
  const update = r.renderModel(mimeModel(bigDoc(N + 1, 'before')));
  expect(r.node.querySelector('.nbtrace-read-progress')).toBeNull();
  expect(r.node.querySelector('[role="tree"]')).toBe(tree);
  await update;
  expect(r.node.querySelector('[role="tree"]')).toBe(tree);
  expect(r.node.querySelector('.nbtrace-summary')!.textContent).toContain(`${(N + 1).toLocaleString('en-US')} spans`);
});

describe('a running trace updated in deltas', () => {
  const spanDict = (i: number, end: string | null) => ({
    trace_id: 'dHI=',
    span_id: i === 0 ? 'root' : `s${i}`,
    parent_span_id: i === 0 ? null : 'root',
    name: i === 0 ? 'agent' : `step ${i}`,
    start_time_unix_nano: String(1_700_000_000_000_000_000n + BigInt(i) * 1000n),
    end_time_unix_nano: end,
    attributes: {}
  });
  const info = { trace_id: 'tr-live', state: 'IN_PROGRESS', request_time: '2026-01-01T00:00:00Z', execution_duration_ms: 5 };
  const spans = Array.from({ length: 600 }, (_, i) => spanDict(i, i === 0 ? null : String(1_700_000_000_000_000_000n + BigInt(i) * 1000n + 500n)));

  it('shows the keyframe, then each delta merged onto it', async () => {
    const r = mountRenderer();
    await r.renderModel(mimeModel({ info, data: { spans }, nbtrace_live: { seq: 1 } }));
    const summary = () => r.node.querySelector('.nbtrace-summary')!.textContent!;
    expect(summary()).toContain('600 spans');
    await r.renderModel(mimeModel({ nbtrace_delta: { seq: 2, base: 1, span_count: 601 }, info, data: { spans: [spanDict(600, null)] } }));
    expect(summary()).toContain('601 spans');
    expect(r.views[0].trace.spans.filter(s => s.end === undefined)).toHaveLength(2);
  });

  it('a delta with nothing to build on says what it waits for', async () => {
    const r = mountRenderer();
    await r.renderModel(mimeModel({ nbtrace_delta: { seq: 9, base: 8, span_count: 1234 }, info, data: { spans: [] } }));
    const note = r.node.querySelector('[role="status"]');
    expect(note!.textContent).toContain('A running trace of 1,234 spans');
    expect(r.node.querySelector('[role="alert"]')).toBeNull();
  });
});
