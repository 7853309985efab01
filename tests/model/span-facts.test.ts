/**
 * The builder's span facts (errors, running spans, errors below): what the
 * header and the rows read instead of walking every span. They must equal a
 * plain count over the built spans, for every fixture and for a big tree with
 * errors and running spans scattered through it.
 */
import { readdirSync } from 'fs';
import { join } from 'path';
import { Span, Trace } from '../../src/model';
import { fixture, FIXTURES, parseOk } from '../helpers/fixtures';
import { bushySpecs, parseSpecs, SpanSpec } from '../helpers/synthetic';

/** Errors below each span by walking its subtree (the slow, obvious way). */
function naiveErrorBelow(trace: Trace): Set<Span> {
  const out = new Set<Span>();
  const hasError = (s: Span): boolean => s.children.some(c => c.status === 'ERROR' || hasError(c));
  for (const s of trace.spans) {
    if (hasError(s)) {
      out.add(s);
    }
  }
  return out;
}

function expectFacts(trace: Trace): void {
  expect(trace.facts).toBeDefined();
  const f = trace.facts!;
  expect(f.errors).toBe(trace.spans.filter(s => s.status === 'ERROR').length);
  expect(f.running).toBe(trace.spans.filter(s => s.end === undefined).length);
  expect([...f.errorBelow].map(s => s.id).sort()).toEqual([...naiveErrorBelow(trace)].map(s => s.id).sort());
}

describe('span facts counted by the builder', () => {
  const files = ['mlflow', 'otel'].flatMap(d =>
    readdirSync(join(FIXTURES, d))
      .filter(f => f.endsWith('.json') && !f.includes('.attributes.'))
      .map(f => `${d}/${f}`)
  );
  it.each(files)('%s', rel => {
    let traces: Trace[];
    try {
      traces = parseOk(fixture(rel));
    } catch {
      return; // not a whole-trace fixture (span dicts): covered elsewhere
    }
    traces.forEach(expectFacts);
  });

  it('a 3,000-span tree with scattered errors and running spans', () => {
    const specs: SpanSpec[] = bushySpecs(3000, 3).map((s, i) => ({
      ...s,
      error: i % 97 === 5 ? 'boom' : undefined,
      end: i % 211 === 7 ? undefined : s.end
    }));
    const t = parseSpecs(specs);
    expectFacts(t);
    expect(t.facts!.errors).toBeGreaterThan(10);
    expect(t.facts!.running).toBeGreaterThan(5);
    expect(t.facts!.errorBelow.size).toBeGreaterThan(10);
  });
});
