/**
 * The span detail panel: what went in and out, attributes, events, errors.
 * All payload text is written as text; exception stack traces monospaced.
 */
import { Span, SpanEvent, TokenUsage, Trace } from '../model/types';
import { chatOf } from '../model/chat';
import { documentsOf } from '../model/documents';
import { sameJson } from '../model/span-memo';
import { renderChat } from './chat-view';
import { renderDocuments } from './documents-view';
import { copyButton, spanJson } from './copy';
import { el } from './dom';
import { formatCount, formatDuration } from './format';
import { selfTime } from './insight';
import { renderJson } from './json-view';
import { kindLook } from './kinds';


/** Fill `panel` with the details of `span` (or a hint when nothing is selected). */
export function renderDetail(panel: HTMLElement, trace: Trace, span: Span | null): void {
  panel.replaceChildren();
  if (!span) {
    panel.appendChild(
      el('p', 'nbtrace-detail-hint', 'Select a span to see its inputs, outputs, attributes and events.')
    );
    return;
  }
  const look = kindLook(span.kind);
  const header = el('div', 'nbtrace-detail-header');
  const badge = el('span', 'nbtrace-kind', look.badge);
  badge.dataset.family = look.family;
  badge.title = look.label;
  header.appendChild(badge);
  header.appendChild(el('h3', 'nbtrace-detail-name', span.name));
  header.appendChild(statusChip(span));
  const copies = el('span', 'nbtrace-detail-copy');
  copies.appendChild(copyButton('copy JSON', () => spanJson(span), 'Copy this span as JSON'));
  copies.appendChild(copyButton('copy id', () => span.id, 'Copy the span id'));
  header.appendChild(copies);
  panel.appendChild(header);

  if (span.status === 'ERROR') {
    const message = span.statusMessage || 'This span ended with an error.';
    const err = el('div', 'nbtrace-detail-error', message);
    err.setAttribute('role', 'note');
    panel.appendChild(err);
  }

  panel.appendChild(facts(trace, span));

  const chat = chatOf(span);
  if (chat) {
    panel.appendChild(section(`Messages (${formatCount(chat.input.length + chat.output.length)})`, renderChat(chat)));
  }
  const docs = documentsOf(span);
  if (docs) {
    panel.appendChild(section(`Documents (${formatCount(docs.length)})`, renderDocuments(docs)));
  }
  if (span.inputs !== undefined) {
    panel.appendChild(section('Inputs', renderJson(span.inputs)));
  }
  if (span.outputs !== undefined) {
    panel.appendChild(section('Outputs', renderJson(span.outputs)));
  }
  if (Object.keys(span.attributes).length > 0) {
    panel.appendChild(section('Attributes', renderJson(span.attributes, { openDepth: 1 })));
  }
  if (span.events.length > 0) {
    panel.appendChild(section(`Events (${formatCount(span.events.length)})`, events(span.events)));
  }
}

function statusChip(span: Span): HTMLElement {
  const running = span.end === undefined;
  const text = running ? 'running' : span.status === 'ERROR' ? 'error' : span.status === 'OK' ? 'ok' : 'done';
  const chip = el('span', `nbtrace-chip nbtrace-chip-${text}`, text);
  return chip;
}

function facts(trace: Trace, span: Span): HTMLElement {
  const dl = el('dl', 'nbtrace-facts');
  const add = (term: string, value: string): void => {
    dl.appendChild(el('dt', '', term));
    dl.appendChild(el('dd', '', value));
  };
  add('Kind', kindLook(span.kind).label === span.kind ? span.kind : `${kindLook(span.kind).label} (${span.kind})`);
  add('Start', `+${formatDuration(span.start)}`);
  add('Duration', span.end === undefined ? 'running' : formatDuration(span.end - span.start));
  if (span.children.length > 0 && span.end !== undefined) {
    // Duration minus the time covered by its children: where this step itself spent time.
    add('Self time', formatDuration(selfTime(span, span.end)));
  }
  add('Status', span.statusMessage ? `${span.status}: ${span.statusMessage}` : span.status);
  if (span.model) {
    add('Model', span.model);
  }
  if (span.tokens) {
    add('Tokens', tokenText(span.tokens));
  }
  add('Span ID', span.id);
  if (span.parentId) {
    const parent = trace.byId.get(span.parentId);
    add('Parent', parent && !span.orphan ? `${parent.name} (${span.parentId})` : `${span.parentId} (not in this trace)`);
  }
  if (span.children.length > 0) {
    add('Children', formatCount(span.children.length));
  }
  return dl;
}

