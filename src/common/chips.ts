/**
 * Score chips: a small labelled pill per assessment or score — ✓ / ✗ / a value
 * / "error" — whose tone is said in text and by shape, not by colour alone,
 * with the rationale in its tooltip. Text only.
 */
import { Assessment } from '../model/types';
import { assessmentTitle, valueText, verdictOf } from '../rows/verdicts';
import { el } from './dom';

/** A chip "name ✓" for one score; `title` is its tooltip. */
export function scoreChip(name: string, value: unknown, error: string | undefined, title: string): HTMLElement {
  const chip = el('span', 'nbtrace-score');
  chip.dataset.verdict = verdictOf(value, error);
  chip.append(el('span', 'nbtrace-score-name', name), el('span', 'nbtrace-score-value', valueText(value, error)));
  chip.title = title;
  chip.setAttribute('aria-label', title);
  return chip;
}

export function assessmentChip(a: Assessment): HTMLElement {
  return scoreChip(a.name, a.value, a.error, assessmentTitle(a));
}

/** Chips for `list` (at most `max`, then "+N"), in a container of class `className`. */
export function assessmentChips(list: readonly Assessment[], className: string, max = 8): HTMLElement {
  const box = el('span', className);
  for (const a of list.slice(0, max)) {
    box.appendChild(assessmentChip(a));
  }
  if (list.length > max) {
    const more = el('span', 'nbtrace-score-more', `+${list.length - max}`);
    more.title = list.slice(max).map(assessmentTitle).join('\n');
    box.appendChild(more);
  }
  return box;
}
