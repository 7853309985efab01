/**
 * Alignment and deltas of two traces (compareTraces), on hand-made
 * traces whose answers are worked out by hand; plus the compare payload and
 * a cross-check with the Python summary (nbtrace.compare).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CompareNode, compareTraces, Comparison, tokenDelta } from '../../src/model/compare';
import { parseComparePayload } from '../../src/model/compare-payload';
import { chainSpecs, otlpDoc, parseSpecs, SpanSpec } from '../helpers/synthetic';

const ROOT = path.resolve(__dirname, '../..');

/** "kind name" per node in tree order, indented by depth: the shape at a glance. */
function shape(c: Comparison): string[] {
  const mark = { matched: '=', added: '+', removed: '-' };
  return c.nodes.map(n => `${'  '.repeat(n.depth)}${mark[n.kind]} ${n.name}`);
}

function node(c: Comparison, name: string, k = 0, kind?: string): CompareNode {
  const found = c.nodes.filter(n => n.name === name && (kind === undefined || n.kind === kind));
  if (!found[k]) {
    throw new Error(`no node ${name}[${k}]`);
  }
  return found[k];
}

function tokens(input: number, output: number): Record<string, number> {
  return { 'llm.token_count.prompt': input, 'llm.token_count.completion': output };
}

/** An agent: a planning LLM call, `n` searches of `ms` each, a final LLM call. */
function agent(n: number, ms = 30, extra: Partial<Record<string, Partial<SpanSpec>>> = {}): SpanSpec[] {
  const specs: SpanSpec[] = [
    { id: 'root', name: 'agent', start: 0, end: 0, kind: 'AGENT' },
    { id: 'plan', parent: 'root', name: 'llm', start: 1, end: 21, kind: 'LLM', attributes: tokens(100, 20) }
  ];
  let t = 25;
  for (let i = 0; i < n; i++) {
    specs.push({ id: `s${i}`, parent: 'root', name: 'tool:search', start: t, end: t + ms, kind: 'TOOL' });
    t += ms + 1;
  }
  specs.push({ id: 'final', parent: 'root', name: 'llm', start: t, end: t + 40, kind: 'LLM', attributes: tokens(300, 50) });
  specs[0].end = t + 41;
  return specs.map(s => ({ ...s, ...(extra[s.id] ?? {}) }));
}

