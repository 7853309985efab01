/** Hand-made payloads for the quirks no fixture covers. */
import { parsePayload } from '../../src/model';
import {
  mlflowV3Span,
  mlflowV3Trace,
  otlpAttributes,
  otlpDoc,
  parseError,
  parseOk,
  parseOne,
  span,
  TRACE_HEX
} from '../helpers/fixtures';

const NS0 = 1_700_000_000_000_000_000n;
/** Absolute ns (string) for `ms` after NS0. */
const at = (ms: number): string => String(NS0 + BigInt(Math.round(ms * 1e6)));

/** A compact MLflow v3 trace: [id, parent, startMs, endMs | null]. */
function chain(specs: [string, string | null, number, number | null][], info: Record<string, unknown> = {}) {
  return mlflowV3Trace(
    specs.map(([id, parent, s, e]) => mlflowV3Span({ id, parent, start: at(s), end: e === null ? null : at(e) })),
    info
  );
}

describe('tree building', () => {
  it('orders roots and children by start, stable for ties', () => {
    const t = parseOne(
      chain([
        ['r2', null, 50, 60],
        ['r1', null, 0, 100],
        ['c3', 'r1', 30, 40],
        ['c1', 'r1', 10, 20],
        ['c2', 'r1', 10, 25], // same start as c1, later in input → after c1
        ['g1', 'c1', 11, 12]
      ])
    );
    expect(t.roots.map(s => s.id)).toEqual(['r1', 'r2']);
    expect(span(t, 'r1').children.map(s => s.id)).toEqual(['c1', 'c2', 'c3']);
    expect(t.spans.map(s => s.id)).toEqual(['r1', 'c1', 'g1', 'c2', 'c3', 'r2']); // pre-order
    expect(t.spans.map(s => s.depth)).toEqual([0, 1, 2, 1, 1, 0]);
    expect(t.byId.size).toBe(6);
    expect(t.warnings).toEqual([]);
  });

  it('orphans go to the top level with orphan: true and a warning', () => {
    const t = parseOne(
      chain([
        ['root-0', null, 0, 10],
        ['lost-1', 'nowhere', 5, 6],
        ['kid', 'lost-1', 5.5, 5.6]
      ])
    );
    expect(t.roots.map(s => [s.id, s.orphan])).toEqual([
      ['root-0', false],
      ['lost-1', true]
    ]);
    expect(span(t, 'kid').depth).toBe(1);
    expect(span(t, 'kid').orphan).toBe(false);
    expect(span(t, 'lost-1').parentId).toBe('nowhere');
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toMatch(/"nowhere".*not in this trace/);
  });

  it('an all-zero parent id (OTel "invalid span id") means root, without a warning', () => {
    const t = parseOne(
      otlpDoc([{ traceId: TRACE_HEX, spanId: '1111111111111111', parentSpanId: '0000000000000000', name: 'r', startTimeUnixNano: at(0), endTimeUnixNano: at(1) }])
    );
    expect(t.roots[0].orphan).toBe(false);
    expect(t.roots[0].parentId).toBeNull();
    expect(t.warnings).toEqual([]);
  });

  it('breaks a 2-cycle: the span that closes it becomes an orphan root', () => {
    const t = parseOne(
      chain([
        ['root-0', null, 0, 10],
        ['a', 'b', 1, 2],
        ['b', 'a', 3, 4]
      ])
    );
    // Walking up from a: a → b → a. b's link closes the loop, so b is cut loose.
    expect(t.roots.map(s => s.id)).toEqual(['root-0', 'b']);
    expect(span(t, 'b').orphan).toBe(true);
    expect(span(t, 'b').children.map(s => s.id)).toEqual(['a']);
    expect(t.spans).toHaveLength(3);
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toMatch(/cycle/);
  });

  it('breaks a self-parent and a longer cycle with a tail hanging off it', () => {
    const t = parseOne(
      chain([
        ['self-1', 'self-1', 0, 1],
        ['x', 'z', 2, 3],
        ['y', 'x', 4, 5],
        ['z', 'y', 6, 7],
        ['tail-1', 'y', 8, 9]
      ])
    );
    expect(span(t, 'self-1').orphan).toBe(true);
    expect(span(t, 'self-1').depth).toBe(0);
    // x → z → y → x: y closes the loop (the last span reached before a repeat).
    expect(t.roots.map(s => s.id)).toEqual(['self-1', 'y']);
    expect(t.spans.map(s => [s.id, s.depth])).toEqual([
      ['self-1', 0],
      ['y', 0],
      ['z', 1],
      ['x', 2],
      ['tail-1', 1]
    ]);
    expect(t.warnings.filter(w => /own parent/.test(w))).toHaveLength(1);
    expect(t.warnings.filter(w => /cycle/.test(w))).toHaveLength(1);
  });

  it('renames duplicate ids (id#2, id#3) and links children to the first', () => {
    const t = parseOne(
      chain([
        ['dup', null, 0, 10],
        ['dup', null, 1, 2],
        ['dup', null, 3, 4],
        ['kid', 'dup', 5, 6]
      ])
    );
    expect(t.spans.map(s => s.id)).toEqual(['dup', 'kid', 'dup#2', 'dup#3']);
    expect(span(t, 'kid').depth).toBe(1);
    expect(span(t, 'dup#3').start).toBe(3);
    expect(t.warnings.filter(w => /Duplicate span id "dup"/.test(w))).toHaveLength(2);
  });

  it('clamps end < start to start, with a warning', () => {
    const t = parseOne(chain([['r', null, 10, 4]]));
    expect(t.spans[0].start).toBe(0);
    expect(t.spans[0].end).toBe(0);
    expect(t.warnings[0]).toMatch(/ends before it starts/);
    expect(t.duration).toBe(0);
  });

  it('missing fields: no id, no name, no times, no status, no attributes', () => {
    const t = parseOne({ info: { trace_id: 'tr-x' }, data: { spans: [{}, { name: 'named', span_id: 'abcdef0123456789' }] } });
    expect(t.spans).toHaveLength(2);
    const blank = t.spans.find(s => s.name === '(unnamed)')!;
    expect(blank.start).toBe(0);
    expect(blank.end).toBeUndefined();
    expect(blank.status).toBe('UNSET');
    expect(blank.kind).toBe('UNKNOWN');
    expect(blank.attributes).toEqual({});
    expect(blank.id).toBe('(no id)');
    expect(t.state).toBe('IN_PROGRESS'); // no info state, spans without end
  });

  it('warnings are capped per category', () => {
    const specs: [string, string | null, number, number | null][] = [];
    for (let i = 0; i < 500; i++) {
      specs.push([`s${i}`, `missing${i}`, i, i + 1]);
    }
    const t = parseOne(chain(specs));
    expect(t.roots).toHaveLength(500);
    expect(t.warnings.length).toBeLessThan(30);
    expect(t.warnings[t.warnings.length - 1]).toMatch(/480 more orphan/);
  });
});

