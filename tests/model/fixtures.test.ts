/**
 * Every shared fixture parses, checked against numbers verified by hand from
 * the fixture files (see the comments next to each expectation).
 */
import { parsePayload } from '../../src/model';
import { fixture, fixtureText, mlflowV3Span, mlflowV3Trace, otlpAttributes, otlpDoc, parseOne, span, TRACE_HEX } from '../helpers/fixtures';

const MLFLOW = 'mlflow/';
const OTEL = 'otel/';

describe('MLflow v2 trace: predict + add_one (tests/tracing/helper.py V2_TRACE_DICT)', () => {
  const data = fixture(`${MLFLOW}v2-trace__predict-add-one-2spans__tests-tracing-helper.json`);
  const t = parseOne(data);

  it('reads the info', () => {
    expect(t.id).toBe('58f4e27101304034b15c512b603bf1b2');
    expect(t.format).toBe('mlflow-v2');
    expect(t.name).toBe('predict'); // tag mlflow.traceName
    expect(t.state).toBe('OK');
    expect(t.warnings).toEqual([]);
  });

  it('builds the 2-span tree with ns → ms relative times', () => {
    expect(t.spans.map(s => s.id)).toEqual(['0d48a6670588966b', '6fc32f36ef591f60']);
    expect(t.roots.map(s => s.name)).toEqual(['predict']);
    const child = span(t, '6fc32f36ef591f60');
    expect(child.parentId).toBe('0d48a6670588966b');
    expect(child.depth).toBe(1);
    expect(t.roots[0].children).toEqual([child]);
    // start_time 100 ns is the trace start: root 100..200 ns, child 300..400 ns.
    expect(t.roots[0].start).toBe(0);
    expect(t.roots[0].end).toBeCloseTo(0.0001, 10);
    expect(child.start).toBeCloseTo(0.0002, 10);
    expect(child.end).toBeCloseTo(0.0003, 10);
    expect(t.duration).toBeCloseTo(0.0003, 10);
    expect(t.startEpochMs).toBeCloseTo(0.0001, 10);
  });

  it('decodes JSON-encoded attributes, kinds and inputs/outputs', () => {
    const [root, child] = t.spans;
    expect(root.kind).toBe('UNKNOWN');
    expect(child.kind).toBe('LLM');
    expect(root.inputs).toEqual({ x: 2, y: 5 });
    expect(root.outputs).toBe(8);
    expect(child.inputs).toEqual({ z: 7 });
    expect(child.attributes.delta).toBe(1);
    expect(child.attributes.metadata).toEqual({ foo: 'bar' });
    expect(child.attributes.datetime).toBe('2025-04-29 08:37:06.772253');
    expect(child.attributes['mlflow.spanFunctionName']).toBe('add_one');
    expect(root.status).toBe('OK');
    expect(child.tokens).toBeUndefined();
    expect(t.tokens).toBeUndefined();
  });

  it('flattens request_metadata and tags into metadata', () => {
    expect(t.metadata['mlflow.traceName']).toBe('predict');
    expect(t.metadata['mlflow.source.type']).toBe('LOCAL');
    expect(t.metadata['mlflow.traceInputs']).toEqual({ x: 2, y: 5 });
    expect(t.metadata['mlflow.trace_schema.version']).toBe('2'); // plain strings stay strings
    expect(t.metadata['info.execution_duration_ms']).toBe(200);
    expect(t.metadata['data.request']).toEqual({ x: 2, y: 5 });
  });

  it('gives the same result from the JSON text', () => {
    const fromText = parseOne(fixtureText(`${MLFLOW}v2-trace__predict-add-one-2spans__tests-tracing-helper.json`));
    expect(fromText.spans.map(s => [s.id, s.start, s.end, s.kind])).toEqual(
      t.spans.map(s => [s.id, s.start, s.end, s.kind])
    );
  });
});

