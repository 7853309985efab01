/**
 * Raw spans → Trace tree, shared by every format: relative times, kinds,
 * inputs/outputs, tokens, parent links, orphans, cycles, duplicate ids.
 * Iterative throughout (explicit stacks): a 10,000-level chain must not
 * overflow the call stack. O(n log n) (the only superlinear step is sorting).
 */
import { RawSpan, RawTrace } from './raw';
import { epochMsOfParts, nsOfParts, partsBefore, relMsOfParts } from './ns-parts';
import { PriceTable, tracePrices } from './prices';
import { SpanContext, SpanNode } from './span-node';
import { drain, Progress, STEP_SPANS, Steps } from './steps';
import { IdIndex } from './id-index';
import { spanFactsSteps } from './span-facts';
import { TraceFields, TraceNode } from './trace-node';
import { Span, Trace, TraceState } from './types';

const MISSING_ID = '(no id)';
/** The passes over the spans that pause as they go: spans, ids, parent links, children, tree order, facts. */
const BUILD_PASSES = 6;
const ZERO_ID_RE = /^0+$/;

function label(s: Span): string {
  return s.name === s.id ? `"${s.id}"` : `"${s.name}" (${s.id})`;
}

/**
 * The id → span index, with unique ids: the first span keeps an id, later ones
 * become `id#2`, `id#3`, … (renamed in place, then entered). One table write
 * per span, into a table sized once (see id-index.ts).
 */
function* indexIds(flat: SpanNode[], raw: RawTrace): Steps<IdIndex> {
  const n = flat.length;
  const index = new IdIndex(flat, n);
  let later: number[] | undefined;
  for (let i = 0; i < n; i++) {
    if (flat[i].id === MISSING_ID || !index.add(i)) {
      (later ??= []).push(i);
    }
    if (i % STEP_SPANS === STEP_SPANS - 1) {
      yield { phase: 'build', done: n + i, total: BUILD_PASSES * n }; // pass 1 of buildSteps'
    }
  }
  if (later === undefined) {
    return index;
  }
  const nextSuffix = new Map<string, number>();
  for (const i of later) {
    const s = flat[i];
    const base = s.id;
    if (!raw.spans[i].id) {
      raw.warnings.add('missing id', `Span #${i + 1} ("${raw.spans[i].name ?? '(unnamed)'}") has no id.`);
    }
    if (base === MISSING_ID && !index.has(base)) {
      index.add(i); // the first span without an id keeps the name "(no id)"
      continue;
    }
    let k = nextSuffix.get(base) ?? 2;
    while (index.has(`${base}#${k}`)) {
      k++;
    }
    nextSuffix.set(base, k + 1);
    s.id = `${base}#${k}`;
    index.add(i);
    if (base !== MISSING_ID) {
      raw.warnings.add('duplicate id', `Duplicate span id "${base}": a later span was renamed "${s.id}".`);
    }
  }
  return index;
}

/** 1e17 ns (1973) in ms: a smaller start is not an epoch-ns value (time.ts NS_EPOCH_MIN). */
const EPOCH_MIN_MS = 1e11;

/** The trace's time origin as ns parts (see ns-parts.ts); ms undefined: no time anywhere. */
interface Origin {
  ms: number | undefined;
  sub: number;
}

function makeSpan(r: RawSpan, seq: number, ctx: SpanContext, o: Origin, inProgress: boolean): SpanNode {
  const name = typeof r.name === 'string' && r.name !== '' ? r.name : '(unnamed)';
  const baseMs = o.ms;
  const start = r.startMs !== undefined && baseMs !== undefined ? relMsOfParts(r.startMs, r.startSub ?? 0, baseMs, o.sub) : 0;
  let endMs = r.endMs;
  if (inProgress && endMs === 0 && !r.endSub) {
    endMs = undefined; // an IN_PROGRESS trace writes 0 for "not ended yet"
  }
  const end = endMs !== undefined && baseMs !== undefined ? relMsOfParts(endMs, r.endSub ?? 0, baseMs, o.sub) : undefined;
  return new SpanNode(r, seq, r.id || MISSING_ID, name, start, end, ctx);
}

