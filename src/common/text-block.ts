/**
 * A block of untrusted text in the detail panel: markdown (through
 * markdownRenderer: JupyterLab's parser and sanitizer) or raw text, long blocks
 * folded with "show all", and a copy button. The plain text is put in first,
 * so the block is never empty while markdown renders, nor when it fails.
 */
import { copyButton } from './copy';
import { button, el, foldedText } from './dom';
import { MarkdownRenderer } from './markdown';

/** Texts longer than this start folded. */
export const FOLD_CHARS = 1500;

/** Markdown beyond this size is shown raw: parsing megabytes of text would freeze the page. */
const MARKDOWN_MAX_CHARS = 200_000;

export interface TextBlockOptions {
  /** Undefined, or `raw`: plain text. */
  markdown?: MarkdownRenderer;
  raw: boolean;
}

export function textBlock(text: string, options: TextBlockOptions, className = 'nbtrace-text'): HTMLElement {
  const block = el('div', `nbtrace-text-block ${className}`);
  const body = el('div', 'nbtrace-text-body');
  block.appendChild(body);
  const tools = el('div', 'nbtrace-text-tools');
  tools.appendChild(copyButton('copy', () => text, 'Copy this text'));
  const useMarkdown = options.markdown !== undefined && !options.raw && text.length <= MARKDOWN_MAX_CHARS;
  if (!useMarkdown) {
    body.classList.add('nbtrace-text-raw');
    foldedText(tools, body, text, FOLD_CHARS);
    block.appendChild(tools);
    return block;
  }
  body.classList.add('nbtrace-markdown');
  body.textContent = text; // until the markdown is ready, and if it fails
  if (text.length > FOLD_CHARS) {
    // Rendered markdown cannot be cut mid-text: fold it by height instead.
    block.classList.add('nbtrace-folded');
    const more = button('show all', 'nbtrace-link-button', () => {
      block.classList.remove('nbtrace-folded');
      more.remove();
    });
    tools.appendChild(more);
  }
  block.appendChild(tools);
  options.markdown!(body, text).catch(() => {
    body.classList.replace('nbtrace-markdown', 'nbtrace-text-raw');
    body.textContent = text;
  });
  return block;
}
