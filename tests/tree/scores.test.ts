/**
 * Assessments in the trace view: the trace's own scores as chips in the header,
 * a badge on each scored span's row, the Scores tab in its details (the first
 * root also lists the whole trace's) — verdicts said in text, payload text as
 * text only.
 */
import { parsePayload, Trace } from '../../src/model';
import { TraceView } from '../../src/tree/trace-view';
import { mlflowV3Span, mlflowV3Trace } from '../helpers/fixtures';

const ROOT = 'AAAAAAAAAAE=';
const TOOL = 'AAAAAAAAAAI=';
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function scoredTrace(): Trace {
  const doc = mlflowV3Trace(
    [
      mlflowV3Span({ id: ROOT, name: 'agent', attributes: { 'mlflow.spanType': 'AGENT' } }),
      mlflowV3Span({ id: TOOL, parent: ROOT, name: 'search', attributes: { 'mlflow.spanType': 'TOOL' } })
    ],
    {
      assessments: [
        { assessment_name: 'contains', span_id: null, source: { source_type: 'CODE' }, feedback: { value: true }, rationale: '1 of 1 facts found' },
        { assessment_name: 'correct', source: { source_type: 'LLM_JUDGE', source_id: 'judge' }, feedback: { value: 'no' }, rationale: HOSTILE },
        { assessment_name: 'relevance', span_id: TOOL, source: { source_type: 'HUMAN' }, feedback: { value: 4 } },
        { assessment_name: 'flaky', span_id: TOOL, source: { source_type: 'CODE' }, feedback: { error: { error_message: 'scorer crashed' } } }
      ]
    }
  );
  const r = parsePayload(doc);
  if (!r.ok) {
    throw new Error(r.error);
  }
  return r.traces[0];
}

function mount(t: Trace): TraceView {
  const view = new TraceView(t, {});
  document.body.appendChild(view.node);
  return view;
}

afterEach(() => document.body.replaceChildren());

describe('scores in the trace view', () => {
  it('shows the trace-level scores as chips in the header, verdicts in text', () => {
    const view = mount(scoredTrace());
    const chips = Array.from(view.node.querySelectorAll<HTMLElement>('.nbtrace-header .nbtrace-score'));
    expect(chips.map(c => [c.textContent, c.dataset.verdict])).toEqual([
      ['contains✓', 'pass'],
      ['correct✗', 'fail']
    ]);
    expect(chips[0].title).toBe('contains: ✓ (feedback, CODE) — 1 of 1 facts found');
    expect(chips[1].getAttribute('aria-label')).toContain(HOSTILE); // as text, in an attribute
    expect(view.node.querySelector('.nbtrace-trace-scores')!.getAttribute('role')).toBe('group');
    expect(view.node.querySelector('img')).toBeNull();
  });

  it('puts a badge on the scored span row and none on others', () => {
    const view = mount(scoredTrace());
    const rows = Array.from(view.node.querySelectorAll<HTMLElement>('[role="treeitem"]'));
    const badges = rows.map(r => r.querySelector<HTMLElement>('.nbtrace-row-scores')!);
    expect(badges.map(b => b.textContent)).toEqual(['', '4 error']);
    expect(badges[1].dataset.verdict).toBe('fail');
    expect(badges[1].getAttribute('aria-label')).toBe('2 scores: relevance 4, flaky error');
  });

  it('lists them in the Scores tab: the root with the whole trace\'s, a span with its own', () => {
    const view = mount(scoredTrace());
    const t = view.trace;
    view.select(t.roots[0].id);
    const tab = (label: string): HTMLElement => {
      const tabs = Array.from(view.node.querySelectorAll<HTMLElement>('[role="tab"]'));
      const found = tabs.find(b => b.textContent!.startsWith(label));
      expect(found).toBeDefined();
      return found!;
    };
    tab('Scores (2)').click();
    let items = Array.from(view.node.querySelectorAll('.nbtrace-assessment'));
    expect(items.map(i => i.querySelector('.nbtrace-score')!.textContent)).toEqual(['contains✓', 'correct✗']);
    expect(items[1].querySelector('.nbtrace-assessment-rationale')!.textContent).toBe(HOSTILE);
    expect(items[1].querySelector('.nbtrace-assessment-source')!.textContent).toBe('feedback · LLM_JUDGE · judge · whole trace');
    view.select(t.spans[1].id);
    tab('Scores (2)').click();
    items = Array.from(view.node.querySelectorAll('.nbtrace-assessment'));
    expect(items.map(i => i.querySelector('.nbtrace-score')!.textContent)).toEqual(['relevance4', 'flakyerror']);
    expect(items[1].querySelector('.nbtrace-assessment-error')!.textContent).toBe('scorer crashed');
    expect(document.querySelector('img')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });
});