/** Times a span cannot be drawn with as given (after the ids are final, so messages name the right span). */
function checkTimes(flat: SpanNode[], raw: RawTrace): void {
  for (let i = 0; i < flat.length; i++) {
    const span = flat[i];
    if (raw.spans[i].startMs === undefined) {
      raw.warnings.add('no start', `Span ${label(span)} has no readable start time; it is drawn at the start of the trace.`);
    }
    if (span.end !== undefined && span.end < span.start) {
      raw.warnings.add('end before start', `Span ${label(span)} ends before it starts; its end was set to its start.`);
      span.end = span.start;
    }
  }
}

/** Break parent cycles: walking up from each span, the span whose parent link closes a loop is cut loose. */
function breakCycles(parentIdx: Int32Array, spans: Span[], raw: RawTrace): void {
  const n = parentIdx.length;
  const mark = new Int32Array(n); // 0 unvisited, -1 settled, w > 0: on the path of walk w
  const path: number[] = [];
  for (let i = 0; i < n; i++) {
    if (mark[i] !== 0) {
      continue;
    }
    const walk = i + 1;
    path.length = 0;
    let j = i;
    while (j !== -1 && mark[j] === 0) {
      mark[j] = walk;
      path.push(j);
      j = parentIdx[j];
    }
    if (j !== -1 && mark[j] === walk) {
      const closer = path[path.length - 1];
      const s = spans[closer];
      const what =
        parentIdx[closer] === closer
          ? 'is its own parent'
          : `closes a parent cycle through "${spans[parentIdx[closer]].name}" (${spans[parentIdx[closer]].id})`;
      raw.warnings.add('cycle', `Span ${label(s)} ${what}; it is shown at the top level.`);
      parentIdx[closer] = -1;
      s.orphan = true;
    }
    for (const p of path) {
      mark[p] = -1;
    }
  }
}

function deriveState(roots: Span[], spans: Span[]): TraceState {
  if (roots.some(r => r.status === 'ERROR')) {
    return 'ERROR';
  }
  if (spans.some(s => s.end === undefined)) {
    return 'IN_PROGRESS';
  }
  return roots.some(r => r.status === 'OK') ? 'OK' : 'UNSET';
}

/** Build one trace's tree (all at once). */
export function buildTrace(raw: RawTrace): Trace {
  return drain(buildSteps(raw));
}

