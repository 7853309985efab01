/**
 * The span detail panel: a header (kind, name, status, copy), the error, the
 * facts (times, model, tokens, cost, ids), then tabs: Scores (its
 * assessments), Chat (LLM spans), Documents (retrievers), Inputs / Outputs,
 * Attributes, Events. Only the open
 * tab is built. All payload text is written as text, or as sanitized
 * markdown (markdownRenderer).
 */
import { chatOf } from '../model/genai/chat';
import { documentsOf } from '../model/genai/documents';
import { sameJson } from '../model/util';
import { toolsOf } from '../model/genai/tools';
import { Span, Trace } from '../model/types';
import { assessmentsFor, renderAssessments } from './assessments-view';
import { renderChat } from './chat-view';
import { copyButton, spanJson } from '../common/copy';
import { renderDocuments } from './documents-view';
import { button, el } from '../common/dom';
import { renderEvents } from './events-view';
import { costText, costTitle, formatCount, formatDuration, tokenText } from '../rows/labels';
import { selfTime } from '../rows/trace-facts';
import { renderJson } from '../common/json-view';
import { kindLook } from '../rows/kind-look';
import { MarkdownRenderer } from '../common/markdown';
import { renderTabs, TabSpec } from './tabs';

/** What the panel needs from its view, and what it remembers across spans (the open tab, raw text). */
export interface DetailContext {
  /** The tab the user chose last; reopened when the next span has it. */
  tab: string | null;
  raw: boolean;
  markdown?: MarkdownRenderer;
  select(id: string): void;
  /** The user chose a tab / switched raw text (the panel is re-rendered by the view for the latter). */
  onTab(id: string): void;
  onRaw(raw: boolean): void;
  /** When given: an "add to dataset" action for the span. */
  addToDataset?(span: Span): void;
}

/** A context for a panel on its own (tests, no view): no markdown, tabs not remembered. */
export function standaloneContext(): DetailContext {
  const ctx: DetailContext = {
    tab: null,
    raw: false,
    select: () => undefined,
    onTab: id => (ctx.tab = id),
    onRaw: raw => (ctx.raw = raw)
  };
  return ctx;
}

/** Fill `panel` with the details of `span` (or a hint when nothing is selected). */
export function renderDetail(panel: HTMLElement, trace: Trace, span: Span | null, ctx: DetailContext = standaloneContext()): void {
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
  if (ctx.addToDataset) {
    const add = ctx.addToDataset;
    copies.appendChild(
      button('add to dataset', 'nbtrace-link-button', () => add(span), { title: "Put this span's inputs into a dataset in the kernel" })
    );
  }
  header.appendChild(copies);
  panel.appendChild(header);

  if (span.status === 'ERROR') {
    panel.appendChild(errorBox(span));
  }

  panel.appendChild(facts(trace, span));
  const tabs = detailTabs(trace, span, ctx);
  if (tabs.length > 0) {
    panel.appendChild(renderTabs(tabs, ctx.tab, id => ctx.onTab(id)));
  }
}

/**
 * The error, where it cannot be missed: the status message and, when the span
 * recorded an exception, its stack trace (the last exception event; the Events
 * tab lists them all).
 */
function errorBox(span: Span): HTMLElement {
  const err = el('div', 'nbtrace-detail-error');
  err.setAttribute('role', 'note');
  const exception = [...span.events].reverse().find(e => e.name === 'exception');
  const a = exception?.attributes ?? {};
  const fromEvent = [a['exception.type'], a['exception.message']].filter(x => x !== undefined && x !== '').map(String).join(': ');
  err.appendChild(el('div', 'nbtrace-detail-error-message', span.statusMessage || fromEvent || 'This span ended with an error.'));
  const stack = a['exception.stacktrace'];
  if (stack !== undefined && stack !== '') {
    const details = el('details', 'nbtrace-detail-stack');
    details.open = true;
    details.appendChild(el('summary', '', 'stack trace'));
    details.appendChild(el('pre', 'nbtrace-stacktrace', String(stack)));
    err.appendChild(details);
  }
  return err;
}