describe('MLflow v2 trace: CHAIN → CHAT_MODEL → LLM (MOCK_TRACE)', () => {
  const t = parseOne(fixture(`${MLFLOW}v2-trace__nested-chain-chatmodel-llm__js-test-utils.json`));

  it('keeps non-hex ids as given and links 3 levels', () => {
    expect(t.id).toBe('1');
    expect(t.format).toBe('mlflow-v2');
    expect(t.name).toBe('document-qa-chain'); // tags: [] → first root's name
    expect(t.spans.map(s => [s.id, s.parentId, s.depth, s.kind])).toEqual([
      ['document-qa-chain', null, 0, 'CHAIN'],
      ['_generate_response', 'document-qa-chain', 1, 'CHAT_MODEL'],
      ['rephrase_chat_to_queue', '_generate_response', 2, 'LLM']
    ]);
  });

  it('times: 0–25 s, 3–8 s, 8–8.5 s', () => {
    expect(t.spans.map(s => [s.start, s.end])).toEqual([
      [0, 25000],
      [3000, 8000],
      [8000, 8500]
    ]);
    expect(t.duration).toBe(25000);
    expect(t.startEpochMs).toBe(0);
  });

  it('reads the legacy status {status_code: 1, description: "OK"} as OK with no message', () => {
    for (const s of t.spans) {
      expect(s.status).toBe('OK');
      expect(s.statusMessage).toBe('');
    }
    expect(t.state).toBe('OK');
    expect(t.spans[1].inputs).toEqual({ query: '_generate_response-input' });
  });

  it('parses a bare list of these spans as one trace', () => {
    const bare = parseOne(fixture(`${MLFLOW}v2-trace__nested-chain-chatmodel-llm__js-test-utils.json`).data.spans);
    expect(bare.spans.map(s => s.id)).toEqual(t.spans.map(s => s.id));
    expect(bare.id).toBe('1'); // the spans' context.trace_id
  });
});

describe('MLflow v3 trace: qa chain with token usage and assessment (MOCK_V3_TRACE)', () => {
  const t = parseOne(fixture(`${MLFLOW}v3-trace__qa-chain-3spans-assessment-tokenusage__js-test-utils.json`));

  it('decodes short base64 span ids to hex', () => {
    // qWvPe1ekiz0= → a9 6b cf 7b 57 a4 8b 3d; MTIzNA== → "1234" → 31323334; MTIzNDU= → "12345".
    expect(t.spans.map(s => [s.id, s.parentId])).toEqual([
      ['a96bcf7b57a48b3d', null],
      ['31323334', 'a96bcf7b57a48b3d'],
      ['3132333435', '31323334']
    ]);
    expect(t.spans.map(s => s.depth)).toEqual([0, 1, 2]);
  });

  it('reads info v3', () => {
    expect(t.id).toBe('tr-test-v3');
    expect(t.format).toBe('mlflow-v3');
    expect(t.state).toBe('OK');
    expect(t.name).toBe('document-qa-chain');
    expect(t.metadata['info.execution_duration_ms']).toBe(32583); // "32.583s"
    expect(t.metadata['info.experiment_id']).toBe('3363486573189371');
    expect(t.metadata['mlflow.traceInputs']).toBe('test inputs');
    expect((t.metadata['info.assessments'] as unknown[]).length).toBe(1);
  });

  it('tolerates attributes that are not JSON-encoded', () => {
    expect(t.spans.map(s => s.kind)).toEqual(['CHAT_MODEL', 'CHAIN', 'LLM']);
    expect(t.spans[0].inputs).toBe('document-qa-chain-input');
    expect(t.spans[2].outputs).toBe('rephrase_chat_to_queue-output');
    expect(t.spans[0].attributes['mlflow.traceRequestId']).toBe('tr-edb54b3d53a44732b8c61530d50b065a');
  });

  it('string nanos: all spans 0–25 s; trace tokens from mlflow.trace.tokenUsage', () => {
    expect(t.spans.map(s => [s.start, s.end])).toEqual([
      [0, 25000],
      [0, 25000],
      [0, 25000]
    ]);
    expect(t.duration).toBe(25000);
    expect(t.tokens).toEqual({ input: 100, output: 200, total: 300 });
  });
});