/** The same, pausing every STEP_SPANS spans of each pass (see steps.ts). */
export function* buildSteps(raw: RawTrace): Steps<Trace> {
  const n = raw.spans.length;
  // The earliest start is the time origin; the latest one tells whether units are mixed.
  const base: Origin = { ms: undefined, sub: 0 };
  let latestMs: number | undefined;
  let latestSub = 0;
  for (const r of raw.spans) {
    const ms = r.startMs;
    if (ms === undefined) {
      continue;
    }
    const sub = r.startSub ?? 0;
    if (base.ms === undefined || partsBefore(ms, sub, base.ms, base.sub)) {
      base.ms = ms;
      base.sub = sub;
    }
    if (latestMs === undefined || partsBefore(latestMs, latestSub, ms, sub)) {
      latestMs = ms;
      latestSub = sub;
    }
  }
  if (n === 0) {
    raw.warnings.add('no spans', 'This trace has no spans.');
  }
  if (base.ms !== undefined && latestMs! >= EPOCH_MIN_MS && base.ms < EPOCH_MIN_MS) {
    // Some starts are epoch nanoseconds, others far too small to be: s/ms/µs given where ns belong.
    raw.warnings.add(
      'units',
      `Span start times mix units: some are epoch nanoseconds, others as small as ${nsOfParts(base.ms, base.sub)} ` +
        '(seconds, milliseconds or microseconds where nanoseconds belong?); times and durations shown are not reliable.'
    );
  }
  // With no start anywhere, the earliest end anchors relative times (starts then read 0).
  const ref: Origin = { ms: base.ms, sub: base.sub };
  if (ref.ms === undefined) {
    for (const r of raw.spans) {
      const ms = r.endMs;
      if (ms !== undefined && (ref.ms === undefined || partsBefore(ms, r.endSub ?? 0, ref.ms, ref.sub))) {
        ref.ms = ms;
        ref.sub = r.endSub ?? 0;
      }
    }
  }
  const inProgress = raw.state === 'IN_PROGRESS';
  let prices: PriceTable | undefined;
  const ctx: SpanContext = {
    baseNs: ref.ms !== undefined ? nsOfParts(ref.ms, ref.sub) : undefined,
    prices: () => (prices ??= tracePrices(raw.metadata))
  };
  const at = (pass: number, i: number): Progress => ({ phase: 'build', done: pass * n + i, total: BUILD_PASSES * n });
  const flat: SpanNode[] = new Array(n);
  for (let i = 0; i < n; i++) {
    flat[i] = makeSpan(raw.spans[i], i, ctx, ref, inProgress);
    if (i % STEP_SPANS === STEP_SPANS - 1) {
      yield at(0, i);
    }
  }
  const byId = yield* indexIds(flat, raw);
  checkTimes(flat, raw);

  // Parent links; a parent id that names a duplicated id resolves to its first span.
  const parentIdx = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (i % STEP_SPANS === STEP_SPANS - 1) {
      yield at(2, i);
    }
    const pid = flat[i].parentId;
    if (pid === null) {
      continue;
    }
    const parent = byId.get(pid) as SpanNode | undefined;
    if (parent === undefined && ZERO_ID_RE.test(pid)) {
      // The all-zero id is OTel's "invalid span id": some exporters write it for "no parent".
      flat[i].parentId = null;
      continue;
    }
    if (parent === undefined) {
      flat[i].orphan = true;
      raw.warnings.add(
        'orphan',
        `Span ${label(flat[i])} names parent "${pid}", which is not in this trace; it is shown at the top level.`
      );
    } else {
      parentIdx[i] = parent.seq;
    }
  }
  breakCycles(parentIdx, flat, raw);

  // Children by start (ties keep input order), roots likewise.
  const byStart = (a: number, b: number): number => flat[a].start - flat[b].start || a - b;
  const childIdx: (number[] | undefined)[] = new Array(n);
  const rootIdx: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = parentIdx[i];
    if (p === -1) {
      rootIdx.push(i);
    } else {
      (childIdx[p] ??= []).push(i);
    }
  }
  rootIdx.sort(byStart);
  for (let i = 0; i < n; i++) {
    const c = childIdx[i];
    if (c) {
      c.sort(byStart);
      flat[i].children = c.map(k => flat[k]);
    }
    if (i % STEP_SPANS === STEP_SPANS - 1) {
      yield at(3, i);
    }
  }

  // Depth-first pre-order with an explicit stack.
  const roots = rootIdx.map(k => flat[k]);
  const spans: Span[] = [];
  const stack: Span[] = [];
  for (let k = roots.length - 1; k >= 0; k--) {
    stack.push(roots[k]);
  }
  while (stack.length > 0) {
    const s = stack.pop()!;
    spans.push(s);
    if (spans.length % STEP_SPANS === 0) {
      yield at(4, spans.length);
    }
    for (let k = s.children.length - 1; k >= 0; k--) {
      const c = s.children[k];
      c.depth = s.depth + 1;
      stack.push(c);
    }
  }

  const facts = yield* spanFactsSteps(spans, k => at(5, k));

  let duration = 0;
  for (const s of spans) {
    const t = s.end ?? s.start;
    if (t > duration) {
      duration = t;
    }
  }

  const state = raw.state !== undefined && raw.state !== 'UNSET' ? raw.state : deriveState(roots, spans);
  const fields: TraceFields = {
    id: raw.id,
    format: raw.format,
    name: raw.name ?? roots[0]?.name ?? (raw.id || '(empty trace)'),
    state,
    startEpochMs: base.ms !== undefined ? epochMsOfParts(base.ms, base.sub) : raw.startEpochMsFallback,
    duration,
    roots,
    spans,
    byId,
    metadata: raw.metadata,
    assessments: raw.assessments ?? [],
    warnings: raw.warnings.toArray(),
    facts
  };
  return new TraceNode(fields, raw.tokens, raw.cost);
}
