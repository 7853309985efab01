/**
 * Estimated costs: the price table (src/model/prices.json, shared with Python),
 * model-name matching and estimates on the shared cases (tests/model/price-cases.json,
 * which python/tests/test_prices.py runs too), estimates on real span shapes,
 * the roll-up (a reported cost always wins), overrides from the trace metadata
 * and how an estimate is shown (labels, the comparison header; the trace header
 * and span facts: tests/detail/detail.test.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { renderCompareHeader } from '../../src/compare/compare-header';
import { compareTraces } from '../../src/model/compare';
import { parseEvalPayload } from '../../src/model/eval';
import { cellText, evalColumns, recordLines } from '../../src/rows/eval-table';
import { runPayload } from '../helpers/eval';
import { rollupCost, spanEstimate } from '../../src/model/cost';
import { DEFAULT_PRICES, findPrice, matchModel, priceCost, readPriceTable, tracePrices } from '../../src/model/prices';
import { Cost, Span } from '../../src/model/types';
import { costMoney, costText, costTitle } from '../../src/rows/labels';
import { mlflowV3Span, mlflowV3Trace, parseOne } from '../helpers/fixtures';
import { otlpDoc } from '../helpers/synthetic';

interface Estimate {
  why: string;
  model: string;
  input: number | null;
  output: number | null;
  cached_input?: number;
  cache_write?: number;
  total: number | null;
  prices?: unknown;
}
const CASES: { match: [string, string | null][]; estimate: Estimate[]; overrides: Estimate[] } = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'price-cases.json'), 'utf-8')
);
const SHIPPED = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'model', 'prices.json'), 'utf-8'));

function total(table: typeof DEFAULT_PRICES, c: Estimate): number | null {
  const m = findPrice(table, c.model);
  const counts = { input: c.input ?? undefined, output: c.output ?? undefined, cachedInput: c.cached_input, cacheWrite: c.cache_write };
  return (m && priceCost(m.price, counts)?.total) ?? null;
}

function expectClose(got: number | null, want: number | null, why: string): void {
  if (want === null) {
    expect([why, got]).toEqual([why, null]);
  } else {
    expect([why, got !== null && Math.abs(got - want) <= 1e-9 * Math.abs(want)]).toEqual([why, true]);
  }
}

describe('the price table', () => {
  it('is the dated USD-per-1M-tokens file, every model with input and output prices', () => {
    expect(SHIPPED).toMatchObject({ currency: 'USD', unit: 'per 1M tokens' });
    expect(SHIPPED.note).toMatch(/list prices as of the date/i);
    expect(DEFAULT_PRICES.date).toBe(SHIPPED.date);
    expect(DEFAULT_PRICES.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.keys(DEFAULT_PRICES.models).sort()).toEqual(Object.keys(SHIPPED.models).sort());
    for (const [name, p] of Object.entries(DEFAULT_PRICES.models)) {
      expect([name, typeof p.input, typeof p.output]).toEqual([name, 'number', 'number']);
    }
    for (const [alias, target] of Object.entries(DEFAULT_PRICES.aliases)) {
      expect([alias, target in DEFAULT_PRICES.models]).toEqual([alias, true]);
    }
    for (const family of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'o1', 'o3', 'o4-mini', 'gpt-5', 'gpt-5-mini', 'claude-opus-4-5',
      'claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-3-5-haiku', 'claude-3-7-sonnet', 'gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.0-flash', 'gemini-1.5-pro', 'gemini-1.5-flash']) {
      expect([family, family in DEFAULT_PRICES.models]).toEqual([family, true]);
    }
  });

  it.each(CASES.match)('matches %j to %j', (name, key) => {
    expect(matchModel(DEFAULT_PRICES, name) ?? null).toBe(key);
  });

  it('estimates the shared cases', () => {
    for (const c of CASES.estimate) {
      expectClose(total(DEFAULT_PRICES, c), c.total, c.why);
    }
  });

  it('merges overrides over the list (the shared cases)', () => {
    for (const c of CASES.overrides) {
      const table = readPriceTable(c.prices, DEFAULT_PRICES);
      expect([c.why, table !== undefined]).toEqual([c.why, true]);
      expectClose(total(table!, c), c.total, c.why);
    }
    expect(DEFAULT_PRICES.models['gpt-4o'].input).toBe(2.5); // the shipped table is not changed
  });

  it('reads nothing it cannot use', () => {
    expect(readPriceTable('not json')).toBeUndefined();
    expect(readPriceTable({ currency: 'EUR', models: { m: { input: 1, output: 1 } } })).toBeUndefined();
    expect(readPriceTable({ unit: 'per year', models: { m: { input: 1, output: 1 } } })).toBeUndefined();
    expect(readPriceTable({ models: { m: { input: 1 } } }, DEFAULT_PRICES)).toBeUndefined(); // a new model needs both prices
    expect(readPriceTable({ models: { m: { input: -1, output: 'x' } } }, DEFAULT_PRICES)).toBeUndefined();
  });
});

function span(attributes: Record<string, unknown>, model: string | undefined, tokens: Span['tokens'], cost?: Cost, depth = 0): Span {
  return { attributes, model, tokens, cost, depth } as unknown as Span;
}

describe('estimates on spans', () => {
  it('an OpenInference LLM span: model and token counts, no cost → estimated', () => {
    const t = parseOne(
      otlpDoc([
        { id: 'chain', start: 0, end: 10, kind: 'CHAIN' },
        {
          id: 'llm',
          parent: 'chain',
          start: 1,
          end: 9,
          kind: 'LLM',
          attributes: { 'llm.model_name': 'gpt-4o-mini-2024-07-18', 'llm.token_count.prompt': 1000, 'llm.token_count.completion': 500, 'llm.token_count.prompt_details.cache_read': 400 }
        }
      ])
    );
    const llm = t.spans[1];
    // 600 × $0.15 + 400 × $0.075 + 500 × $0.60 per 1M
    expect(llm.cost).toEqual({ input: expect.closeTo(0.00012, 15), output: expect.closeTo(0.0003, 15), total: expect.closeTo(0.00042, 15), estimated: true, pricesDate: DEFAULT_PRICES.date });
    expect(t.spans[0].cost).toBeUndefined();
    expect(t.cost).toMatchObject({ total: expect.closeTo(0.00042, 15), estimated: true, pricesDate: DEFAULT_PRICES.date });
    expect(t.cost!.partlyReported).toBeUndefined();
  });

  it('an MLflow CHAT_MODEL span: mlflow.llm.model and mlflow.chat.tokenUsage → estimated', () => {
    const t = parseOne(
      mlflowV3Trace([
        mlflowV3Span({
          id: 'AAAAAAAAAAE=',
          name: 'ChatOpenAI',
          attributes: { 'mlflow.spanType': 'CHAT_MODEL', 'mlflow.llm.model': 'gpt-4o', 'mlflow.chat.tokenUsage': { input_tokens: 1000, output_tokens: 500, total_tokens: 1500 } }
        })
      ])
    );
    expect(t.spans[0].kind).toBe('CHAT_MODEL');
    expect(t.spans[0].cost).toMatchObject({ input: 0.0025, output: 0.005, total: 0.0075, estimated: true });
    expect(t.cost).toMatchObject({ total: 0.0075, estimated: true });
  });

  it('a reported cost always wins, on the span and for the trace', () => {
    const t = parseOne(
      mlflowV3Trace([
        mlflowV3Span({
          id: 'AAAAAAAAAAE=',
          attributes: { 'mlflow.llm.model': 'gpt-4o', 'mlflow.chat.tokenUsage': { input_tokens: 1000, output_tokens: 500 }, 'mlflow.llm.cost': { input_cost: 1, output_cost: 2, total_cost: 3 } }
        })
      ])
    );
    expect(t.spans[0].cost).toEqual({ input: 1, output: 2, total: 3 });
    expect(t.cost).toEqual({ input: 1, output: 2, total: 3 });
    const withTraceCost = parseOne(
      mlflowV3Trace(
        [mlflowV3Span({ id: 'AAAAAAAAAAE=', attributes: { 'mlflow.llm.model': 'gpt-4o', 'mlflow.chat.tokenUsage': { input_tokens: 1000, output_tokens: 500 } } })],
        { trace_metadata: { 'mlflow.trace.cost': JSON.stringify({ input_cost: 0.5, output_cost: 0.5, total_cost: 1 }) } }
      )
    );
    expect(withTraceCost.spans[0].cost!.estimated).toBe(true);
    expect(withTraceCost.cost).toEqual({ input: 0.5, output: 0.5, total: 1 });
  });

  it('an unknown model, or tokens without a split, gives no estimate', () => {
    expect(spanEstimate(span({}, 'my-deployment', { input: 10, output: 5 }), DEFAULT_PRICES)).toBeUndefined();
    expect(spanEstimate(span({}, 'gpt-4o', { total: 15 }), DEFAULT_PRICES)).toBeUndefined();
    expect(spanEstimate(span({}, undefined, { input: 10, output: 5 }), DEFAULT_PRICES)).toBeUndefined();
    const t = parseOne(otlpDoc([{ id: 'llm', start: 0, end: 1, kind: 'LLM', attributes: { 'llm.model_name': 'llama-3.1-70b', 'llm.token_count.prompt': 10 } }]));
    expect(t.spans[0].cost).toBeUndefined();
    expect(t.cost).toBeUndefined();
  });

  it("Anthropic usage: MLflow-style input_tokens leave cache reads and writes out; GenAI's count them in", () => {
    // nbtrace's anthropic autolog: input 100 (not cached), 800 read, 100 written; 200 out.
    const anthropic = spanEstimate(
      span({ 'mlflow.chat.tokenUsage': '{}' }, 'claude-sonnet-4-5-20250929', { input: 100, output: 200, cacheRead: 800, cacheCreation: 100 }),
      DEFAULT_PRICES
    );
    expect(anthropic!.total).toBeCloseTo(0.003915, 12); // the shared case: 100 × $3 + 800 × $0.30 + 100 × $3.75 + 200 × $15
    // GenAI semantic conventions: gen_ai.usage.input_tokens includes the cached tokens.
    const genai = spanEstimate(span({}, 'claude-sonnet-4-5', { input: 1000, output: 200, cacheRead: 800, cacheCreation: 100 }), DEFAULT_PRICES);
    expect(genai!.total).toBeCloseTo(0.003915, 12);
    // Cache counts above the input: they cannot be part of it.
    const more = spanEstimate(span({}, 'gpt-4o', { input: 100, output: 0, cacheRead: 900 }), DEFAULT_PRICES);
    expect(more!.total).toBeCloseTo((100 * 2.5 + 900 * 1.25) / 1e6, 12);
  });
});

describe('the roll-up', () => {
  const est = (total: number): Cost => ({ input: total / 2, output: total / 2, total, estimated: true, pricesDate: '2026-12-01' });
  const rep = (total: number): Cost => ({ input: total / 2, output: total / 2, total });

  it('counts nested LLM spans once: the outermost estimate, like tokens', () => {
    // agent > llm-wrapper(est 0.3) > llm(est 0.3) ; agent > tool ; agent > llm2(est 0.1)
    const spans = [span({}, undefined, undefined, undefined, 0), span({}, 'm', {}, est(0.3), 1), span({}, 'm', {}, est(0.3), 2), span({}, undefined, undefined, undefined, 1), span({}, 'm', {}, est(0.1), 1)];
    expect(rollupCost(spans)).toMatchObject({ total: 0.4, estimated: true, pricesDate: '2026-12-01' });
  });

  it('a reported cost below an estimate wins over it; the total is partly estimated', () => {
    // root(est 1.0) > a(reported 0.2) , b(est 0.3 > c(est 0.3)) ; root2(est 0.5)
    const spans = [
      span({}, 'm', {}, est(1), 0),
      span({}, 'm', {}, rep(0.2), 1),
      span({}, 'm', {}, est(0.3), 1),
      span({}, 'm', {}, est(0.3), 2),
      span({}, 'm', {}, est(0.5), 0)
    ];
    const c = rollupCost(spans)!;
    expect(c.total).toBeCloseTo(1.0, 12); // 0.2 + 0.3 + 0.5
    expect(c).toMatchObject({ estimated: true, partlyReported: true });
    expect(costTitle(c)).toMatch(/^partly estimated: /);
    // Only reported costs: as before, not estimated.
    expect(rollupCost([span({}, 'm', {}, rep(0.2), 0), span({}, 'm', {}, est(0.3), 1)])).toEqual({ input: 0.1, output: 0.1, total: 0.2 });
  });
});

describe('prices from the trace metadata (configure(prices=...) in Python)', () => {
  const llm = (model: string) =>
    mlflowV3Span({ id: 'AAAAAAAAAAE=', attributes: { 'mlflow.llm.model': model, 'mlflow.chat.tokenUsage': { input_tokens: 1000000, output_tokens: 500000 } } });

  it('overrides and extends the table for that trace (JSON text, as Python writes it)', () => {
    const prices = JSON.stringify({ models: { 'gpt-4o': { input: 5 }, 'my-model': { input: 1, output: 2 } }, aliases: {} });
    const t = parseOne(mlflowV3Trace([llm('gpt-4o')], { trace_metadata: { 'nbtrace.prices': prices } }));
    expect(t.cost).toMatchObject({ total: 10, estimated: true, customPrices: true }); // 1M × $5 + 0.5M × $10
    expect(costTitle(t.cost!)).toContain('your prices');
    const mine = parseOne(mlflowV3Trace([llm('my-model')], { trace_metadata: { 'nbtrace.prices': prices } }));
    expect(mine.cost).toMatchObject({ total: 2, estimated: true });
    const plain = parseOne(mlflowV3Trace([llm('gpt-4o')]));
    expect(plain.cost).toMatchObject({ total: 7.5, estimated: true });
    expect(plain.cost!.customPrices).toBeUndefined();
    const unknownHere = parseOne(mlflowV3Trace([llm('my-model')]));
    expect(unknownHere.cost).toBeUndefined();
  });

  it('accepts an object too, and ignores junk', () => {
    expect(tracePrices({ 'nbtrace.prices': { models: { x: { input: 1, output: 1 } } } }).models.x).toEqual({ input: 1, output: 1 });
    expect(tracePrices({ 'nbtrace.prices': 'junk' })).toBe(DEFAULT_PRICES);
    expect(tracePrices({})).toBe(DEFAULT_PRICES);
  });
});

describe('how an estimate is shown', () => {
  const c: Cost = { input: 0.01, output: 0.0023, total: 0.0123, estimated: true, pricesDate: '2026-12-01' }; // money(): 6 digits under a cent

  it('≈ before the amount, and what it rests on', () => {
    expect(costMoney(c)).toBe('≈$0.0123');
    expect(costText(c)).toBe('≈$0.0123 ($0.0100 in · $0.002300 out)');
    expect(costTitle(c)).toBe('estimated from list prices of 2026-12-01 (nbtrace price table); the trace reported no cost');
    expect(costTitle(c, 'span')).toContain('the span reported no cost');
  });

  it('a reported cost reads as before, with no tooltip', () => {
    const r: Cost = { input: 0.01, output: 0.0023, total: 0.0123 };
    expect(costMoney(r)).toBe('$0.0123');
    expect(costText(r)).toBe('$0.0123 ($0.0100 in · $0.002300 out)');
    expect(costTitle(r)).toBe('');
  });
});

describe('the comparison header', () => {
  it('marks an estimated side ≈ and says why on the change', () => {
    const doc = (model: string) =>
      otlpDoc([{ id: 'llm', start: 0, end: 1, kind: 'LLM', attributes: { 'llm.model_name': model, 'llm.token_count.prompt': 1000, 'llm.token_count.completion': 500 } }]);
    const a = parseOne(doc('gpt-4o'));
    const b = parseOne(otlpDoc([{ id: 'llm', start: 0, end: 1, kind: 'LLM', attributes: { 'llm.cost.total': 0.01 } }]));
    const c = compareTraces(a, b);
    expect(c.totals.a.costEstimate).toMatchObject({ estimated: true });
    expect(c.totals.b.costEstimate).toBeUndefined();
    const header = renderCompareHeader(c, ['A', 'B'], { expandAll() {}, collapseAll() {} });
    const row = Array.from(header.querySelectorAll('tr')).find(tr => tr.querySelector('th')!.textContent === 'Cost')!;
    const cells = Array.from(row.querySelectorAll('td'));
    expect(cells.map(td => td.textContent)).toEqual(['≈$0.007500', '$0.0100', '≈+$0.002500']);
    expect(cells[2].title).toMatch(/^A: estimated from list prices of /);
  });
});

describe('evaluation rows', () => {
  it('an estimated row cost (Python: cost_estimated) reads ≈ in the results table', () => {
    const payload = runPayload('v1', [{ q: 'a', scores: {}, cost: 0.0075 }, { q: 'b', scores: {}, cost: 0.002 }]);
    ((payload.run as { rows: Record<string, unknown>[] }).rows[0]).cost_estimated = true;
    const r = parseEvalPayload(payload);
    if (!r.ok || r.payload.kind !== 'run') {
      throw new Error('not a run');
    }
    const run = r.payload.run;
    expect(run.rows.map(x => x.costEstimated)).toEqual([true, undefined]);
    const lines = recordLines(run);
    const col = evalColumns(run, lines).find(c => c.id === 'cost')!;
    expect(lines.map(l => cellText(l, col))).toEqual(['≈$0.007500', '$0.002000']);
  });
});
