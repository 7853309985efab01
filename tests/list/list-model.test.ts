/**
 * The trace list's pure parts: the payload (whole traces, summaries without
 * spans, any other trace payload), rows (facts, usage by model and span type
 * without double counting), sort and filter, sessions, and the aggregates on
 * hand-computed cases.
 */
import { parseTraceList, readSpanSummary } from '../../src/model/trace-list';
import { aggregate, histogram, percentiles, quantile } from '../../src/rows/list/aggregate';
import { groupCellText } from '../../src/rows/list/list-labels';
import { groupBySession, listItems } from '../../src/rows/list/sessions';
import { filterRows, ListColumnId, listColumns, listRows, sortRows } from '../../src/rows/list/trace-rows';
import { NO_MODEL } from '../../src/rows/list/usage';
import { parseQuery } from '../../src/rows/query/parser';
import { otlpDoc, SpanSpec } from '../helpers/synthetic';

/** A trace: an agent root with one LLM call (model, tokens) and a tool; `ms` long. */
function agent(id: string, ms: number, o: { model?: string; input?: number; output?: number; error?: boolean; session?: string } = {}): Record<string, unknown> {
  const llm: Record<string, string | number> = {};
  if (o.model) {
    llm['llm.model_name'] = o.model;
  }
  if (o.input !== undefined) {
    llm['llm.token_count.prompt'] = o.input;
  }
  if (o.output !== undefined) {
    llm['llm.token_count.completion'] = o.output;
  }
  const root: Record<string, string> = o.session ? { 'session.id': o.session } : {};
  const specs: SpanSpec[] = [
    { id: 'root', name: `agent-${id}`, start: 0, end: ms, kind: 'AGENT', attributes: root, error: o.error ? 'boom' : undefined },
    { id: 'llm', parent: 'root', name: 'chat', start: 1, end: ms / 2, kind: 'LLM', attributes: llm },
    { id: 'tool', parent: 'root', name: 'search', start: ms / 2, end: ms - 1, kind: 'TOOL' }
  ];
  return otlpDoc(specs, id);
}

function rowsOf(docs: unknown[]) {
  const r = parseTraceList({ version: 1, traces: docs });
  if (!r.ok) {
    throw new Error(r.error);
  }
  return listRows(r.list.entries);
}

