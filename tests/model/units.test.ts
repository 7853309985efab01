/** Unit tests of the model's building blocks. */
import { decodeJson, decodeStructuredJson, jaegerTags, kvListToObject, unwrapAnyValue } from '../../src/model/attributes';
import { base64ToHex, normalizeMlflowId, normalizeOtelId } from '../../src/model/formats/ids';
import { exceptionMessage, normalizeStatus, spanInputs, spanOutputs } from '../../src/model/span-fields';
import { detectKind } from '../../src/model/kind';
import { durationMs, eventTimeNs, nsToEpochMs, relMs, toNs } from '../../src/model/time';
import { spanModel, spanTokens } from '../../src/model/tokens';
import { mlflowV3Span, mlflowV3Trace, parseOne, span } from '../helpers/fixtures';

describe('ids', () => {
  it.each([
    ['qWvPe1ekiz0=', 'a96bcf7b57a48b3d'],
    ['MTIzNA==', '31323334'],
    ['/mCYZRxbTqw=', 'fe6098651c5b4eac'],
    ['AQID', '010203']
  ])('base64 %s → %s', (b64, hex) => {
    expect(base64ToHex(b64)).toBe(hex);
    expect(normalizeMlflowId(b64)).toBe(hex);
  });

  it('MLflow rule details', () => {
    expect(normalizeMlflowId('0x8A90FC46E65EA5A4')).toBe('8a90fc46e65ea5a4');
    expect(normalizeMlflowId('8A90FC46E65EA5A4')).toBe('8a90fc46e65ea5a4'); // 16 chars: never base64
    expect(normalizeMlflowId('document-qa-chain')).toBe('document-qa-chain');
    expect(normalizeMlflowId('chat_span')).toBe('chat_span');
    expect(normalizeMlflowId('ab=c')).toBe('ab=c'); // invalid base64 → as given
    expect(normalizeMlflowId('tr-66aa81ba5c65ab67304427ca1f198354')).toBe('tr-66aa81ba5c65ab67304427ca1f198354');
    expect(normalizeMlflowId('')).toBeNull();
    expect(normalizeMlflowId(null)).toBeNull();
    expect(normalizeMlflowId(12)).toBe('12');
  });

  it('OTel ids: hex lowercased; base64 of 8/16 bytes accepted', () => {
    expect(normalizeOtelId('5B8EFFF798038103D269B633813FC60C')).toBe('5b8efff798038103d269b633813fc60c');
    expect(normalizeOtelId('qWvPe1ekiz0=')).toBe('a96bcf7b57a48b3d');
    expect(normalizeOtelId('VbLwSqviokaxFKxpUBGGaA==')).toBe('55b2f04aabe2a246b114ac6950118668');
    expect(normalizeOtelId('')).toBeNull();
    expect(normalizeOtelId('not-an-id')).toBe('not-an-id');
  });
});

describe('time', () => {
  it('toNs: strings exact, numbers, junk', () => {
    expect(toNs('1700000000000000001')).toBe(1700000000000000001n);
    expect(toNs(' 42 ')).toBe(42n);
    expect(toNs(1.6)).toBe(2n);
    expect(toNs('1.5e3')).toBe(1500n);
    expect(toNs('')).toBeUndefined();
    expect(toNs('abc')).toBeUndefined();
    expect(toNs(null)).toBeUndefined();
    expect(toNs(NaN)).toBeUndefined();
  });

  it('relMs subtracts before converting', () => {
    expect(relMs(1700000000000000003n, 1700000000000000001n)).toBe(0.000002);
    expect(nsToEpochMs(1700000000123456789n)).toBeCloseTo(1700000000123.4568, 3);
  });

  it('eventTimeNs picks the unit by magnitude', () => {
    const start = 1761103703884225000n;
    expect(eventTimeNs(1761103703884300n, start)).toBe(1761103703884300000n); // µs
    expect(eventTimeNs(1761103703885n, start)).toBe(1761103703885000000n); // ms
    expect(eventTimeNs(1761103704n, start)).toBe(1761103704000000000n); // s
    expect(eventTimeNs(1761103703884300000n, start)).toBe(1761103703884300000n); // ns
    expect(eventTimeNs(150n, 100n)).toBe(150n); // fake small ns stay
    expect(eventTimeNs(1761103703884300n, undefined)).toBe(1761103703884300000n);
    expect(eventTimeNs(1761103703885n, undefined)).toBe(1761103703885000000n);
    expect(eventTimeNs(undefined, start)).toBeUndefined();
  });

  it('durationMs', () => {
    expect(durationMs('32.583s')).toBe(32583);
    expect(durationMs('1.554s')).toBe(1554);
    expect(durationMs(200)).toBe(200);
    expect(durationMs('soon')).toBeUndefined();
  });
});