describe('alignment', () => {
  it('matches identical traces span for span, with zero deltas', () => {
    const a = parseSpecs(agent(3));
    const b = parseSpecs(agent(3), 'other-trace');
    const c = compareTraces(a, b);
    expect(c.counts).toEqual({ matched: 6, added: 0, removed: 0 });
    expect(shape(c)).toEqual(['= agent', '  = llm', '  = tool:search', '  = tool:search', '  = tool:search', '  = llm']);
    for (const n of c.nodes) {
      expect(n.deltaMs).toBe(0);
      expect(n.deltaPct).toBe(0);
      expect(n.statusChange).toBeNull();
      expect(n.a!.name).toBe(n.b!.name);
    }
    expect(node(c, 'llm').tokenDelta).toEqual({ input: 0, output: 0, total: 0 });
    expect(node(c, 'tool:search').tokenDelta).toBeUndefined();
    expect(new Set(c.nodes.map(n => n.key)).size).toBe(c.nodes.length);
    expect(c.totals.delta).toMatchObject({ duration: 0, durationPct: 0, spans: 0, errors: 0, tokens: { total: 0 } });
  });

  it('3 vs 5 tool calls: 3 calls matched by position, 2 added with their whole time as delta', () => {
    // A: 3 searches of 30 ms; B: 5 searches of 40 ms.
    const c = compareTraces(parseSpecs(agent(3, 30)), parseSpecs(agent(5, 40)));
    expect(c.counts).toEqual({ matched: 6, added: 2, removed: 0 });
    expect(shape(c)).toEqual([
      '= agent',
      '  = llm',
      '  = tool:search',
      '  = tool:search',
      '  = tool:search',
      '  + tool:search',
      '  + tool:search',
      '  = llm'
    ]);
    const third = node(c, 'tool:search', 2);
    expect([third.durationA, third.durationB, third.deltaMs]).toEqual([30, 40, 10]);
    expect(third.deltaPct).toBeCloseTo(100 / 3, 10);
    const added = node(c, 'tool:search', 3);
    expect(added.kind).toBe('added');
    expect(added.a).toBeUndefined();
    expect([added.durationA, added.durationB, added.deltaMs, added.deltaPct]).toEqual([undefined, 40, 40, undefined]);
    // The root: A = 25 + 3·31 + 41 = 159 ms, B = 25 + 5·41 + 41 = 271 ms.
    const root = node(c, 'agent');
    expect([root.durationA, root.durationB, root.deltaMs]).toEqual([159, 271, 112]);
    expect(root.deltaPct).toBeCloseTo((112 / 159) * 100, 10);
    expect(c.totals.a).toMatchObject({ duration: 159, spans: 6, errors: 0 });
    expect(c.totals.b).toMatchObject({ duration: 271, spans: 8, errors: 0 });
    expect(c.totals.delta).toMatchObject({ duration: 112, spans: 2, errors: 0 });
    // The two llm calls are the 1st and 2nd "llm" on both sides.
    expect(node(c, 'llm', 1).a!.start).toBe(25 + 3 * 31);
    expect(node(c, 'llm', 1).b!.start).toBe(25 + 5 * 41);
  });

  it('5 vs 3: the extra calls are removed, listed where they were in A', () => {
    const c = compareTraces(parseSpecs(agent(5, 40)), parseSpecs(agent(3, 30)));
    expect(c.counts).toEqual({ matched: 6, added: 0, removed: 2 });
    expect(shape(c).slice(4, 7)).toEqual(['  = tool:search', '  - tool:search', '  - tool:search']);
    const removed = node(c, 'tool:search', 3);
    expect([removed.durationA, removed.durationB, removed.deltaMs]).toEqual([40, undefined, -40]);
  });

  it('a renamed span is removed + added, its subtree with it; removals come first', () => {
    const a: SpanSpec[] = [
      { id: 'root', name: 'agent', start: 0, end: 100 },
      { id: 'p', parent: 'root', name: 'plan', start: 1, end: 40 },
      { id: 'pc', parent: 'p', name: 'llm', start: 2, end: 30 },
      { id: 's', parent: 'root', name: 'search', start: 50, end: 90 }
    ];
    const b: SpanSpec[] = [
      { id: 'root', name: 'agent', start: 0, end: 100 },
      { id: 'p', parent: 'root', name: 'planner', start: 1, end: 40 },
      { id: 'pc', parent: 'p', name: 'llm', start: 2, end: 30 },
      { id: 's', parent: 'root', name: 'search', start: 50, end: 80 }
    ];
    const c = compareTraces(parseSpecs(a), parseSpecs(b));
    expect(shape(c)).toEqual(['= agent', '  - plan', '    - llm', '  + planner', '    + llm', '  = search']);
    expect(c.counts).toEqual({ matched: 2, added: 2, removed: 2 });
    expect(node(c, 'llm', 0).a!.name).toBe('llm');
    expect(node(c, 'llm', 0).kind).toBe('removed');
    expect(node(c, 'llm', 1).kind).toBe('added');
    expect(node(c, 'search').deltaMs).toBe(-10);
    expect(node(c, 'search').deltaPct).toBe(-25);
  });

  it('matches single roots whatever their names', () => {
    const a = parseSpecs([{ id: 'r', name: 'agent_v1', start: 0, end: 10 }, { id: 'x', parent: 'r', name: 'step', start: 1, end: 5 }]);
    const b = parseSpecs([{ id: 'r', name: 'agent_v2', start: 0, end: 12 }, { id: 'x', parent: 'r', name: 'step', start: 1, end: 6 }]);
    const c = compareTraces(a, b);
    expect(shape(c)).toEqual(['= agent_v2', '  = step']);
    expect(c.roots[0].a!.name).toBe('agent_v1');
    expect(c.roots[0].deltaMs).toBe(2);
  });

  it('aligns several roots by name and position', () => {
    const a = parseSpecs([
      { id: 'r1', name: 'setup', start: 0, end: 10 },
      { id: 'r2', name: 'run', start: 20, end: 30 },
      { id: 'r3', name: 'teardown', start: 40, end: 45 }
    ]);
    const b = parseSpecs([
      { id: 'r1', name: 'setup', start: 0, end: 10 },
      { id: 'r2', name: 'run', start: 20, end: 35 },
      { id: 'r4', name: 'report', start: 40, end: 42 }
    ]);
    const c = compareTraces(a, b);
    expect(shape(c)).toEqual(['= setup', '= run', '- teardown', '+ report']);
  });

  it('reordered siblings with the same name align by start order, not by content', () => {
    // A: search(q=1) 30 ms then search(q=2) 10 ms; B ran q=2 first.
    const a = parseSpecs([
      { id: 'r', name: 'agent', start: 0, end: 100 },
      { id: 'q1', parent: 'r', name: 'search', start: 10, end: 40, attributes: { q: '1' } },
      { id: 'q2', parent: 'r', name: 'search', start: 50, end: 60, attributes: { q: '2' } }
    ]);
    const b = parseSpecs([
      { id: 'r', name: 'agent', start: 0, end: 100 },
      { id: 'q2', parent: 'r', name: 'search', start: 10, end: 20, attributes: { q: '2' } },
      { id: 'q1', parent: 'r', name: 'search', start: 30, end: 60, attributes: { q: '1' } }
    ]);
    const c = compareTraces(a, b);
    expect(c.counts).toEqual({ matched: 3, added: 0, removed: 0 });
    const first = node(c, 'search', 0);
    expect([first.a!.attributes.q, first.b!.attributes.q]).toEqual(['1', '2']);
    expect([first.deltaMs, first.deltaPct]).toEqual([-20, (-20 / 30) * 100]);
    expect(node(c, 'search', 1).deltaMs).toBe(20);
  });

  it('reordered siblings with different names all match; B order wins', () => {
    const a = parseSpecs([
      { id: 'r', name: 'agent', start: 0, end: 100 },
      { id: 'x', parent: 'r', name: 'llm', start: 10, end: 20 },
      { id: 'y', parent: 'r', name: 'search', start: 30, end: 40 }
    ]);
    const b = parseSpecs([
      { id: 'r', name: 'agent', start: 0, end: 100 },
      { id: 'y', parent: 'r', name: 'search', start: 10, end: 20 },
      { id: 'x', parent: 'r', name: 'llm', start: 30, end: 45 }
    ]);
    const c = compareTraces(a, b);
    expect(shape(c)).toEqual(['= agent', '  = search', '  = llm']);
    expect(node(c, 'llm').deltaMs).toBe(5);
  });

  it('children match only under matched parents', () => {
    const a = parseSpecs([
      { id: 'r', name: 'agent', start: 0, end: 100 },
      { id: 'p', parent: 'r', name: 'route_a', start: 1, end: 50 },
      { id: 'c', parent: 'p', name: 'llm', start: 2, end: 40 }
    ]);
    const b = parseSpecs([
      { id: 'r', name: 'agent', start: 0, end: 100 },
      { id: 'p', parent: 'r', name: 'route_b', start: 1, end: 50 },
      { id: 'c', parent: 'p', name: 'llm', start: 2, end: 40 }
    ]);
    const c = compareTraces(a, b);
    expect(c.counts).toEqual({ matched: 1, added: 2, removed: 2 });
  });

  it('missing and zero durations: running spans have no delta; 0 → 0 is 0 %, 0 → 5 has no %', () => {
    const a = parseSpecs([
      { id: 'r', name: 'agent', start: 0, end: 100 },
      { id: 'z', parent: 'r', name: 'zero', start: 10, end: 10 },
      { id: 'g', parent: 'r', name: 'grow', start: 20, end: 20 },
      { id: 'run', parent: 'r', name: 'slow', start: 30, end: 50 }
    ]);
    const b = parseSpecs([
      { id: 'r', name: 'agent', start: 0, end: 100 },
      { id: 'z', parent: 'r', name: 'zero', start: 10, end: 10 },
      { id: 'g', parent: 'r', name: 'grow', start: 20, end: 25 },
      { id: 'run', parent: 'r', name: 'slow', start: 30 }
    ]);
    const c = compareTraces(a, b);
    expect([node(c, 'zero').deltaMs, node(c, 'zero').deltaPct]).toEqual([0, 0]);
    expect([node(c, 'grow').deltaMs, node(c, 'grow').deltaPct]).toEqual([5, undefined]);
    const slow = node(c, 'slow');
    expect([slow.durationA, slow.durationB, slow.deltaMs, slow.deltaPct]).toEqual([20, undefined, undefined, undefined]);
    expect(c.totals.b.running).toBe(true);
    expect(c.totals.a.running).toBe(false);
  });

  it('token deltas per field and status changes both ways', () => {
    const a = parseSpecs(
      agent(2, 30, {
        s0: { error: 'TimeoutError: slow' },
        final: { attributes: tokens(300, 50) }
      })
    );
    const b = parseSpecs(
      agent(2, 30, {
        s1: { error: 'ValueError: bad' },
        final: { attributes: tokens(250, 80) },
        plan: { attributes: {} }
      })
    );
    const c = compareTraces(a, b);
    const search0 = node(c, 'tool:search', 0);
    const search1 = node(c, 'tool:search', 1);
    expect(search0.statusChange).toBe('fixed');
    expect(search1.statusChange).toBe('new-error');
    expect(node(c, 'agent').statusChange).toBeNull();
    // final: (250 − 300, 80 − 50, 330 − 350)
    expect(node(c, 'llm', 1).tokenDelta).toEqual({ input: -50, output: 30, total: -20 });
    // plan reported 100/20 in A, nothing in B: its usage went away.
    expect(node(c, 'llm', 0).tokenDelta).toEqual({ input: -100, output: -20, total: -120 });
    expect(c.totals.a.errors).toBe(1);
    expect(c.totals.b.errors).toBe(1);
    expect(c.totals.delta.errors).toBe(0);
    // Trace roll-up: A 400 in / 70 out; B 250 in / 80 out.
    expect(c.totals.delta.tokens).toEqual({ input: -150, output: 10, total: -140 });
  });

  it('tokenDelta counts a missing field as 0 and is undefined when neither side reports', () => {
    expect(tokenDelta(undefined, undefined)).toBeUndefined();
    expect(tokenDelta({ input: 5 }, { output: 7 })).toEqual({ input: -5, output: 7 });
    expect(tokenDelta(undefined, { input: 1, output: 2, total: 3 })).toEqual({ input: 1, output: 2, total: 3 });
  });

  it('an added subtree under a matched parent is added as a whole, keys stay unique', () => {
    const a = parseSpecs(agent(1));
    const b = parseSpecs([
      ...agent(1),
      { id: 'sub', parent: 's0', name: 'http', start: 26, end: 30 },
      { id: 'sub2', parent: 's0', name: 'http', start: 31, end: 40 },
      { id: 'subsub', parent: 'sub2', name: 'dns', start: 32, end: 33 }
    ]);
    const c = compareTraces(a, b);
    expect(shape(c)).toEqual(['= agent', '  = llm', '  = tool:search', '    + http', '    + http', '      + dns', '  = llm']);
    expect(new Set(c.nodes.map(n => n.key)).size).toBe(c.nodes.length);
    expect(node(c, 'dns').parent).toBe(node(c, 'http', 1));
  });

  it('keys cannot be forged by names holding separators', () => {
    const a = parseSpecs([
      { id: 'r', name: 'r', start: 0, end: 10 },
      { id: 'x', parent: 'r', name: 'a#0/b', start: 1, end: 2 },
      { id: 'y', parent: 'r', name: 'a', start: 3, end: 4 },
      { id: 'z', parent: 'y', name: 'b', start: 3, end: 4 }
    ]);
    const c = compareTraces(a, a);
    expect(new Set(c.nodes.map(n => n.key)).size).toBe(4);
  });

  it('a 3,000-level chain aligns without recursion', () => {
    const t = parseSpecs(chainSpecs(3000));
    const c = compareTraces(t, t);
    expect(c.counts.matched).toBe(3000);
    expect(c.nodes[2999].depth).toBe(2999);
  });
});