describe('MLflow v3 trace ingested from OpenInference over OTLP (MOCK_OTEL_TRACE)', () => {
  const t = parseOne(fixture(`${MLFLOW}v3-trace__otel-openinference-tool-call__js-test-utils.json`));

  it('ids, tree and real nanosecond times', () => {
    // i8XoH5ibpGc= → 8bc5e81f989ba467, yuhZxKf3p8w= → cae859c4a7f7a7cc
    expect(t.spans.map(s => [s.id, s.parentId])).toEqual([
      ['8bc5e81f989ba467', null],
      ['cae859c4a7f7a7cc', '8bc5e81f989ba467']
    ]);
    // 1757912313258527000 - 1757912311704325000 = 1554202000 ns
    expect(t.duration).toBeCloseTo(1554.202, 9);
    const tool = t.spans[1];
    expect(tool.start).toBeCloseTo(881.448, 9); // ...312585773000 - ...311704325000
    expect(tool.end).toBeCloseTo(881.909, 9);
    expect(t.startEpochMs).toBeCloseTo(1757912311704.325, 3);
  });

  it('OpenInference kind and tool_call.function.arguments as inputs', () => {
    const [root, tool] = t.spans;
    expect(root.kind).toBe('UNKNOWN');
    expect(tool.kind).toBe('TOOL');
    expect(root.inputs).toBe('Now multiply that result by 3');
    expect(root.outputs).toBe('Multiplying 25 by 3 gives you 75.');
    expect(tool.inputs).toEqual({ expression: '25 * 3' });
    expect(tool.outputs).toBe('Result: 75');
    expect(t.spans.map(s => s.status)).toEqual(['UNSET', 'UNSET']);
    expect(t.state).toBe('OK'); // from info
    expect(t.id).toBe('tr-b4b75f11c8c04dd7fddae56c28c6ccfd');
    expect(t.metadata['info.execution_duration_ms']).toBe(1554);
  });
});

describe('MLflow span dicts, one per schema variant (tests/entities/test_span.py)', () => {
  const dicts = fixture(`${MLFLOW}span-dicts__schema-variants-v2-v3-error__tests-entities-test-span.json`);

  it('v2 hex ids', () => {
    const t = parseOne(dicts['v2_span_schema__mlflow_2.x__hex_ids__from_test_from_v2_dict']);
    expect(t.format).toBe('mlflow-v2');
    expect(t.id).toBe('tr-123'); // mlflow.traceRequestId
    const s = t.spans[0];
    expect(s.id).toBe('8a90fc46e65ea5a4');
    expect(s.kind).toBe('LLM');
    expect(s.inputs).toEqual({ input: 1 });
    expect(s.outputs).toBe(2);
    expect(s.attributes.key).toBe(3);
    // 1738662899068969049 - 1738662897576578992 = 1492390057 ns; the JSON numbers exceed 2^53
    // (already rounded by JSON.parse to 256 ns steps), so only ~µs precision is possible here.
    expect(s.end).toBeCloseTo(1492.39, 2);
    expect(t.warnings).toEqual([]);
  });

  it('v3 base64 ids; event time_unix_nano that is really µs', () => {
    const t = parseOne(dicts['v3_span_schema__base64_ids_with_trace_state__from_test_load_from_old_span_dict']);
    expect(t.format).toBe('mlflow-v3');
    expect(t.id).toBe('tr-66aa81ba5c65ab67304427ca1f198354');
    const s = t.spans[0];
    expect(s.id).toBe('fe6098651c5b4eac'); // /mCYZRxbTqw=
    expect(s.parentId).toBe('7faaa5298a93c361'); // f6qlKYqTw2E=
    expect(s.orphan).toBe(true); // the parent is not in this one-span payload
    expect(t.warnings.some(w => w.includes('7faaa5298a93c361'))).toBe(true);
    expect(s.end).toBeCloseTo(0.229, 3); // 229000 ns (numbers past 2^53: ~256 ns error)
    expect(s.kind).toBe('LLM');
    // Event at 1761105506649041 µs = 1761105506649041000 ns; span start 1761103703884225000 ns.
    expect(s.events).toHaveLength(1);
    expect(s.events[0].name).toBe('agent_action');
    expect(s.events[0].time).toBeCloseTo(1802764.816, 2);
    // Event attributes are not JSON-encoded: kept verbatim.
    expect(s.events[0].attributes.tool_input).toBe('"What is MLflow?"');
  });

  it('v3 error status', () => {
    const t = parseOne(dicts['v3_span_schema__base64_ids_error_status__from_test_span_from_dict_old_format']);
    const s = t.spans[0];
    expect(s.id).toBe('49dfe5d19b383378'); // Sd/l0Zs4M3g=
    expect(s.status).toBe('ERROR');
    expect(s.statusMessage).toBe('Error occurred');
    expect(t.state).toBe('ERROR'); // no info: derived from the root
    expect([s.start, s.end]).toEqual([0, 1000]); // 1e9 → 2e9 ns
    expect(t.startEpochMs).toBe(1000);
    expect(s.outputs).toEqual({ result: 'success' });
    expect(s.attributes.custom).toBe('value');
  });

  it('MLflow 3.5.0 shape: hex span ids, "tr-" trace id, status "OK"', () => {
    const t = parseOne(dicts['v3_span_schema__mlflow_3.5.0_only__hex_ids_plain_status__from_test_load_from_3_5_0_span_dict']);
    const s = t.spans[0];
    // Same span as the base64 variant: the ids must normalize identically.
    expect(s.id).toBe('fe6098651c5b4eac');
    expect(s.parentId).toBe('7faaa5298a93c361');
    expect(s.status).toBe('OK');
    expect(t.id).toBe('tr-66aa81ba5c65ab67304427ca1f198354');
  });
});

