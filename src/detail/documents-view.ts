/**
 * Retrieved documents in the detail panel: one item per document with its
 * id and score, a bounded text preview ("show all") and its metadata. Text
 * only (documentsOf gives the list).
 */
import { RetrievedDocument } from '../model/genai/documents';
import { el, foldedText } from '../common/dom';
import { renderJson } from '../common/json-view';

const PREVIEW_CHARS = 400;

export function renderDocuments(docs: readonly RetrievedDocument[]): HTMLElement {
  const ol = el('ol', 'nbtrace-documents');
  docs.forEach((d, i) => {
    const li = el('li', 'nbtrace-document');
    const head = el('div', 'nbtrace-document-head');
    const parts = [`#${i + 1}`];
    if (d.id) {
      parts.push(d.id);
    }
    if (d.score !== undefined) {
      parts.push(`score ${Number.isInteger(d.score) ? d.score : d.score.toFixed(3)}`);
    }
    head.textContent = parts.join(' · ');
    li.appendChild(head);
    foldedText(li, li.appendChild(el('div', 'nbtrace-document-text')), d.content, PREVIEW_CHARS);
    if (d.metadata && Object.keys(d.metadata).length > 0) {
      li.appendChild(renderJson(d.metadata, { openDepth: 0 }));
    }
    ol.appendChild(li);
  });
  return ol;
}
