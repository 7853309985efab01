/**
 * What a trace's spans used, by model and by span type (the trace list's
 * "by model" and "by span type" columns and aggregates). Tokens and cost
 * follow the trace roll-up's rule: a span's own count is used only when no
 * ancestor already reported one (an agent span that sums its LLM calls is not
 * counted twice). A summary (a trace without its spans) carries the same
 * numbers in its `nbtrace.summary` metadata. Pure.
 */
import { KindUse, ListEntry, ModelUse, SpanSummary } from '../../model/trace-list';
import { Span, Trace } from '../../model/types';

export interface TraceUsage {
  models: Record<string, ModelUse>;
  kinds: Record<string, KindUse>;
}

/** The model name counted when a span reports tokens but no model. */
export const NO_MODEL = '(model not given)';

function totalOf(t: { input?: number; output?: number; total?: number } | undefined): number | undefined {
  if (!t) {
    return undefined;
  }
  return t.total ?? (t.input !== undefined || t.output !== undefined ? (t.input ?? 0) + (t.output ?? 0) : undefined);
}

function add(into: Record<string, number | undefined>, key: string, v: number | undefined): void {
  if (v !== undefined) {
    into[key] = (into[key] ?? 0) + v;
  }
}

/** Nearest model at or below `s` (an LLM wrapper span often names it on a child). */
function modelBelow(s: Span): string | undefined {
  const stack = [s];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x.model) {
      return x.model;
    }
    for (let i = x.children.length - 1; i >= 0; i--) {
      stack.push(x.children[i]);
    }
  }
  return undefined;
}

export function traceUsage(trace: Trace): TraceUsage {
  const models: Record<string, ModelUse> = Object.create(null);
  const kinds: Record<string, KindUse> = Object.create(null);
  // Spans come depth-first: covered[d] says whether an ancestor at depth d counted tokens (cost).
  const tokenCovered: boolean[] = [];
  const costCovered: boolean[] = [];
  for (const s of trace.spans) {
    const d = s.depth;
    const tokensAbove = d > 0 && tokenCovered[d - 1] === true;
    const costAbove = d > 0 && costCovered[d - 1] === true;
    const ownTokens = !tokensAbove && s.tokens !== undefined;
    const ownCost = !costAbove && s.cost !== undefined;
    tokenCovered[d] = tokensAbove || ownTokens;
    costCovered[d] = costAbove || ownCost;
    const kind = (kinds[s.kind] ??= { count: 0, errors: 0, ms: 0 });
    kind.count++;
    kind.errors += s.status === 'ERROR' ? 1 : 0;
    kind.ms += s.end !== undefined ? Math.max(0, s.end - s.start) : 0;
    const bag = kind as unknown as Record<string, number | undefined>;
    if (ownTokens) {
      add(bag, 'tokens', totalOf(s.tokens));
    }
    if (ownCost) {
      add(bag, 'cost', totalOf(s.cost));
    }
    if (s.model !== undefined || ownTokens || ownCost) {
      const name = s.model ?? modelBelow(s) ?? NO_MODEL;
      const use = (models[name] ??= { calls: 0 });
      if (s.model !== undefined && (s.kind === 'LLM' || s.kind === 'CHAT_MODEL' || s.kind === 'EMBEDDING' || ownTokens)) {
        use.calls++;
      }
      const u = use as unknown as Record<string, number | undefined>;
      if (ownTokens) {
        add(u, 'input', s.tokens!.input);
        add(u, 'output', s.tokens!.output);
        add(u, 'total', totalOf(s.tokens));
      }
      if (ownCost) {
        add(u, 'cost', totalOf(s.cost));
        if (s.cost!.estimated) {
          use.estimated = true;
        }
      }
    }
  }
  return { models: { ...models }, kinds: { ...kinds } };
}

/** A list entry's usage: from its spans, or from its summary. */
export function entryUsage(entry: ListEntry): TraceUsage {
  if (entry.hasSpans) {
    return traceUsage(entry.trace);
  }
  const s: SpanSummary | undefined = entry.summary;
  return { models: s?.models ?? {}, kinds: s?.kinds ?? {} };
}
