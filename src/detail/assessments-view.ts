/**
 * The Scores tab: the assessments about the selected span (and, on a root,
 * those about the whole trace) — each with its verdict chip, its source and
 * time, its rationale (plain text: judges are LLMs) or its error, and the
 * value as JSON when it is not a simple one. Text only.
 */
import { assessmentChip } from '../common/chips';
import { el, foldedText } from '../common/dom';
import { renderJson } from '../common/json-view';
import { Assessment, Span, Trace } from '../model/types';

const RATIONALE_CHARS = 2000;

/** The assessments the tab shows for `span` (the first root also shows the whole trace's). */
export function assessmentsFor(trace: Trace, span: Span): Assessment[] {
  const first = trace.roots[0] === span;
  return trace.assessments.filter(a => a.spanId === span.id || (first && (a.spanId === null || !trace.byId.has(a.spanId))));
}

export function renderAssessments(list: readonly Assessment[]): HTMLElement {
  const ol = el('ol', 'nbtrace-assessments');
  for (const a of list) {
    const li = el('li', 'nbtrace-assessment');
    const head = el('div', 'nbtrace-assessment-head');
    head.appendChild(assessmentChip(a));
    const source = [a.kind, a.sourceType, a.sourceId && a.sourceId !== a.name ? a.sourceId : '', a.spanId === null ? 'whole trace' : '']
      .filter(Boolean)
      .join(' · ');
    head.appendChild(el('span', 'nbtrace-assessment-source', source));
    if (a.time) {
      head.appendChild(el('span', 'nbtrace-assessment-time', a.time));
    }
    li.appendChild(head);
    if (a.error) {
      li.appendChild(el('div', 'nbtrace-assessment-error', a.error));
    }
    if (a.rationale) {
      const why = el('p', 'nbtrace-assessment-rationale');
      li.appendChild(why);
      foldedText(li, why, a.rationale, RATIONALE_CHARS);
    }
    if (a.value !== null && typeof a.value === 'object') {
      li.appendChild(renderJson(a.value, { openDepth: 1 }));
    }
    ol.appendChild(li);
  }
  return ol;
}
