/**
 * What must hold of any parsed trace, however broken its payload was: shared
 * by the corpus test (tests/model/corpus.test.ts) and the property test
 * (tests/model/property.test.ts). Each check throws an Error saying what broke.
 */
import { Span, Trace } from '../../src/model/types';
import { buildRows } from '../../src/rows/visible-rows';
import { ExpansionState } from '../../src/rows/expansion';

function fail(trace: Trace, message: string): never {
  throw new Error(`trace ${JSON.stringify(trace.id).slice(0, 60)}: ${message}`);
}

const finite = (v: number): boolean => typeof v === 'number' && Number.isFinite(v);

/** The tree links, ids, depths, order and times of one trace. */
export function checkTrace(trace: Trace): void {
  const { spans } = trace;
  if (new Set(spans).size !== spans.length) {
    fail(trace, 'a span appears twice in trace.spans');
  }
  if (trace.byId.size !== spans.length) {
    fail(trace, `byId has ${trace.byId.size} entries for ${spans.length} spans`);
  }
  // Walking roots → children (iteratively) must give trace.spans, in the same (pre-)order.
  const walked: Span[] = [];
  const stack: Span[] = [...trace.roots].reverse();
  while (stack.length > 0) {
    const s = stack.pop()!;
    walked.push(s);
    for (let k = s.children.length - 1; k >= 0; k--) {
      stack.push(s.children[k]);
    }
    if (walked.length > spans.length) {
      fail(trace, 'the tree holds more nodes than trace.spans (a cycle or a shared child)');
    }
  }
  if (walked.length !== spans.length || walked.some((s, i) => s !== spans[i])) {
    fail(trace, `the tree walk (${walked.length} nodes) is not trace.spans (${spans.length}) in pre-order`);
  }
  for (const r of trace.roots) {
    if (r.depth !== 0) {
      fail(trace, `root ${r.id} has depth ${r.depth}`);
    }
    if (r.parentId !== null && !r.orphan) {
      fail(trace, `root ${r.id} names parent ${r.parentId} but is not marked orphan`);
    }
  }
  if (!finite(trace.duration) || trace.duration < 0) {
    fail(trace, `duration ${trace.duration}`);
  }
  for (const s of spans) {
    if (trace.byId.get(s.id) !== s) {
      fail(trace, `byId.get(${JSON.stringify(s.id).slice(0, 40)}) is not the span`);
    }
    if (typeof s.name !== 'string' || typeof s.kind !== 'string' || typeof s.statusMessage !== 'string') {
      fail(trace, `span ${s.id}: name/kind/statusMessage not text`);
    }
    if (!finite(s.start) || (s.end !== undefined && (!finite(s.end) || s.end < s.start))) {
      fail(trace, `span ${s.id}: start ${s.start}, end ${s.end}`);
    }
    if ((s.end ?? s.start) > trace.duration) {
      fail(trace, `span ${s.id} ends after the trace duration`);
    }
    for (const e of s.events) {
      if (e.time !== undefined && !finite(e.time)) {
        fail(trace, `span ${s.id}: event time ${e.time}`);
      }
    }
    for (let i = 0; i < s.children.length; i++) {
      const c = s.children[i];
      if (c.depth !== s.depth + 1) {
        fail(trace, `span ${c.id}: depth ${c.depth} under a parent of depth ${s.depth}`);
      }
      if (c.parentId !== s.id || c.orphan) {
        fail(trace, `span ${c.id}: listed under ${s.id} but its parentId is ${c.parentId} (orphan ${c.orphan})`);
      }
      if (i > 0 && s.children[i - 1].start > c.start) {
        fail(trace, `children of ${s.id} are not sorted by start`);
      }
    }
  }
  for (let i = 1; i < trace.roots.length; i++) {
    if (trace.roots[i - 1].start > trace.roots[i].start) {
      fail(trace, 'roots are not sorted by start');
    }
  }
  if (!Array.isArray(trace.warnings) || trace.warnings.some(w => typeof w !== 'string')) {
    fail(trace, 'warnings are not a list of text');
  }
}

/** Spans shown for an expansion state, counted independently of buildRows. */
export function visibleCount(trace: Trace, expansion: ExpansionState): number {
  let n = 0;
  const stack: Span[] = [...trace.roots];
  while (stack.length > 0) {
    const s = stack.pop()!;
    n++;
    if (expansion.isExpanded(s)) {
      for (const c of s.children) {
        stack.push(c); // not push(...children): 200k arguments overflow the stack
      }
    }
  }
  return n;
}

/** buildRows shows exactly the expanded-visible spans, each once, with levels = depth + 1. */
export function checkRows(trace: Trace, expansion: ExpansionState): void {
  const rows = buildRows(trace, expansion);
  const expected = visibleCount(trace, expansion);
  if (rows.length !== expected) {
    fail(trace, `buildRows gave ${rows.length} rows, ${expected} spans are visible`);
  }
  const seen = new Set<Span>();
  for (const r of rows) {
    if (seen.has(r.span)) {
      fail(trace, `span ${r.span.id} has two rows`);
    }
    seen.add(r.span);
    if (r.level !== r.span.depth + 1 || r.posInSet < 1 || r.posInSet > r.setSize) {
      fail(trace, `row of ${r.span.id}: level ${r.level}, position ${r.posInSet}/${r.setSize}`);
    }
  }
}
