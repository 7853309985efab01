/**
 * The Events tab: one item per span event with its time; exceptions show
 * their type, message and monospaced stack trace; other attributes as JSON.
 */
import { SpanEvent } from '../model/types';
import { el } from '../common/dom';
import { formatDuration } from '../rows/labels';
import { renderJson } from '../common/json-view';

export function renderEvents(list: SpanEvent[]): HTMLElement {
  const ol = el('ol', 'nbtrace-events');
  for (const event of list) {
    const li = el('li', 'nbtrace-event');
    const head = el('div', 'nbtrace-event-head');
    head.appendChild(el('span', 'nbtrace-event-name', event.name));
    if (event.time !== undefined) {
      head.appendChild(el('span', 'nbtrace-event-time', `+${formatDuration(event.time)}`));
    }
    li.appendChild(head);
    const attrs = { ...event.attributes };
    if (event.name === 'exception') {
      li.classList.add('nbtrace-event-exception');
      const type = attrs['exception.type'];
      const message = attrs['exception.message'];
      const stack = attrs['exception.stacktrace'];
      if (type !== undefined || message !== undefined) {
        li.appendChild(
          el('div', 'nbtrace-exception-message', [type, message].filter(x => x !== undefined).map(String).join(': '))
        );
      }
      if (stack !== undefined) {
        li.appendChild(el('pre', 'nbtrace-stacktrace', String(stack)));
      }
      delete attrs['exception.type'];
      delete attrs['exception.message'];
      delete attrs['exception.stacktrace'];
    }
    if (Object.keys(attrs).length > 0) {
      li.appendChild(renderJson(attrs, { openDepth: 1 }));
    }
    ol.appendChild(li);
  }
  return ol;
}