describe('running spans', () => {
  it('end null while running; duration counts the running span start', () => {
    const t = parseOne(
      chain(
        [
          ['r', null, 0, null],
          ['c', 'r', 5, 7],
          ['d', 'r', 9, null]
        ],
        { state: 'IN_PROGRESS' }
      )
    );
    expect(span(t, 'r').end).toBeUndefined();
    expect(span(t, 'd').end).toBeUndefined();
    expect(span(t, 'c').end).toBe(7);
    expect(t.duration).toBe(9);
    expect(t.state).toBe('IN_PROGRESS');
  });

  it('IN_PROGRESS trace with end 0 (v2 info.status) → running', () => {
    const t = parseOne({
      info: { request_id: 'abc', status: 'IN_PROGRESS', tags: [{ key: 'mlflow.traceName', value: 'live' }] },
      data: {
        spans: [
          { name: 'root', context: { span_id: '0x00000000000000aa', trace_id: '0x1' }, parent_id: null, start_time: 1e15, end_time: 0, status_code: 'UNSET' }
        ]
      }
    });
    expect(t.spans[0].end).toBeUndefined();
    expect(t.state).toBe('IN_PROGRESS');
    expect(t.name).toBe('live'); // tags as a [{key, value}] list
    expect(t.warnings).toEqual([]);
  });

  it('without info the state is derived: running → IN_PROGRESS, root error → ERROR, else OK', () => {
    const spans = (endB: string | null, status = 'STATUS_CODE_OK') => [
      mlflowV3Span({ id: 'a', start: at(0), end: at(10), status }),
      mlflowV3Span({ id: 'b', parent: 'a', start: at(1), end: endB })
    ];
    expect(parseOne({ spans: spans(null) }).state).toBe('IN_PROGRESS');
    expect(parseOne({ spans: spans(at(2), 'STATUS_CODE_ERROR') }).state).toBe('ERROR');
    expect(parseOne({ spans: spans(at(2)) }).state).toBe('OK');
  });
});

