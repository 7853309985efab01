/**
 * Chat turns of an LLM span, from whatever shape the trace carries: OTel GenAI
 * (`gen_ai.input.messages` / `gen_ai.output.messages`), OpenInference
 * flattened attributes (`llm.input_messages.N.message.*`), and OpenAI /
 * Anthropic / MLflow-style request and response objects in the span's
 * inputs and outputs. Pure (no DOM); text stays text.
 */
import { decodeJson } from './attributes';
import { Span } from './types';
import { isObject, Obj } from './util';

export interface ChatToolCall {
  id?: string;
  name: string;
  /** Arguments as given (a JSON string is decoded). */
  arguments?: unknown;
}

export interface ChatMessage {
  role: string;
  /** The text parts, joined. */
  text: string;
  toolCalls: ChatToolCall[];
  /** For a tool result: the call it answers. */
  toolCallId?: string;
}

export interface ChatView {
  input: ChatMessage[];
  output: ChatMessage[];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function decoded(v: unknown): unknown {
  return typeof v === 'string' ? decodeJson(v) : v;
}

/** Text of a content value: a string, or a list of parts/blocks ({type: text, text|content}). */
function contentText(c: unknown): string {
  if (typeof c === 'string') {
    return c;
  }
  if (Array.isArray(c)) {
    return c
      .map(p => (typeof p === 'string' ? p : isObject(p) ? str(p.text) ?? (p.type === 'text' ? str(p.content) : undefined) ?? '' : ''))
      .filter(t => t !== '')
      .join('\n');
  }
  return '';
}

function toolCall(o: Obj): ChatToolCall | undefined {
  // OpenAI {id, function: {name, arguments}}; Anthropic {type: tool_use, id, name, input}; GenAI {type: tool_call, id, name, arguments}.
  const fn = isObject(o.function) ? o.function : o;
  const name = str(fn.name);
  if (!name) {
    return undefined;
  }
  return { id: str(o.id), name, arguments: decoded(fn.arguments ?? o.input ?? o.args) };
}

/** One message object of any of the known shapes → ChatMessage. */
export function toMessage(m: unknown): ChatMessage | undefined {
  if (!isObject(m)) {
    return undefined;
  }
  // LangChain dicts say {type: human|ai|system|tool}; the rest {role}.
  const type = str(m.type);
  const role = str(m.role) ?? (type === 'human' ? 'user' : type === 'ai' ? 'assistant' : type);
  if (!role) {
    return undefined;
  }
  const toolCalls: ChatToolCall[] = [];
  let toolCallId = str(m.tool_call_id);
  const texts: string[] = [];
  const blocks = Array.isArray(m.parts) ? m.parts : Array.isArray(m.content) ? m.content : null;
  if (blocks) {
    for (const b of blocks) {
      if (!isObject(b)) {
        continue;
      }
      if (b.type === 'tool_call' || b.type === 'tool_use') {
        const call = toolCall(b);
        if (call) {
          toolCalls.push(call);
        }
      } else if (b.type === 'tool_call_response' || b.type === 'tool_result') {
        toolCallId ??= str(b.id) ?? str(b.tool_use_id);
        const r = b.response ?? b.content ?? b.result;
        texts.push(typeof r === 'string' ? r : contentText(r) || JSON.stringify(r));
      } else {
        const t = contentText([b]);
        if (t) {
          texts.push(t);
        }
      }
    }
  } else {
    texts.push(contentText(m.content));
  }
  // OpenAI and LangChain `tool_calls`; older LangChain dicts keep them in `additional_kwargs`.
  const kwargs = isObject(m.additional_kwargs) ? m.additional_kwargs : {};
  const calls = Array.isArray(m.tool_calls) ? m.tool_calls : Array.isArray(kwargs.tool_calls) ? kwargs.tool_calls : [];
  {
    for (const c of calls) {
      const call = isObject(c) ? toolCall(c) : undefined;
      if (call) {
        toolCalls.push(call);
      }
    }
  }
  return { role, text: texts.filter(t => t !== '').join('\n'), toolCalls, toolCallId };
}

function messages(list: unknown): ChatMessage[] {
  let v = decoded(list);
  // LangChain chat model inputs come batched: [[message, ...]].
  if (Array.isArray(v) && v.length > 0 && v.every(x => Array.isArray(x))) {
    v = (v as unknown[][]).flat();
  }
  return Array.isArray(v) ? v.map(toMessage).filter((m): m is ChatMessage => m !== undefined) : [];
}

/** OpenInference `llm.{input,output}_messages.N.message.*` flattened attributes → messages. */
export function openInferenceMessages(a: Obj, prefix: 'llm.input_messages' | 'llm.output_messages'): ChatMessage[] {
  const byIndex = new Map<number, Obj>();
  const head = `${prefix}.`;
  for (const key in a) {
    if (!key.startsWith(head)) {
      continue;
    }
    const rest = key.slice(head.length);
    const dot = rest.indexOf('.message.');
    const i = Number(rest.slice(0, dot));
    if (dot < 0 || !Number.isInteger(i)) {
      continue;
    }
    let m = byIndex.get(i);
    if (!m) {
      m = {};
      byIndex.set(i, m);
    }
    m[rest.slice(dot + '.message.'.length)] = a[key];
  }
  const out: ChatMessage[] = [];
  for (const i of [...byIndex.keys()].sort((x, y) => x - y)) {
    const f = byIndex.get(i)!;
    const texts: string[] = [];
    if (typeof f.content === 'string') {
      texts.push(f.content);
    }
    const calls = new Map<number, ChatToolCall>();
    for (const k of Object.keys(f).sort()) {
      const t = /^contents\.(\d+)\.message_content\.text$/.exec(k);
      if (t && typeof f[k] === 'string') {
        texts.push(f[k] as string);
      }
      const c = /^tool_calls\.(\d+)\.tool_call\.(id|function\.name|function\.arguments)$/.exec(k);
      if (c) {
        const n = Number(c[1]);
        const call = calls.get(n) ?? { name: '' };
        if (c[2] === 'id') {
          call.id = str(f[k]);
        } else if (c[2] === 'function.name') {
          call.name = str(f[k]) ?? '';
        } else {
          call.arguments = decoded(f[k]);
        }
        calls.set(n, call);
      }
    }
    out.push({
      role: str(f.role) ?? 'unknown',
      text: texts.join('\n'),
      toolCalls: [...calls.entries()].sort((x, y) => x[0] - y[0]).map(e => e[1]).filter(c => c.name !== ''),
      toolCallId: str(f.tool_call_id)
    });
  }
  return out;
}

/** Request messages and the response message(s) from span inputs/outputs objects (OpenAI, Anthropic, MLflow chat). */
function ioMessages(inputs: unknown, outputs: unknown): ChatView {
  const input: ChatMessage[] = [];
  const i = decoded(inputs);
  if (isObject(i)) {
    if (typeof i.system === 'string' && i.system) {
      input.push({ role: 'system', text: i.system, toolCalls: [] });
    }
    input.push(...messages(i.messages));
  } else if (Array.isArray(i)) {
    input.push(...messages(i));
  }
  const output: ChatMessage[] = [];
  const o = decoded(outputs);
  if (isObject(o)) {
    if (Array.isArray(o.generations)) {
      // LangChain LLMResult: generations[prompt][candidate].message
      for (const g of (o.generations as unknown[]).flat()) {
        const m = isObject(g) ? toMessage(isObject(g.message) ? g.message : { role: 'assistant', content: g.text }) : undefined;
        if (m) {
          output.push(m);
        }
      }
    } else if (Array.isArray(o.choices)) {
      for (const c of o.choices) {
        const m = isObject(c) ? toMessage(c.message ?? c.delta) : undefined;
        if (m) {
          output.push(m);
        }
      }
    } else if (o.role !== undefined || o.type === 'message') {
      const m = toMessage({ role: 'assistant', ...o });
      if (m) {
        output.push(m);
      }
    }
  }
  return { input, output };
}

/** The chat turns of a span, or undefined when it carries none. */
export function chatOf(span: Span): ChatView | undefined {
  const a = span.attributes;
  let view: ChatView = {
    input: messages(a['gen_ai.input.messages']),
    output: messages(a['gen_ai.output.messages'])
  };
  if (view.input.length === 0 && view.output.length === 0) {
    view = {
      input: openInferenceMessages(a, 'llm.input_messages'),
      output: openInferenceMessages(a, 'llm.output_messages')
    };
  }
  if (view.input.length === 0 && view.output.length === 0) {
    view = ioMessages(span.inputs, span.outputs);
  }
  return view.input.length > 0 || view.output.length > 0 ? view : undefined;
}
