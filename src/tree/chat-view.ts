/**
 * The chat turns of an LLM span in the detail panel: one block per message
 * with its role, its text (as text, long ones folded) and its tool calls
 * (name and JSON arguments). The model is model/chat.ts.
 */
import { ChatMessage, ChatView } from '../model/chat';
import { el, foldedText } from './dom';
import { renderJson } from './json-view';

/** Messages longer than this start folded, with "show all". */
const FOLD_CHARS = 1500;

function messageBlock(m: ChatMessage): HTMLElement {
  const block = el('div', 'nbtrace-chat-message');
  // The role drives the look (CSS by data-role); said in text too.
  block.dataset.role = ['system', 'user', 'assistant', 'tool'].includes(m.role) ? m.role : 'other';
  const head = el('div', 'nbtrace-chat-role', m.role);
  if (m.toolCallId) {
    head.appendChild(el('span', 'nbtrace-chat-call-id', ` → call ${m.toolCallId}`));
  }
  block.appendChild(head);
  if (m.text) {
    foldedText(block, block.appendChild(el('div', 'nbtrace-chat-text')), m.text, FOLD_CHARS);
  }
  for (const call of m.toolCalls) {
    const c = el('div', 'nbtrace-chat-tool-call');
    c.appendChild(el('span', 'nbtrace-chat-tool-name', `${call.name}(…)`));
    if (call.id) {
      c.appendChild(el('span', 'nbtrace-chat-call-id', ` call ${call.id}`));
    }
    if (call.arguments !== undefined) {
      c.appendChild(renderJson(call.arguments, { openDepth: 1 }));
    }
    block.appendChild(c);
  }
  return block;
}

/** The messages of a span: the request's, then the response's (marked). */
export function renderChat(chat: ChatView): HTMLElement {
  const list = el('div', 'nbtrace-chat');
  for (const m of chat.input) {
    list.appendChild(messageBlock(m));
  }
  if (chat.output.length > 0) {
    list.appendChild(el('div', 'nbtrace-chat-divider', 'response'));
    for (const m of chat.output) {
      list.appendChild(messageBlock(m));
    }
  }
  return list;
}
