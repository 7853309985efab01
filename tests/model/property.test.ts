/**
 * Property tests (fast-check): any JSON value, any text, and documents shaped
 * like MLflow v2/v3, OTLP/JSON and Jaeger with random field values (ids drawn
 * from a small pool, so parents hit, miss, repeat and loop) → parsePayload
 * never throws and never fails internally; when it reads traces, they are
 * sound (tests/corpus/invariants.ts: each span once, byId, parent/child links,
 * depths, finite times with end ≥ start, children by start) and buildRows
 * shows exactly the expanded-visible spans for several expansion states; for
 * the shaped documents no span object is lost and every name survives.
 *
 * Reproducible: a fixed seed (NBTRACE_FC_SEED overrides it), printed with
 * any failure together with the counterexample. NBTRACE_FC_SCALE multiplies
 * the number of runs.
 */
import fc from 'fast-check';
import { parsePayload, ParseResult, Trace } from '../../src/model';
import { ExpansionState } from '../../src/rows/expansion';
import { checkRows, checkTrace } from '../corpus/invariants';

const SEED = Number(process.env.NBTRACE_FC_SEED ?? 20250611);
const RUNS = 300;
/** NBTRACE_FC_SCALE=10 runs ten times as many cases (for a hunt; CI keeps the default). */
const SCALE = Number(process.env.NBTRACE_FC_SCALE ?? 1);

