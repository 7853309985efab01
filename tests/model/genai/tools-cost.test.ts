/** Tools offered to an LLM span (every known shape), tool call → tool span, and cost (span and roll-up). */
import { costFromObject, rollupCost, spanCost } from '../../../src/model/cost';
import { toolsOf } from '../../../src/model/genai/tools';
import { Span } from '../../../src/model/types';

function span(attributes: Record<string, unknown>, inputs?: unknown): Span {
  return { kind: 'LLM', events: [], attributes, inputs } as unknown as Span;
}

const names = (s: Span) => toolsOf(s).map(t => [t.name, t.description, t.parameters]);
const schema = { type: 'object', properties: { city: { type: 'string' } } };

describe('tools offered', () => {
  it('reads OpenAI chat, Responses, Anthropic and Gemini tool lists from the request', () => {
    expect(names(span({}, { tools: [{ type: 'function', function: { name: 'a', description: 'A', parameters: schema } }] }))).toEqual([['a', 'A', schema]]);
    expect(names(span({}, { tools: [{ type: 'function', name: 'b', parameters: schema }, { type: 'web_search' }] }))).toEqual([
      ['b', undefined, schema],
      ['web_search', undefined, undefined]
    ]);
    expect(names(span({}, { tools: [{ name: 'c', description: 'C', input_schema: schema }] }))).toEqual([['c', 'C', schema]]);
    expect(names(span({}, { tools: [{ function_declarations: [{ name: 'd', parameters: schema }, { name: 'e' }] }] }))).toEqual([
      ['d', undefined, schema],
      ['e', undefined, undefined]
    ]);
  });

  it('reads MLflow, GenAI and OpenInference attributes (JSON strings too), attributes first', () => {
    const tools = [{ type: 'function', function: { name: 'x' } }];
    expect(names(span({ 'mlflow.chat.tools': JSON.stringify(tools) }, { tools: [{ name: 'ignored' }] }))).toEqual([['x', undefined, undefined]]);
    expect(names(span({ 'gen_ai.tool.definitions': [{ type: 'function', name: 'g', description: 'G' }] }))).toEqual([['g', 'G', undefined]]);
    expect(
      names(
        span({
          'llm.tools.1.tool.json_schema': JSON.stringify({ type: 'function', function: { name: 'second' } }),
          'llm.tools.0.tool.json_schema': JSON.stringify({ type: 'function', function: { name: 'first', parameters: schema } })
        })
      )
    ).toEqual([
      ['first', undefined, schema],
      ['second', undefined, undefined]
    ]);
    expect(toolsOf(span({ 'llm.tools.0.tool.json_schema': 'not json' }))).toEqual([]);
  });
});

describe('cost', () => {
  it('reads MLflow cost objects and OpenInference counts; fills the total; ignores junk', () => {
    expect(spanCost({ 'mlflow.llm.cost': '{"input_cost": 0.01, "output_cost": 0.02, "total_cost": 0.03}' })).toEqual({ input: 0.01, output: 0.02, total: 0.03 });
    expect(spanCost({ 'llm.cost.prompt': 0.1, 'llm.cost.completion': '0.2' })).toEqual({ input: 0.1, output: 0.2, total: 0.30000000000000004 });
    expect(spanCost({ 'llm.cost.total': 'NaN' })).toBeUndefined();
    expect(spanCost({ 'llm.cost.total': -1 })).toBeUndefined();
    expect(costFromObject(0.5)).toEqual({ total: 0.5 });
    expect(costFromObject('{"nothing": 1}')).toBeUndefined();
  });

  it('rolls up like tokens: a wrapper that reports cost hides its children; parts only when every span gave them', () => {
    const s = (depth: number, cost?: object) => ({ depth, cost }) as unknown as Span;
    // root(1.0) > llm(0.4) ; sibling root2 > a(0.1, in/out) , b(0.2, in/out)
    const spans = [s(0, { total: 1 }), s(1, { total: 0.4 }), s(0), s(1, { input: 0.05, output: 0.05, total: 0.1 }), s(1, { input: 0.1, output: 0.1, total: 0.2 })];
    expect(rollupCost(spans)).toEqual({ total: 1.3 });
    expect(rollupCost(spans.slice(2))).toEqual({ input: 0.15000000000000002, output: 0.15000000000000002, total: 0.30000000000000004 });
    expect(rollupCost([s(0), s(1)])).toBeUndefined();
    expect(rollupCost(spans, { total: 9 })).toEqual({ total: 9 });
  });
});