describe('attributes', () => {
  it('decodeJson falls back to the raw string and keeps non-strings', () => {
    expect(decodeJson('"LLM"')).toBe('LLM');
    expect(decodeJson('1')).toBe(1);
    expect(decodeJson('{"x": 2}')).toEqual({ x: 2 });
    expect(decodeJson('CHAT_MODEL')).toBe('CHAT_MODEL');
    expect(decodeJson('tool {')).toBe('tool {');
    const o = { a: 1 };
    expect(decodeJson(o)).toBe(o);
  });

  it('decodeStructuredJson leaves scalars as text', () => {
    expect(decodeStructuredJson('2')).toBe('2');
    expect(decodeStructuredJson('[1]')).toEqual([1]);
  });

  it('unwrapAnyValue handles deep nesting without recursion', () => {
    let v: Record<string, unknown> = { stringValue: 'leaf' };
    for (let i = 0; i < 20000; i++) {
      v = { arrayValue: { values: [v] } };
    }
    let out = unwrapAnyValue(v);
    let depth = 0;
    while (Array.isArray(out)) {
      out = out[0];
      depth++;
    }
    expect(depth).toBe(20000);
    expect(out).toBe('leaf');
    expect(unwrapAnyValue({ plain: 1 })).toEqual({ plain: 1 });
    expect(unwrapAnyValue({ doubleValue: 'NaN' })).toBeNaN();
  });

  it('kvListToObject and jaegerTags', () => {
    expect(kvListToObject([{ key: 'a', value: { intValue: '3' } }, { key: 'b', value: 'plain' }, null, { nokey: 1 }])).toEqual({ a: 3, b: 'plain' });
    expect(
      jaegerTags([
        { key: 'n', type: 'int64', value: '12' },
        { key: 'f', type: 'float64', value: '1.5' },
        { key: 'b', type: 'bool', value: 'true' },
        { key: 's', type: 'string', value: 'x' }
      ])
    ).toEqual({ n: 12, f: 1.5, b: true, s: 'x' });
  });
});