describe('nanosecond precision beyond 2^53', () => {
  it('string nanos differing by 1 ns stay distinct', () => {
    const doc = otlpDoc([
      { traceId: TRACE_HEX, spanId: '00000000000000a1', name: 'a', startTimeUnixNano: '1700000000000000001', endTimeUnixNano: '1700000000000000003' },
      { traceId: TRACE_HEX, spanId: '00000000000000a2', parentSpanId: '00000000000000a1', name: 'b', startTimeUnixNano: '1700000000000000002', endTimeUnixNano: '1700000000000000003' }
    ]);
    const t = parseOne(doc);
    expect(t.spans.map(s => [s.start, s.end])).toEqual([
      [0, 0.000002],
      [0.000001, 0.000002]
    ]);
    expect(t.duration).toBe(0.000002);
    expect(t.startEpochMs).toBeCloseTo(1700000000000.000001, 3);
  });

  it('MLflow v3 string nanos with 1 ns steps', () => {
    const t = parseOne(
      mlflowV3Trace([
        mlflowV3Span({ id: 'a', start: '1761103703884225001', end: '1761103703884225999' }),
        mlflowV3Span({ id: 'b', parent: 'a', start: '1761103703884225002', end: '1761103703884225003' })
      ])
    );
    expect(span(t, 'a').end).toBeCloseTo(0.000998, 12);
    expect(span(t, 'b').start).toBeCloseTo(0.000001, 12);
  });
});

describe('event timestamps', () => {
  const withEvent = (eventTime: unknown, start = '1761103703884225000') =>
    parseOne(
      mlflowV3Trace([
        mlflowV3Span({ id: 'a', start, end: null, events: [{ name: 'e', time_unix_nano: eventTime, attributes: { k: 'v' } }] })
      ])
    ).spans[0].events[0];

  it('µs stored in a *_nano field (MLflow < 3.10.1) is detected by magnitude', () => {
    expect(withEvent(1761103703884300).time).toBeCloseTo(0.075, 6); // 1761103703884300 µs
  });
  it('real ns is kept', () => {
    expect(withEvent('1761103703884300000').time).toBeCloseTo(0.075, 9);
  });
  it('ms epoch is scaled too', () => {
    expect(withEvent(1761103703885).time).toBeCloseTo(0.775, 6);
  });
  it('fake small ns (test payloads) stay on the span scale', () => {
    expect(withEvent(150, '100').time).toBeCloseTo(0.00005, 12);
  });
  it('an event without time has time undefined', () => {
    expect(withEvent(undefined).time).toBeUndefined();
  });
});

describe('ids', () => {
  it('MLflow rule: ids shorter than 16 chars that are valid base64 are decoded (as the MLflow UI does)', () => {
    // "root" is valid base64 (0xae 0x8a 0x2d); "root-0" and "chat_span" are not.
    const t = parseOne(chain([['root', null, 0, 2], ['root-0', 'root', 0, 1]]));
    expect(t.spans.map(s => [s.id, s.parentId])).toEqual([
      ['ae8a2d', null],
      ['root-0', 'ae8a2d']
    ]);
  });

  it('0x-prefixed v2 ids (MLflow < 2.21.1) → lowercase hex, parent links resolve', () => {
    const t = parseOne({
      info: { request_id: 'tr-1', status: 'OK' },
      data: {
        spans: [
          { name: 'root', context: { span_id: '0x0D48A6670588966B', trace_id: '0xABC' }, parent_id: null, start_time: 1, end_time: 9, status_code: 'OK' },
          { name: 'kid', context: { span_id: '0x1234', trace_id: '0xABC' }, parent_id: '0x0d48a6670588966b', start_time: 2, end_time: 3, status_code: 'OK' }
        ]
      }
    });
    // "0x1234" is hex, never base64 (even though "1234" alone is valid base64).
    expect(t.spans.map(s => [s.id, s.parentId])).toEqual([
      ['0d48a6670588966b', null],
      ['1234', '0d48a6670588966b']
    ]);
  });

  it('upper-case OTLP ids are lowercased and still link', () => {
    const t = parseOne(
      otlpDoc([
        { traceId: TRACE_HEX.toUpperCase(), spanId: 'AAAAAAAAAAAAAAAA', name: 'p', startTimeUnixNano: at(0), endTimeUnixNano: at(1) },
        { traceId: TRACE_HEX, spanId: 'bbbbbbbbbbbbbbbb', parentSpanId: 'AaAaAaAaAaAaAaAa', name: 'c', startTimeUnixNano: at(0.5), endTimeUnixNano: at(1) }
      ])
    );
    expect(t.id).toBe(TRACE_HEX);
    expect(t.spans.map(s => [s.id, s.depth])).toEqual([
      ['aaaaaaaaaaaaaaaa', 0],
      ['bbbbbbbbbbbbbbbb', 1]
    ]);
  });
});

