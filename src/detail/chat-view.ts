/**
 * The Chat tab of an LLM span: the tools it was offered, then one block per
 * message with its role, its thinking (folded), its text (markdown or raw,
 * textBlock), its images (inline data URLs only) and its tool calls
 * (name, JSON arguments, and a link to the span that ran the tool).
 * The model is chatOf and toolsOf.
 */
import { ChatImage, ChatMessage, ChatView } from '../model/genai/chat';
import { ToolDefinition, toolSpanFor } from '../model/genai/tools';
import { Span, Trace } from '../model/types';
import { button, el } from '../common/dom';
import { renderJson } from '../common/json-view';
import { MarkdownRenderer } from '../common/markdown';
import { textBlock } from '../common/text-block';
import { formatCount } from '../rows/labels';

export interface ChatContext {
  trace: Trace;
  span: Span;
  tools: ToolDefinition[];
  markdown?: MarkdownRenderer;
  /** Show text raw instead of rendered markdown. */
  raw: boolean;
  setRaw(raw: boolean): void;
  /** Select another span (a tool call's span). */
  select(id: string): void;
}

const KNOWN_ROLES = ['system', 'user', 'assistant', 'tool'];

function image(img: ChatImage): HTMLElement {
  if (img.dataUrl) {
    const tag = el('img', 'nbtrace-chat-image');
    tag.alt = 'image from the trace';
    tag.src = img.dataUrl; // a data:image URL the model checked: nothing is fetched
    return tag;
  }
  // Not inline: say where it is, never load it.
  return el('div', 'nbtrace-chat-image-ref', `image: ${img.ref ?? '(no source)'}`);
}

function messageBlock(m: ChatMessage, ctx: ChatContext, when: 'before' | 'after', claimed: Set<string>): HTMLElement {
  const block = el('div', 'nbtrace-chat-message');
  // The role drives the look (CSS by data-role); said in text too.
  block.dataset.role = KNOWN_ROLES.includes(m.role) ? m.role : 'other';
  const head = el('div', 'nbtrace-chat-role', m.role);
  if (m.toolCallId) {
    head.appendChild(el('span', 'nbtrace-chat-call-id', ` → call ${m.toolCallId}`));
  }
  if (m.finishReason) {
    head.appendChild(el('span', 'nbtrace-chat-finish', ` · ${m.finishReason}`));
  }
  block.appendChild(head);
  if (m.thinking) {
    const details = el('details', 'nbtrace-chat-thinking');
    details.appendChild(el('summary', '', `thinking (${formatCount(m.thinking.length)} characters)`));
    details.appendChild(textBlock(m.thinking, { raw: true }));
    block.appendChild(details);
  }
  if (m.text) {
    block.appendChild(textBlock(m.text, ctx, 'nbtrace-chat-text'));
  }
  for (const img of m.images ?? []) {
    block.appendChild(image(img));
  }
  for (const call of m.toolCalls) {
    const c = el('div', 'nbtrace-chat-tool-call');
    const head = el('div', 'nbtrace-chat-tool-head');
    head.appendChild(el('span', 'nbtrace-chat-tool-name', `${call.name}(…)`));
    if (call.id) {
      head.appendChild(el('span', 'nbtrace-chat-call-id', ` call ${call.id}`));
    }
    const target = toolSpanFor(ctx.trace, ctx.span, call, when, claimed);
    if (target) {
      claimed.add(target.id);
      head.appendChild(
        button(`→ ${target.name}`, 'nbtrace-link-button nbtrace-chat-tool-link', () => ctx.select(target.id), {
          title: `Select the span that ran this tool call (${target.id})`
        })
      );
    }
    c.appendChild(head);
    if (call.arguments !== undefined) {
      c.appendChild(renderJson(call.arguments, { openDepth: 1 }));
    }
    block.appendChild(c);
  }
  return block;
}

function toolsList(tools: ToolDefinition[]): HTMLElement {
  const details = el('details', 'nbtrace-chat-tools');
  details.appendChild(el('summary', '', `tools offered (${tools.length}): ${tools.map(t => t.name).join(', ')}`));
  const list = el('ul', 'nbtrace-chat-tool-list');
  for (const t of tools) {
    const li = el('li', '');
    li.appendChild(el('span', 'nbtrace-chat-tool-name', t.name));
    if (t.description) {
      li.appendChild(el('span', 'nbtrace-chat-tool-description', ` — ${t.description}`));
    }
    if (t.parameters !== undefined) {
      li.appendChild(renderJson(t.parameters, { openDepth: 0 }));
    }
    list.appendChild(li);
  }
  details.appendChild(list);
  return details;
}

/** The Chat tab: a markdown/raw switch, the tools offered, the request's messages, then the response's. */
export function renderChat(chat: ChatView, ctx: ChatContext): HTMLElement {
  const root = el('div', 'nbtrace-chat');
  if (ctx.markdown) {
    const bar = el('div', 'nbtrace-chat-bar');
    const toggle = button(ctx.raw ? 'show markdown' : 'show raw text', 'nbtrace-link-button nbtrace-raw-toggle', () =>
      ctx.setRaw(!ctx.raw)
    );
    toggle.setAttribute('aria-pressed', String(ctx.raw));
    toggle.title = 'Switch between rendered markdown and the raw text of the messages';
    bar.appendChild(toggle);
    root.appendChild(bar);
  }
  if (ctx.tools.length > 0) {
    root.appendChild(toolsList(ctx.tools));
  }
  const claimed = new Set<string>();
  for (const m of chat.input) {
    root.appendChild(messageBlock(m, ctx, 'before', claimed));
  }
  if (chat.output.length > 0) {
    root.appendChild(el('div', 'nbtrace-chat-divider', 'response'));
    for (const m of chat.output) {
      root.appendChild(messageBlock(m, ctx, 'after', claimed));
    }
  }
  return root;
}
