/**
 * Chat turns of an LLM span, from whatever shape the trace carries:
 * - OTel GenAI `gen_ai.input.messages` / `gen_ai.output.messages` /
 *   `gen_ai.system_instructions`, and the older per-message events
 *   (`gen_ai.user.message`, `gen_ai.choice`, `gen_ai.content.prompt`, …);
 * - flattened attributes: OpenInference `llm.input_messages.N.message.*` and
 *   OpenLLMetry `gen_ai.prompt.N.*` / `gen_ai.completion.N.*`;
 * - request/response objects in the span's inputs and outputs: OpenAI chat
 *   completions (also streamed chunks), OpenAI Responses API, Anthropic
 *   messages, Gemini, LangChain (message dicts, `generations`), MLflow
 *   `mlflow.chat.messages`.
 * Pure (no DOM); text stays text. One message is read by toMessage.
 */
import { asString, ChatMessage, ChatToolCall, contentText, decoded, messages, toMessage } from './chat-parts';
import { setKey } from '../attributes';
import { Span } from '../types';
import { isObject, Obj } from '../util';

export { ChatImage, ChatMessage, ChatToolCall, toMessage } from './chat-parts';

export interface ChatView {
  input: ChatMessage[];
  output: ChatMessage[];
}

interface FlatMessage {
  fields: Obj;
}

/**
 * Flattened messages `<prefix>.N.<rest>` → per-index field maps, with `inner`
 * stripped from `rest` (OpenInference nests fields under `message.`).
 */
function flatMessages(a: Obj, prefix: string, inner: string): FlatMessage[] {
  const byIndex = new Map<number, Obj>();
  const head = `${prefix}.`;
  for (const key in a) {
    if (!key.startsWith(head)) {
      continue;
    }
    const rest = key.slice(head.length);
    const dot = rest.indexOf('.');
    const i = Number(rest.slice(0, dot));
    if (dot <= 0 || !Number.isInteger(i) || i < 0) {
      continue;
    }
    let field = rest.slice(dot + 1);
    if (inner) {
      if (!field.startsWith(inner)) {
        continue;
      }
      field = field.slice(inner.length);
    }
    let m = byIndex.get(i);
    if (!m) {
      m = {};
      byIndex.set(i, m);
    }
    setKey(m, field, a[key]); // a hostile `__proto__` field stays a plain field
  }
  return [...byIndex.keys()].sort((x, y) => x - y).map(i => ({ fields: byIndex.get(i)! }));
}

/** One flattened message's fields → ChatMessage (OpenInference and OpenLLMetry field names). */
function fromFlat({ fields: f }: FlatMessage): ChatMessage {
  const texts: string[] = [];
  if (typeof f.content === 'string') {
    const c = decoded(f.content);
    texts.push(Array.isArray(c) ? contentText(c) : f.content);
  }
  const calls = new Map<number, ChatToolCall>();
  for (const k of Object.keys(f).sort()) {
    const t = /^contents\.(\d+)\.message_content\.text$/.exec(k);
    if (t && typeof f[k] === 'string') {
      texts.push(f[k] as string);
    }
    // OpenInference tool_calls.N.tool_call.{id,function.name,function.arguments}; OpenLLMetry tool_calls.N.{id,name,arguments}.
    const c = /^tool_calls\.(\d+)\.(?:tool_call\.)?(id|function\.name|name|function\.arguments|arguments)$/.exec(k);
    if (c) {
      const n = Number(c[1]);
      const call = calls.get(n) ?? { name: '' };
      if (c[2] === 'id') {
        call.id = asString(f[k]);
      } else if (c[2].endsWith('name')) {
        call.name = asString(f[k]) ?? '';
      } else {
        call.arguments = decoded(f[k]);
      }
      calls.set(n, call);
    }
  }
  const message: ChatMessage = {
    role: asString(f.role) ?? 'unknown',
    text: texts.join('\n'),
    toolCalls: [...calls.entries()].sort((x, y) => x[0] - y[0]).map(e => e[1]).filter(c => c.name !== ''),
    toolCallId: asString(f.tool_call_id)
  };
  if (typeof f.finish_reason === 'string' && f.finish_reason) {
    message.finishReason = f.finish_reason;
  }
  return message;
}

/** OpenInference `llm.{input,output}_messages.N.message.*` flattened attributes → messages. */
export function openInferenceMessages(a: Obj, prefix: 'llm.input_messages' | 'llm.output_messages'): ChatMessage[] {
  return flatMessages(a, prefix, 'message.').map(fromFlat);
}

