/**
 * ARIA tabs (WAI-ARIA "tabs with manual activation" pattern, simplified to
 * automatic activation): a `tablist` of `tab` buttons and one `tabpanel`.
 * ←/→/Home/End move between tabs; only the chosen tab's body is built
 * (a 10 MB attribute costs nothing until its tab is opened).
 */
import { el } from '../common/dom';

export interface TabSpec {
  /** Stable id ("chat", "io", "attributes", "events"): the view remembers the chosen one. */
  id: string;
  label: string;
  /** Builds the tab's content on demand. */
  build: () => HTMLElement;
}

let nextTabsId = 0;

/**
 * A tab strip and its panel. `chosen` is the tab to open (the first when it
 * is not offered); `onChange` hears the user's choice.
 */
export function renderTabs(tabs: TabSpec[], chosen: string | null, onChange: (id: string) => void): HTMLElement {
  const root = el('div', 'nbtrace-tabs');
  const prefix = `nbtrace-tab-${++nextTabsId}`;
  const list = el('div', 'nbtrace-tablist');
  list.setAttribute('role', 'tablist');
  list.setAttribute('aria-label', 'Span details');
  const panel = el('div', 'nbtrace-tabpanel');
  panel.setAttribute('role', 'tabpanel');
  panel.tabIndex = 0;
  const buttons: HTMLButtonElement[] = [];

  const open = (index: number, focus: boolean): void => {
    buttons.forEach((b, i) => {
      const selected = i === index;
      b.setAttribute('aria-selected', String(selected));
      b.tabIndex = selected ? 0 : -1;
    });
    panel.setAttribute('aria-labelledby', buttons[index].id);
    panel.dataset.tab = tabs[index].id;
    panel.replaceChildren(tabs[index].build());
    if (focus) {
      buttons[index].focus();
    }
  };

  tabs.forEach((tab, i) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'nbtrace-tab';
    b.id = `${prefix}-${tab.id}`;
    b.setAttribute('role', 'tab');
    b.setAttribute('aria-controls', `${prefix}-panel`);
    b.dataset.tab = tab.id;
    b.textContent = tab.label;
    b.addEventListener('click', () => {
      open(i, false);
      onChange(tab.id);
    });
    b.addEventListener('keydown', (event: KeyboardEvent) => {
      const last = tabs.length - 1;
      const to =
        event.key === 'ArrowRight' ? (i === last ? 0 : i + 1)
        : event.key === 'ArrowLeft' ? (i === 0 ? last : i - 1)
        : event.key === 'Home' ? 0
        : event.key === 'End' ? last
        : -1;
      if (to >= 0) {
        event.preventDefault();
        event.stopPropagation(); // the notebook must not take the arrow keys
        open(to, true);
        onChange(tabs[to].id);
      }
    });
    buttons.push(b);
    list.appendChild(b);
  });
  panel.id = `${prefix}-panel`;
  root.appendChild(list);
  root.appendChild(panel);
  if (tabs.length > 0) {
    const index = Math.max(0, tabs.findIndex(t => t.id === chosen));
    open(index, false);
  }
  return root;
}