describe('kind', () => {
  it.each([
    [{ 'openinference.span.kind': 'retriever', 'mlflow.spanType': 'LLM' }, 'RETRIEVER'],
    [{ 'mlflow.spanType': 'my_custom' }, 'MY_CUSTOM'],
    [{ 'mlflow.spanType': 'UNKNOWN', 'gen_ai.operation.name': 'embeddings' }, 'EMBEDDING'],
    [{ 'gen_ai.operation.name': 'chat' }, 'CHAT_MODEL'],
    [{ 'gen_ai.operation.name': 'text_completion' }, 'LLM'],
    [{ 'gen_ai.operation.name': 'generate_content' }, 'LLM'],
    [{ 'gen_ai.operation.name': 'retrieval' }, 'RETRIEVER'],
    [{ 'gen_ai.operation.name': 'execute_tool' }, 'TOOL'],
    [{ 'gen_ai.operation.name': 'create_agent' }, 'AGENT'],
    [{ 'gen_ai.operation.name': 'invoke_agent' }, 'AGENT'],
    [{ 'gen_ai.operation.name': 'invoke_workflow' }, 'CHAIN'],
    [{ 'gen_ai.operation.name': 'something_new', 'gen_ai.tool.name': 'x' }, 'TOOL'],
    [{ 'gen_ai.system': 'openai', 'http.method': 'POST' }, 'LLM'],
    [{ 'llm.model_name': 'm' }, 'LLM'],
    [{ 'http.method': 'GET', 'db.system': 'pg' }, 'DB'],
    [{ 'http.route': '/' }, 'HTTP'],
    [{ 'rpc.system': 'grpc' }, 'RPC'],
    [{ 'messaging.system': 'kafka' }, 'MESSAGING'],
    [{ 'traceloop.span.kind': 'workflow', 'traceloop.entity.name': 'joke_workflow' }, 'WORKFLOW'],
    [{ 'traceloop.span.kind': 'task' }, 'TASK'],
    [{ 'traceloop.span.kind': 'agent' }, 'AGENT'],
    [{ 'traceloop.span.kind': 'tool', 'gen_ai.system': 'openai' }, 'TOOL'],
    [{ 'traceloop.span.kind': 'unknown', 'llm.request.type': 'chat' }, 'LLM'],
    [{ 'openinference.span.kind': 'TOOL', 'traceloop.span.kind': 'task' }, 'TOOL'],
    [{ foo: 1 }, 'UNKNOWN']
  ])('%j → %s', (attrs, kind) => {
    expect(detectKind(attrs)).toBe(kind);
  });

  it('the legacy span_type hint comes after the attribute kinds', () => {
    expect(detectKind({}, 'agent')).toBe('AGENT');
    expect(detectKind({ 'mlflow.spanType': 'CHAIN' }, 'TEST')).toBe('CHAIN');
  });
});

describe('tokens and model', () => {
  it('conventions', () => {
    expect(spanTokens({ 'mlflow.chat.tokenUsage': { input_tokens: 3, output_tokens: 4, cache_read_input_tokens: 1, cache_creation_input_tokens: 2 } })).toEqual({ input: 3, output: 4, total: 7, cacheRead: 1, cacheCreation: 2 });
    expect(spanTokens({ 'mlflow.chat.tokenUsage': '{"input_tokens": 1, "output_tokens": 1, "total_tokens": 5}' })).toEqual({ input: 1, output: 1, total: 5 });
    expect(spanTokens({ 'llm.token_count.prompt': 10, 'llm.token_count.completion': '5', 'llm.token_count.prompt_details.cache_read': 2, 'llm.token_count.completion_details.reasoning': 3 })).toEqual({ input: 10, output: 5, total: 15, cacheRead: 2, reasoning: 3 });
    expect(spanTokens({ 'gen_ai.usage.prompt_tokens': 8, 'gen_ai.usage.completion_tokens': 2 })).toEqual({ input: 8, output: 2, total: 10 });
    expect(spanTokens({ 'gen_ai.usage.input_tokens': 8, 'gen_ai.usage.reasoning.output_tokens': 4, 'gen_ai.usage.cache_read.input_tokens': 6 })).toEqual({ input: 8, total: 8, reasoning: 4, cacheRead: 6 });
    expect(spanTokens({ other: 1 })).toBeUndefined();
  });

  it('model keys in order', () => {
    expect(spanModel({ 'gen_ai.request.model': 'req', 'gen_ai.response.model': 'resp' })).toBe('resp');
    expect(spanModel({ 'llm.model_name': 'oi', 'gen_ai.response.model': 'resp' })).toBe('oi');
    expect(spanModel({ 'mlflow.llm.model': 'ml', 'llm.model_name': 'oi' })).toBe('ml');
    expect(spanModel({})).toBeUndefined();
  });

  it('roll-up: a span counts only if no ancestor reported usage; metadata total wins', () => {
    const usage = (i: number, o: number) => ({ 'mlflow.chat.tokenUsage': { input_tokens: i, output_tokens: o } });
    const spans = [
      mlflowV3Span({ id: 'agent-1', attributes: usage(30, 3) }), // wrapper: repeats its children's totals
      mlflowV3Span({ id: 'llm-a', parent: 'agent-1', attributes: usage(10, 1) }),
      mlflowV3Span({ id: 'llm-b', parent: 'agent-1', attributes: usage(20, 2) }),
      mlflowV3Span({ id: 'chain-2' }),
      mlflowV3Span({ id: 'llm-c', parent: 'chain-2', attributes: usage(5, 5) }),
      mlflowV3Span({ id: 'llm-d', parent: 'llm-c', attributes: usage(100, 100) }) // under a reporting span
    ];
    const t = parseOne(mlflowV3Trace(spans));
    expect(span(t, 'llm-a').tokens).toEqual({ input: 10, output: 1, total: 11 });
    expect(t.tokens).toEqual({ input: 35, output: 8, total: 43 }); // agent-1 (30/3) + llm-c (5/5)
    const withMeta = parseOne(
      mlflowV3Trace(spans, { trace_metadata: { 'mlflow.trace.tokenUsage': '{"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}' } })
    );
    expect(withMeta.tokens).toEqual({ input: 1, output: 2, total: 3 });
  });
});