describe('parseComparePayload', () => {
  const docA = otlpDoc(agent(1), 'ta');
  const docB = otlpDoc(agent(2), 'tb');

  it('reads the envelope nbtrace.compare sends, with its names', () => {
    const r = parseComparePayload({ version: 1, names: ['gpt-4o', 'mini'], traces: [docA, docB] });
    if (!r.ok) {
      throw new Error(r.error);
    }
    expect(r.names).toEqual(['gpt-4o', 'mini']);
    expect(r.a.spans).toHaveLength(4);
    expect(r.b.spans).toHaveLength(5);
    expect(r.warnings).toEqual([]);
  });

  it('reads it as JSON text too, and defaults bad names to A / B', () => {
    const r = parseComparePayload(JSON.stringify({ version: 1, names: ['only one'], traces: [docA, docB] }));
    expect(r.ok && r.names).toEqual(['A', 'B']);
  });

  it('accepts any trace payload holding exactly two traces', () => {
    const r = parseComparePayload([docA, docB]);
    expect(r.ok && [r.a.spans.length, r.b.spans.length]).toEqual([4, 5]);
    const one = parseComparePayload(docA);
    expect(one.ok).toBe(false);
    expect(!one.ok && one.error).toMatch(/exactly two traces; this payload holds 1/);
  });

  it('says what is wrong with a bad envelope', () => {
    const three = parseComparePayload({ version: 1, traces: [docA, docB, docA] });
    expect(!three.ok && three.error).toMatch(/exactly two traces; this one holds 3/);
    const bad = parseComparePayload({ version: 1, names: ['x', 'y'], traces: [docA, { nope: 1 }] });
    expect(!bad.ok && bad.error).toMatch(/^Trace y cannot be read/);
    const future = parseComparePayload({ version: 2, traces: [docA, docB] });
    expect(future.ok && future.warnings[0]).toMatch(/version 2/);
  });
});

