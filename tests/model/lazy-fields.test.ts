/**
 * The first-paint path (issue 17): spans derive attributes, kind, inputs,
 * tokens, cost… on first read, the trace rolls its totals up on first read,
 * and a big payload is read in steps. None of that may change what is read:
 * every field comes out the same whatever is read first, and the stepwise
 * read equals the all-at-once one.
 */
import { parsePayload, Span, Trace } from '../../src/model';
import { parseSteps } from '../../src/model/parse';
import { Progress, progressShare } from '../../src/model/steps';
import { countTotals, totalsCounted, totalsReady, COUNT_LATER_SPANS } from '../../src/model/trace-node';
import { SLICE_SPANS, spanCountHint } from '../../src/model/parse';
import { fixture, parseOk } from '../helpers/fixtures';
import { flatSpecs, otlpDoc } from '../helpers/synthetic';

const FIXTURES = [
  'mlflow/v3-trace__qa-chain-3spans-assessment-tokenusage__js-test-utils.json',
  'mlflow/v3-trace__otel-openinference-tool-call__js-test-utils.json',
  'mlflow/v2-trace__nested-chain-chatmodel-llm__js-test-utils.json',
  'otel/jaeger-ui-otlp-multi-resource.otlp.json',
  'otel/otlp-proto-examples-trace.json',
  'otel/jaeger-ui-genai-agent-trace.jaeger.json'
];

const LAZY: (keyof Span)[] = ['attributes', 'events', 'kind', 'inputs', 'outputs', 'tokens', 'cost', 'model', 'statusMessage'];
const PLAIN: (keyof Span)[] = ['id', 'parentId', 'name', 'status', 'start', 'end', 'depth', 'orphan'];

function spanRecord(s: Span, order: readonly (keyof Span)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) {
    out[k] = s[k];
  }
  for (const k of PLAIN) {
    out[k] = s[k];
  }
  out.children = s.children.map(c => c.id);
  return out;
}

function traceRecord(t: Trace, order: readonly (keyof Span)[], totalsFirst: boolean): Record<string, unknown> {
  const totals = totalsFirst ? { tokens: t.tokens, cost: t.cost } : {};
  const spans = t.spans.map(s => spanRecord(s, order));
  return { ...totals, id: t.id, name: t.name, state: t.state, duration: t.duration, warnings: t.warnings, spans, tokens: t.tokens, cost: t.cost };
}

describe.each(FIXTURES)('%s', name => {
  it('reads every span field the same whatever is read first', () => {
    const a = parseOk(fixture(name)).map(t => traceRecord(t, LAZY, false));
    const b = parseOk(fixture(name)).map(t => traceRecord(t, [...LAZY].reverse(), true));
    expect(b).toEqual(a);
  });

  it('is read the same in steps as all at once', () => {
    const steps = parseSteps(fixture(name));
    let r = steps.next();
    while (!r.done) {
      r = steps.next();
    }
    const stepwise = r.value;
    expect(stepwise.ok).toBe(true);
    const whole = parsePayload(fixture(name));
    if (stepwise.ok && whole.ok) {
      expect(stepwise.traces.map(t => traceRecord(t, LAZY, false))).toEqual(whole.traces.map(t => traceRecord(t, LAZY, false)));
    }
  });
});

describe('a big trace', () => {
  const n = SLICE_SPANS * 2 + 17;
  const doc = otlpDoc(
    flatSpecs(n).map((s, i) => ({ ...s, kind: i % 3 === 1 ? 'LLM' : 'TOOL', attributes: i % 3 === 1 ? { 'llm.token_count.prompt': 10, 'llm.token_count.completion': 2, 'llm.model_name': 'gpt-4o-mini' } : {} }))
  );

  it('pauses as it is read and built, with progress that only grows to the end', () => {
    const steps = parseSteps(doc);
    const seen: Progress[] = [];
    let r = steps.next();
    while (!r.done) {
      seen.push(r.value);
      r = steps.next();
    }
    expect(seen.length).toBeGreaterThan(8);
    expect(seen.some(p => p.phase === 'read')).toBe(true);
    expect(seen.some(p => p.phase === 'build')).toBe(true);
    const shares = seen.map(progressShare);
    shares.forEach((v, i) => expect(v).toBeGreaterThanOrEqual(i > 0 ? shares[i - 1] : 0));
    expect(shares[shares.length - 1]).toBeLessThanOrEqual(1);
    expect(r.value.ok && r.value.traces[0].spans.length).toBe(n);
  });

  it('says how many spans it holds from its shape, in each accepted wrapping', () => {
    expect(spanCountHint(doc)).toBe(n);
    expect(spanCountHint([doc, doc])).toBe(2 * n);
    expect(spanCountHint({ traces: [doc] })).toBe(n);
    expect(spanCountHint({ info: {}, data: { spans: [1, 2, 3] } })).toBe(3);
    expect(spanCountHint(JSON.stringify(doc))).toBeGreaterThan(n / 4);
    expect(spanCountHint(42)).toBe(0);
  });

  it('counts its totals in pieces, to the same totals as reading them at once', () => {
    const [t] = parseOk(doc);
    expect(totalsReady(t)).toBe(false);
    let pieces = 0;
    let budget = 0;
    while (!countTotals(t, () => ++budget % 4 !== 0)) {
      pieces++;
    }
    expect(pieces).toBeGreaterThan(2);
    expect(totalsCounted(t)).toBe(true);
    const [fresh] = parseOk(doc);
    expect(t.tokens).toEqual(fresh.tokens);
    expect(t.cost).toEqual(fresh.cost);
    // The root (a wrapper without usage of its own) sums its LLM children: every third span.
    expect(t.tokens?.input).toBe(10 * Math.floor((n - 1 + 2) / 3));
  });

  it('a small trace needs no counting', () => {
    const [t] = parseOk(otlpDoc(flatSpecs(COUNT_LATER_SPANS)));
    expect(totalsReady(t)).toBe(true);
  });
});

it('a field set on one snapshot of a live trace stays in that snapshot', () => {
  const payload = fixture('mlflow/v3-trace__qa-chain-3spans-assessment-tokenusage__js-test-utils.json');
  const running = { ...payload, info: { ...payload.info, state: 'IN_PROGRESS' } };
  const [a] = parseOk(running);
  const [b] = parseOk(JSON.parse(JSON.stringify(running)));
  const kind = b.spans[0].kind;
  a.spans[0].kind = 'CUSTOM';
  a.spans[0].tokens = { input: 1 };
  expect(a.spans[0].kind).toBe('CUSTOM');
  expect(b.spans[0].kind).toBe(kind);
  expect(a.spans[0].tokens).toEqual({ input: 1 });
  expect(b.spans[0].tokens).not.toEqual({ input: 1 });
});
