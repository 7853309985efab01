/**
 * The problems found reading a payload, as a folded list under the header
 * ("3 problems in this trace's data"): at most MAX_LISTED items, then a
 * count of the rest. Text only.
 */
import { el } from './dom';

/** Items listed before "… and N more". */
export const MAX_LISTED = 50;

/** `list` in a closed <details> whose summary counts them, "N problems <where>". */
export function warningsList(list: readonly string[], where: string): HTMLDetailsElement {
  const details = el('details', '');
  details.appendChild(el('summary', '', `${list.length} problem${list.length === 1 ? '' : 's'} ${where}`));
  const ul = el('ul', '');
  for (const text of list.slice(0, MAX_LISTED)) {
    ul.appendChild(el('li', '', text));
  }
  if (list.length > MAX_LISTED) {
    ul.appendChild(el('li', '', `… and ${list.length - MAX_LISTED} more`));
  }
  details.appendChild(ul);
  return details;
}
