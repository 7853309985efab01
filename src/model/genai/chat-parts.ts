/**
 * One chat message of any provider's shape → ChatMessage: its text, its
 * thinking, its images and its tool calls. Content parts come as OpenAI
 * chat / Responses API parts, Anthropic blocks, OTel GenAI parts, Gemini parts
 * or LangChain dicts. Pure (no DOM); text stays text. chatOf finds the
 * messages in a span; toMessage reads one.
 */
import { decodeJson } from '../attributes';
import { isObject, Obj } from '../util';

export interface ChatToolCall {
  id?: string;
  name: string;
  /** Arguments as given (a JSON string is decoded). */
  arguments?: unknown;
}

/**
 * An image part. Only `data:image/*` URLs are ever shown as images (nothing is
 * fetched from the network); other references keep their address as text.
 */
export interface ChatImage {
  /** A `data:image/<type>;base64,` URL, checked. */
  dataUrl?: string;
  /** Where the image lives, when it is not inline (a URL, a file id). Shown as text. */
  ref?: string;
  mimeType?: string;
}

export interface ChatMessage {
  role: string;
  /** The text parts, joined. */
  text: string;
  toolCalls: ChatToolCall[];
  /** For a tool result: the call it answers. */
  toolCallId?: string;
  /** Reasoning the model showed (Anthropic thinking, Responses reasoning summaries, GenAI reasoning parts). */
  thinking?: string;
  images?: ChatImage[];
  /** Why the model stopped (response messages), when the payload says it. */
  finishReason?: string;
}

/** A string (empty included), or undefined. (util's `str` wants a non-empty one.) */
export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function decoded(v: unknown): unknown {
  return typeof v === 'string' ? decodeJson(v) : v;
}

// Base64 only, of the raster and vector types a browser shows in <img> (an SVG
// in <img> runs no script). Anything else is not shown as an image.
const DATA_IMAGE = /^data:image\/(png|jpe?g|gif|webp|avif|bmp|svg\+xml);base64,[A-Za-z0-9+/=\s]+$/;

/** An image from a URL-ish value: inline when it is a proper data URL, a reference otherwise. */
export function imageFrom(url: unknown, mimeType?: unknown): ChatImage | undefined {
  if (typeof url !== 'string' || url === '') {
    return undefined;
  }
  if (url.startsWith('data:')) {
    return DATA_IMAGE.test(url) ? { dataUrl: url } : { ref: `${url.slice(0, 40)}… (not an image this view shows)` };
  }
  return { ref: url, mimeType: asString(mimeType) };
}

/** An image from base64 bytes and a media type (Anthropic `source`, GenAI `blob`, Gemini `inline_data`). */
function imageFromBase64(data: unknown, mimeType: unknown): ChatImage | undefined {
  const type = asString(mimeType);
  if (typeof data !== 'string' || !type || !type.startsWith('image/')) {
    return undefined;
  }
  return imageFrom(`data:${type};base64,${data}`);
}

function toolCall(o: Obj): ChatToolCall | undefined {
  // OpenAI {id, function: {name, arguments}}; Anthropic {type: tool_use, id, name, input};
  // GenAI {type: tool_call, id, name, arguments}; Responses {type: function_call, call_id, name, arguments};
  // Gemini {functionCall: {name, args}}.
  const fn = isObject(o.function) ? o.function : isObject(o.functionCall) ? o.functionCall : isObject(o.function_call) ? o.function_call : o;
  const name = asString(fn.name);
  if (!name) {
    return undefined;
  }
  return { id: asString(o.call_id) ?? asString(o.id) ?? asString(fn.id), name, arguments: decoded(fn.arguments ?? fn.args ?? o.input ?? o.args) };
}

/** What the parts of one message hold. */
interface Parts {
  texts: string[];
  thinking: string[];
  images: ChatImage[];
  toolCalls: ChatToolCall[];
  toolCallId?: string;
}

function resultText(r: unknown): string {
  if (typeof r === 'string') {
    return r;
  }
  const parts = newParts();
  readParts(r, parts);
  return parts.texts.join('\n') || (r === undefined ? '' : JSON.stringify(r) ?? '');
}

function newParts(): Parts {
  return { texts: [], thinking: [], images: [], toolCalls: [] };
}