/** Run a property with the fixed seed; on failure, say the seed (fast-check adds the counterexample and path). */
function check<T>(arb: fc.Arbitrary<T>, predicate: (v: T) => void, numRuns = RUNS): void {
  try {
    fc.assert(fc.property(arb, predicate), { seed: SEED, numRuns: Math.round(numRuns * SCALE), endOnFailure: false });
  } catch (e) {
    throw new Error(`property failed with seed ${SEED} (rerun: NBTRACE_FC_SEED=${SEED})\n${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Real payloads come through JSON: no null-prototype objects, no -0, no undefined. */
const viaJson = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> => arb.map(v => JSON.parse(JSON.stringify(v) ?? 'null'));

/** The parse never throws nor hits its internal-error fallback; ok traces are sound. */
function parseSound(payload: unknown, toggles: number[] = []): ParseResult {
  const r = parsePayload(payload);
  if (!r.ok) {
    expect(typeof r.error).toBe('string');
    expect(r.error.length).toBeGreaterThan(0);
    expect(r.error).not.toMatch(/internal error/);
    return r;
  }
  for (const t of r.traces) {
    checkTrace(t);
    checkExpansions(t, toggles);
  }
  return r;
}

/** buildRows against an independent count: default, all, none, and the default with some spans toggled. */
function checkExpansions(t: Trace, toggles: number[]): void {
  checkRows(t, new ExpansionState());
  const all = new ExpansionState();
  all.expandAll();
  checkRows(t, all);
  const none = new ExpansionState({ defaultDepth: 0 });
  none.collapseAll();
  checkRows(t, none);
  if (t.spans.length > 0 && toggles.length > 0) {
    const mixed = new ExpansionState({ defaultDepth: 1, maxAutoExpandChildren: 2 });
    for (const i of toggles) {
      mixed.toggle(t.spans[i % t.spans.length]);
    }
    checkRows(t, mixed);
  }
}

// ------------------------------------------------------------------ field values

const LONE = ['\ud800', '\udfff', 'a\udc00b'];
const XSS = ['<script>window.__nbtracePwned=1</script>', '<img src=x onerror=alert(1)>', 'javascript:alert(1)'];
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('', ' ', '__proto__', 'constructor', 'toString', '\u202e', '🔥', ...LONE, ...XSS)
);
/** Anything a JSON field can hold, small. */
const junk = viaJson(fc.jsonValue({ maxDepth: 2 }));
/** Ids from one small pool of every odd form: parents then hit, miss, repeat and loop. */
const ID_POOL = [
  '0000000000000001',
  'AAAAAAAAAAE=', // base64 of ...01: the same id as above for MLflow
  '0x0000000000000002',
  '0000000000000002',
  '0000000000000003',
  'abcd', // valid hex and valid base64
  '0000000000000000',
  '',
  ' ',
  '🔥',
  '\ud800',
  'z'.repeat(40),
  7,
  1.5,
  -1,
  0
];
const id = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...ID_POOL) }, { weight: 1, arbitrary: junk });
const parentId = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ID_POOL) }, { weight: 1, arbitrary: fc.constantFrom(null, undefined) }, { weight: 1, arbitrary: junk });
const BASE = 1700000000000000000n;
/** Times: epoch ns (number or string), small fake ns, other units, out of range, junk. */
const time = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 10_000_000 }).map(d => (BASE + BigInt(d) * 1000n).toString()) },
  { weight: 2, arbitrary: fc.integer({ min: -1000, max: 100_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(1700000000, 1700000000000, 1700000000000000, 1.7e18, 1e400, -1e400, 0) },
  { weight: 1, arbitrary: fc.constantFrom('NaN', 'Infinity', '-Infinity', '9'.repeat(40), '2024-01-01T00:00:00Z', '0x10', '1_000', ' 5 ', '') },
  { weight: 1, arbitrary: junk }
);
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 4 });
const key = fc.oneof(text, fc.constantFrom('mlflow.spanInputs', 'mlflow.spanOutputs', 'mlflow.spanType', 'input.value', 'gen_ai.operation.name', 'openinference.span.kind', 'llm.input_messages.0.message.content', 'gen_ai.input.messages'));
const attrValue = fc.oneof(text, junk, junk.map(v => JSON.stringify(v)));
const attrObject = fc.dictionary(key, attrValue, { maxKeys: 4, noNullPrototype: true });

/** OTLP AnyValue, nested a little (arrays and kvlists), with wrong inner types now and then. */
const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>(tie => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text.map(s => ({ stringValue: s })),
    fc.oneof(fc.integer(), fc.constantFrom('12', 'abc', '123456789012345678901234')).map(i => ({ intValue: i })),
    fc.oneof(fc.double(), fc.constantFrom('NaN', 'x')).map(d => ({ doubleValue: d })),
    fc.oneof(fc.boolean(), fc.constantFrom('true', 'maybe')).map(b => ({ boolValue: b })),
    fc.array(tie('v'), { maxLength: 3 }).map(values => ({ arrayValue: { values } })),
    fc.array(fc.record({ key: text, value: tie('v') }), { maxLength: 3 }).map(values => ({ kvlistValue: { values } })),
    junk
  )
})).v;
const kvList = fc.array(fc.oneof({ weight: 6, arbitrary: fc.record({ key, value: anyValue }) }, { weight: 1, arbitrary: junk }), { maxLength: 4 });

// ------------------------------------------------------------------ documents

const mlflowV3Span = fc.record(
  {
    trace_id: fc.oneof(fc.constant('CvdlGRbNQ92ESOshHIAxnA=='), junk),
    span_id: id,
    parent_span_id: parentId,
    name: fc.oneof(text, junk),
    start_time_unix_nano: time,
    end_time_unix_nano: fc.oneof(time, fc.constant(null)),
    attributes: fc.oneof({ weight: 4, arbitrary: attrObject }, { weight: 1, arbitrary: junk }),
    status: fc.oneof(fc.record({ code: fc.oneof(fc.constantFrom('STATUS_CODE_OK', 'STATUS_CODE_ERROR', 'OK', 2), junk), message: fc.oneof(text, junk) }), junk),
    events: fc.oneof(fc.array(fc.oneof(fc.record({ name: fc.oneof(text, junk), time_unix_nano: time, attributes: fc.oneof(attrObject, junk) }), junk), { maxLength: 3 }), junk)
  },
  { requiredKeys: ['span_id', 'name'] }
);
const mlflowV2Span = fc.record(
  {
    name: fc.oneof(text, junk),
    context: fc.oneof({ weight: 4, arbitrary: fc.record({ span_id: id, trace_id: junk }, { requiredKeys: ['span_id'] }) }, { weight: 1, arbitrary: junk }),
    parent_id: parentId,
    start_time: time,
    end_time: time,
    status_code: fc.oneof(fc.constantFrom('OK', 'ERROR', 'UNSET'), junk),
    status_message: fc.oneof(text, junk),
    span_type: fc.oneof(fc.constantFrom('LLM', 'CHAIN', 'TOOL', 'UNKNOWN'), junk),
    attributes: fc.oneof(attrObject, junk),
    events: fc.oneof(fc.array(junk, { maxLength: 2 }), junk)
  },
  { requiredKeys: ['name', 'context'] }
);
const mlflowInfo = fc.record(
  {
    trace_id: fc.oneof(text, junk),
    request_id: fc.oneof(text, junk),
    state: fc.oneof(fc.constantFrom('OK', 'ERROR', 'IN_PROGRESS', 'STATE_UNSPECIFIED'), junk),
    status: junk,
    request_time: fc.oneof(fc.constant('2023-11-14T22:13:20Z'), junk),
    timestamp_ms: junk,
    trace_metadata: fc.oneof(attrObject, junk),
    request_metadata: fc.oneof(attrObject, junk),
    tags: fc.oneof(attrObject, junk)
  },
  { requiredKeys: [] }
);
const spanObjects = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown[]> =>
  fc.array(fc.oneof({ weight: 8, arbitrary: arb as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: junk }), { maxLength: 12 });
const mlflowV3 = fc.record({ info: mlflowInfo, data: fc.record({ spans: spanObjects(mlflowV3Span) }) });
const mlflowV2 = fc.record({ info: mlflowInfo.map(i => ({ request_id: 'tr-1', ...i })), data: fc.record({ spans: spanObjects(mlflowV2Span) }) });

const otlpSpan = fc.record(
  {
    traceId: fc.oneof(fc.constantFrom('0af7651916cd43dd8448eb211c80319c', 'CvdlGRbNQ92ESOshHIAxnA==', ''), junk),
    spanId: id,
    parentSpanId: parentId,
    name: fc.oneof(text, junk),
    kind: fc.oneof(fc.integer({ min: -1, max: 7 }), fc.constantFrom('SPAN_KIND_CLIENT', 'weird'), junk),
    startTimeUnixNano: time,
    endTimeUnixNano: time,
    attributes: fc.oneof({ weight: 4, arbitrary: kvList }, { weight: 1, arbitrary: junk }),
    events: fc.oneof(fc.array(fc.oneof(fc.record({ name: fc.oneof(text, junk), timeUnixNano: time, attributes: kvList }), junk), { maxLength: 3 }), junk),
    status: fc.oneof(fc.record({ code: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('STATUS_CODE_ERROR'), junk), message: fc.oneof(text, junk) }), junk)
  },
  { requiredKeys: ['spanId', 'traceId'] }
);
const otlpDoc = fc.record({
  resourceSpans: fc.array(
    fc.record({
      resource: fc.record({ attributes: kvList }),
      scopeSpans: fc.array(fc.record({ scope: fc.oneof(fc.record({ name: text }), junk), spans: fc.array(otlpSpan, { maxLength: 10 }) }), { minLength: 1, maxLength: 2 })
    }),
    { minLength: 1, maxLength: 2 }
  )
});

const jaegerTags = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.record({ key: text, type: fc.constantFrom('string', 'bool', 'int64', 'float64', 'binary', 'x'), value: fc.oneof(text, junk) }), { maxLength: 3 }) },
  { weight: 1, arbitrary: junk }
);
const jaegerSpan = fc.record(
  {
    traceID: fc.oneof(fc.constant('5b8efff798038103'), junk),
    spanID: id,
    operationName: fc.oneof(text, junk),
    references: fc.oneof(fc.array(fc.record({ refType: fc.oneof(fc.constantFrom('CHILD_OF', 'FOLLOWS_FROM', 'child_of'), junk), spanID: parentId }), { maxLength: 2 }), junk),
    parentSpanID: parentId,
    startTime: fc.oneof(fc.integer({ min: 0, max: 10_000_000 }).map(d => 1700000000000000 + d), time),
    duration: fc.oneof(fc.integer({ min: -5, max: 1_000_000 }), junk),
    tags: jaegerTags,
    logs: fc.oneof(fc.array(fc.oneof(fc.record({ timestamp: time, fields: jaegerTags }), junk), { maxLength: 2 }), junk),
    processID: fc.oneof(fc.constantFrom('p1', 'p2'), junk)
  },
  { requiredKeys: ['spanID', 'operationName'] }
);
const jaegerDoc = fc.record({
  traceID: fc.oneof(fc.constant('5b8efff798038103'), junk),
  spans: fc.array(jaegerSpan, { maxLength: 12 }),
  processes: fc.oneof(fc.record({ p1: fc.record({ serviceName: fc.oneof(text, junk) }) }), junk)
});

const toggles = fc.array(fc.nat({ max: 1000 }), { maxLength: 6 });

/** The span objects of a shaped document and the names they should show with. */
function expectedNames(doc: unknown): string[] {
  const name = (v: unknown): string => (typeof v === 'string' && v !== '' ? v : '(unnamed)');
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const d = doc as Record<string, any>;
  if (Array.isArray(d.resourceSpans)) {
    return d.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans.filter(isObj).map((s: any) => name(s.name))));
  }
  if (isObj(d.info)) {
    return d.data.spans.filter(isObj).map((s: any) => name(s.name));
  }
  return d.spans.filter(isObj).map((s: any) => name(s.operationName));
}

/** Shaped documents: parse sound, and every span object of the input shows, under its name. */
function noSpanLost([doc, t]: [unknown, number[]]): void {
  const r = parseSound(doc, t);
  const want = expectedNames(doc).sort();
  const got = r.ok ? r.traces.flatMap(tr => tr.spans.map(s => s.name)).sort() : [];
  expect(got).toEqual(want);
}

describe('parsePayload never throws, and what it reads is sound', () => {
  it('any JSON value', () => {
    check(fc.tuple(viaJson(fc.jsonValue({ maxDepth: 4 })), toggles), ([v, t]) => void parseSound(v, t), 500);
  });

  it('any text: JSON documents, JSON Lines of them, and arbitrary strings', () => {
    const lines = fc.array(fc.oneof(fc.json({ maxDepth: 3 }), fc.string({ maxLength: 10 })), { minLength: 1, maxLength: 4 }).map(l => l.join('\n'));
    check(fc.oneof(fc.json({ maxDepth: 3 }), lines, fc.string({ unit: 'binary', maxLength: 30 })), s => void parseSound(s), 300);
  });

  it('MLflow v3 traces with random field values: no span lost, names kept', () => {
    check(fc.tuple(viaJson(mlflowV3), toggles), noSpanLost);
  });

  it('MLflow v2 traces with random field values: no span lost, names kept', () => {
    check(fc.tuple(viaJson(mlflowV2), toggles), noSpanLost);
  });

  it('OTLP/JSON documents with random field values and AnyValues: no span lost, names kept', () => {
    check(fc.tuple(viaJson(otlpDoc), toggles), noSpanLost);
  });

  it('Jaeger traces with random field values: no span lost, names kept', () => {
    check(fc.tuple(viaJson(jaegerDoc), toggles), noSpanLost);
  });

  it('the same documents as JSON text, JSON Lines, lists and {traces: [...]} wrappers', () => {
    const doc = fc.oneof(viaJson(mlflowV3), viaJson(otlpDoc), viaJson(jaegerDoc), junk);
    const wrapped = fc.oneof(
      doc.map(d => JSON.stringify(d)),
      fc.array(doc, { minLength: 1, maxLength: 3 }).map(ds => ds.map(d => JSON.stringify(d)).join('\n')),
      fc.array(doc, { minLength: 1, maxLength: 3 }),
      fc.array(doc, { maxLength: 3 }).map(traces => ({ traces }))
    );
    check(fc.tuple(wrapped, toggles), ([v, t]) => void parseSound(v, t), 200);
  });
});