describe('input shapes', () => {
  const docA = otlpDoc([{ traceId: TRACE_HEX, spanId: '1111111111111111', name: 'root', startTimeUnixNano: at(0), endTimeUnixNano: at(10) }]);
  const docB = otlpDoc([{ traceId: TRACE_HEX, spanId: '2222222222222222', parentSpanId: '1111111111111111', name: 'kid', startTimeUnixNano: at(1), endTimeUnixNano: at(2) }]);
  const otherTrace = otlpDoc([{ traceId: 'ffffffffffffffffffffffffffffffff', spanId: '3333333333333333', name: 'other', startTimeUnixNano: at(0), endTimeUnixNano: at(1) }]);

  it('JSON Lines (OTel file exporter): lines of one trace are merged; blank lines ok', () => {
    const text = `${JSON.stringify(docB)}\n\n${JSON.stringify(docA)}\r\n${JSON.stringify(otherTrace)}\n`;
    const traces = parseOk(text);
    expect(traces.map(t => t.id)).toEqual([TRACE_HEX, 'ffffffffffffffffffffffffffffffff']);
    expect(traces[0].spans.map(s => [s.name, s.depth])).toEqual([
      ['root', 0],
      ['kid', 1]
    ]);
    expect(traces[0].warnings).toEqual([]);
  });

  it('JSON Lines with a broken line → error naming the line', () => {
    expect(parseError(`${JSON.stringify(docA)}\n{not json\n`)).toMatch(/line 2 is not valid JSON/);
  });

  it('several trace ids in one OTLP document → several traces, in order of appearance', () => {
    const doc = otlpDoc([
      { traceId: 'ffffffffffffffffffffffffffffffff', spanId: '3333333333333333', name: 'f', startTimeUnixNano: at(5), endTimeUnixNano: at(6) },
      { traceId: TRACE_HEX, spanId: '1111111111111111', name: 'a', startTimeUnixNano: at(0), endTimeUnixNano: at(1) },
      { traceId: 'ffffffffffffffffffffffffffffffff', spanId: '4444444444444444', parentSpanId: '3333333333333333', name: 'g', startTimeUnixNano: at(5.5), endTimeUnixNano: at(6) }
    ]);
    const traces = parseOk(doc);
    expect(traces.map(t => [t.id, t.spans.length, t.name])).toEqual([
      ['ffffffffffffffffffffffffffffffff', 2, 'f'],
      [TRACE_HEX, 1, 'a']
    ]);
    expect(traces[0].spans[1].start).toBe(0.5);
  });

  it('a list of traces (one per output) of mixed formats', () => {
    const mlflow = chain([['r', null, 0, 1]]);
    const traces = parseOk([mlflow, docA, JSON.stringify(mlflow)]);
    expect(traces.map(t => t.format)).toEqual(['mlflow-v3', 'otlp', 'mlflow-v3']);
  });

  it('a list with one unreadable item keeps the rest and says what was skipped', () => {
    const traces = parseOk([chain([['r', null, 0, 1]]), 42]);
    expect(traces).toHaveLength(1);
    expect(traces[0].warnings.some(w => /Item 2 of 2/.test(w))).toBe(true);
  });

  it('MLflow TraceData without info, a single bare span, a Databricks V4 key/value attribute list', () => {
    const t1 = parseOne({ spans: [mlflowV3Span({ id: 'a', attributes: { 'mlflow.traceRequestId': 'tr-9' } })], request: '{"q": 1}', response: '"ok"' });
    expect(t1.id).toBe('tr-9');
    expect(t1.metadata['data.request']).toEqual({ q: 1 });
    const t2 = parseOne(mlflowV3Span({ id: 'b', attributes: { 'mlflow.spanType': 'TOOL' } }));
    expect(t2.spans[0].kind).toBe('TOOL');
    const v4 = {
      ...mlflowV3Span({ id: 'c' }),
      attributes: [
        { key: 'mlflow.spanType', value: { string_value: '"RETRIEVER"' } },
        { key: 'mlflow.spanInputs', value: { stringValue: '{"query": "x"}' } },
        { key: 'mlflow.chat.tokenUsage', value: { string_value: '{"input_tokens": 5, "output_tokens": 7}' } }
      ]
    };
    const s = parseOne(mlflowV3Trace([v4])).spans[0];
    expect(s.kind).toBe('RETRIEVER');
    expect(s.inputs).toEqual({ query: 'x' });
    expect(s.tokens).toEqual({ input: 5, output: 7, total: 12 });
  });

  it('info v2 request_metadata/tags as lists; v3 execution_duration_ms int; legacy status with a message', () => {
    const t = parseOne({
      info: {
        request_id: 'r1',
        status: 'ERROR',
        execution_time_ms: 12,
        request_metadata: [{ key: 'mlflow.traceInputs', value: '{"a": 1}' }],
        tags: [{ key: 'team', value: 'x' }]
      },
      data: {
        spans: [{ name: 'boom', context: { span_id: 'a1b2c3d4e5f60708', trace_id: 'x' }, parent_id: null, start_time: 5, end_time: 6, status: { status_code: 2, description: 'Bad thing' } }]
      }
    });
    expect(t.metadata).toMatchObject({ 'mlflow.traceInputs': { a: 1 }, team: 'x', 'info.execution_duration_ms': 12 });
    expect(t.spans[0].status).toBe('ERROR');
    expect(t.spans[0].statusMessage).toBe('Bad thing');
    expect(t.state).toBe('ERROR');
    const v3 = parseOne(mlflowV3Trace([mlflowV3Span({ id: 'a' })], { execution_duration_ms: 42 }));
    expect(v3.metadata['info.execution_duration_ms']).toBe(42);
  });

  it('double-encoded JSON text (a JSON string holding the document)', () => {
    const t = parseOne(JSON.stringify(JSON.stringify(docA)));
    expect(t.spans[0].name).toBe('root');
  });

  it('{traces: [...]} holder', () => {
    expect(parseOk({ traces: [chain([['r', null, 0, 1]]), docA] })).toHaveLength(2);
  });

  it('empty but well-formed documents give no traces (not an error)', () => {
    expect(parseOk({ resourceSpans: [] })).toEqual([]);
    expect(parseOk({ data: [] })).toEqual([]);
  });
});

