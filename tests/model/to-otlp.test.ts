/**
 * traceToOtlp: a trace written back as OTLP/JSON parses to the same tree
 * (what "Copy JSON" / "Open in New Tab" give for an output with several traces).
 */
import { Trace } from '../../src/model';
import { traceToOtlp } from '../../src/model/to-otlp';
import { fixture, parseOk, parseOne } from '../helpers/fixtures';

function view(t: Trace) {
  return t.spans.map(s => ({
    id: s.id,
    parentId: s.parentId,
    name: s.name,
    kind: s.kind,
    status: s.status,
    statusMessage: s.statusMessage,
    start: Math.round(s.start * 1000) / 1000,
    end: s.end === undefined ? undefined : Math.round(s.end * 1000) / 1000,
    depth: s.depth,
    inputs: s.inputs,
    outputs: s.outputs,
    tokens: s.tokens,
    events: s.events.map(e => e.name)
  }));
}

describe('traceToOtlp', () => {
  it.each([
    'mlflow/v3-trace__qa-chain-3spans-assessment-tokenusage__js-test-utils.json',
    'mlflow/v2-trace__nested-chain-chatmodel-llm__js-test-utils.json',
    'mlflow/v3-trace__otel-openinference-tool-call__js-test-utils.json',
    'otel/jaeger-ui-genai-agent-trace.jaeger.json'
  ])('round-trips %s', rel => {
    for (const t of parseOk(fixture(rel))) {
      const back = parseOne(JSON.parse(JSON.stringify(traceToOtlp(t))));
      expect(view(back)).toEqual(view(t));
      expect(back.id).toBe(t.id);
      if (t.startEpochMs) {
        expect(back.startEpochMs).toBeCloseTo(t.startEpochMs, 3);
      }
    }
  });

  it('keeps running spans running and values of every JSON type', () => {
    const t = parseOne({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  name: 'running',
                  startTimeUnixNano: '1700000000000000000',
                  attributes: [
                    { key: 'i', value: { intValue: '7' } },
                    { key: 'f', value: { doubleValue: 0.5 } },
                    { key: 'b', value: { boolValue: true } },
                    { key: 'a', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: '2' }] } } },
                    { key: 'o', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } }
                  ]
                }
              ]
            }
          ]
        }
      ]
    });
    const back = parseOne(traceToOtlp(t));
    expect(back.state).toBe('IN_PROGRESS');
    expect(back.spans[0].end).toBeUndefined();
    expect(back.spans[0].attributes).toEqual(t.spans[0].attributes);
  });
});
