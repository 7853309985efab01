/**
 * Raw spans → Trace tree, shared by every format: relative times, kinds,
 * inputs/outputs, tokens, parent links, orphans, cycles, duplicate ids.
 * Iterative throughout (explicit stacks): a 10,000-level chain must not
 * overflow the call stack. O(n log n) (the only superlinear step is sorting).
 */
import { exceptionMessage, spanInputs, spanOutputs } from './span-fields';
import { detectKind } from './kind';
import { RawSpan, RawTrace } from './raw';
import { NS_EPOCH_MIN, relMs, nsToEpochMs } from './time';
import { rollupCost, spanCost, spanEstimate } from './cost';
import { tracePrices } from './prices';
import { rollupTokens, spanModel, spanTokens } from './tokens';
import { Span, SpanEvent, Trace, TraceState } from './types';

const MISSING_ID = '(no id)';
const ZERO_ID_RE = /^0+$/;

function label(s: Span): string {
  return s.name === s.id ? `"${s.id}"` : `"${s.name}" (${s.id})`;
}

/**
 * Unique ids: the first span keeps an id, later ones become `id#2`, `id#3`, …
 * Returns the ids and the id → index map.
 */
function assignIds(raw: RawTrace): [string[], Map<string, number>] {
  const ids: string[] = new Array(raw.spans.length);
  const index = new Map<string, number>();
  const nextSuffix = new Map<string, number>();
  for (let i = 0; i < raw.spans.length; i++) {
    const r = raw.spans[i];
    const base = r.id || MISSING_ID;
    if (!r.id) {
      raw.warnings.add('missing id', `Span #${i + 1} ("${r.name ?? '(unnamed)'}") has no id.`);
    }
    let id = base;
    if (index.has(id)) {
      let k = nextSuffix.get(base) ?? 2;
      while (index.has(`${base}#${k}`)) {
        k++;
      }
      nextSuffix.set(base, k + 1);
      id = `${base}#${k}`;
      if (base !== MISSING_ID) {
        raw.warnings.add('duplicate id', `Duplicate span id "${base}": a later span was renamed "${id}".`);
      }
    }
    index.set(id, i);
    ids[i] = id;
  }
  return [ids, index];
}