describe('OTLP details', () => {
  it('unwraps every AnyValue type, legacy instrumentationLibrarySpans, enum names and events', () => {
    const doc = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          instrumentationLibrarySpans: [
            {
              instrumentationLibrary: { name: 'old-lib' },
              spans: [
                {
                  traceId: TRACE_HEX,
                  spanId: '1111111111111111',
                  parentSpanId: '',
                  name: 'op',
                  kind: 'SPAN_KIND_CLIENT',
                  startTimeUnixNano: 1700000000000000000,
                  endTimeUnixNano: '1700000000500000000',
                  attributes: [
                    { key: 's', value: { stringValue: 'x' } },
                    { key: 'b', value: { boolValue: true } },
                    { key: 'i1', value: { intValue: '42' } },
                    { key: 'i2', value: { intValue: 7 } },
                    { key: 'big', value: { intValue: '12345678901234567890' } },
                    { key: 'd', value: { doubleValue: 1.5 } },
                    { key: 'bytes', value: { bytesValue: 'AQID' } },
                    { key: 'arr', value: { arrayValue: { values: [{ intValue: '1' }, { stringValue: 'two' }, { arrayValue: { values: [{ boolValue: false }] } }] } } },
                    { key: 'kv', value: { kvlistValue: { values: [{ key: 'inner', value: { kvlistValue: { values: [{ key: 'deep', value: { doubleValue: 2 } }] } } }] } } },
                    { key: 'mlflow.spanType', value: { stringValue: '"TOOL"' } },
                    { key: 'service.name', value: { stringValue: 'own' } }
                  ],
                  events: [
                    { timeUnixNano: '1700000000100000000', name: 'exception', attributes: [{ key: 'exception.type', value: { stringValue: 'ValueError' } }, { key: 'exception.message', value: { stringValue: 'bad input' } }] }
                  ],
                  status: { code: 'STATUS_CODE_ERROR' }
                }
              ]
            }
          ]
        }
      ]
    };
    const t = parseOne(doc);
    const s = t.spans[0];
    expect(s.attributes).toMatchObject({
      s: 'x',
      b: true,
      i1: 42,
      i2: 7,
      big: '12345678901234567890',
      d: 1.5,
      bytes: 'AQID',
      arr: [1, 'two', [false]],
      kv: { inner: { deep: 2 } },
      'mlflow.spanType': 'TOOL', // MLflow-over-OTLP values are JSON-decoded
      'service.name': 'own', // the span's own value wins over the resource's
      'otel.span_kind': 'CLIENT',
      'otel.scope.name': 'old-lib'
    });
    expect(s.kind).toBe('TOOL');
    expect(s.end).toBe(500);
    expect(s.status).toBe('ERROR');
    expect(s.statusMessage).toBe('ValueError: bad input'); // from the exception event
    expect(s.events[0]).toEqual({ name: 'exception', time: 100, attributes: { 'exception.type': 'ValueError', 'exception.message': 'bad input' } });
    expect(t.state).toBe('ERROR');
  });

  it('status codes 0/1/2 and a missing end (running)', () => {
    const mk = (id: string, code: unknown, end?: string) => ({ traceId: TRACE_HEX, spanId: id, name: id, startTimeUnixNano: at(0), ...(end ? { endTimeUnixNano: end } : {}), status: { code } });
    const t = parseOne(otlpDoc([mk('0000000000000001', 0, at(1)), mk('0000000000000002', 1, at(1)), mk('0000000000000003', 2), mk('0000000000000004', undefined, '0')]));
    expect(t.spans.map(s => [s.status, s.end])).toEqual([
      ['UNSET', 1],
      ['OK', 1],
      ['ERROR', undefined],
      ['UNSET', undefined] // proto3 0 = unset
    ]);
  });
});

