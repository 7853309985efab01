/**
 * Small DOM builders shared by the tree's views. Text always goes in as
 * text (textContent), never as HTML.
 */
import { formatCount } from '../rows/labels';

/** An element with a class (and text), not yet in the page. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

/** An empty element with a class, appended to `parent` (the builders of recycled rows). */
export function child<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, parent: HTMLElement): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  parent.appendChild(e);
  return e;
}

/**
 * A button. `title` is its tooltip; `label`, when given, its accessible name
 * (for buttons whose text is a symbol, such as ↑).
 */
export function button(
  text: string,
  className: string,
  onClick: () => void,
  options: { title?: string; label?: string } = {}
): HTMLButtonElement {
  const b = el('button', className, text);
  b.type = 'button';
  if (options.title !== undefined) {
    b.title = options.title;
  }
  if (options.label !== undefined) {
    b.setAttribute('aria-label', options.label);
  }
  b.addEventListener('click', onClick);
  return b;
}

/**
 * Put `full` into `target` cut to `limit` characters (with "…"), and append
 * to `parent` a "show all (N characters)" button that restores it; nothing
 * more when the text is short.
 */
export function foldedText(parent: HTMLElement, target: HTMLElement, full: string, limit: number): void {
  if (full.length <= limit) {
    target.textContent = full;
    return;
  }
  target.textContent = `${full.slice(0, limit)}…`;
  const more = button(`show all (${formatCount(full.length)} characters)`, 'nbtrace-link-button', () => {
    target.textContent = full;
    more.remove();
  });
  parent.appendChild(more);
}
