/**
 * Copy to the clipboard: the button (text computed only when clicked) and the
 * JSON shapes we copy (a span without its tree links).
 */
import { Span } from '../model/types';

/** A button that copies `text()` and says whether it worked. */
export function copyButton(label: string, text: () => string, title: string, className = 'nbtrace-link-button'): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = label;
  b.title = title;
  b.addEventListener('click', () => {
    const done = (ok: boolean): void => {
      b.textContent = ok ? 'copied' : 'copy failed';
      window.setTimeout(() => (b.textContent = label), 1500);
    };
    try {
      void navigator.clipboard.writeText(text()).then(
        () => done(true),
        () => done(false)
      );
    } catch {
      done(false);
    }
  });
  return b;
}

/** One span as JSON text (see spanRecord). */
export function spanJson(span: Span): string {
  return JSON.stringify(spanRecord(span), safeReplacer(), 2);
}

/** One span as a plain object: its own fields, times in ms from the trace start; children by id. */
export function spanRecord(span: Span): Record<string, unknown> {
  return {
      id: span.id,
      parentId: span.parentId,
      name: span.name,
      kind: span.kind,
      status: span.status,
      statusMessage: span.statusMessage || undefined,
      startMs: span.start,
      endMs: span.end ?? null,
      durationMs: span.end === undefined ? null : span.end - span.start,
      model: span.model,
      tokens: span.tokens,
      inputs: span.inputs,
      outputs: span.outputs,
      attributes: span.attributes,
      events: span.events,
      children: span.children.map(c => c.id)
  };
}

/** JSON.stringify replacer for copying: BigInt as a string, repeated objects (cycles) cut. */
export function safeReplacer(): (key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return (_key, value) => {
    if (typeof value === 'bigint') {
      return value.toString();
    }
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) {
        return '[repeated]';
      }
      seen.add(value);
    }
    return value;
  };
}

/** Any payload as pretty JSON text (a string payload is already text). */
export function payloadText(data: unknown): string {
  if (typeof data === 'string') {
    return data;
  }
  try {
    return JSON.stringify(data, safeReplacer(), 2) ?? String(data);
  } catch {
    return String(data);
  }
}