describe('Jaeger details', () => {
  it('otel.status_code tags, logs as events, FOLLOWS_FROM, processes', () => {
    const t = parseOne({
      traceID: 'ABCDEF0123456789',
      spans: [
        { traceID: 'abcdef0123456789', spanID: 'A1', operationName: 'root', references: [], startTime: 1700000000000000, duration: 1000, tags: [{ key: 'otel.status_code', type: 'string', value: 'ERROR' }, { key: 'otel.status_description', type: 'string', value: 'failed' }], logs: [{ timestamp: 1700000000000500, fields: [{ key: 'event', type: 'string', value: 'retry' }, { key: 'attempt', type: 'int64', value: '2' }] }], processID: 'p1' },
        { traceID: 'abcdef0123456789', spanID: 'B2', operationName: 'next', references: [{ refType: 'FOLLOWS_FROM', spanID: 'a1' }], startTime: 1700000000000200, duration: 100, tags: [], processID: 'p1' }
      ],
      processes: { p1: { serviceName: 'svc', tags: [] } }
    });
    expect(t.id).toBe('abcdef0123456789');
    const [root, next] = t.spans;
    expect([root.status, root.statusMessage]).toEqual(['ERROR', 'failed']);
    expect(root.events).toEqual([{ name: 'retry', time: 0.5, attributes: { event: 'retry', attempt: 2 } }]);
    expect(next.parentId).toBe('a1');
    expect(next.depth).toBe(1);
    expect(next.start).toBe(0.2);
    expect(next.attributes['service.name']).toBe('svc');
    expect(t.state).toBe('ERROR');
  });
});

