/**
 * Two traces side by side: which spans correspond, and what changed.
 *
 * Alignment is by path: a span is identified by its name and its position
 * among the siblings of the same name (the 3rd "tool:search" under its
 * parent), and children are aligned only under aligned parents. So an agent
 * that made 3 tool calls in A and 5 in B gives 3 matched calls and 2 added;
 * a renamed span is removed (A) + added (B), with its whole subtree. The one
 * exception is the root: when each trace has a single root, the two roots are
 * matched whatever their names (comparing `agent_v1` with `agent_v2` is the
 * common case). Siblings are ordered by start time (the model's order), so
 * "the k-th search" means the k-th to start.
 *
 * Pure functions, no DOM. Iterative (explicit stacks): deep chains must not
 * hit recursion limits.
 */
import { Cost, Span, SpanStatus, TokenUsage, Trace } from './types';

export type CompareKind = 'matched' | 'added' | 'removed';

/** B − A of the token counts a span (or trace) reports. */
export interface TokenDelta {
  input?: number;
  output?: number;
  total?: number;
}

export interface CompareNode {
  /** Unique in the comparison and stable: the alignment path (escaped names and positions). */
  key: string;
  kind: CompareKind;
  /** B's name when B has the span, else A's. */
  name: string;
  /** The span in A (matched, removed) and in B (matched, added). */
  a?: Span;
  b?: Span;
  /** 0 for a root. */
  depth: number;
  parent: CompareNode | null;
  /** Merged order: B's order, with each A-only span right after the matched span it followed in A. */
  children: CompareNode[];
  /** Durations in ms; undefined for a missing side or a span still running. */
  durationA?: number;
  durationB?: number;
  /**
   * B − A in ms: for an added span its whole duration (+), for a removed one
   * minus its duration; undefined when a side present is still running.
   */
  deltaMs?: number;
  /** deltaMs as a percentage of A's duration: matched spans with A > 0 only (0 when both are 0). */
  deltaPct?: number;
  /** Token delta; a side that reports no count for a field counts 0 there. Undefined when neither reports tokens. */
  tokenDelta?: TokenDelta;
  /** An error appeared in B ('new-error') or went away ('fixed'); matched spans only. OK and UNSET count as the same. */
  statusChange: 'new-error' | 'fixed' | null;
}

export interface TraceTotals {
  /** ms from the trace start to its latest end. */
  duration: number;
  running: boolean;
  spans: number;
  errors: number;
  tokens?: TokenUsage;
  /** Total cost (US dollars as reported, else estimated from tokens). */
  cost?: number;
  /** The trace's cost when it is (partly) an estimate (model/prices.ts); absent when reported. */
  costEstimate?: Cost;
}

export interface TotalsDelta {
  duration: number;
  /** Of A's duration; undefined when A's is 0. */
  durationPct?: number;
  spans: number;
  errors: number;
  tokens?: TokenDelta;
  cost?: number;
}

export interface Comparison {
  a: Trace;
  b: Trace;
  roots: CompareNode[];
  /** Every node in depth-first pre-order (the tree order). */
  nodes: CompareNode[];
  counts: { matched: number; added: number; removed: number };
  totals: { a: TraceTotals; b: TraceTotals; delta: TotalsDelta };
}

/** Duration of a span in ms, or undefined while it runs. */
export function spanDuration(span: Span): number | undefined {
  return span.end === undefined ? undefined : Math.max(0, span.end - span.start);
}

const TOKEN_FIELDS: Array<keyof TokenDelta> = ['input', 'output', 'total'];

