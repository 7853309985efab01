/**
 * Money a span reports (MLflow `mlflow.llm.cost`, OpenInference `llm.cost.*`)
 * and the trace roll-up, with the token roll-up's rule: a span's cost counts
 * only if no ancestor already reported cost. Amounts are as the trace gives
 * them (MLflow and OpenInference use US dollars).
 */
import { decodeJson } from './attributes';
import { Cost, Span } from './types';
import { isObject, num, Obj } from './util';

const FIELDS: Array<keyof Cost> = ['input', 'output', 'total'];

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

/** Trace roll-up (spans in depth-first pre-order with depth set); `preferred` (trace metadata) wins. */
export function rollupCost(spans: readonly Span[], preferred?: Cost): Cost | undefined {
  if (preferred) {
    return preferred;
  }
  const coveredAt: boolean[] = [];
  const sum: Cost = {};
  let any = false;
  // A part (input/output) is summed only if every counted span gave it: a
  // partial sum next to the full total would mislead.
  const partial = { input: false, output: false, total: false };
  for (const s of spans) {
    const d = s.depth;
    const ancestorCovered = d > 0 && coveredAt[d - 1] === true;
    const own = !ancestorCovered && s.cost !== undefined;
    coveredAt[d] = ancestorCovered || own;
    if (own) {
      any = true;
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
  return any ? sum : undefined;
}
