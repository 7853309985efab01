/**
 * Assessments from MLflow's `info.assessments`: the shared fixture's one
 * feedback, hand-made feedback / expectation / error / overridden ones, span
 * ids in any of MLflow's forms, and junk that is skipped, never thrown.
 */
import { readAssessments } from '../../../src/model/formats/assessments';
import { fixture, mlflowV3Span, mlflowV3Trace, otlpDoc, parseOne, TRACE_HEX } from '../../helpers/fixtures';

describe('readAssessments', () => {
  it('reads the fixture trace', () => {
    const t = parseOne(fixture('mlflow/v3-trace__qa-chain-3spans-assessment-tokenusage__js-test-utils.json'));
    expect(t.assessments).toEqual([
      {
        id: 'a-test-1',
        name: 'Relevance',
        kind: 'feedback',
        value: '5',
        rationale: 'The thought process is sound and follows from the request',
        error: undefined,
        sourceType: 'LLM_JUDGE',
        sourceId: '1',
        spanId: null,
        time: '2025-04-19T09:04:07.875Z'
      }
    ]);
  });

  it('reads feedback, expectations, errors and span targets; skips overridden and junk entries', () => {
    const list = readAssessments([
      { assessment_name: 'contains', span_id: null, source: { source_type: 'code' }, feedback: { value: true }, rationale: '' },
      { assessment_name: 'judge', span_id: 'AAAAAAAAAAE=', source: {}, feedback: { error: { error_code: 'X', error_message: 'timeout' } } },
      { assessment_name: 'expected_response', expectation: { value: 'Paris' }, span_id: '0x00000000000000ff' },
      { assessment_name: 'serialized', expectation: { serialized_value: { value: '{"a": 1}' } } },
      { assessment_name: 'old', feedback: { value: 1 }, valid: false },
      { feedback: { value: 1 } },
      { assessment_name: 'neither' },
      'junk',
      null
    ]);
    expect(list.map(a => [a.name, a.kind, a.value, a.error, a.sourceType, a.spanId, a.rationale])).toEqual([
      ['contains', 'feedback', true, undefined, 'CODE', null, undefined],
      ['judge', 'feedback', undefined, 'timeout', 'UNSPECIFIED', '0000000000000001', undefined],
      ['expected_response', 'expectation', 'Paris', undefined, 'UNSPECIFIED', '00000000000000ff', undefined],
      ['serialized', 'expectation', '{"a": 1}', undefined, 'UNSPECIFIED', null, undefined]
    ]);
    expect(readAssessments({ not: 'a list' })).toEqual([]);
  });

  it('puts them on the parsed trace, and other formats have none', () => {
    const doc = mlflowV3Trace([mlflowV3Span({ id: 'AAAAAAAAAAE=' })], {
      assessments: [{ assessment_name: 'no_errors', feedback: { value: false }, span_id: 'AAAAAAAAAAE=', source: { source_type: 'CODE' } }]
    });
    const t = parseOne(doc);
    expect(t.assessments).toHaveLength(1);
    expect(t.byId.has(t.assessments[0].spanId!)).toBe(true);
    const otlp = otlpDoc([{ traceId: TRACE_HEX, spanId: '1111111111111111', name: 'r', startTimeUnixNano: '1', endTimeUnixNano: '2' }]);
    expect(parseOne(otlp).assessments).toEqual([]);
  });
});