/** The tabs this span has content for, in order. */
function detailTabs(trace: Trace, span: Span, ctx: DetailContext): TabSpec[] {
  const tabs: TabSpec[] = [];
  const scores = assessmentsFor(trace, span);
  if (scores.length > 0) {
    tabs.push({ id: 'scores', label: `Scores (${formatCount(scores.length)})`, build: () => renderAssessments(scores) });
  }
  const chat = chatOf(span);
  if (chat) {
    tabs.push({
      id: 'chat',
      label: `Chat (${formatCount(chat.input.length + chat.output.length)})`,
      build: () =>
        renderChat(chat, {
          trace,
          span,
          tools: toolsOf(span),
          markdown: ctx.markdown,
          raw: ctx.raw,
          setRaw: raw => ctx.onRaw(raw),
          select: id => ctx.select(id)
        })
    });
  }
  const docs = documentsOf(span);
  if (docs) {
    tabs.push({ id: 'documents', label: `Documents (${formatCount(docs.length)})`, build: () => renderDocuments(docs) });
  }
  if (span.inputs !== undefined || span.outputs !== undefined) {
    tabs.push({ id: 'io', label: 'Inputs / Outputs', build: () => inputsOutputs(span) });
  }
  const attributeCount = Object.keys(span.attributes).length;
  if (attributeCount > 0) {
    tabs.push({
      id: 'attributes',
      label: `Attributes (${formatCount(attributeCount)})`,
      build: () => renderJson(span.attributes, { openDepth: 1 })
    });
  }
  if (span.events.length > 0) {
    tabs.push({ id: 'events', label: `Events (${formatCount(span.events.length)})`, build: () => renderEvents(span.events) });
  }
  return tabs;
}

function inputsOutputs(span: Span): HTMLElement {
  const box = el('div', 'nbtrace-io');
  if (span.inputs !== undefined) {
    box.appendChild(section('Inputs', renderJson(span.inputs)));
  }
  if (span.outputs !== undefined) {
    box.appendChild(section('Outputs', renderJson(span.outputs)));
  }
  return box;
}

function statusChip(span: Span): HTMLElement {
  const running = span.end === undefined;
  const text = running ? 'running' : span.status === 'ERROR' ? 'error' : span.status === 'OK' ? 'ok' : 'done';
  const chip = el('span', `nbtrace-chip nbtrace-chip-${text}`, text);
  return chip;
}

function facts(trace: Trace, span: Span): HTMLElement {
  const dl = el('dl', 'nbtrace-facts');
  const add = (term: string, value: string, title = ''): void => {
    dl.appendChild(el('dt', '', term));
    const dd = dl.appendChild(el('dd', '', value));
    if (title) {
      dd.title = title;
    }
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
  if (span.cost) {
    add('Cost', `${costText(span.cost)}${span.cost.estimated ? ' · estimated' : ''}`, costTitle(span.cost, 'span'));
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

function section(title: string, body: HTMLElement): HTMLElement {
  const s = el('section', 'nbtrace-detail-section');
  s.appendChild(el('h4', 'nbtrace-detail-section-title', title));
  s.appendChild(body);
  return s;
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
    span.tokens?.total,
    span.cost?.total
  ].join('|');
}

/** Does the panel of `prev` still show `next` correctly? (Same signature and equal attribute values.) */
export function sameDetail(prev: Span | null, prevSignature: string | null | undefined, next: Span | null): boolean {
  if (prevSignature === undefined || detailSignature(next) !== prevSignature) {
    return false;
  }
  // A live snapshot reuses an unchanged span's attributes object (memoParse): then no walk.
  return !prev || !next || prev.attributes === next.attributes || sameJson(prev.attributes, next.attributes);
}