/** OTel GenAI attributes: system instructions + input/output message lists. */
function genAiMessages(a: Obj): ChatView {
  const input = messages(a['gen_ai.input.messages']);
  const system = decoded(a['gen_ai.system_instructions']);
  if (system !== undefined && system !== null && system !== '') {
    const text = typeof system === 'string' ? system : contentText(system);
    if (text) {
      input.unshift({ role: 'system', text, toolCalls: [] });
    }
  }
  return { input, output: messages(a['gen_ai.output.messages']) };
}

const GENAI_MESSAGE_EVENT = /^gen_ai\.(system|user|assistant|tool)\.message$/;

/** Older GenAI semantic conventions: one event per message, `gen_ai.choice` per answer; older still, prompt/completion events. */
function genAiEventMessages(span: Span): ChatView {
  const view: ChatView = { input: [], output: [] };
  for (const e of span.events) {
    const a = e.attributes;
    const m = GENAI_MESSAGE_EVENT.exec(e.name);
    if (m) {
      // Content may be a JSON list of parts; a plain string (even "42") stays text.
      const content = decoded(a.content);
      const msg = toMessage({ role: m[1], ...a, content: typeof content === 'object' ? content : a.content, tool_calls: decoded(a.tool_calls) });
      if (msg) {
        msg.toolCallId ??= m[1] === 'tool' ? asString(a.id) : undefined;
        view.input.push(msg);
      }
    } else if (e.name === 'gen_ai.choice') {
      const body = decoded(a.message);
      const msg = toMessage(isObject(body) ? { role: 'assistant', ...body } : { role: 'assistant', content: body ?? a.content });
      if (msg) {
        msg.finishReason ??= asString(a.finish_reason);
        view.output.push(msg);
      }
    } else if (e.name === 'gen_ai.content.prompt') {
      const p = decoded(a['gen_ai.prompt']);
      view.input.push(...(typeof p === 'string' ? [{ role: 'user', text: p, toolCalls: [] }] : messages(p)));
    } else if (e.name === 'gen_ai.content.completion') {
      const c = decoded(a['gen_ai.completion']);
      view.output.push(...(typeof c === 'string' ? [{ role: 'assistant', text: c, toolCalls: [] }] : messages(c)));
    }
  }
  return view;
}

/** Streamed OpenAI chat chunks (`choices[].delta`) joined into the message(s) they spell. */
function joinChunks(chunks: unknown[]): ChatMessage[] {
  interface Joined {
    role: string;
    text: string;
    calls: Map<number, ChatToolCall & { args: string }>;
    finish?: string;
  }
  const byIndex = new Map<number, Joined>();
  for (const chunk of chunks) {
    if (!isObject(chunk) || !Array.isArray(chunk.choices)) {
      continue;
    }
    for (const c of chunk.choices) {
      if (!isObject(c) || !isObject(c.delta)) {
        continue;
      }
      const i = typeof c.index === 'number' ? c.index : 0;
      const acc: Joined = byIndex.get(i) ?? { role: 'assistant', text: '', calls: new Map() };
      byIndex.set(i, acc);
      acc.role = asString(c.delta.role) ?? acc.role;
      acc.text += asString(c.delta.content) ?? '';
      acc.finish = asString(c.finish_reason) ?? acc.finish;
      for (const t of Array.isArray(c.delta.tool_calls) ? c.delta.tool_calls : []) {
        if (!isObject(t)) {
          continue;
        }
        const n = typeof t.index === 'number' ? t.index : acc.calls.size;
        const call = acc.calls.get(n) ?? { name: '', args: '' };
        const fn = isObject(t.function) ? t.function : {};
        call.id ??= asString(t.id);
        call.name += asString(fn.name) ?? '';
        call.args += asString(fn.arguments) ?? '';
        acc.calls.set(n, call);
      }
    }
  }
  return [...byIndex.keys()].sort((x, y) => x - y).map(i => {
    const acc = byIndex.get(i)!;
    const toolCalls = [...acc.calls.values()].map(c => ({ id: c.id, name: c.name, arguments: c.args ? decoded(c.args) : undefined }));
    return { role: acc.role, text: acc.text, toolCalls, finishReason: acc.finish };
  });
}