function makeSpan(r: RawSpan, id: string, baseNs: bigint | undefined, inProgress: boolean, raw: RawTrace): Span {
  const attributes = r.attributes;
  const name = typeof r.name === 'string' && r.name !== '' ? r.name : '(unnamed)';
  const start = r.startNs !== undefined && baseNs !== undefined ? relMs(r.startNs, baseNs) : 0;
  let endNs = r.endNs ?? undefined;
  if (inProgress && endNs === 0n) {
    endNs = undefined; // an IN_PROGRESS trace writes 0 for "not ended yet"
  }
  let end = endNs !== undefined && baseNs !== undefined ? relMs(endNs, baseNs) : undefined;
  const events: SpanEvent[] = r.events.map(e => ({
    name: e.name,
    time: e.timeNs !== undefined && baseNs !== undefined ? relMs(e.timeNs, baseNs) : undefined,
    attributes: e.attributes
  }));
  let statusMessage = r.statusMessage;
  if (r.status === 'ERROR' && !statusMessage) {
    statusMessage = exceptionMessage(r.events);
  }
  const d = (r.derived ??= {
    kind: detectKind(attributes, r.kindHint),
    inputs: spanInputs(attributes),
    outputs: spanOutputs(attributes),
    tokens: spanTokens(attributes),
    cost: spanCost(attributes),
    model: spanModel(attributes)
  });
  const span: Span = {
    id,
    parentId: r.parentId || null,
    name,
    kind: d.kind,
    status: r.status,
    statusMessage,
    start,
    end,
    attributes,
    inputs: d.inputs,
    outputs: d.outputs,
    events,
    children: [],
    depth: 0,
    orphan: false,
    tokens: d.tokens,
    cost: d.cost,
    model: d.model
  };
  if (r.startNs === undefined) {
    raw.warnings.add('no start', `Span ${label(span)} has no readable start time; it is drawn at the start of the trace.`);
  }
  if (end !== undefined && end < start) {
    raw.warnings.add('end before start', `Span ${label(span)} ends before it starts; its end was set to its start.`);
    end = start;
    span.end = end;
  }
  return span;
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

export function buildTrace(raw: RawTrace): Trace {
  const n = raw.spans.length;
  const [ids, indexById] = assignIds(raw);
  let baseNs: bigint | undefined;
  let latestStartNs: bigint | undefined;
  for (const r of raw.spans) {
    if (r.startNs !== undefined && (baseNs === undefined || r.startNs < baseNs)) {
      baseNs = r.startNs;
    }
    if (r.startNs !== undefined && (latestStartNs === undefined || r.startNs > latestStartNs)) {
      latestStartNs = r.startNs;
    }
  }
  if (n === 0) {
    raw.warnings.add('no spans', 'This trace has no spans.');
  }
  if (baseNs !== undefined && latestStartNs! >= NS_EPOCH_MIN && baseNs < NS_EPOCH_MIN) {
    // Some starts are epoch nanoseconds, others far too small to be: s/ms/µs given where ns belong.
    raw.warnings.add(
      'units',
      `Span start times mix units: some are epoch nanoseconds, others as small as ${baseNs} ` +
        '(seconds, milliseconds or microseconds where nanoseconds belong?); times and durations shown are not reliable.'
    );
  }
  // With no start anywhere, the earliest end anchors relative times (starts then read 0).
  let refNs = baseNs;
  if (refNs === undefined) {
    for (const r of raw.spans) {
      const e = r.endNs ?? undefined;
      if (e !== undefined && (refNs === undefined || e < refNs)) {
        refNs = e;
      }
    }
  }
  const inProgress = raw.state === 'IN_PROGRESS';
  const flat: Span[] = new Array(n);
  for (let i = 0; i < n; i++) {
    flat[i] = makeSpan(raw.spans[i], ids[i], refNs, inProgress, raw);
  }

  // Parent links; a parent id that names a duplicated id resolves to its first span.
  const parentIdx = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const pid = flat[i].parentId;
    if (pid === null) {
      continue;
    }
    const j = indexById.get(pid);
    if (j === undefined && ZERO_ID_RE.test(pid)) {
      // The all-zero id is OTel's "invalid span id": some exporters write it for "no parent".
      flat[i].parentId = null;
      continue;
    }
    if (j === undefined) {
      flat[i].orphan = true;
      raw.warnings.add(
        'orphan',
        `Span ${label(flat[i])} names parent "${pid}", which is not in this trace; it is shown at the top level.`
      );
    } else {
      parentIdx[i] = j;
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
    for (let k = s.children.length - 1; k >= 0; k--) {
      const c = s.children[k];
      c.depth = s.depth + 1;
      stack.push(c);
    }
  }

  // byId reuses the id → index map (same keys): overwriting values is cheaper than a second 100k-entry Map.
  const byId = indexById as unknown as Map<string, Span>;
  for (let i = 0; i < n; i++) {
    byId.set(ids[i], flat[i]);
  }
  let duration = 0;
  let prices: ReturnType<typeof tracePrices> | undefined;
  for (const s of spans) {
    const t = s.end ?? s.start;
    if (t > duration) {
      duration = t;
    }
    if (s.cost === undefined && s.model !== undefined && s.tokens !== undefined) {
      // No reported cost: estimate one from the model's list price (unknown model: none).
      s.cost = spanEstimate(s, (prices ??= tracePrices(raw.metadata)));
    }
  }

  const state = raw.state !== undefined && raw.state !== 'UNSET' ? raw.state : deriveState(roots, spans);
  return {
    id: raw.id,
    format: raw.format,
    name: raw.name ?? roots[0]?.name ?? (raw.id || '(empty trace)'),
    state,
    startEpochMs: baseNs !== undefined ? nsToEpochMs(baseNs) : raw.startEpochMsFallback,
    duration,
    roots,
    spans,
    byId,
    tokens: rollupTokens(spans, raw.tokens),
    cost: rollupCost(spans, raw.cost),
    metadata: raw.metadata,
    assessments: raw.assessments ?? [],
    warnings: raw.warnings.toArray()
  };
}
