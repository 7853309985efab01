/**
 * The inline message shown instead of a trace that cannot be read: what is
 * wrong, in one sentence, and the raw payload (folded, cut for size) so no
 * data is hidden from the user. Text only.
 */
import { formatCount } from '../rows/labels';

/** The raw payload shown under an error is cut here: the message must stay readable. */
export const RAW_PREVIEW_CHARS = 20000;

export function errorBox(message: string, data?: unknown): HTMLElement {
  const box = document.createElement('div');
  box.className = 'nbtrace-error';
  box.setAttribute('role', 'alert');
  const head = document.createElement('p');
  head.className = 'nbtrace-error-message';
  head.textContent = message;
  box.appendChild(head);
  if (data === undefined) {
    return box;
  }
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = 'Raw payload';
  details.appendChild(summary);
  const pre = document.createElement('pre');
  pre.className = 'nbtrace-raw';
  let raw: string;
  try {
    raw = typeof data === 'string' ? data : JSON.stringify(data, null, 2) ?? String(data);
  } catch {
    raw = String(data);
  }
  pre.textContent =
    raw.length > RAW_PREVIEW_CHARS
      ? `${raw.slice(0, RAW_PREVIEW_CHARS)}\n… (${formatCount(raw.length - RAW_PREVIEW_CHARS)} more characters)`
      : raw;
  details.appendChild(pre);
  box.appendChild(details);
  return box;
}
