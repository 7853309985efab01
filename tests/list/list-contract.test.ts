/**
 * Contract: the trace list Python makes (python/tests/emit_list_payload.py,
 * the real list_bundle path) reads the same in the viewer whether a trace
 * came whole or as a summary: name, status, span count, latency, tokens, cost
 * (estimated where none was reported), models, span conditions, and the
 * aggregates by model and span type.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseTraceList, quickSummaryTrace } from '../../src/model/trace-list';
import { aggregate } from '../../src/rows/list/aggregate';
import { filterRows, ListRow, listRows } from '../../src/rows/list/trace-rows';
import { parseQuery } from '../../src/rows/query/parser';

const ROOT = path.resolve(__dirname, '..', '..');

function python(): string {
  const venv = path.join(ROOT, '.venv', 'bin', 'python');
  return process.env.NBTRACE_PYTHON ?? (fs.existsSync(venv) ? venv : 'python3');
}

let whole: ListRow[];
let summaries: ListRow[];
/** The same summaries read by the general reader (an experiment id takes them off the quick path). */
let slow: ListRow[];

beforeAll(() => {
  const out = JSON.parse(execFileSync(python(), [path.join(ROOT, 'python/tests/emit_list_payload.py')], { encoding: 'utf-8', timeout: 60000 }));
  const rows = (payload: unknown): ListRow[] => {
    const r = parseTraceList(payload);
    if (!r.ok) {
      throw new Error(r.error);
    }
    return listRows(r.list.entries);
  };
  whole = rows(out.whole);
  summaries = rows(out.summaries);
  const docs = out.summaries.summaries as Array<{ info: Record<string, unknown> }>;
  expect(docs.every(d => quickSummaryTrace(d) !== undefined)).toBe(true);
  const general = docs.map(d => ({ ...d, info: { ...d.info, experiment_id: '0' } }));
  expect(general.every(d => quickSummaryTrace(d) === undefined)).toBe(true);
  slow = rows({ version: 1, traces: [], summaries: general });
}, 60000);

test('the payloads are what they say', () => {
  expect(whole.map(r => r.entry.hasSpans)).toEqual(Array(8).fill(true));
  expect(summaries.map(r => r.entry.hasSpans)).toEqual(Array(8).fill(false));
});

test('a summary row has the facts of the whole trace', () => {
  whole.forEach((w, i) => {
    const s = summaries[i];
    const pick = (r: ListRow) => ({
      id: r.facts.id,
      name: r.facts.name,
      status: r.facts.status,
      spans: r.facts.span_count,
      tokens: r.facts.tokens,
      input: r.inputTokens,
      output: r.outputTokens,
      models: [...r.facts.models].sort(),
      estimated: r.costEstimated
    });
    expect(pick(s)).toEqual(pick(w));
    expect(s.facts.cost ?? 0).toBeCloseTo(w.facts.cost ?? 0, 12);
    expect(s.facts.duration_ms!).toBeCloseTo(w.facts.duration_ms!, 2);
  });
  expect(whole[5].facts.cost).toBe(1); // reported by its two calls: not estimated
  expect(whole[5].costEstimated).toBe(false);
  expect(whole[0].costEstimated).toBe(true);
});

test('the quick reader of summaries reads them as the general reader does', () => {
  slow.forEach((g, i) => {
    const q = summaries[i];
    const t = (r: ListRow) => {
      // Field by field: the built trace rolls its totals up on first read (getters, not own keys).
      const { id, format, name, state, startEpochMs, duration, tokens, cost, assessments, warnings, metadata } = r.entry.trace;
      const m = { ...metadata };
      delete m['info.experiment_id'];
      return { id, format, name, state, startEpochMs, duration, tokens, cost, assessments, warnings, metadata: m };
    };
    expect(t(q)).toEqual(t(g));
    const { tags, metadata, ...facts } = q.facts;
    const { tags: gt, metadata: gm, ...gfacts } = g.facts;
    void tags, gt, gm;
    expect(facts).toEqual(gfacts);
    expect(Object.keys(metadata).sort()).toEqual(Object.keys(gm).filter(k => k !== 'info.experiment_id').sort());
  });
});

test('span conditions and the aggregates agree', () => {
  for (const q of ["span.type = 'TOOL' AND span.status = 'ERROR'", "span.model = 'gpt-4o-mini'", "model LIKE 'claude%' OR cost > 0.4", "span.name = 'chat' AND tokens > 500"]) {
    const query = parseQuery(q);
    expect(filterRows(summaries, query).map(r => r.key)).toEqual(filterRows(whole, query).map(r => r.key));
  }
  const a = aggregate(whole);
  const b = aggregate(summaries);
  const models = (x: typeof a) => x.byModel.map(m => [m.model, m.traces, m.calls, m.input, m.output, m.total, m.estimated ?? false]);
  expect(models(b)).toEqual(models(a));
  a.byModel.forEach((m, i) => expect(b.byModel[i].cost ?? 0).toBeCloseTo(m.cost ?? 0, 12));
  const kinds = (x: typeof a) => x.byKind.map(k => [k.kind, k.spans, k.errors, k.tokens]).sort();
  expect(kinds(b)).toEqual(kinds(a));
  expect(b.tokens).toEqual(a.tokens);
  expect(b.errors).toBe(a.errors);
});