/** "120 in · 45 out · 165 total" (and cache/reasoning counts when known). */
export function tokenText(t: TokenUsage): string {
  const parts: string[] = [];
  if (t.input !== undefined) {
    parts.push(`${formatCount(t.input)} in`);
  }
  if (t.output !== undefined) {
    parts.push(`${formatCount(t.output)} out`);
  }
  if (t.total !== undefined) {
    parts.push(`${formatCount(t.total)} total`);
  }
  if (t.cacheRead !== undefined) {
    parts.push(`${formatCount(t.cacheRead)} cache read`);
  }
  if (t.cacheCreation !== undefined) {
    parts.push(`${formatCount(t.cacheCreation)} cache write`);
  }
  if (t.reasoning !== undefined) {
    parts.push(`${formatCount(t.reasoning)} reasoning`);
  }
  return parts.join(' · ');
}

function section(title: string, body: HTMLElement): HTMLElement {
  const s = el('section', 'nbtrace-detail-section');
  s.appendChild(el('h4', 'nbtrace-detail-section-title', title));
  s.appendChild(body);
  return s;
}

function events(list: SpanEvent[]): HTMLElement {
  const ol = el('ol', 'nbtrace-events');
  for (const event of list) {
    const li = el('li', 'nbtrace-event');
    const head = el('div', 'nbtrace-event-head');
    head.appendChild(el('span', 'nbtrace-event-name', event.name));
    if (event.time !== undefined) {
      head.appendChild(el('span', 'nbtrace-event-time', `+${formatDuration(event.time)}`));
    }
    li.appendChild(head);
    const attrs = { ...event.attributes };
    if (event.name === 'exception') {
      li.classList.add('nbtrace-event-exception');
      const type = attrs['exception.type'];
      const message = attrs['exception.message'];
      const stack = attrs['exception.stacktrace'];
      if (type !== undefined || message !== undefined) {
        li.appendChild(
          el('div', 'nbtrace-exception-message', [type, message].filter(x => x !== undefined).map(String).join(': '))
        );
      }
      if (stack !== undefined) {
        li.appendChild(el('pre', 'nbtrace-stacktrace', String(stack)));
      }
      delete attrs['exception.type'];
      delete attrs['exception.message'];
      delete attrs['exception.stacktrace'];
    }
    if (Object.keys(attrs).length > 0) {
      li.appendChild(renderJson(attrs, { openDepth: 1 }));
    }
    ol.appendChild(li);
  }
  return ol;
}

/**
 * What the detail panel shows of a span, cheaply: a newer payload re-renders
 * the panel only when this changes (name, ids, end, status, counts of events,
 * attributes and children) or when the attribute values differ (the view
 * checks that apart: sameDetail).
 */
export function detailSignature(span: Span | null): string | null {
  if (!span) {
    return null;
  }
  return [
    span.name,
    span.id,
    span.end,
    span.status,
    span.statusMessage,
    span.events.length,
    Object.keys(span.attributes).length,
    span.children.length,
    span.tokens?.total
  ].join('|');
}

/** Does the panel of `prev` still show `next` correctly? (Same signature and equal attribute values.) */
export function sameDetail(prev: Span | null, prevSignature: string | null | undefined, next: Span | null): boolean {
  if (prevSignature === undefined || detailSignature(next) !== prevSignature) {
    return false;
  }
  // A live snapshot reuses an unchanged span's attributes object (model/span-memo.ts): then no walk.
  return !prev || !next || prev.attributes === next.attributes || sameJson(prev.attributes, next.attributes);
}
