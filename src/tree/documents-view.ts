/**
 * Retrieved documents in the detail panel: one item per document with its
 * id and score, a bounded text preview ("show all") and its metadata. Text
 * only (model/documents.ts gives the list).
 */
import { RetrievedDocument } from '../model/documents';
import { renderJson } from './json-view';

const PREVIEW_CHARS = 400;

export function renderDocuments(docs: readonly RetrievedDocument[]): HTMLElement {
  const ol = document.createElement('ol');
  ol.className = 'nbtrace-documents';
  docs.forEach((d, i) => {
    const li = document.createElement('li');
    li.className = 'nbtrace-document';
    const head = document.createElement('div');
    head.className = 'nbtrace-document-head';
    const parts = [`#${i + 1}`];
    if (d.id) {
      parts.push(d.id);
    }
    if (d.score !== undefined) {
      parts.push(`score ${Number.isInteger(d.score) ? d.score : d.score.toFixed(3)}`);
    }
    head.textContent = parts.join(' · ');
    li.appendChild(head);
    const text = document.createElement('div');
    text.className = 'nbtrace-document-text';
    text.textContent = d.content.length > PREVIEW_CHARS ? `${d.content.slice(0, PREVIEW_CHARS)}…` : d.content;
    li.appendChild(text);
    if (d.content.length > PREVIEW_CHARS) {
      const more = document.createElement('button');
      more.type = 'button';
      more.className = 'nbtrace-link-button';
      more.textContent = `show all (${d.content.length.toLocaleString('en-US')} characters)`;
      more.addEventListener('click', () => {
        text.textContent = d.content;
        more.remove();
      });
      li.appendChild(more);
    }
    if (d.metadata && Object.keys(d.metadata).length > 0) {
      li.appendChild(renderJson(d.metadata, { openDepth: 0 }));
    }
    ol.appendChild(li);
  });
  return ol;
}
