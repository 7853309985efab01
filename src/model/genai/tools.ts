/**
 * Tools around an LLM span: the tools it was offered (from the request, MLflow
 * `mlflow.chat.tools`, OpenInference `llm.tools.N.tool.json_schema`, GenAI
 * `gen_ai.tool.definitions`) and, for a tool call it made, the span in the
 * trace that ran that tool. Pure (no DOM).
 */
import { asString, ChatToolCall, decoded } from './chat-parts';
import { Span, Trace } from '../types';
import { isObject, Obj } from '../util';

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON schema of the arguments, as given. */
  parameters?: unknown;
}

/** One tool definition of any known shape (OpenAI chat, Responses, Anthropic, Gemini, GenAI). */
function definition(t: unknown): ToolDefinition | undefined {
  const o = decoded(t);
  if (!isObject(o)) {
    return undefined;
  }
  const fn = isObject(o.function) ? o.function : o; // OpenAI chat nests {type: function, function: {...}}
  const name = asString(fn.name) ?? (typeof o.type === 'string' && o.type !== 'function' ? o.type : undefined);
  if (!name) {
    return undefined;
  }
  return {
    name,
    description: asString(fn.description),
    parameters: fn.parameters ?? fn.input_schema ?? fn.inputSchema ?? fn.parametersJsonSchema
  };
}

function definitions(list: unknown): ToolDefinition[] {
  const v = decoded(list);
  if (!Array.isArray(v)) {
    return [];
  }
  const out: ToolDefinition[] = [];
  for (const item of v) {
    const o = decoded(item);
    // Gemini: tools: [{function_declarations: [...]}]
    const nested = isObject(o) ? o.function_declarations ?? o.functionDeclarations : undefined;
    if (Array.isArray(nested)) {
      out.push(...(nested.map(definition).filter(Boolean) as ToolDefinition[]));
    } else {
      const d = definition(o);
      if (d) {
        out.push(d);
      }
    }
  }
  return out;
}

/** OpenInference `llm.tools.N.tool.json_schema` (a JSON string per tool). */
function openInferenceTools(a: Obj): ToolDefinition[] {
  const found: Array<[number, ToolDefinition]> = [];
  for (const key in a) {
    const m = /^llm\.tools\.(\d+)\.tool\.json_schema$/.exec(key);
    if (m) {
      const d = definition(a[key]);
      if (d) {
        found.push([Number(m[1]), d]);
      }
    }
  }
  return found.sort((x, y) => x[0] - y[0]).map(e => e[1]);
}

/** The tools an LLM span was offered; the first source that lists any wins. */
export function toolsOf(span: Span): ToolDefinition[] {
  const a = span.attributes;
  const inputs = decoded(span.inputs);
  const sources = [
    () => definitions(a['mlflow.chat.tools']),
    () => definitions(a['gen_ai.tool.definitions']),
    () => openInferenceTools(a),
    () => (isObject(inputs) ? definitions(inputs.tools) : []),
    () => {
      // LangChain keeps them in invocation params.
      const params = decoded(a['llm.invocation_parameters'] ?? a.invocation_params);
      return isObject(params) ? definitions(params.tools) : [];
    }
  ];
  for (const source of sources) {
    const list = source();
    if (list.length > 0) {
      return list;
    }
  }
  return [];
}

const CALL_ID_KEYS = ['gen_ai.tool.call.id', 'tool_call.id', 'tool.call_id', 'tool_call_id'];
const TOOL_NAME_KEYS = ['gen_ai.tool.name', 'tool.name'];

function callIdOf(s: Span): string | undefined {
  for (const k of CALL_ID_KEYS) {
    const v = s.attributes[k];
    if (typeof v === 'string' && v) {
      return v;
    }
  }
  const inputs = decoded(s.inputs);
  return isObject(inputs) ? asString(inputs.tool_call_id) ?? asString(inputs.call_id) : undefined;
}

function toolNameOf(s: Span): string {
  for (const k of TOOL_NAME_KEYS) {
    const v = s.attributes[k];
    if (typeof v === 'string' && v) {
      return v;
    }
  }
  return s.name;
}

/**
 * The span that ran `call`, seen by `llmSpan`: the span whose tool call id
 * matches; else the first TOOL span named like the tool among the LLM span's
 * parent's descendants (where an agent loop runs its tools), not in
 * `claimed` (spans already matched to earlier calls), that starts after the
 * LLM span (`when: 'after'`, a call in its response) or before it
 * (`'before'`, a call from the conversation's history in its request).
 */
export function toolSpanFor(
  trace: Trace,
  llmSpan: Span,
  call: ChatToolCall,
  when: 'before' | 'after',
  claimed?: Set<string>
): Span | undefined {
  if (call.id) {
    for (const s of trace.spans) {
      if (s !== llmSpan && callIdOf(s) === call.id) {
        return s;
      }
    }
  }
  const scope = llmSpan.parentId ? trace.byId.get(llmSpan.parentId) : undefined;
  const candidates: Span[] = [];
  const walk = (spans: readonly Span[]): void => {
    for (const s of spans) {
      const inTime = when === 'after' ? s.start >= llmSpan.start : s.start < llmSpan.start;
      if (s !== llmSpan && s.kind === 'TOOL' && inTime && toolNameOf(s) === call.name && !claimed?.has(s.id)) {
        candidates.push(s);
      }
    }
  };
  if (scope) {
    const stack = [...scope.children];
    const below: Span[] = [];
    while (stack.length > 0) {
      const s = stack.pop()!;
      below.push(s);
      stack.push(...s.children);
    }
    walk(below);
  } else {
    walk(trace.spans);
  }
  candidates.sort((x, y) => x.start - y.start);
  return candidates[0];
}