describe('MLflow span payloads (chat inputs/outputs)', () => {
  const payloads = fixture(`${MLFLOW}span-payloads__langchain-openai-llamaindex-chat__js-test-utils.json`);

  it('MOCK_CHAT_TOOL_CALL_SPAN: one v2 span with raw-object attributes', () => {
    const t = parseOne(payloads.MOCK_CHAT_TOOL_CALL_SPAN);
    expect(t.spans).toHaveLength(1);
    const s = t.spans[0];
    expect(s.id).toBe('chat_span'); // 9 chars, not valid base64 → kept
    expect(s.kind).toBe('CHAT_MODEL');
    expect(s.status).toBe('OK');
    expect([s.start, s.end]).toEqual([0, 5]); // 3.1e6 → 8.1e6 ns
    expect((s.inputs as any).model).toBe('gpt-4o-mini');
    expect((s.inputs as any).messages).toHaveLength(3);
    expect((s.outputs as any).choices[0].message.content).toMatch(/scarecrow/);
    expect(s.attributes['mlflow.chat.tools']).toEqual(payloads.MOCK_CHAT_TOOL_CALL_SPAN.attributes['mlflow.chat.tools']);
  });

  it('chat inputs/outputs survive as JSON-encoded span attributes', () => {
    for (const [inKey, outKey] of [
      ['MOCK_OPENAI_CHAT_INPUT', 'MOCK_OPENAI_CHAT_OUTPUT'],
      ['MOCK_LANGCHAIN_CHAT_INPUT', 'MOCK_LANGCHAIN_CHAT_OUTPUT'],
      ['MOCK_OPENAI_CHAT_INPUT', 'MOCK_LLAMA_INDEX_CHAT_OUTPUT']
    ]) {
      const t = parseOne(
        mlflowV3Trace([
          mlflowV3Span({
            id: 'aaaaaaaaaaaaaaaa',
            attributes: { 'mlflow.spanType': 'CHAT_MODEL', 'mlflow.spanInputs': payloads[inKey], 'mlflow.spanOutputs': payloads[outKey] }
          })
        ])
      );
      expect(t.spans[0].inputs).toEqual(payloads[inKey]);
      expect(t.spans[0].outputs).toEqual(payloads[outKey]);
    }
  });

  it('the bare payload values are not traces: a clear error, no throw', () => {
    for (const key of ['MOCK_OPENAI_CHAT_INPUT', 'MOCK_LANGCHAIN_CHAT_OUTPUT', 'MOCK_LANGCHAIN_CHAT_INPUT']) {
      const r = parsePayload(payloads[key]);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toMatch(/Expected an MLflow trace/);
    }
  });
});

describe('OTLP: opentelemetry-proto examples/trace.json', () => {
  const t = parseOne(fixture(`${OTEL}otlp-proto-examples-trace.json`));

  it('lowercases hex ids; the parent is missing → orphan with a warning', () => {
    expect(t.id).toBe('5b8efff798038103d269b633813fc60c');
    expect(t.format).toBe('otlp');
    const s = t.spans[0];
    expect(s.id).toBe('eee19b7ec3c1b174');
    expect(s.parentId).toBe('eee19b7ec3c1b173');
    expect(s.orphan).toBe(true);
    expect(t.roots).toEqual([s]);
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toMatch(/eee19b7ec3c1b173/);
  });

  it('times, kind attribute, resource and scope', () => {
    const s = t.spans[0];
    expect([s.start, s.end]).toEqual([0, 1000]);
    expect(t.startEpochMs).toBe(1544712660000);
    expect(s.attributes['otel.span_kind']).toBe('SERVER'); // kind 2
    expect(s.attributes['my.span.attr']).toBe('some value');
    expect(s.attributes['service.name']).toBe('my.service');
    expect(s.attributes['otel.scope.name']).toBe('my.library');
    expect(t.metadata['resource.service.name']).toBe('my.service');
    expect(s.kind).toBe('UNKNOWN');
    expect(s.status).toBe('UNSET');
    expect(t.state).toBe('UNSET');
    expect(t.name).toBe("I'm a server span");
  });
});