/** Response message(s) from a span's outputs (OpenAI chat / Responses, Anthropic, Gemini, LangChain, chunks). */
function outputMessages(outputs: unknown): ChatMessage[] {
  const o = decoded(outputs);
  const out: ChatMessage[] = [];
  if (Array.isArray(o)) {
    // A list of streamed chunks; or a list of messages.
    if (o.some(x => isObject(x) && Array.isArray(x.choices))) {
      return joinChunks(o);
    }
    return messages(o).filter(m => m.role !== 'user' && m.role !== 'system');
  }
  if (typeof o === 'string' || !isObject(o)) {
    return out;
  }
  if (Array.isArray(o.generations)) {
    // LangChain LLMResult: generations[prompt][candidate].message
    for (const g of (o.generations as unknown[]).flat()) {
      const m = isObject(g) ? toMessage(isObject(g.message) ? g.message : { role: 'assistant', content: g.text }) : undefined;
      if (m) {
        out.push(m);
      }
    }
  } else if (Array.isArray(o.choices)) {
    for (const c of o.choices) {
      const m = isObject(c) ? toMessage(c.message ?? c.delta ?? (typeof c.text === 'string' ? { role: 'assistant', content: c.text } : undefined)) : undefined;
      if (m) {
        m.finishReason ??= isObject(c) ? asString(c.finish_reason) : undefined;
        out.push(m);
      }
    }
  } else if (Array.isArray(o.output) && (o.object === 'response' || o.output.some(x => isObject(x) && typeof x.type === 'string'))) {
    // OpenAI Responses API: output items (messages, function calls, reasoning).
    out.push(...messages(o.output));
  } else if (Array.isArray(o.candidates)) {
    // Gemini: candidates[].content {role: model, parts}.
    for (const c of o.candidates) {
      const m = isObject(c) && isObject(c.content) ? toMessage({ role: 'model', ...c.content }) : undefined;
      if (m) {
        m.finishReason ??= asString((c as Obj).finish_reason) ?? asString((c as Obj).finishReason);
        out.push(m);
      }
    }
  } else if (o.role !== undefined || o.type === 'message') {
    const m = toMessage({ role: 'assistant', ...o });
    if (m) {
      m.finishReason ??= asString(o.stop_reason);
      out.push(m);
    }
  } else if (isObject(o.message)) {
    // Ollama-style {message: {...}} and similar wrappers.
    const m = toMessage({ role: 'assistant', ...o.message });
    if (m) {
      out.push(m);
    }
  }
  return out;
}

/**
 * Request messages from a span's inputs. A bare `prompt` / `input` string is
 * read as a user turn only on LLM spans (elsewhere it is just an argument).
 */
function inputMessages(inputs: unknown, llmSpan: boolean): ChatMessage[] {
  const i = decoded(inputs);
  if (Array.isArray(i)) {
    return messages(i);
  }
  if (!isObject(i)) {
    return [];
  }
  const input: ChatMessage[] = [];
  // System prompt as a separate field: Anthropic `system` (string or blocks), Responses `instructions`, Gemini `system_instruction`.
  const system = i.system ?? i.instructions ?? i.system_instruction ?? i.systemInstruction;
  const systemText = typeof system === 'string' ? system : isObject(system) ? contentText(system.parts ?? system) : contentText(system);
  if (systemText) {
    input.push({ role: 'system', text: systemText, toolCalls: [] });
  }
  if (i.messages !== undefined) {
    input.push(...messages(i.messages));
  } else if (typeof i.input === 'string' && llmSpan) {
    input.push({ role: 'user', text: i.input, toolCalls: [] }); // Responses API shorthand
  } else if (Array.isArray(i.input)) {
    input.push(...messages(i.input));
  } else if (i.contents !== undefined) {
    const c = decoded(i.contents);
    input.push(...(typeof c === 'string' ? [{ role: 'user', text: c, toolCalls: [] }] : messages(c)));
  } else if (typeof i.prompt === 'string' && llmSpan) {
    input.push({ role: 'user', text: i.prompt, toolCalls: [] });
  }
  return input;
}

/** MLflow's older `mlflow.chat.messages`: the whole conversation, the response last. */
function mlflowChatMessages(a: Obj): ChatView {
  const all = messages(a['mlflow.chat.messages']);
  let split = all.length;
  while (split > 0 && all[split - 1].role === 'assistant' && split === all.length) {
    split--;
  }
  return { input: all.slice(0, split), output: all.slice(split) };
}

const LLM_KINDS = new Set(['LLM', 'CHAT_MODEL']);

function nonEmpty(view: ChatView): boolean {
  return view.input.length > 0 || view.output.length > 0;
}

/** The chat turns of a span, or undefined when it carries none. The first source that has any wins. */
export function chatOf(span: Span): ChatView | undefined {
  const a = span.attributes;
  const sources: Array<() => ChatView> = [
    () => genAiMessages(a),
    () => ({
      input: openInferenceMessages(a, 'llm.input_messages'),
      output: openInferenceMessages(a, 'llm.output_messages')
    }),
    () => ({ input: inputMessages(span.inputs, LLM_KINDS.has(span.kind)), output: outputMessages(span.outputs) }),
    () => mlflowChatMessages(a),
    () => ({
      input: flatMessages(a, 'gen_ai.prompt', '').map(fromFlat),
      output: flatMessages(a, 'gen_ai.completion', '').map(fromFlat)
    }),
    () => genAiEventMessages(span)
  ];
  for (const source of sources) {
    const view = source();
    if (nonEmpty(view)) {
      return view;
    }
  }
  return undefined;
}
