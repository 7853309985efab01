/**
 * The comparison as a tree the span-tree machinery can walk.
 *
 * Each aligned node becomes a stand-in Span whose id is the node's key, so
 * the main tree's expansion state (ExpansionState), visible rows (buildRows,
 * revealSpan) and keyboard handling (TreeInput, keyAction)
 * work on the comparison unchanged. The stand-ins carry only what those read
 * (id, parent, name, children, depth); `nodeOf` leads back to the node.
 */
import { CompareNode, Comparison } from '../model/compare';
import { Span, Trace } from '../model/types';

export interface CompareTree {
  /** Stand-in trace: roots, pre-order spans and byId of the stand-in spans. */
  trace: Trace;
  nodeOf: Map<string, CompareNode>;
  /** The node holding a given span of A, or of B (span id → node), for links between spans. */
  byIdA: Map<string, CompareNode>;
  byIdB: Map<string, CompareNode>;
}

function standIn(node: CompareNode): Span {
  const side = node.b ?? node.a!;
  return {
    id: node.key,
    parentId: node.parent ? node.parent.key : null,
    name: node.name,
    kind: side.kind,
    status: side.status,
    statusMessage: '',
    start: 0,
    end: 0,
    attributes: {},
    events: [],
    children: [],
    depth: node.depth,
    orphan: false
  };
}

export function compareTree(c: Comparison): CompareTree {
  const nodeOf = new Map<string, CompareNode>();
  const byId = new Map<string, Span>();
  const byIdA = new Map<string, CompareNode>();
  const byIdB = new Map<string, CompareNode>();
  const spans: Span[] = [];
  // c.nodes is in pre-order: a parent's stand-in exists before its children's.
  for (const node of c.nodes) {
    const span = standIn(node);
    spans.push(span);
    byId.set(span.id, span);
    nodeOf.set(node.key, node);
    if (node.parent) {
      byId.get(node.parent.key)!.children.push(span);
    }
    if (node.a) {
      byIdA.set(node.a.id, node);
    }
    if (node.b) {
      byIdB.set(node.b.id, node);
    }
  }
  const roots = c.roots.map(n => byId.get(n.key)!);
  const trace: Trace = {
    id: `compare:${c.a.id}:${c.b.id}`,
    format: c.b.format,
    name: `${c.a.name} vs ${c.b.name}`,
    state: 'OK',
    duration: Math.max(c.a.duration, c.b.duration),
    roots,
    spans,
    byId,
    metadata: {},
    assessments: [],
    warnings: []
  };
  return { trace, nodeOf, byIdA, byIdB };
}