describe('garbage never throws and explains what was expected', () => {
  const cases: [string, unknown, RegExp][] = [
    ['null', null, /got null/],
    ['undefined', undefined, /got nothing/],
    ['a number', 42, /got the number 42/],
    ['a boolean', true, /got the boolean true/],
    ['plain text', 'hello', /not JSON.*"hello"/],
    ['empty text', '   ', /empty text/],
    ['an empty list', [], /empty list/],
    ['an empty object', {}, /got an empty object/],
    ['resourceSpans not a list', { resourceSpans: 'x' }, /"resourceSpans" is string instead of a list/],
    ['unknown keys', { foo: 1, bar: 2 }, /got an object with keys: foo, bar/],
    ['MLflow info without spans', { info: { request_id: 'x' }, data: {} }, /data\.spans is missing/],
    ['MLflow info only', { info: { trace_id: 'x' } }, /no data\.spans/],
    ['a list of numbers', [1, 2], /None of the 2 items could be read/],
    ['JSON text of a number', '42', /got the number 42/],
    ['spans that are not spans', { spans: [1, 2] }, /"spans" list holds/],
    ['a function', () => 1, /Expected an MLflow trace/],
    ['a bigint', BigInt(5), /Expected an MLflow trace/]
  ];
  it.each(cases)('%s', (_label, input, message) => {
    let r: ReturnType<typeof parsePayload> | undefined;
    expect(() => (r = parsePayload(input))).not.toThrow();
    expect(r!.ok).toBe(false);
    const error = (r as { error: string }).error;
    expect(error).toMatch(message);
    expect(error.length).toBeLessThan(600);
  });

  it('a payload whose getters throw still yields {ok: false}', () => {
    const evil = {
      get resourceSpans(): unknown {
        throw new Error('nope');
      }
    };
    const r = parsePayload(evil);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/nope/);
  });

  it('junk inside otherwise valid documents is skipped with warnings', () => {
    const t = parseOne({ resourceSpans: [null, { scopeSpans: [{ spans: [null, { traceId: TRACE_HEX, spanId: '1111111111111111', name: 'ok' }] }] }] });
    expect(t.spans.map(s => s.name)).toEqual(['ok']);
    expect(t.warnings.length).toBeGreaterThanOrEqual(2);
  });
});

describe('scale (iterative everywhere)', () => {
  it('a 10,000-level chain', () => {
    const n = 10000;
    const spans = [];
    for (let i = 0; i < n; i++) {
      spans.push({ traceId: TRACE_HEX, spanId: i.toString(16).padStart(16, '0'), parentSpanId: i ? (i - 1).toString(16).padStart(16, '0') : '', name: `s${i}`, startTimeUnixNano: at(i), endTimeUnixNano: at(2 * n - i), attributes: otlpAttributes({ 'gen_ai.usage.input_tokens': 1 }) });
    }
    const t = parseOne(otlpDoc(spans));
    expect(t.spans).toHaveLength(n);
    expect(t.spans[n - 1].depth).toBe(n - 1);
    expect(t.roots).toHaveLength(1);
    expect(t.tokens).toEqual({ input: 1, total: 1 }); // only the outermost span counts
    expect(t.duration).toBe(2 * n);
  });

  it('a 10,000-span cycle', () => {
    const n = 10000;
    const specs: [string, string | null, number, number | null][] = [];
    for (let i = 0; i < n; i++) {
      specs.push([`s${i}`, `s${(i + 1) % n}`, i, i + 1]);
    }
    const t = parseOne(chain(specs));
    expect(t.spans).toHaveLength(n);
    expect(t.roots).toHaveLength(1);
    expect(t.warnings.filter(w => /cycle/.test(w))).toHaveLength(1);
  });

  it('100k flat spans', () => {
    const n = 100000;
    const spans = [{ traceId: TRACE_HEX, spanId: 'ffffffffffffffff', name: 'root', startTimeUnixNano: at(0), endTimeUnixNano: at(n) }];
    for (let i = 0; i < n - 1; i++) {
      spans.push({ traceId: TRACE_HEX, spanId: i.toString(16).padStart(16, '0'), parentSpanId: 'ffffffffffffffff', name: `s${i}`, startTimeUnixNano: at(n - i), endTimeUnixNano: at(n - i + 0.5) } as any);
    }
    const t = parseOne(otlpDoc(spans));
    expect(t.spans).toHaveLength(n);
    expect(t.roots[0].children).toHaveLength(n - 1);
    expect(t.roots[0].children[0].start).toBe(2); // sorted by start
    expect(t.duration).toBe(n + 0.5);
  });
});
