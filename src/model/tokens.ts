/** Token usage and model name extraction from span attributes; trace roll-up. */
import { decodeJson } from './attributes';
import { Span, TokenUsage } from './types';
import { isObject, num, Obj } from './util';

type Field = keyof TokenUsage;
const FIELDS: Field[] = ['input', 'output', 'total', 'cacheRead', 'cacheCreation', 'reasoning'];

/** Builds a TokenUsage from six optional counts; undefined when all are missing. total = input + output when absent. */
function usage(
  input: unknown,
  output: unknown,
  total: unknown,
  cacheRead: unknown,
  cacheCreation: unknown,
  reasoning: unknown
): TokenUsage | undefined {
  if (
    input === undefined &&
    output === undefined &&
    total === undefined &&
    cacheRead === undefined &&
    cacheCreation === undefined &&
    reasoning === undefined
  ) {
    return undefined; // fast path: most spans report no usage
  }
  const values = [num(input), num(output), num(total), num(cacheRead), num(cacheCreation), num(reasoning)];
  const out: TokenUsage = {};
  let any = false;
  for (let i = 0; i < FIELDS.length; i++) {
    if (values[i] !== undefined) {
      out[FIELDS[i]] = values[i];
      any = true;
    }
  }
  if (!any) {
    return undefined;
  }
  if (out.total === undefined && (out.input !== undefined || out.output !== undefined)) {
    out.total = (out.input ?? 0) + (out.output ?? 0);
  }
  return out;
}

/** MLflow usage object (`mlflow.chat.tokenUsage`, `mlflow.trace.tokenUsage`), also OpenAI-style names. */
export function usageFromObject(v: unknown): TokenUsage | undefined {
  const o = decodeJson(v);
  if (!isObject(o)) {
    return undefined;
  }
  return usage(
    o.input_tokens ?? o.prompt_tokens,
    o.output_tokens ?? o.completion_tokens,
    o.total_tokens,
    o.cache_read_input_tokens,
    o.cache_creation_input_tokens,
    o.reasoning_tokens
  );
}

/**
 * A span's own usage; the first convention that reports anything wins:
 * MLflow `mlflow.chat.tokenUsage`, OpenInference `llm.token_count.*`, GenAI `gen_ai.usage.*`
 * (with the older `prompt_tokens`/`completion_tokens` names).
 */
export function spanTokens(a: Obj): TokenUsage | undefined {
  if (a['mlflow.chat.tokenUsage'] !== undefined) {
    const u = usageFromObject(a['mlflow.chat.tokenUsage']);
    if (u) {
      return u;
    }
  }
  return (
    usage(
      a['llm.token_count.prompt'],
      a['llm.token_count.completion'],
      a['llm.token_count.total'],
      a['llm.token_count.prompt_details.cache_read'],
      a['llm.token_count.prompt_details.cache_write'],
      a['llm.token_count.completion_details.reasoning']
    ) ??
    usage(
      a['gen_ai.usage.input_tokens'] ?? a['gen_ai.usage.prompt_tokens'],
      a['gen_ai.usage.output_tokens'] ?? a['gen_ai.usage.completion_tokens'],
      a['gen_ai.usage.total_tokens'],
      a['gen_ai.usage.cache_read.input_tokens'] ?? a['gen_ai.usage.cache_read_input_tokens'],
      a['gen_ai.usage.cache_creation.input_tokens'] ?? a['gen_ai.usage.cache_creation_input_tokens'],
      a['gen_ai.usage.reasoning.output_tokens'] ?? a['gen_ai.usage.reasoning_tokens']
    )
  );
}

const MODEL_KEYS = ['mlflow.llm.model', 'llm.model_name', 'gen_ai.response.model', 'gen_ai.request.model'];

export function spanModel(a: Obj): string | undefined {
  for (const k of MODEL_KEYS) {
    const v = a[k];
    if (typeof v === 'string' && v.trim() !== '') {
      return v;
    }
  }
  return undefined;
}

/**
 * Trace roll-up: a span's usage counts only if no ancestor already reported
 * usage (wrapper spans repeat their children's totals). `spans` must be in
 * depth-first pre-order with `depth` set, as Trace.spans is: the ancestors of
 * a span are then exactly the last span seen at each smaller depth.
 * `preferred` (trace metadata `mlflow.trace.tokenUsage`) wins for the fields it has.
 */
export function rollupTokens(spans: readonly Span[], preferred?: TokenUsage): TokenUsage | undefined {
  // coveredAt[d]: the current path's span at depth d, or one of its ancestors, reported usage.
  const coveredAt: boolean[] = [];
  const sum: TokenUsage = {};
  let any = false;
  for (const s of spans) {
    const d = s.depth;
    const ancestorCovered = d > 0 && coveredAt[d - 1] === true;
    const own = !ancestorCovered && s.tokens !== undefined;
    coveredAt[d] = ancestorCovered || own;
    if (own) {
      any = true;
      for (const k of FIELDS) {
        const v = s.tokens![k];
        if (v !== undefined) {
          sum[k] = (sum[k] ?? 0) + v;
        }
      }
    }
  }
  if (preferred) {
    return { ...(any ? sum : {}), ...preferred };
  }
  return any ? sum : undefined;
}