/** Read one content part/block of any known shape into `into`. */
function readPart(p: unknown, into: Parts): void {
  if (typeof p === 'string') {
    into.texts.push(p);
    return;
  }
  if (!isObject(p)) {
    return;
  }
  const type = asString(p.type);
  switch (type) {
    case 'tool_call':
    case 'tool_use':
    case 'function_call': {
      const call = toolCall(p);
      if (call) {
        into.toolCalls.push(call);
      }
      return;
    }
    case 'tool_call_response':
    case 'tool_result':
    case 'function_call_output':
      into.toolCallId ??= asString(p.id) ?? asString(p.tool_use_id) ?? asString(p.call_id);
      into.texts.push(resultText(p.response ?? p.content ?? p.result ?? p.output));
      return;
    case 'thinking':
    case 'reasoning':
      into.thinking.push(asString(p.thinking) ?? asString(p.content) ?? asString(p.text) ?? resultText(p.summary));
      return;
    case 'redacted_thinking':
      into.thinking.push('(redacted thinking)');
      return;
    case 'refusal':
      into.texts.push(`Refused: ${asString(p.refusal) ?? ''}`);
      return;
    case 'image_url':
    case 'input_image':
    case 'image': {
      const source = isObject(p.source) ? p.source : undefined;
      const url = isObject(p.image_url) ? p.image_url.url : p.image_url ?? p.url;
      const image = source
        ? source.type === 'base64'
          ? imageFromBase64(source.data, source.media_type)
          : imageFrom(source.url ?? source.file_id)
        : imageFrom(url ?? p.file_id);
      if (image) {
        into.images.push(image);
      }
      return;
    }
    case 'blob':
    case 'uri':
    case 'file': {
      // GenAI: {type: blob, modality: image, mime_type, content} / {type: uri, uri}.
      const image =
        type === 'blob' ? imageFromBase64(p.content ?? p.data, p.mime_type) : type === 'uri' ? imageFrom(p.uri, p.mime_type) : undefined;
      if (image) {
        into.images.push(image);
      } else {
        into.texts.push(`[${asString(p.modality) ?? type} ${asString(p.mime_type) ?? ''}]`.replace(' ]', ']'));
      }
      return;
    }
  }
  // Gemini parts: {text, thought?}, {inline_data|inlineData}, {functionCall}, {functionResponse}.
  const inline = isObject(p.inline_data) ? p.inline_data : isObject(p.inlineData) ? p.inlineData : undefined;
  if (inline) {
    const image = imageFromBase64(inline.data, inline.mime_type ?? inline.mimeType);
    if (image) {
      into.images.push(image);
    }
    return;
  }
  if (isObject(p.functionCall) || isObject(p.function_call)) {
    const call = toolCall(p);
    if (call) {
      into.toolCalls.push(call);
    }
    return;
  }
  const fnResponse = isObject(p.functionResponse) ? p.functionResponse : isObject(p.function_response) ? p.function_response : undefined;
  if (fnResponse) {
    into.texts.push(resultText(fnResponse.response));
    return;
  }
  // Text parts: {type: text|input_text|output_text|summary_text, text} or GenAI {type: text, content}.
  const text = asString(p.text) ?? (type === 'text' ? asString(p.content) : undefined);
  if (text !== undefined) {
    (p.thought === true ? into.thinking : into.texts).push(text);
  }
}

function readParts(c: unknown, into: Parts): void {
  if (Array.isArray(c)) {
    for (const p of c) {
      readPart(p, into);
    }
  } else {
    readPart(c, into);
  }
}

/** Text of a content value: a string, or a list of parts/blocks. */
export function contentText(c: unknown): string {
  const parts = newParts();
  readParts(c, parts);
  return parts.texts.filter(t => t !== '').join('\n');
}

const LANGCHAIN_ROLES: Record<string, string> = { human: 'user', ai: 'assistant', AIMessageChunk: 'assistant', model: 'assistant' };

/** One message object of any of the known shapes → ChatMessage. */
export function toMessage(m: unknown): ChatMessage | undefined {
  if (!isObject(m)) {
    return undefined;
  }
  // Responses API items that are not messages.
  if (m.type === 'function_call' || m.type === 'function_call_output' || m.type === 'reasoning') {
    const parts = newParts();
    readPart(m, parts);
    const role = m.type === 'function_call_output' ? 'tool' : 'assistant';
    return finish(role, parts, undefined);
  }
  // LangChain dicts say {type: human|ai|system|tool}; Gemini {role: user|model}; the rest {role}.
  const type = asString(m.type);
  const rawRole = asString(m.role) ?? (type && type !== 'message' ? type : undefined);
  if (!rawRole) {
    return undefined;
  }
  const role = Object.prototype.hasOwnProperty.call(LANGCHAIN_ROLES, rawRole) ? LANGCHAIN_ROLES[rawRole] : rawRole;
  const parts = newParts();
  parts.toolCallId = asString(m.tool_call_id);
  readParts(Array.isArray(m.parts) ? m.parts : m.content, parts);
  // OpenAI and LangChain `tool_calls`; older LangChain dicts keep them in `additional_kwargs`.
  const kwargs = isObject(m.additional_kwargs) ? m.additional_kwargs : {};
  const calls = Array.isArray(m.tool_calls) ? m.tool_calls : Array.isArray(kwargs.tool_calls) ? kwargs.tool_calls : [];
  for (const c of calls) {
    const call = isObject(c) ? toolCall(c) : undefined;
    if (call) {
      parts.toolCalls.push(call);
    }
  }
  if (isObject(m.function_call)) {
    // OpenAI's legacy single function call.
    const call = toolCall(m.function_call);
    if (call) {
      parts.toolCalls.push(call);
    }
  }
  const reasoning = asString(m.reasoning_content) ?? asString(m.reasoning);
  if (reasoning) {
    parts.thinking.push(reasoning);
  }
  if (typeof m.refusal === 'string' && m.refusal) {
    parts.texts.push(`Refused: ${m.refusal}`);
  }
  return finish(role, parts, asString(m.finish_reason));
}

function finish(role: string, parts: Parts, finishReason: string | undefined): ChatMessage {
  const message: ChatMessage = {
    role,
    text: parts.texts.filter(t => t !== '').join('\n'),
    toolCalls: parts.toolCalls,
    toolCallId: parts.toolCallId
  };
  const thinking = parts.thinking.filter(t => t !== '').join('\n');
  if (thinking) {
    message.thinking = thinking;
  }
  if (parts.images.length > 0) {
    message.images = parts.images;
  }
  if (finishReason) {
    message.finishReason = finishReason;
  }
  return message;
}

/** A list of message objects (LangChain's batched `[[...]]` flattened). */
export function messages(list: unknown): ChatMessage[] {
  let v = decoded(list);
  if (Array.isArray(v) && v.length > 0 && v.every(x => Array.isArray(x))) {
    v = (v as unknown[][]).flat();
  }
  return Array.isArray(v) ? v.map(toMessage).filter((m): m is ChatMessage => m !== undefined) : [];
}