describe('OTLP: jaeger-ui multi-resource (4 resourceSpans, one trace)', () => {
  const t = parseOne(fixture(`${OTEL}jaeger-ui-otlp-multi-resource.otlp.json`));

  it('links parents across resources', () => {
    expect(t.id).toBe('c620759e5d60fafb8ee0922b30e06bc6');
    expect(t.spans.map(s => [s.name, s.id, s.depth])).toEqual([
      ['main', 'eff3153be6b1fb93', 0],
      ['info', '49b8e9efa1e8a3b1', 1],
      ['ohboy.do', '26f5ef9dbb885479', 2],
      ['ohboy.do', 'e76628f4e6dde174', 2]
    ]);
    expect(t.warnings).toEqual([]);
    expect(t.spans.every(s => !s.orphan)).toBe(true);
  });

  it('ms relative to main (1711138246940000000 ns)', () => {
    const [main, info, a, b] = t.spans;
    expect([main.start, main.end]).toEqual([0, 176.321958]);
    expect(info.start).toBe(3);
    expect(info.end).toBeCloseTo(176.150875, 9);
    expect(a.start).toBe(38);
    expect(a.end).toBeCloseTo(84.460625, 9);
    expect(b.start).toBe(85);
    expect(b.end).toBeCloseTo(156.35525, 9);
    expect(t.duration).toBeCloseTo(176.321958, 9);
    expect(t.startEpochMs).toBe(1711138246940);
  });

  it('status {} is UNSET; kind 1 is INTERNAL', () => {
    expect(t.spans.map(s => s.status)).toEqual(['UNSET', 'UNSET', 'UNSET', 'UNSET']);
    expect(t.spans.map(s => s.attributes['otel.span_kind'])).toEqual(['INTERNAL', 'INTERNAL', 'INTERNAL', 'INTERNAL']);
    expect(t.spans[0].attributes['otel.scope.name']).toBe('widgets');
    expect(t.spans[2].attributes['otel.scope.name']).toBe('ohboy');
    expect(t.metadata['resource.telemetry.sdk.language']).toBe('nodejs');
  });
});

describe('Jaeger JSON: GenAI agent trace (57 spans, 10 services)', () => {
  const data = fixture(`${OTEL}jaeger-ui-genai-agent-trace.jaeger.json`);
  const t = parseOne(data);

  it('one root, 57 spans, µs → ms', () => {
    expect(t.format).toBe('jaeger');
    expect(t.id).toBe('4a1b2c3d4e5f60718293a4b5c6d7e8f9');
    expect(t.spans).toHaveLength(57);
    expect(t.roots.map(r => r.name)).toEqual(['POST /api/graphql']);
    expect(t.name).toBe('POST /api/graphql');
    expect(t.duration).toBe(44000); // root: 44 000 000 µs
    expect(t.startEpochMs).toBe(1770000000001); // 1770000000001000 µs
    expect(t.warnings).toEqual([]);
  });

  it('tree shape from CHILD_OF references', () => {
    expect(span(t, '0000000000000002').children.map(c => c.id)).toEqual(['0000000000000003', '0000000000000004']);
    expect(span(t, '0000000000000004').children).toHaveLength(14);
    const deepest = span(t, '0000000000000037'); // 01→02→04→32→33→35→36→37
    expect(deepest.depth).toBe(7);
    expect(deepest.parentId).toBe('0000000000000036');
    const chat = span(t, '0000000000000005');
    expect([chat.start, chat.end]).toEqual([4, 1804]); // +4000 µs, 1 800 000 µs long
  });

  it('kinds from gen_ai.operation.name and OTel namespaces', () => {
    const count: Record<string, number> = {};
    for (const s of t.spans) {
      count[s.kind] = (count[s.kind] ?? 0) + 1;
    }
    expect(count).toEqual({ HTTP: 29, UNKNOWN: 2, AGENT: 2, CHAT_MODEL: 5, TOOL: 7, DB: 9, RETRIEVER: 3 });
  });

  it('the error tag; no other errors', () => {
    const errors = t.spans.filter(s => s.status === 'ERROR').map(s => s.id);
    expect(errors).toEqual(['0000000000000011']);
    expect(t.state).toBe('UNSET'); // the root is not ERROR and nothing runs
  });

  it('tokens per chat span and the trace roll-up', () => {
    expect(span(t, '0000000000000005').tokens).toEqual({ input: 1840, output: 260, total: 2100, cacheRead: 920 });
    expect(span(t, '0000000000000036').tokens).toEqual({ input: 920, output: 140, total: 1060, cacheRead: 460 });
    // 4 × model-a (1840/260/920) + 1 × model-b (920/140/460)
    expect(t.tokens).toEqual({ input: 8280, output: 1180, total: 9460, cacheRead: 4140 });
    expect(span(t, '0000000000000005').model).toBe('model-a');
    expect(span(t, '0000000000000036').model).toBe('model-b');
  });

  it('GenAI inputs/outputs, tool arguments/results, service names', () => {
    const chat = span(t, '0000000000000005');
    expect((chat.inputs as any)[0].parts[0].content).toBe('Why did the checkout latency regress this afternoon?');
    expect((chat.outputs as any)[0].role).toBe('assistant');
    const tool = span(t, '0000000000000007');
    expect(tool.inputs).toEqual({ window: '1h' });
    expect(tool.outputs).toEqual({ status: 'ok', rows: 12 });
    expect(span(t, '0000000000000001').attributes['service.name']).toBe('api-edge');
    expect(span(t, '0000000000000035').attributes['service.name']).toBe('summarizer-agent');
    expect(span(t, '0000000000000001').attributes['http.response.status_code']).toBe(200);
    expect(span(t, '0000000000000011').attributes.error).toBe(true);
    expect(span(t, '0000000000000001').attributes['otel.span_kind']).toBe('SERVER');
    expect((t.metadata['service.name'] as string[]).length).toBe(10);
  });

  it('the query-API wrapper {data: [trace]} gives the same trace', () => {
    const w = parseOne({ data: [data] });
    expect(w.spans.map(s => s.id)).toEqual(t.spans.map(s => s.id));
    expect(w.tokens).toEqual(t.tokens);
  });
});