describe('io and status', () => {
  it('inputs/outputs order', () => {
    expect(spanInputs({ 'mlflow.spanInputs': { a: 1 }, 'input.value': 'x' })).toEqual({ a: 1 });
    expect(spanInputs({ 'input.value': '{"q": 1}' })).toEqual({ q: 1 }); // parses as an object
    expect(spanInputs({ 'input.value': '42' })).toBe('42'); // a scalar without a JSON mime type stays text
    expect(spanInputs({ 'input.value': '42', 'input.mime_type': 'application/json' })).toBe(42);
    expect(spanInputs({ 'input.value': '{bad', 'input.mime_type': 'application/json' })).toBe('{bad');
    expect(spanInputs({ 'gen_ai.input.messages': '[{"role": "user"}]' })).toEqual([{ role: 'user' }]);
    expect(spanInputs({ 'gen_ai.tool.call.arguments': '{"a": 1}' })).toEqual({ a: 1 });
    expect(spanInputs({ 'tool_call.function.arguments': '{"b": 2}' })).toEqual({ b: 2 });
    expect(spanInputs({})).toBeUndefined();
    expect(spanOutputs({ 'gen_ai.tool.call.result': 'done' })).toBe('done');
    expect(spanOutputs({ 'mlflow.spanOutputs': null, 'output.value': 'x' })).toBeNull(); // an explicit None output
    expect(spanOutputs({ 'output.value': 'x' })).toBe('x');
  });

  it('status normalization', () => {
    expect([0, 1, 2, 3].map(normalizeStatus)).toEqual(['UNSET', 'OK', 'ERROR', 'UNSET']);
    expect(['STATUS_CODE_ERROR', 'STATUS_CODE_OK', 'STATUS_CODE_UNSET', 'ok', 'Error', undefined].map(normalizeStatus)).toEqual([
      'ERROR',
      'OK',
      'UNSET',
      'OK',
      'ERROR',
      'UNSET'
    ]);
  });

  it('exception message from an exception event', () => {
    expect(exceptionMessage([{ name: 'other', attributes: {} }, { name: 'exception', attributes: { 'exception.type': 'KeyError', 'exception.message': "'x'" } }])).toBe("KeyError: 'x'");
    expect(exceptionMessage([{ name: 'exception', attributes: { 'exception.message': 'only msg' } }])).toBe('only msg');
    expect(exceptionMessage([])).toBe('');
  });

  it('an MLflow ERROR span without message takes it from its exception event', () => {
    const t = parseOne(
      mlflowV3Trace([
        mlflowV3Span({
          id: 'a',
          status: 'STATUS_CODE_ERROR',
          events: [{ name: 'exception', time_unix_nano: 1700000000500000, attributes: { 'exception.type': 'ValueError', 'exception.message': 'bad', 'exception.stacktrace': 'Traceback…' } }]
        })
      ])
    );
    expect(t.spans[0].statusMessage).toBe('ValueError: bad');
    expect(t.spans[0].events[0].time).toBe(500); // µs event time
  });
});