describe('the trace list payload', () => {
  it('reads whole traces and summaries, one entry per trace id', () => {
    const summary = {
      info: {
        trace_id: 'tr-summary',
        request_time: '2026-12-01T10:00:00Z',
        execution_duration_ms: 2500,
        state: 'ERROR',
        trace_metadata: {
          'nbtrace.summary': JSON.stringify({
            spans: 7,
            models: { 'gpt-4o': { calls: 2, input: 100, output: 20, total: 120, cost: 0.5 } },
            kinds: { LLM: { count: 2, errors: 1, ms: 900 } },
            seen: [['agent', 'AGENT', 'ERROR'], ['chat', 'LLM', 'OK', 'gpt-4o'], ['bad', 3]]
          }),
          'mlflow.traceInputs': '{"question": "Paris?"}'
        }
      }
    };
    const r = parseTraceList({ version: 1, traces: [agent('a', 100), agent('a', 200)], summaries: [summary], omitted: 3, title: 'Today' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.list.title).toBe('Today');
    expect(r.list.omitted).toBe(3);
    expect(r.list.entries).toHaveLength(2); // the second "a" replaced the first
    expect(r.list.entries[0].trace.duration).toBe(200);
    const s = r.list.entries[1];
    expect(s.hasSpans).toBe(false);
    expect(s.trace.duration).toBe(2500);
    expect(s.summary!.spans).toBe(7);
    const [, row] = listRows(r.list.entries);
    expect(row.facts.span_count).toBe(7);
    expect(row.facts.models).toEqual(['gpt-4o']);
    expect(row.facts.tokens).toBe(120);
    expect(row.facts.cost).toBe(0.5);
    expect(row.facts.status).toBe('ERROR');
    // span conditions match what the summary kept of its spans; its JSON metadata stays text
    expect(filterRows([row], parseQuery("span.name = 'chat' AND span.type = 'LLM' AND span.model = 'gpt-4o'"))).toHaveLength(1);
    expect(filterRows([row], parseQuery("span.name = 'bad'"))).toHaveLength(0);
    expect(row.facts.metadata['mlflow.traceInputs']).toBe('{"question": "Paris?"}');
    expect(filterRows([row], parseQuery("metadata.`mlflow.traceInputs` LIKE '%Paris%'"))).toHaveLength(1);
  });

  it('reads any trace payload as the list, and says what it skipped', () => {
    const plain = parseTraceList([agent('a', 10), agent('b', 20)]);
    expect(plain.ok && plain.list.entries.map(e => e.trace.duration)).toEqual([10, 20]);
    const some = parseTraceList({ version: 1, traces: [agent('a', 10), { nonsense: true }] });
    expect(some.ok && some.list.entries).toHaveLength(1);
    expect(some.ok && some.list.warnings[0]).toMatch(/Trace #2 was skipped/);
    const none = parseTraceList({ version: 1, traces: [42, 'x'] });
    expect(none.ok).toBe(false);
    expect(!none.ok && none.error).toMatch(/None of the 2 traces/);
  });

  it('drops unreadable parts of a summary instead of trusting them', () => {
    expect(readSpanSummary('not json')).toBeUndefined();
    const s = readSpanSummary({ spans: -4, models: { m: { calls: 'two', input: 5 }, __proto__: { calls: 1 } }, kinds: { LLM: 3 } });
    expect(s!.spans).toBeUndefined();
    expect(s!.models).toEqual({ m: { calls: 0, input: 5 } });
    expect(s!.kinds).toEqual({});
  });
});

describe('the rows', () => {
  it('count tokens once per model, and only the columns some row has', () => {
    const [row] = rowsOf([agent('a', 100, { model: 'gpt-4o', input: 300, output: 50 })]);
    expect(row.facts.models).toEqual(['gpt-4o']);
    expect(row.usage.models['gpt-4o']).toEqual({ calls: 1, input: 300, output: 50, total: 350, cost: 0.00125, estimated: true }); // 300 × $2.50 + 50 × $10 per 1M
    expect(row.usage.kinds.TOOL).toEqual({ count: 1, errors: 0, ms: 49 });
    expect(row.inputTokens).toBe(300);
    expect(row.facts.tokens).toBe(350);
    const columns = listColumns(rowsOf([agent('x', 10)])).map(c => c.id);
    expect(columns).toEqual(['name', 'status', 'start', 'latency', 'spans']);
  });

  it('a span that reports tokens without a model counts under "model not given"', () => {
    const [row] = rowsOf([agent('a', 10, { input: 5, output: 1 })]);
    expect(row.usage.models[NO_MODEL]).toEqual({ calls: 0, input: 5, output: 1, total: 6 });
  });

  it('sort with missing values last in both directions, stable', () => {
    const rows = rowsOf([agent('a', 30, { input: 10, output: 1 }), agent('b', 10), agent('c', 20, { input: 100, output: 1 }), agent('d', 20, { input: 1, output: 0 })]);
    const ids = (rs: typeof rows) => rs.map(r => r.facts.name);
    expect(ids(sortRows(rows, 'tokens', 'descending'))).toEqual(['agent-c', 'agent-a', 'agent-d', 'agent-b']);
    expect(ids(sortRows(rows, 'tokens', 'ascending'))).toEqual(['agent-d', 'agent-a', 'agent-c', 'agent-b']);
    expect(ids(sortRows(rows, 'latency', 'ascending'))).toEqual(['agent-b', 'agent-c', 'agent-d', 'agent-a']);
    expect(ids(sortRows(rows, 'name', 'descending'))).toEqual(['agent-d', 'agent-c', 'agent-b', 'agent-a']);
  });

  it('filter with the query language, the extensions included', () => {
    const rows = rowsOf([
      agent('a', 3000, { model: 'gpt-4o', input: 2000, output: 10 }),
      agent('b', 100, { error: true }),
      agent('c', 50, { model: 'claude-sonnet-4-5', input: 10, output: 10 })
    ]);
    const names = (q: string) => {
      return filterRows(rows, parseQuery(q)).map(r => r.facts.name);
    };
    expect(names("trace.status = 'ERROR' OR tokens > 1000")).toEqual(['agent-a', 'agent-b']);
    expect(names('trace.execution_time_ms > 2000')).toEqual(['agent-a']);
    expect(names("model LIKE 'claude%'")).toEqual(['agent-c']);
    expect(names("NOT (span.type = 'LLM' AND tokens < 100)")).toEqual(['agent-a']); // b has no tokens: unknown, not true
    expect(filterRows(rows, null)).toHaveLength(3);
  });
});

describe('sessions', () => {
  it('group traces by session with totals, the ones without last', () => {
    const rows = rowsOf([
      agent('a', 100, { session: 's1', input: 1, output: 1 }),
      agent('b', 300, { session: 's2' }),
      agent('c', 200, { session: 's1', error: true, input: 2, output: 2 }),
      agent('d', 50)
    ]);
    const groups = groupBySession(rows);
    expect(groups.map(g => [g.session, g.rows.map(r => r.facts.name)])).toEqual([
      ['s1', ['agent-a', 'agent-c']],
      ['s2', ['agent-b']],
      [undefined, ['agent-d']]
    ]);
    expect(groups[0].totals.errors).toBe(1);
    expect(groups[0].totals.tokens.total).toBe(6);
    expect(groups[0].totals.latency!.p50).toBe(150);
    expect(['latency', 'status', 'tokens', 'spans', 'cost'].map(c => groupCellText(groups[0], c as ListColumnId))).toEqual(['p50 150 ms', '1 err', '6', '6', '']);
    const items = listItems(rows, true, new Set([groups[0].key]));
    expect(items.map(i => (i.kind === 'group' ? `group:${i.collapsed}` : i.row.facts.name))).toEqual([
      'group:true',
      'group:false',
      'agent-b',
      'group:false',
      'agent-d'
    ]);
    expect(listItems(rows, false, new Set()).map(i => i.kind)).toEqual(['trace', 'trace', 'trace', 'trace']);
  });
});

describe('aggregates', () => {
  it('percentiles interpolate between ranks (numpy / PERCENTILE.INC)', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10], 0.99)).toBe(10);
    expect(Number.isNaN(quantile([], 0.5))).toBe(true);
    const p = percentiles([100, 400, 200, 300, 1000, 500, 600, 700, 800, 900])!;
    expect(p.p50).toBe(550);
    expect(p.p90).toBeCloseTo(910, 9); // 9 * 0.9 = 8.1 → 900 + 0.1 * 100
    expect(p.p99).toBeCloseTo(991, 9);
    expect(p.min).toBe(100);
    expect(p.max).toBe(1000);
    expect(p.mean).toBe(550);
    expect(percentiles([])).toBeUndefined();
  });

  it('count, errors, latency of finished traces, tokens and cost by model', () => {
    const rows = rowsOf([
      agent('a', 100, { model: 'gpt-4o', input: 100, output: 10 }),
      agent('b', 200, { model: 'gpt-4o', input: 200, output: 20, error: true }),
      agent('c', 400, { model: 'claude-haiku-4-5', input: 50, output: 5 }),
      agent('d', 800)
    ]);
    const a = aggregate(rows);
    expect(a.count).toBe(4);
    expect(a.errors).toBe(1);
    expect(a.errorRate).toBe(0.25);
    expect(a.latency!.p50).toBe(300);
    expect(a.tokens).toEqual({ input: 350, output: 35, total: 385 });
    const gpt = a.byModel.find(m => m.model === 'gpt-4o')!;
    expect(gpt).toMatchObject({ traces: 2, calls: 2, input: 300, output: 30, total: 330 });
    expect(a.byModel.find(m => m.model === 'claude-haiku-4-5')).toMatchObject({ traces: 1, calls: 1, total: 55 });
    const tool = a.byKind.find(k => k.kind === 'TOOL')!;
    expect(tool.spans).toBe(4);
    expect(a.histogram.reduce((s, b) => s + b.count, 0)).toBe(4);
  });

  it('the histogram puts every value in one bin, on round edges', () => {
    const values = [0, 5, 10, 15, 99, 100];
    const bins = histogram(values, 10);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(values.length);
    expect(bins[0].x0).toBe(0);
    expect(bins[bins.length - 1].x1).toBe(100);
    for (const b of bins) {
      expect(b.x1 - b.x0).toBe(10);
    }
    expect(bins[bins.length - 1].count).toBe(2); // 99 and 100 (the last bin holds its upper edge)
    expect(histogram([7, 7])).toEqual([{ x0: 7, x1: 7, count: 2 }]);
    expect(histogram([])).toEqual([]);
  });
});

describe('estimated costs in the list', () => {
  it('mark a row, a model and the total whose cost is estimated; a reported cost is not', () => {
    const rows = rowsOf([agent('a', 100, { model: 'gpt-4o', input: 1000, output: 100 }), agent('b', 100)]);
    expect(rows[0].costEstimated).toBe(true);
    expect(rows[0].facts.cost).toBeCloseTo(0.0035, 12); // 1000 × $2.50 + 100 × $10 per 1M
    expect(rows[1].costEstimated).toBe(false);
    const a = aggregate(rows);
    expect(a.costEstimated).toBe(true);
    expect(a.byModel[0]).toMatchObject({ model: 'gpt-4o', estimated: true });
    const reported = rowsOf([otlpDoc([{ id: 'r', start: 0, end: 5, kind: 'LLM', attributes: { 'llm.model_name': 'gpt-4o', 'llm.token_count.prompt': 1000, 'llm.cost.total': 0.5 } }], 'rep')]);
    expect(reported[0].costEstimated).toBe(false);
    expect(reported[0].facts.cost).toBe(0.5);
    expect(aggregate(reported).costEstimated).toBe(false);
  });
});
