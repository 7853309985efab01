/**
 * Trace facts from real traces (MLflow v3 with an assessment and token usage,
 * a Jaeger GenAI agent, an OTLP document) and from built ones: what the query
 * language sees of a trace, and queries over them end to end.
 */
import { fixture, mlflowV3Span, mlflowV3Trace, parseOne, parseOk } from '../helpers/fixtures';
import { traceFacts } from '../../src/rows/query/facts';
import { matches } from '../../src/rows/query/match';
import { parseQuery } from '../../src/rows/query/parser';

const q = (s: string) => parseQuery(s);

describe('trace facts', () => {
  it('an MLflow v3 trace: status, times, tokens, spans, its assessment', () => {
    const t = parseOne(fixture('mlflow/v3-trace__qa-chain-3spans-assessment-tokenusage__js-test-utils.json'));
    const f = traceFacts(t);
    expect(f.id).toBe(t.id);
    expect(f.status).toBe(t.state);
    expect(f.span_count).toBe(t.spans.length);
    expect(f.spans.map(s => s.name)).toEqual(t.spans.map(s => s.name));
    expect(f.duration_ms).toBe(t.duration);
    expect(f.start_ms).toBe(t.startEpochMs);
    expect(f.tokens).toBe(t.tokens?.total);
    const names = t.assessments.filter(a => a.kind === 'feedback' && a.error === undefined).map(a => a.name);
    expect(Object.keys(f.feedback).sort()).toEqual([...new Set(names)].sort());
    expect(names.length).toBeGreaterThan(0);
    expect(matches(q(`feedback.\`${names[0]}\` IS NOT NULL`), f)).toBe(true);
    expect(matches(q(`span.name = '${t.spans[1].name}' AND trace.status = '${t.state}'`), f)).toBe(true);
  });

  it('a Jaeger GenAI agent: models from its LLM spans, the error, span kinds', () => {
    const f = traceFacts(parseOne(fixture('otel/jaeger-ui-genai-agent-trace.jaeger.json')));
    expect(f.models.length).toBeGreaterThan(0);
    expect(matches(q(`model = '${f.models[0]}'`), f)).toBe(true);
    expect(matches(q("span.status = 'ERROR'"), f)).toBe(f.spans.some(s => s.status === 'ERROR'));
    expect(matches(q("span.type IN ('LLM', 'CHAT_MODEL')"), f)).toBe(true);
  });

  it('every span of an OTLP document can be found by its name', () => {
    for (const t of parseOk(fixture('otel/otlp-proto-examples-trace.json'))) {
      const f = traceFacts(t);
      for (const s of t.spans) {
        expect(matches(q(`span.name = ${JSON.stringify(s.name)}`), f)).toBe(true);
      }
    }
  });

  it('session, user, metadata, content and text; a running trace has no duration', () => {
    const doc = mlflowV3Trace(
      [
        mlflowV3Span({ id: 'AAAAAAAAAAE=', name: 'agent', end: null, attributes: { 'mlflow.spanInputs': { q: 'weather in Oslo?' }, 'session.id': 'root-session' } }),
        mlflowV3Span({ id: 'AAAAAAAAAAI=', parent: 'AAAAAAAAAAE=', name: 'llm', attributes: { 'mlflow.llm.model': 'gpt-4o', 'mlflow.chat.tokenUsage': { input_tokens: 7, output_tokens: 3, total_tokens: 10 } } })
      ],
      { state: 'IN_PROGRESS', trace_metadata: { 'mlflow.trace.user': 'ana', version: 'v2' }, tags: { env: 'prod' } }
    );
    const f = traceFacts(parseOne(doc));
    expect(f.status).toBe('IN_PROGRESS');
    expect(f.duration_ms).toBeUndefined();
    expect(f.end_ms).toBeUndefined();
    expect([f.session, f.user, f.tags.env, f.metadata.version]).toEqual(['root-session', 'ana', 'prod', 'v2']);
    expect(f.models).toEqual(['gpt-4o']);
    expect([f.tokens, f.input_tokens, f.output_tokens]).toEqual([10, 7, 3]);
    expect(f.spans[0].content).toContain('weather in Oslo?');
    expect(f.text).toContain('weather in Oslo?');
    expect(matches(q("trace.text LIKE '%Oslo%' AND span.model = 'gpt-4o' AND tokens = 10"), f)).toBe(true);
    expect(matches(q('trace.execution_time_ms > 0'), f)).toBe(false);
    expect(matches(q('NOT trace.execution_time_ms > 0'), f)).toBe(false); // unknown, both ways
    // None reported: estimated from gpt-4o's list price ($2.50 / $10 per 1M tokens).
    expect(f.cost).toBeCloseTo((7 * 2.5 + 3 * 10) / 1e6, 12);
    expect(matches(q('cost > 0 AND NOT cost IS NULL'), f)).toBe(true);
    // An unknown model: no estimate, absent, so IS NULL holds.
    const unknown = mlflowV3Trace([
      mlflowV3Span({ id: 'AAAAAAAAAAM=', name: 'llm', attributes: { 'mlflow.llm.model': 'my-own-model', 'mlflow.chat.tokenUsage': { input_tokens: 7, output_tokens: 3 } } })
    ]);
    const g = traceFacts(parseOne(unknown));
    expect(Object.keys(g)).not.toContain('cost');
    expect(matches(q('cost IS NULL'), g)).toBe(true);
  });
});
