/**
 * A collapsible JSON viewer for untrusted values. Everything is written with
 * textContent — never innerHTML — and work is bounded: children render only
 * when their node is opened, long lists show the first page, long strings a
 * preview with "show all" and "copy".
 */
import { copyButton } from './copy';
import { formatCount } from '../rows/labels';

export interface JsonViewOptions {
  /** Characters of a string shown before "show all". */
  stringPreview: number;
  /** Children of an object/array rendered per page. */
  pageSize: number;
  /** Nodes at depth < openDepth start open. */
  openDepth: number;
}

const DEFAULTS: JsonViewOptions = { stringPreview: 2000, pageSize: 100, openDepth: 2 };

export function renderJson(value: unknown, options: Partial<JsonViewOptions> = {}): HTMLElement {
  const opts = { ...DEFAULTS, ...options };
  const root = document.createElement('div');
  root.className = 'nbtrace-json';
  root.appendChild(renderNode(value, 0, opts));
  return root;
}

function renderNode(value: unknown, depth: number, opts: JsonViewOptions): HTMLElement {
  if (value !== null && typeof value === 'object') {
    return renderContainer(value as Record<string, unknown> | unknown[], depth, opts);
  }
  return renderPrimitive(value, opts);
}

function renderPrimitive(value: unknown, opts: JsonViewOptions): HTMLElement {
  if (typeof value === 'string') {
    return renderString(value, opts);
  }
  const span = document.createElement('span');
  const type = value === null ? 'null' : typeof value;
  span.className = `nbtrace-json-${type}`;
  span.textContent = value === undefined ? 'undefined' : String(value);
  return span;
}

function renderString(value: string, opts: JsonViewOptions): HTMLElement {
  const wrap = document.createElement('span');
  wrap.className = 'nbtrace-json-string';
  const text = document.createElement('span');
  text.className = 'nbtrace-json-text';
  wrap.appendChild(text);
  if (value.length <= opts.stringPreview) {
    text.textContent = value;
    return wrap;
  }
  text.textContent = value.slice(0, opts.stringPreview);
  const more = document.createElement('button');
  more.type = 'button';
  more.className = 'nbtrace-link-button';
  more.textContent = `… show all (${formatCount(value.length)} characters)`;
  more.addEventListener('click', () => {
    text.textContent = value;
    more.remove();
  });
  wrap.appendChild(more);
  wrap.appendChild(copyButton('copy', () => value, 'Copy the full value to the clipboard'));
  return wrap;
}

function renderContainer(
  value: Record<string, unknown> | unknown[],
  depth: number,
  opts: JsonViewOptions
): HTMLElement {
  const isArray = Array.isArray(value);
  const keys = isArray ? null : Object.keys(value);
  const size = isArray ? (value as unknown[]).length : keys!.length;
  if (size === 0) {
    const empty = document.createElement('span');
    empty.className = 'nbtrace-json-empty';
    empty.textContent = isArray ? '[]' : '{}';
    return empty;
  }
  const details = document.createElement('details');
  details.className = 'nbtrace-json-node';
  const summary = document.createElement('summary');
  summary.textContent = isArray
    ? `[${formatCount(size)} item${size === 1 ? '' : 's'}]`
    : `{${formatCount(size)} key${size === 1 ? '' : 's'}}`;
  details.appendChild(summary);
  const list = document.createElement('div');
  list.className = 'nbtrace-json-children';
  details.appendChild(list);

  let rendered = 0;
  const renderPage = (): void => {
    const end = Math.min(size, rendered + opts.pageSize);
    for (let i = rendered; i < end; i++) {
      const entry = document.createElement('div');
      entry.className = 'nbtrace-json-entry';
      const key = document.createElement('span');
      key.className = 'nbtrace-json-key';
      key.textContent = isArray ? `${i}: ` : `${keys![i]}: `;
      entry.appendChild(key);
      const child = isArray ? (value as unknown[])[i] : (value as Record<string, unknown>)[keys![i]];
      entry.appendChild(renderNode(child, depth + 1, opts));
      list.appendChild(entry);
    }
    rendered = end;
    if (rendered < size) {
      const more = document.createElement('button');
      more.type = 'button';
      more.className = 'nbtrace-link-button';
      more.textContent = `show ${Math.min(opts.pageSize, size - rendered)} more of ${formatCount(size - rendered)}`;
      more.addEventListener('click', () => {
        more.remove();
        renderPage();
      });
      list.appendChild(more);
    }
  };
  // Children are built on first open only: a closed node costs one element.
  const open = (): void => {
    if (rendered === 0) {
      renderPage();
    }
  };
  details.addEventListener('toggle', () => {
    if (details.open) {
      open();
    }
  });
  if (depth < opts.openDepth) {
    details.open = true;
    open();
  }
  return details;
}