/** B − A per token field; a missing side or field counts 0. Undefined when neither side reports a field. */
export function tokenDelta(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenDelta | undefined {
  if (!a && !b) {
    return undefined;
  }
  const out: TokenDelta = {};
  let any = false;
  for (const f of TOKEN_FIELDS) {
    const va = a?.[f];
    const vb = b?.[f];
    if (va !== undefined || vb !== undefined) {
      out[f] = (vb ?? 0) - (va ?? 0);
      any = true;
    }
  }
  return any ? out : undefined;
}

function isError(status: SpanStatus): boolean {
  return status === 'ERROR';
}

function fillDeltas(node: CompareNode): void {
  const { a, b } = node;
  node.durationA = a ? spanDuration(a) : undefined;
  node.durationB = b ? spanDuration(b) : undefined;
  if (a && b) {
    if (node.durationA !== undefined && node.durationB !== undefined) {
      node.deltaMs = node.durationB - node.durationA;
      node.deltaPct =
        node.durationA > 0 ? (node.deltaMs / node.durationA) * 100 : node.deltaMs === 0 ? 0 : undefined;
    }
    node.statusChange = isError(a.status) === isError(b.status) ? null : isError(b.status) ? 'new-error' : 'fixed';
  } else if (b) {
    node.deltaMs = node.durationB;
  } else if (a) {
    node.deltaMs = node.durationA === undefined ? undefined : -node.durationA;
  }
  node.tokenDelta = tokenDelta(a?.tokens, b?.tokens);
}

function segment(name: string, k: number): string {
  // Escaped so that no name can forge a path separator.
  return `${encodeURIComponent(name)}#${k}`;
}

function makeNode(kind: CompareKind, a: Span | undefined, b: Span | undefined, parent: CompareNode | null, seg: string): CompareNode {
  const node: CompareNode = {
    key: parent ? `${parent.key}/${seg}` : seg,
    kind,
    name: (b ?? a)!.name,
    a,
    b,
    depth: parent ? parent.depth + 1 : 0,
    parent,
    children: [],
    statusChange: null
  };
  fillDeltas(node);
  return node;
}

/** Position of each span among its same-name siblings (0-based), in list order. */
function sameNameIndexes(list: readonly Span[]): number[] {
  const seen = new Map<string, number>();
  return list.map(s => {
    const k = seen.get(s.name) ?? 0;
    seen.set(s.name, k + 1);
    return k;
  });
}

/**
 * Align two sibling lists under `parent`. Returns the merged child nodes and
 * the matched pairs (whose children are aligned next).
 */
function alignSiblings(listA: readonly Span[], listB: readonly Span[], parent: CompareNode | null): { nodes: CompareNode[]; matched: CompareNode[] } {
  const kA = sameNameIndexes(listA);
  const kB = sameNameIndexes(listB);
  const aByKey = new Map<string, number>();
  listA.forEach((s, i) => aByKey.set(segment(s.name, kA[i]), i));
  const matchedA = new Set<number>();
  const fromB: Array<{ node: CompareNode; aIndex: number }> = [];
  const matched: CompareNode[] = [];
  listB.forEach((s, j) => {
    const seg = segment(s.name, kB[j]);
    const i = aByKey.get(seg);
    if (i !== undefined) {
      matchedA.add(i);
      const node = makeNode('matched', listA[i], s, parent, seg);
      fromB.push({ node, aIndex: i });
      matched.push(node);
    } else {
      fromB.push({ node: makeNode('added', undefined, s, parent, seg), aIndex: -1 });
    }
  });
  // A-only spans go right after the matched span they followed in A (before
  // B's additions there, as a diff lists removals first); at the top if none.
  const after = new Map<number, CompareNode[]>();
  const leading: CompareNode[] = [];
  let prevMatched = -1;
  listA.forEach((s, i) => {
    if (matchedA.has(i)) {
      prevMatched = i;
      return;
    }
    const node = makeNode('removed', s, undefined, parent, segment(s.name, kA[i]));
    if (prevMatched < 0) {
      leading.push(node);
    } else {
      const list = after.get(prevMatched);
      if (list) {
        list.push(node);
      } else {
        after.set(prevMatched, [node]);
      }
    }
  });
  const nodes: CompareNode[] = [...leading];
  for (const { node, aIndex } of fromB) {
    nodes.push(node);
    const pending = aIndex >= 0 ? after.get(aIndex) : undefined;
    if (pending) {
      nodes.push(...pending);
    }
  }
  return { nodes, matched };
}

/** The one-sided subtree below an added or removed node. */
function fillOneSided(root: CompareNode): void {
  const side = root.kind === 'added' ? 'b' : 'a';
  const stack: CompareNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const span = node[side]!;
    const ks = sameNameIndexes(span.children);
    node.children = span.children.map((c, i) =>
      makeNode(node.kind, side === 'a' ? c : undefined, side === 'b' ? c : undefined, node, segment(c.name, ks[i]))
    );
    stack.push(...node.children);
  }
}

export function traceTotals(t: Trace): TraceTotals {
  let errors = 0;
  let running = false;
  for (const s of t.spans) {
    errors += s.status === 'ERROR' ? 1 : 0;
    running ||= s.end === undefined;
  }
  return {
    duration: t.duration,
    running,
    spans: t.spans.length,
    errors,
    tokens: t.tokens,
    cost: t.cost?.total,
    ...(t.cost?.estimated ? { costEstimate: t.cost } : {})
  };
}

function totalsDelta(a: TraceTotals, b: TraceTotals): TotalsDelta {
  const duration = b.duration - a.duration;
  return {
    duration,
    durationPct: a.duration > 0 ? (duration / a.duration) * 100 : duration === 0 ? 0 : undefined,
    spans: b.spans - a.spans,
    errors: b.errors - a.errors,
    tokens: tokenDelta(a.tokens, b.tokens),
    cost: a.cost === undefined && b.cost === undefined ? undefined : (b.cost ?? 0) - (a.cost ?? 0)
  };
}

/** Align trace `b` against trace `a` (the baseline). */
export function compareTraces(a: Trace, b: Trace): Comparison {
  let roots: CompareNode[];
  let work: CompareNode[];
  if (a.roots.length === 1 && b.roots.length === 1) {
    // One root each: they are the same run of (maybe renamed) code.
    const root = makeNode('matched', a.roots[0], b.roots[0], null, segment(b.roots[0].name, 0));
    roots = [root];
    work = [root];
  } else {
    const top = alignSiblings(a.roots, b.roots, null);
    roots = top.nodes;
    work = top.matched;
    for (const n of roots) {
      if (n.kind !== 'matched') {
        fillOneSided(n);
      }
    }
  }
  while (work.length > 0) {
    const node = work.pop()!;
    const level = alignSiblings(node.a!.children, node.b!.children, node);
    node.children = level.nodes;
    for (const child of level.nodes) {
      if (child.kind !== 'matched') {
        fillOneSided(child);
      }
    }
    work.push(...level.matched);
  }
  // Pre-order list and counts.
  const nodes: CompareNode[] = [];
  const counts = { matched: 0, added: 0, removed: 0 };
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    nodes.push(node);
    counts[node.kind]++;
    for (let i = node.children.length - 1; i >= 0; i--) {
      stack.push(node.children[i]);
    }
  }
  const ta = traceTotals(a);
  const tb = traceTotals(b);
  return { a, b, roots, nodes, counts, totals: { a: ta, b: tb, delta: totalsDelta(ta, tb) } };
}