/** Wrap an attribute map into an OTLP span and into an MLflow v3 span. */
function wrapBoth(attrs: Record<string, unknown>) {
  const otlp = parseOne(
    otlpDoc([
      {
        traceId: TRACE_HEX,
        spanId: 'b7ad6b7169203331',
        name: 'llm call',
        kind: 3,
        startTimeUnixNano: '1760000000000000000',
        endTimeUnixNano: '1760000001500000000',
        attributes: otlpAttributes(attrs),
        status: { code: 1 }
      }
    ])
  );
  const mlflow = parseOne(mlflowV3Trace([mlflowV3Span({ id: 'b7ad6b7169203331', name: 'llm call', attributes: attrs })]));
  return [otlp.spans[0], mlflow.spans[0]];
}

describe('attribute-map fixtures wrapped into spans', () => {
  it('OpenInference LLM attributes', () => {
    const attrs = fixture(`${OTEL}openinference-llm-tool-calls.attributes.json`);
    for (const s of wrapBoth(attrs)) {
      expect(s.kind).toBe('LLM');
      expect(s.model).toBe('gpt-4-0613');
      expect(s.tokens).toEqual({ input: 97, output: 52, total: 149 });
      const inputs = s.inputs as any; // input.mime_type application/json → decoded
      expect(inputs.model).toBe('gpt-4');
      expect(inputs.messages).toHaveLength(3);
      expect(inputs.messages[1].parts[1].name).toBe('get_weather');
      expect(s.outputs).toEqual({
        text: 'The weather in Paris is currently rainy with a temperature of 57°F.',
        finish_reason: 'stop'
      });
      // The flattened attributes stay available for the detail panel.
      expect(s.attributes['llm.input_messages.2.message.content']).toBe('rainy, 57°F');
    }
  });

  it('OTel GenAI attributes', () => {
    const attrs = fixture(`${OTEL}otel-genai-llm-tool-calls.attributes.json`);
    for (const s of wrapBoth(attrs)) {
      expect(s.kind).toBe('CHAT_MODEL'); // gen_ai.operation.name = chat
      expect(s.model).toBe('gpt-4-0613'); // response model beats request model "gpt-4"
      expect(s.tokens).toEqual({ input: 97, output: 52, total: 149 });
      const inputs = s.inputs as any[];
      expect(inputs).toHaveLength(3);
      expect(inputs[2].parts[0].type).toBe('tool_call_response');
      expect(s.outputs).toEqual([
        {
          role: 'assistant',
          parts: [{ type: 'text', content: 'The weather in Paris is currently rainy with a temperature of 57°F.' }],
          finish_reason: 'stop'
        }
      ]);
      expect(s.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
      expect(s.attributes['gen_ai.request.temperature']).toBe(0.5);
    }
  });
});