describe('agrees with the Python summary of nbtrace.compare', () => {
  let bundle: any;
  beforeAll(() => {
    const venv = path.join(ROOT, '.venv', 'bin', 'python');
    const python = process.env.NBTRACE_PYTHON ?? (fs.existsSync(venv) ? venv : 'python3');
    const script = [
      'import json, sys, nbtrace',
      'nbtrace.configure(display=False)',
      '@nbtrace.trace(span_type="TOOL", name="tool:search")',
      'def search(q): return q',
      '@nbtrace.trace(name="plan")',
      'def plan(): return [search(i) for i in range(2)]',
      '@nbtrace.trace(name="agent")',
      'def agent(n, extra):',
      '    [search(i) for i in range(n)]',
      '    if extra: plan()',
      '    else: search(-1)',
      'agent(3, False); a = nbtrace.get_last_trace()',
      'agent(5, True); b = nbtrace.get_last_trace()',
      'from nbtrace.compare import compare',
      'json.dump(compare(a, b, names=("before", "after")), sys.stdout)'
    ].join('\n');
    const out = execFileSync(python, ['-c', script], {
      encoding: 'utf-8',
      timeout: 60000,
      env: { ...process.env, PYTHONPATH: path.join(ROOT, 'python') }
    });
    bundle = JSON.parse(out);
  }, 60000);

  it('the same counts from the same two traces', () => {
    const payload = bundle['application/vnd.nbtrace.compare+json'];
    const r = parseComparePayload(payload);
    if (!r.ok) {
      throw new Error(r.error);
    }
    expect(r.names).toEqual(['before', 'after']);
    const c = compareTraces(r.a, r.b);
    // A: agent > search×4 (3 + the "else" one); B: agent > search×5, plan > search×2.
    expect(c.counts).toEqual({ matched: 5, added: 4, removed: 0 });
    expect(bundle['text/plain']).toContain(`${c.counts.matched} matched, ${c.counts.added} added, ${c.counts.removed} removed`);
  });
});
