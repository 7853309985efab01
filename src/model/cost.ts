/**
 * Money a span reports (MLflow `mlflow.llm.cost`, OpenInference `llm.cost.*`)
 * or, when it reports none, what its tokens cost at list prices (prices.ts:
 * `estimated: true`), and the trace roll-up, with the token roll-up's rule: a
 * span's cost counts only if no ancestor's already did. Amounts are as the
 * trace gives them (MLflow and OpenInference use US dollars).
 */
import { decodeJson } from './attributes';
import { estimateCost, PriceTable } from './prices';
import { Cost, Span } from './types';
import { isObject, num, Obj } from './util';

const FIELDS = ['input', 'output', 'total'] as const;

function cost(input: unknown, output: unknown, total: unknown): Cost | undefined {
  if (input === undefined && output === undefined && total === undefined) {
    return undefined; // fast path: most spans report no cost
  }
  const out: Cost = {};
  const values = [num(input), num(output), num(total)];
  FIELDS.forEach((k, i) => {
    const v = values[i];
    if (v !== undefined && v >= 0) {
      out[k] = v;
    }
  });
  if (out.total === undefined && (out.input !== undefined || out.output !== undefined)) {
    out.total = (out.input ?? 0) + (out.output ?? 0);
  }
  return out.total !== undefined ? out : undefined;
}

/** An MLflow cost object `{input_cost, output_cost, total_cost}` (or a bare number: the total). */
export function costFromObject(v: unknown): Cost | undefined {
  const o = decodeJson(v);
  if (typeof o === 'number') {
    return cost(undefined, undefined, o);
  }
  return isObject(o) ? cost(o.input_cost ?? o.input, o.output_cost ?? o.output, o.total_cost ?? o.total) : undefined;
}

/** A span's own cost; the first convention that reports one wins. */
export function spanCost(a: Obj): Cost | undefined {
  if (a['mlflow.llm.cost'] !== undefined) {
    const c = costFromObject(a['mlflow.llm.cost']);
    if (c) {
      return c;
    }
  }
  return cost(a['llm.cost.prompt'], a['llm.cost.completion'], a['llm.cost.total']);
}

/**
 * What a span's tokens cost at `prices`, for a span with a model and token
 * counts. Cached input is priced as such; Anthropic's `input_tokens` leave
 * cache reads and writes out (MLflow-style usage of a Claude model, or cache
 * counts larger than the input), other conventions (OpenAI, OpenInference,
 * GenAI) count them in.
 */
export function spanEstimate(s: Pick<Span, 'model' | 'tokens' | 'attributes'>, prices: PriceTable): Cost | undefined {
  const t = s.tokens;
  if (!s.model || !t || (t.input === undefined && t.output === undefined)) {
    return undefined;
  }
  const read = t.cacheRead ?? 0;
  const write = t.cacheCreation ?? 0;
  let input = t.input;
  if (input !== undefined && read + write > 0) {
    const mlflowUsage = s.attributes['mlflow.chat.tokenUsage'] !== undefined;
    if (read + write > input || (mlflowUsage && /claude/i.test(s.model))) {
      input += read + write;
    }
  }
  return estimateCost(prices, s.model, { input, output: t.output, cachedInput: t.cacheRead, cacheWrite: t.cacheCreation });
}

/**
 * Trace roll-up (spans in depth-first pre-order with depth set); `preferred`
 * (trace metadata) wins. A reported cost always wins over an estimate: an
 * estimated span counts only when no ancestor's cost counts and no span below
 * it reports one (then the reported ones below count instead). The total is
 * `estimated` when any part of it is.
 */
export function rollupCost(spans: readonly Span[], preferred?: Cost): Cost | undefined {
  if (preferred) {
    return preferred;
  }
  const reportedBelow = spans.some(s => s.cost?.estimated) ? markReportedBelow(spans) : undefined;
  const coveredAt: boolean[] = [];
  const sum: Cost = {};
  let any = false;
  let estimated = false;
  let reported = false;
  let custom = false;
  let date: string | undefined;
  // A part (input/output) is summed only if every counted span gave it: a
  // partial sum next to the full total would mislead.
  const partial = { input: false, output: false, total: false };
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    const d = s.depth;
    const ancestorCovered = d > 0 && coveredAt[d - 1] === true;
    const own = !ancestorCovered && s.cost !== undefined && !(s.cost.estimated && reportedBelow![i]);
    coveredAt[d] = ancestorCovered || own;
    if (own) {
      any = true;
      if (s.cost!.estimated) {
        estimated = true;
        custom ||= s.cost!.customPrices === true;
        date ??= s.cost!.pricesDate;
      } else {
        reported = true;
      }
      for (const k of FIELDS) {
        const v = s.cost![k];
        if (v !== undefined) {
          sum[k] = (sum[k] ?? 0) + v;
        } else {
          partial[k] = true;
        }
      }
    }
  }
  for (const k of FIELDS) {
    if (partial[k]) {
      delete sum[k];
    }
  }
  if (!any) {
    return undefined;
  }
  if (estimated) {
    sum.estimated = true;
    if (date !== undefined) {
      sum.pricesDate = date;
    }
    if (custom) {
      sum.customPrices = true;
    }
    if (reported) {
      sum.partlyReported = true;
    }
  }
  return sum;
}

/**
 * For each span (pre-order, depth set): does a span below it report a cost?
 * One pass backwards: a span's descendants come right after it, so when it is
 * reached they are done, and below[d + 1] holds what its children found.
 */
function markReportedBelow(spans: readonly Span[]): boolean[] {
  const out: boolean[] = new Array(spans.length);
  const below: boolean[] = [];
  for (let i = spans.length - 1; i >= 0; i--) {
    const s = spans[i];
    const d = s.depth;
    out[i] = below[d + 1] === true;
    below[d + 1] = false;
    below[d] = below[d] === true || out[i] || (s.cost !== undefined && !s.cost.estimated);
  }
  return out;
}
